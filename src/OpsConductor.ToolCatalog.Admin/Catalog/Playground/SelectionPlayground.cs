using System.Globalization;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;

namespace OpsConductor.ToolCatalog.Admin.Catalog.Playground;

/// <summary>One name=value row of the playground's variables.</summary>
internal sealed class VariableRow
{
    public string Name { get; set; } = "";

    public string Value { get; set; } = "";
}

/// <summary>What the playground's form holds, as typed (text; parsed by <see cref="SelectionPlayground.Build"/>).</summary>
internal sealed class PlaygroundForm
{
    /// <summary>The required capabilities, separated by commas or white space.</summary>
    public string Capabilities { get; set; } = "";

    public List<VariableRow> Variables { get; } = [new()];

    public string Environment { get; set; } = "production";

    public bool RequireProductionSafe { get; set; } = true;

    /// <summary>A preference mode (<see cref="PreferenceModeNames.All"/>), or empty to detect it from the query.</summary>
    public string Mode { get; set; } = "";

    public string Query { get; set; } = "";

    /// <summary>The cost limit as typed; empty for none.</summary>
    public string CostLimit { get; set; } = "";

    public string AssignmentKey { get; set; } = "";

    public string User { get; set; } = "";
}

/// <summary>
/// A form turned into a request: the request when every field is valid, else the errors by field as
/// <c>POST /api/v1/select</c> names them (<c>capabilities</c>, <c>variables.N</c>, <c>variables[2]</c> for a row with no
/// name, <c>cost_limit</c>, <c>environment</c>, <c>mode</c>, <c>assignment_key</c>, <c>user</c>).
/// </summary>
internal sealed record PlaygroundBuild(SelectionRequest? Request, IReadOnlyDictionary<string, string> Errors)
{
    /// <summary>The error of <paramref name="field"/> or of any field below it (<c>variables</c> → <c>variables.N</c>); null when none.</summary>
    public string? ErrorAt(string field) =>
        Errors.TryGetValue(field, out var error) ? error
        : Errors.FirstOrDefault(e => e.Key.StartsWith(field + "[", StringComparison.Ordinal)).Value;
}

/// <summary>One feature of a candidate's score: its value, its weight in the mode, and what it adds.</summary>
internal sealed record FeatureView(string Feature, double Value, double Weight, double Contribution);

/// <summary>One ranked candidate as the playground shows it.</summary>
internal sealed record CandidateView(
    int Rank,
    string Tool,
    string Capability,
    string Pattern,
    double Score,
    double EstimatedTimeMs,
    double EstimatedCost,
    string ExecutionMode,
    string SlaClass,
    IReadOnlyList<FeatureView> Features,
    IReadOnlyList<string> Notes,
    bool IsChosen);

/// <summary>One pattern left out, with the rule (as the API names it) and the reason a person reads.</summary>
internal sealed record ExclusionView(string Tool, string Capability, string Pattern, string Rule, string Reason);

/// <summary>What the playground shows for a request: the choice, the explained ranking and every exclusion.</summary>
internal sealed record PlaygroundView(
    long Revision,
    string Mode,
    IReadOnlyList<KeyValuePair<string, double>> Weights,
    string? Chosen,
    string? Justification,
    string? Error,
    IReadOnlyList<CandidateView> Ranked,
    IReadOnlyList<ExclusionView> Excluded);

/// <summary>
/// The selection playground's logic: form → request (the API's validation, errors at the field that caused them),
/// request → selection through the API's own path (<see cref="ToolSelector.SelectOrEvaluateAsync"/>: the host's selector over the runtime
/// snapshot), selection → the view with every score feature and weight and every exclusion's reason.
/// </summary>
internal static class SelectionPlayground
{
    private static readonly char[] Separators = [',', ' ', '\t', '\r', '\n'];

    /// <summary>The request the form describes, or the errors by field (nothing is selected then).</summary>
    public static PlaygroundBuild Build(PlaygroundForm form)
    {
        ArgumentNullException.ThrowIfNull(form);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);

        double? costLimit = null;
        if (!string.IsNullOrWhiteSpace(form.CostLimit))
        {
            if (double.TryParse(form.CostLimit.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var limit))
            {
                costLimit = limit;
            }
            else
            {
                errors["cost_limit"] = $"'{form.CostLimit}' is not a number: give a cost limit such as 0.5, or leave it empty for no limit.";
            }
        }

