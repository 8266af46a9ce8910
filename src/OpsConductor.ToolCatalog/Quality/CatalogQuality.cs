using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Quality;

/// <summary>
/// The quality score of a catalog by the modelling rules of <c>docs/catalog-guide.md</c> (<c>TOOL029</c> to
/// <c>TOOL037</c>): each tool starts at 100 and loses each rule's weight (<see cref="Weights"/>, 100 in all) in
/// proportion to how much of the tool breaks it: a capability rule loses weight × (capabilities breaking it ÷ the
/// tool's capabilities), a pattern rule weight × (patterns breaking it ÷ the tool's patterns), a tool rule the whole
/// weight. The catalog's score is the mean of its tools' scores. Scores are rounded to one decimal.
/// </summary>
public static class CatalogQuality
{
    /// <summary>The points each rule can take from one tool; they add up to 100.</summary>
    public static IReadOnlyDictionary<string, int> Weights { get; } = new SortedDictionary<string, int>(StringComparer.Ordinal)
    {
        [ValidationCodes.CapabilityGenericName] = 20,
        [ValidationCodes.CapabilityNotInVocabulary] = 5,
        [ValidationCodes.PatternVariableNotProvided] = 15,
        [ValidationCodes.PatternEstimateIgnoresN] = 15,
        [ValidationCodes.PatternSpeedScoreInconsistent] = 10,
        [ValidationCodes.PatternCostScoreInconsistent] = 5,
        [ValidationCodes.PatternMissingUseCases] = 10,
        [ValidationCodes.PatternMissingLimitations] = 10,
        [ValidationCodes.ToolMissingExamples] = 10,
    };

    /// <summary>
    /// Scores <paramref name="tools"/> against <paramref name="conventions"/> (<see cref="CatalogConventions.Default"/>
    /// when null). The preference rules compare the patterns of a capability across all the tools given. A name given
    /// twice keeps its last definition. An empty catalog scores 100.
    /// </summary>
    /// <param name="tools">The tools to score, in the order the report lists them.</param>
    /// <param name="conventions">The vocabularies to check against.</param>
    /// <returns>The catalog's score and each tool's, with the reasons.</returns>
    public static CatalogQualityReport Score(IEnumerable<ToolDefinition> tools, CatalogConventions? conventions = null)
    {
        ArgumentNullException.ThrowIfNull(tools);
        var list = tools.ToList();
        var latest = new Dictionary<string, ToolDefinition>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var tool in list)
        {
            ArgumentNullException.ThrowIfNull(tool, nameof(tools));
            if (latest.TryAdd(tool.Name, tool))
            {
                order.Add(tool.Name);
            }
            else
            {
                latest[tool.Name] = tool;
            }
        }

        var findings = ModellingRules.Check(list, conventions ?? CatalogConventions.Default).ToLookup(f => f.ToolName, StringComparer.Ordinal);
        var scored = order.Select(name => ScoreTool(latest[name], [.. findings[name]])).ToList();
        var score = scored.Count == 0 ? 100 : Math.Round(scored.Average(t => t.Score), 1);
        return new CatalogQualityReport(score, scored);
    }

    private static ToolQuality ScoreTool(ToolDefinition tool, IReadOnlyList<ModellingFinding> findings)
    {
        var capabilities = Math.Max(1, tool.Capabilities.Count);
        var patterns = Math.Max(1, tool.Capabilities.Sum(c => c.Patterns.Count));
        var reasons = new List<QualityReason>(findings.Count);
        foreach (var finding in findings)
        {
            var weight = Weights[finding.Code];
            var points = finding.Level switch
            {
                ModellingLevel.Tool => weight,
                ModellingLevel.Capability => (double)weight / capabilities,
                _ => (double)weight / patterns / findings.Count(f => f.Code == finding.Code && f.Capability == finding.Capability && f.Pattern == finding.Pattern),
            };
            reasons.Add(new QualityReason(finding.Code, finding.Path, finding.Message, Math.Round(points, 2)));
        }

        var lost = findings.Count == 0 ? 0 : reasons.Sum(r => r.Points);
        return new ToolQuality(tool.Name, Math.Round(Math.Clamp(100 - lost, 0, 100), 1), reasons);
    }
}

/// <summary>The quality of a catalog: its score (the mean of its tools') and each tool's.</summary>
/// <param name="Score">0 to 100, one decimal.</param>
/// <param name="Tools">Each tool's score and reasons, in the order given.</param>
public sealed record CatalogQualityReport(double Score, IReadOnlyList<ToolQuality> Tools);

/// <summary>One tool's quality.</summary>
/// <param name="Name">The tool's name.</param>
/// <param name="Score">0 to 100, one decimal: 100 minus the points of its reasons.</param>
/// <param name="Reasons">Why it lost points, one per finding.</param>
public sealed record ToolQuality(string Name, double Score, IReadOnlyList<QualityReason> Reasons);

/// <summary>One reason a tool lost points.</summary>
/// <param name="Code">The modelling rule's code (<c>TOOL029</c> to <c>TOOL037</c>, see <see cref="ValidationCodes"/>).</param>
/// <param name="Place">The field path inside the tool (<c>capabilities.service_restart.patterns.rolling.time_estimate_ms</c>).</param>
/// <param name="Message">What is wrong and what the guide asks for.</param>
/// <param name="Points">The points it takes from the tool's score (two decimals).</param>
public sealed record QualityReason(string Code, string Place, string Message, double Points);
