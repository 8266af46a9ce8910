using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Validation;

/// <summary>The outcome of validating one document or one tool.</summary>
/// <param name="File">The file (or source name) validated; null for a tool built in code.</param>
/// <param name="Findings">Every error and warning, in document order.</param>
public sealed record ValidationReport(string? File, IReadOnlyList<ValidationFinding> Findings)
{
    /// <summary>The shape the document was recognised as (null for a tool built in code).</summary>
    public ToolFileShape? Shape { get; init; }

    /// <summary>Whether there is no error (warnings allowed).</summary>
    public bool IsValid => !Findings.Any(f => f.IsError);

    /// <summary>The errors.</summary>
    public IReadOnlyList<ValidationFinding> Errors => [.. Findings.Where(f => f.IsError)];

    /// <summary>The warnings.</summary>
    public IReadOnlyList<ValidationFinding> Warnings => [.. Findings.Where(f => !f.IsError)];
}
