using System.Globalization;
using OpsConductor.ToolCatalog.Experiments;

namespace OpsConductor.ToolCatalog.Admin.Catalog;

/// <summary>
/// The experiment page's create form, as text fields (what the inputs bind), turned into the
/// <see cref="ExperimentDefinition"/> the API's create builds: the same fields, defaults and validation.
/// </summary>
internal sealed class ExperimentForm
{
    public string Name { get; set; } = "";

    public string Tool { get; set; } = "";

    public string VersionA { get; set; } = "";

    public string VersionB { get; set; } = "";

    /// <summary>The share of keys given arm B, 0 to 1 (the API's <c>split</c>).</summary>
    public string Split { get; set; } = "0.5";

    /// <summary>Target environments, separated by commas; empty for all.</summary>
    public string Environments { get; set; } = "";

    /// <summary>Target users and groups, separated by commas; empty for everyone.</summary>
    public string Users { get; set; } = "";

    /// <summary><c>success</c> or <c>time</c>.</summary>
    public string Metric { get; set; } = "success";

    /// <summary>The guardrails as the API takes them: a JSON array.</summary>
    public string Guardrails { get; set; } = "[]";

    public string MinimumSamples { get; set; } = "100";

    public bool AutoPromote { get; set; }

    public string Description { get; set; } = "";

    /// <summary>The definition, or the problems (each "field: rule") when the form breaks a rule; nothing is written either way.</summary>
    public (ExperimentDefinition? Definition, IReadOnlyList<string> Problems) ToDefinition()
    {
        var problems = new List<string>();
        foreach (var (field, value) in new[] { ("name", Name), ("tool", Tool), ("a", VersionA), ("b", VersionB) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                problems.Add($"{field}: required.");
            }
        }

        if (!double.TryParse(Split.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var split))
        {
            problems.Add($"split: '{Split}' is not a number; give the share of arm b from 0 to 1, such as 0.5.");
        }

        if (!int.TryParse(MinimumSamples.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var minimum))
        {
            problems.Add($"min_samples: '{MinimumSamples}' is not a whole number.");
        }

        if (Metric is not ("success" or "time"))
        {
            problems.Add($"metric: '{Metric}' is not a metric; allowed: success, time.");
        }

        if (problems.Count > 0)
        {
            return (null, problems);
        }

        var definition = new ExperimentDefinition
        {
            Name = Name.Trim(),
            Description = string.IsNullOrWhiteSpace(Description) ? null : Description.Trim(),
            Tool = Tool.Trim(),
            VersionA = VersionA.Trim(),
            VersionB = VersionB.Trim(),
            Split = split,
            Environments = List(Environments),
            Users = List(Users),
            Metric = Metric == "time" ? ExperimentMetric.Time : ExperimentMetric.Success,
            Guardrails = string.IsNullOrWhiteSpace(Guardrails) ? "[]" : Guardrails.Trim(),
            MinimumSampleSize = minimum,
            AutoPromote = AutoPromote,
        };
        var rules = definition.Validate();
        return rules.Count > 0 ? (null, rules) : (definition, []);
    }

    private static string[] List(string text) =>
        [.. text.Split([',', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
