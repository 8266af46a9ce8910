using System.Globalization;
using System.Text.Json;

namespace OpsConductor.ToolCatalog.Experiments;

/// <summary>
/// A limit arm B must not break, whatever the primary metric says. Stored in the experiment's guardrails, a JSON array
/// of objects: <c>{"metric": "success", "max_drop": 0.02}</c> (B's success rate may fall at most 2 points below A's)
/// or <c>{"metric": "time", "max_increase": 0.1}</c> (B's typical time, the geometric mean, may be at most 10 % above
/// A's). The tolerance defaults to 0 when left out.
/// </summary>
/// <remarks>
/// A guardrail is breached when the always-valid (sequential) confidence interval shows B worse than A, and B's
/// estimate is worse than A's by more than the tolerance: early looks cannot trip it by chance more often than α.
/// </remarks>
/// <param name="Metric">What it guards.</param>
/// <param name="Tolerance">For success, the largest drop of the success rate allowed (absolute, 0 to 1); for time, the
/// largest rise of the typical time allowed (relative, ≥ 0).</param>
public sealed record Guardrail(ExperimentMetric Metric, double Tolerance)
{
    /// <summary>Reads guardrails from their stored JSON.</summary>
    /// <param name="json">A JSON array of guardrail objects.</param>
    /// <returns>The guardrails.</returns>
    /// <exception cref="ArgumentException">The JSON breaks a rule; the message names the item, the field and the rule.</exception>
    public static IReadOnlyList<Guardrail> Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var list = new List<Guardrail>();
        if (TryParse(json, list) is { } problem)
        {
            throw new ArgumentException($"guardrails: {problem}");
        }

        return list;
    }

    /// <summary>The first rule <paramref name="json"/> breaks ("guardrails[i].field: rule"), or null.</summary>
    internal static string? Problem(string json) => TryParse(json, []);

    private static string? TryParse(string json, List<Guardrail> list)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return $"must be a JSON array of objects; got a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}.";
            }

            var i = 0;
            foreach (var item in document.RootElement.EnumerateArray())
            {
                var where = string.Create(CultureInfo.InvariantCulture, $"[{i++}]");
                if (item.ValueKind != JsonValueKind.Object)
                {
                    return $"{where}: every guardrail must be a JSON object, such as {{\"metric\": \"success\", \"max_drop\": 0.02}} or {{\"metric\": \"time\", \"max_increase\": 0.1}}.";
                }

                if (!item.TryGetProperty("metric", out var metric) || metric.ValueKind != JsonValueKind.String
                    || metric.GetString() is not ("success" or "time"))
                {
                    return $"{where}.metric: required, \"success\" or \"time\".";
                }

                var isTime = metric.GetString() == "time";
                var field = isTime ? "max_increase" : "max_drop";
                double tolerance = 0;
                foreach (var property in item.EnumerateObject())
                {
                    if (property.Name is not ("metric" or "max_drop" or "max_increase"))
                    {
                        return $"{where}.{property.Name}: unknown field (allowed: metric, and max_drop for success or max_increase for time).";
                    }

                    if (property.Name is "max_drop" or "max_increase" && property.Name != field)
                    {
                        return $"{where}.{property.Name}: not for metric {metric.GetString()}; use {field}.";
                    }
                }

                if (item.TryGetProperty(field, out var value))
                {
                    if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out tolerance) || !double.IsFinite(tolerance)
                        || tolerance < 0 || (!isTime && tolerance > 1))
                    {
                        return isTime
                            ? $"{where}.max_increase: must be a number ≥ 0 (a fraction: 0.1 is 10 %)."
                            : $"{where}.max_drop: must be a number from 0 to 1 (a share: 0.02 is 2 points).";
                    }
                }

                list.Add(new Guardrail(isTime ? ExperimentMetric.Time : ExperimentMetric.Success, tolerance));
            }

            return null;
        }
        catch (JsonException e)
        {
            return $"is not valid JSON ({e.Message}).";
        }
    }
}
