namespace OpsConductor.ToolCatalog.Validation;

/// <summary>
/// The values a field may take: <see cref="Allowed"/> values are valid; <see cref="Tolerated"/> values are
/// accepted with a warning (the original corpus, migrate script or generators used them); any other value
/// is an error, or a warning for the free-text vocabularies (accuracy level, freshness, data source).
/// Comparison is exact (case-sensitive), as in the original.
/// </summary>
public sealed class Vocabulary
{
    private readonly HashSet<string> _allowed;
    private readonly HashSet<string> _tolerated;

    /// <summary>Creates a vocabulary.</summary>
    public Vocabulary(IEnumerable<string> allowed, IEnumerable<string>? tolerated = null)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        Allowed = [.. allowed.Distinct(StringComparer.Ordinal)];
        if (Allowed.Count == 0)
        {
            throw new ArgumentException("A vocabulary needs at least one allowed value.", nameof(allowed));
        }

        Tolerated = [.. (tolerated ?? []).Distinct(StringComparer.Ordinal).Except(Allowed, StringComparer.Ordinal)];
        _allowed = new HashSet<string>(Allowed, StringComparer.Ordinal);
        _tolerated = new HashSet<string>(Tolerated, StringComparer.Ordinal);
    }

    /// <summary>The valid values, in the order messages list them.</summary>
    public IReadOnlyList<string> Allowed { get; }

    /// <summary>Values accepted with a warning.</summary>
    public IReadOnlyList<string> Tolerated { get; }

    /// <summary>Whether <paramref name="value"/> is valid.</summary>
    public bool IsAllowed(string value) => _allowed.Contains(value);

    /// <summary>Whether <paramref name="value"/> is accepted with a warning.</summary>
    public bool IsTolerated(string value) => _tolerated.Contains(value);

    /// <summary>Returns a vocabulary that also allows <paramref name="values"/> (removing them from the tolerated ones).</summary>
    public Vocabulary WithAllowed(params IEnumerable<string> values) => new([.. Allowed, .. values], Tolerated);

    /// <summary>The allowed values joined with ", ".</summary>
    public override string ToString() => string.Join(", ", Allowed);
}
