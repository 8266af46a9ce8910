namespace OpsConductor.ToolCatalog.Findings;

/// <summary>How serious a <see cref="ValidationFinding"/> is.</summary>
public enum ValidationSeverity
{
    /// <summary>The document is invalid: it must not be imported.</summary>
    Error,

    /// <summary>The document is accepted, but something is unusual or missing and should be looked at.</summary>
    Warning,
}
