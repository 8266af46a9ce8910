namespace OpsConductor.ToolCatalog.Selection;

/// <summary>
/// Selection found nothing to choose: no candidate for the capabilities ("No viable tools found for capabilities:
/// …") or every candidate violates a policy ("All candidates violate policies. Violations: …"). The messages start as
/// the original's did and go on to say what excluded each pattern (tool, capability, pattern and reason);
/// <see cref="Excluded"/> holds the same as data. A request that is wrong in itself is refused before selection with
/// <see cref="InvalidSelectionRequestException"/> instead.
/// </summary>
public sealed class ToolSelectionException : ToolCatalogException
{
    /// <summary>Creates the exception.</summary>
    public ToolSelectionException(string message, IReadOnlyList<ExcludedCandidate> excluded)
        : base(message) => Excluded = excluded;

    /// <summary>Creates the exception with no exclusions.</summary>
    public ToolSelectionException()
        : this("Tool selection failed.", [])
    {
    }

    /// <summary>Creates the exception with no exclusions.</summary>
    public ToolSelectionException(string message)
        : this(message, [])
    {
    }

    /// <summary>Creates the exception with an inner exception and no exclusions.</summary>
    public ToolSelectionException(string message, Exception innerException)
        : base(message, innerException) => Excluded = [];

    /// <summary>Every pattern left out, and why.</summary>
    public IReadOnlyList<ExcludedCandidate> Excluded { get; }

    /// <summary>Whether every candidate was refused by policy (rather than none existing).</summary>
    public bool AllViolatePolicies => Message.StartsWith("All candidates violate policies", StringComparison.Ordinal);
}
