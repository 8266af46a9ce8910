using System.Text;

namespace OpsConductor.ToolCatalog.Selection;

/// <summary>Formats values the way the original's messages showed them (Python's <c>repr</c> of a list of strings).</summary>
internal static class PythonRepr
{
    public static string List(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(String)) + "]";

    public static string String(string value)
    {
        var quote = value.Contains('\'', StringComparison.Ordinal) && !value.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var text = new StringBuilder(value.Length + 2).Append(quote);
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': text.Append(@"\\"); break;
                case '\n': text.Append(@"\n"); break;
                case '\r': text.Append(@"\r"); break;
                case '\t': text.Append(@"\t"); break;
                default:
                    if (c == quote)
                    {
                        text.Append('\\');
                    }

                    text.Append(c);
                    break;
            }
        }

        return text.Append(quote).ToString();
    }
}
