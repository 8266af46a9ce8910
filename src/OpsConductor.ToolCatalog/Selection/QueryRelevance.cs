using System.Globalization;
using System.Text;

namespace OpsConductor.ToolCatalog.Selection;

/// <summary>
/// What the request's query did in a selection (decision 1801): the terms the catalog knows and those it does not, and,
/// for a query-only request (no capability), which capabilities the search matched and why.
/// </summary>
public sealed class QueryRelevance
{
    internal QueryRelevance(string query, IReadOnlyList<string> terms, IReadOnlyList<string> unknownTerms, bool isQueryOnly,
        IReadOnlyList<CapabilityMatch> matched, double threshold, double bestScore)
    {
        Query = query;
        Terms = terms;
        UnknownTerms = unknownTerms;
        IsQueryOnly = isQueryOnly;
        MatchedCapabilities = matched;
        Threshold = threshold;
        BestScore = bestScore;
    }

    /// <summary>The request's query.</summary>
    public string Query { get; }

    /// <summary>The query's distinct terms (lower-cased, stemmed, stop words removed) that some pattern contains.</summary>
    public IReadOnlyList<string> Terms { get; }

    /// <summary>The query's terms no pattern contains (they match nothing).</summary>
    public IReadOnlyList<string> UnknownTerms { get; }

    /// <summary>Whether the request named no capability, so the query chose the capabilities.</summary>
    public bool IsQueryOnly { get; }

    /// <summary>For a query-only request, the capabilities searched, best match first; empty otherwise, or when nothing matched.</summary>
    public IReadOnlyList<CapabilityMatch> MatchedCapabilities { get; }

    /// <summary>For a query-only request, the BM25 score a capability's best pattern needed (the larger of the ratio to the best and the floor); 0 otherwise.</summary>
    public double Threshold { get; }

    /// <summary>For a query-only request, the best pattern's BM25 score in the catalog; 0 otherwise.</summary>
    public double BestScore { get; }

    /// <summary>One line per fact: the terms, and for a query-only request the capabilities it matched and why.</summary>
    public string Explain()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Query \"{Query}\": terms {(Terms.Count == 0 ? "(none the catalog knows)" : string.Join(", ", Terms))}");
        if (UnknownTerms.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"; not in the catalog: {string.Join(", ", UnknownTerms)}");
        }

        text.AppendLine(".");
        if (IsQueryOnly)
        {
            if (MatchedCapabilities.Count == 0)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"No capability matches the query well enough (best BM25 {BestScore:0.00}, needed {Threshold:0.00}).");
            }
            else
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"No capability named: searched the catalog by the query; matched (BM25 ≥ {Threshold:0.00}, the best being {BestScore:0.00}):");
                foreach (var match in MatchedCapabilities)
                {
                    text.AppendLine(CultureInfo.InvariantCulture, $"  - {match}");
                }
            }
        }

        return text.ToString();
    }
}

/// <summary>A capability a query-only request matched.</summary>
/// <param name="Capability">The capability's name.</param>
/// <param name="BestPattern">Its best-matching pattern, as <c>tool.pattern</c>.</param>
/// <param name="Score">That pattern's BM25 score.</param>
/// <param name="MatchedTerms">The query terms that pattern's text contains.</param>
public sealed record CapabilityMatch(string Capability, string BestPattern, double Score, IReadOnlyList<string> MatchedTerms)
{
    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Capability}: {BestPattern} BM25 {Score:0.00} on {string.Join(", ", MatchedTerms)}");
}