        var variables = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < form.Variables.Count; i++)
        {
            var row = form.Variables[i];
            var name = row.Name.Trim();
            var text = row.Value.Trim();
            if (name.Length == 0 && text.Length == 0)
            {
                continue;
            }

            var field = VariableField(i, row);
            if (name.Length == 0)
            {
                errors[field] = $"Variable row {i + 1} has the value '{text}' but no name: name it (such as N or pages) or clear the row.";
            }
            else if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                errors[field] = $"Variable '{name}' = '{text}': a variable's value must be a number (such as 1000 or 2.5).";
            }
            else if (!variables.TryAdd(name, value))
            {
                errors[field] = $"Variable '{name}' is given twice: keep one row for it.";
            }
        }

        var request = new SelectionRequest
        {
            Capabilities = [.. form.Capabilities.Split(Separators, StringSplitOptions.RemoveEmptyEntries)],
            Query = string.IsNullOrWhiteSpace(form.Query) ? null : form.Query,
            ExplicitMode = string.IsNullOrEmpty(form.Mode) ? null : form.Mode,
            Variables = variables,
            CostLimit = costLimit,
            Environment = form.Environment.Trim(),
            RequireProductionSafe = form.RequireProductionSafe,
            AssignmentKey = string.IsNullOrWhiteSpace(form.AssignmentKey) ? null : form.AssignmentKey.Trim(),
            User = string.IsNullOrWhiteSpace(form.User) ? null : form.User.Trim(),
        };

        if (errors.Count == 0)
        {
            try
            {
                request.Validate();
            }
            catch (InvalidSelectionRequestException e)
            {
                errors[e.WireField] = $"{e.Value}: {e.Rule}";
            }
        }

        return new PlaygroundBuild(errors.Count == 0 ? request : null, errors);
    }

    /// <summary>The field a variable row's error is shown at: <c>variables.NAME</c>, or <c>variables[i]</c> for a row with no name.</summary>
    public static string VariableField(int index, VariableRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var name = row.Name.Trim();
        return name.Length == 0 ? string.Create(CultureInfo.InvariantCulture, $"variables[{index}]") : "variables." + name;
    }

    /// <summary>Selects as <c>POST /api/v1/select</c> does and explains it.</summary>
    /// <exception cref="InvalidSelectionRequestException">The selector refused the request (a rule it checks against the catalog).</exception>
    public static async Task<PlaygroundView> RunAsync(ToolSelector selector, CatalogSnapshot snapshot, SelectionRequest request, CancellationToken cancellationToken = default)
    {
        var outcome = await selector.SelectOrEvaluateAsync(snapshot, request, cancellationToken);
        return Explain(outcome);
    }

    /// <summary>The view of a selection's outcome: every ranked candidate's features with their weights, every exclusion's rule and reason.</summary>
    public static PlaygroundView Explain(SelectionOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var (evaluation, selected, error) = outcome;
        var chosen = selected?.Winner.Candidate.Key;
        return new PlaygroundView(
            evaluation.Revision,
            evaluation.Mode.ToWire(),
            [.. evaluation.Weights.ToDictionary()],
            chosen,
            selected?.Justification,
            error,
            [.. evaluation.Ranked.Select((r, i) => new CandidateView(
                i + 1,
                r.Candidate.ToolName,
                r.Candidate.CapabilityName,
                r.Candidate.PatternName,
                r.Score,
                r.Candidate.EstimatedTimeMs,
                r.Candidate.EstimatedCost,
                r.ExecutionMode.ToWire(),
                r.SlaClass.ToWire(),
                [.. r.Explain(evaluation.Weights).Select(static c => new FeatureView(c.Feature, c.Value, c.Weight, c.Contribution))],
                r.Policy.Notes,
                IsWinner(r, selected)))],
            [.. evaluation.Excluded.Select(static e => new ExclusionView(e.ToolName, e.CapabilityName, e.PatternName, e.Rule.ToWire(), e.Reason))]);
    }

    private static bool IsWinner(RankedCandidate ranked, ToolSelectionResult? selected) =>
        selected is not null
        && string.Equals(ranked.Candidate.ToolName, selected.ToolName, StringComparison.Ordinal)
        && string.Equals(ranked.Candidate.CapabilityName, selected.CapabilityName, StringComparison.Ordinal)
        && string.Equals(ranked.Candidate.PatternName, selected.PatternName, StringComparison.Ordinal);
}
