using System.Globalization;
using OpsConductor.ToolCatalog.Expressions;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Selection;

/// <summary>
/// Applies the request's and the pattern's policies to one candidate (the original's <c>PolicyEnforcer</c>, plus
/// the pattern-level rules the original never enforced). Hard rules exclude; soft rules set the approval and
/// background hints.
/// </summary>
/// <summary>The request's environment, trimmed, and whether the production-only rules apply in it (computed once per request).</summary>
/// <param name="Name">The environment as the request gave it, trimmed.</param>
/// <param name="ProductionRules">Whether <c>production_safe</c> is required: the request asks for it and the environment is not a known non-production one.</param>
internal readonly record struct RequestEnvironment(string Name, bool ProductionRules);

internal static class PolicyEnforcer
{
    private static readonly string[] ElevatedPermissions = ["admin", "root", "sudo"];

    /// <summary>Returns the exclusion when a hard rule fails, otherwise null and the soft outcome.</summary>
    public static ExcludedCandidate? Check(ToolCandidate candidate, SelectionRequest request, RequestEnvironment environment, ExpressionContext context, SelectionOptions options, out PolicyOutcome outcome)
    {
        var policy = candidate.Policy;
        var enforced = options.PolicyMode == PolicyMode.Enforced;
        List<(ExclusionRule Rule, string Message)>? violations = null;

        // Hard: the request's cost limit (strictly greater), as the original.
        if (request.CostLimit is { } limit && candidate.EstimatedCost > limit)
        {
            Add(ref violations, ExclusionRule.CostLimit, F($"Cost ${candidate.EstimatedCost:0.00} exceeds limit ${limit:0.00}"));
        }

        List<string>? notes = null;
        var requiresApproval = policy.RequiresApproval;
        if (requiresApproval)
        {
            (notes ??= []).Add("policy requires approval");
        }

        var requiresBackground = false;
        if (enforced)
        {
            if (policy.MaxCost is { } maxCost && candidate.EstimatedCost > maxCost)
            {
                Add(ref violations, ExclusionRule.PatternMaxCost, F($"Cost ${candidate.EstimatedCost:0.00} exceeds the pattern's max_cost ${maxCost:0.00}"));
            }

            if (environment.ProductionRules && !policy.ProductionSafe)
            {
                Add(ref violations, ExclusionRule.NotProductionSafe, string.Equals(environment.Name, "production", StringComparison.OrdinalIgnoreCase)
                    ? "Tool not marked as production-safe"
                    : $"Tool not marked as production-safe (environment '{environment.Name}' is not a known non-production environment, so production rules apply)");
            }

            var required = RequiredPermissions(candidate);
            if (required.Count > 0)
            {
                var available = request.Permissions ?? SelectionRequest.DefaultPermissions;
                var missing = required.Where(p => !available.Contains(p)).ToList();
                if (missing.Count > 0)
                {
                    Add(ref violations, ExclusionRule.MissingPermission, "Missing required permissions: " + string.Join(", ", missing));
                }

                if (options.RequireApprovalForElevated && required.Any(p => ElevatedPermissions.Contains(p, StringComparer.Ordinal)))
                {
                    requiresApproval = true;
                    (notes ??= []).Add("elevated permissions (" + string.Join(", ", required.Where(p => ElevatedPermissions.Contains(p, StringComparer.Ordinal))) + ") require approval");
                }
            }

            if (!policy.AllowedEnvironments.IsEmpty && !IsAllowed(policy.AllowedEnvironments.AsSpan(), environment.Name))
            {
                Add(ref violations, ExclusionRule.EnvironmentNotAllowed, $"Tool not allowed in {environment.Name} environment");
            }

            // Soft: background conditions, evaluated with the request's variables.
            if (candidate.Pattern.BackgroundCondition is { } condition)
            {
                if (condition.TryEvaluate(context, out var holds, out var error))
                {
                    if (holds)
                    {
                        requiresBackground = true;
                        (notes ??= []).Add($"requires_background_if '{condition.Text}' holds");
                    }
                }
                else
                {
                    (notes ??= []).Add($"requires_background_if '{condition.Text}' could not be evaluated: {error.Message}");
                }
            }
            else if (policy.RequiresBackgroundIf is { } uncompiled)
            {
                (notes ??= []).Add($"requires_background_if '{uncompiled}' does not compile and was ignored");
            }

            if (policy.MaxNImmediate is { } maxN && context.TryGet("N", out var n) && n > maxN)
            {
                requiresBackground = true;
                (notes ??= []).Add(F($"N = {n} exceeds max_N_immediate {maxN}"));
            }
        }

        outcome = notes is null ? PolicyOutcome.None : new PolicyOutcome(requiresApproval, requiresBackground, notes);
        if (violations is null)
        {
            return null;
        }

        return new ExcludedCandidate(candidate.ToolName, candidate.CapabilityName, candidate.PatternName, violations[0].Rule,
            string.Join("; ", violations.Select(v => v.Message)), null, candidate.EstimatedTimeMs, candidate.EstimatedCost);
    }

    /// <summary>
    /// The permissions a pattern needs: its policy's <c>required_permissions</c> list (an extension key), plus
    /// <c>admin</c> when the tool's metadata says <c>requires_admin: true</c>.
    /// </summary>
    internal static IReadOnlyList<string> RequiredPermissions(ToolCandidate candidate)
    {
        List<string>? required = null;
        if (candidate.Policy.Extensions.TryGetValue("required_permissions", out var listed) && listed.Kind == DataKind.List)
        {
            foreach (var item in listed.AsList())
            {
                if (item.ScalarText() is { } permission)
                {
                    (required ??= []).Add(permission);
                }
            }
        }

        if (candidate.Pattern.Tool.Definition.Metadata.TryGetValue("requires_admin", out var admin) && admin.Kind == DataKind.Boolean && admin.AsBoolean()
            && (required is null || !required.Contains("admin")))
        {
            (required ??= []).Add("admin");
        }

        return required ?? (IReadOnlyList<string>)[];
    }

    /// <summary>Whether <paramref name="environment"/> is among <paramref name="allowed"/>, compared trimmed and case-insensitively.</summary>
    private static bool IsAllowed(ReadOnlySpan<string> allowed, string environment)
    {
        foreach (var name in allowed)
        {
            if (name is not null && name.AsSpan().Trim().Equals(environment, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static void Add(ref List<(ExclusionRule, string)>? violations, ExclusionRule rule, string message) => (violations ??= []).Add((rule, message));

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
