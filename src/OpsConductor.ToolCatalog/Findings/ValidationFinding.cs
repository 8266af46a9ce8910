using System.Globalization;
using System.Text;

namespace OpsConductor.ToolCatalog.Findings;

/// <summary>
/// One problem found in a tool document: a stable <paramref name="Code"/> (see <see cref="ValidationCodes"/>),
/// a severity, the dotted field path (<c>capabilities.text_search.patterns.search_files.policy</c>; empty for
/// the whole document) and a message that says what is allowed.
/// </summary>
/// <param name="Code">The rule's stable code, e.g. <c>PAT011</c>.</param>
/// <param name="Severity">Error or warning.</param>
/// <param name="Path">The dotted field path; list items are written <c>required_inputs[0]</c>.</param>
/// <param name="Message">What is wrong and what is allowed.</param>
public sealed record ValidationFinding(string Code, ValidationSeverity Severity, string Path, string Message)
{
    /// <summary>The 1-based line the problem is at, when known.</summary>
    public int? Line { get; init; }

    /// <summary>The 1-based column the problem is at, when known.</summary>
    public int? Column { get; init; }

    /// <summary>The file (or other source name) the problem is in, when known.</summary>
    public string? File { get; init; }

    /// <summary>Whether this is an error.</summary>
    public bool IsError => Severity == ValidationSeverity.Error;

    /// <summary>Renders the finding as <c>file:line:col: error CODE path: message</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        if (File is not null)
        {
            text.Append(File);
            if (Line is { } line)
            {
                text.Append(CultureInfo.InvariantCulture, $":{line}");
                if (Column is { } column)
                {
                    text.Append(CultureInfo.InvariantCulture, $":{column}");
                }
            }

            text.Append(": ");
        }

        text.Append(Severity == ValidationSeverity.Error ? "error " : "warning ").Append(Code);
        if (Path.Length > 0)
        {
            text.Append(' ').Append(Path);
        }

        return text.Append(": ").Append(Message).ToString();
    }
}
