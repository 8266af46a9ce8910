using System.Text.Json;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;

namespace OpsConductor.ToolCatalog.AspNetCore.Http;

/// <summary>
/// What one selection over a snapshot gave: the choice (null when nothing is viable), the whole evaluation (ranking and
/// exclusions) and, when nothing was chosen, why.
/// </summary>
/// <param name="Evaluation">The ranking and the exclusions.</param>
/// <param name="Selected">The choice; null when nothing is viable.</param>
/// <param name="Error">Why nothing could be chosen; null when a candidate was.</param>
internal sealed record SelectionOutcome(SelectionEvaluation Evaluation, ToolSelectionResult? Selected, string? Error);

/// <summary>
/// The one application path of a selection the server serves: <c>POST /api/v1/select</c> and the admin UI's playground
/// both validate the request with <see cref="SelectionRequest.Validate"/>, select through the host's
/// <see cref="ToolSelector"/> over the snapshot, and on "nothing viable" evaluate the same request to show why.
/// This file is compiled into the admin UI as well (linked in its project): one source, no internals shared.
/// </summary>
internal static class SelectionRun
{
    /// <summary>Validates <paramref name="request"/> and selects over <paramref name="snapshot"/>.</summary>
    /// <exception cref="InvalidSelectionRequestException">The request breaks a rule; <see cref="WireField"/> names its field.</exception>
    public static async Task<SelectionOutcome> RunAsync(ToolSelector selector, CatalogSnapshot snapshot, SelectionRequest request, CancellationToken cancellationToken)
    {
        request.Validate();
        try
        {
            var selected = await selector.SelectAsync(snapshot, request, cancellationToken).ConfigureAwait(false);
            return new SelectionOutcome(selected.Evaluation, selected, null);
        }
        catch (ToolSelectionException e)
        {
            return new SelectionOutcome(selector.Evaluate(snapshot, request), null, e.Message);
        }
    }

    /// <summary>An exclusion rule's name as the API spells it: its member name in snake_case (<c>cost_limit</c>, <c>not_production_safe</c>, …).</summary>
    public static string RuleName(ExclusionRule rule) => JsonNamingPolicy.SnakeCaseLower.ConvertName(rule.ToString());

    /// <summary>
    /// A <see cref="InvalidSelectionRequestException.Field"/> as the request body spells it (<c>variables.N</c>,
    /// <c>capabilities[0]</c>, <c>cost_limit</c>, <c>mode</c>, …).
    /// </summary>
    public static string WireField(string field) =>
        field.StartsWith("Variables[\"", StringComparison.Ordinal) && field.EndsWith("\"]", StringComparison.Ordinal) ? "variables." + field[11..^2]
        : field.StartsWith("Capabilities", StringComparison.Ordinal) ? "capabilities" + field["Capabilities".Length..]
        : field.StartsWith("Groups", StringComparison.Ordinal) ? "groups" + field["Groups".Length..]
        : field switch
        {
            "ExplicitMode" => "mode",
            "CostLimit" => "cost_limit",
            "Environment" => "environment",
            "Permissions" => "permissions",
            "Variables" => "variables",
            _ => JsonNamingPolicy.SnakeCaseLower.ConvertName(field),
        };
}
