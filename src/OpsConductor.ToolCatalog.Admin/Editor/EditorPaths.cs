
namespace OpsConductor.ToolCatalog.Admin.Editor;

/// <summary>
/// The field paths of the editor's form, written as the validator writes its findings' paths
/// (<c>capabilities.text_search.patterns.search_files.time_estimate_ms</c>, <c>…required_inputs[0].name</c>), so a finding
/// is shown at the input it names. The page marks each input with its path (<c>data-field</c>).
/// </summary>
internal static class EditorPaths
{
    public static string Tool(string field) => field;

    public static string Capability(CapabilityDraft capability, string? field = null) =>
        Join($"{"capabilities"}.{capability.Name.Trim()}", field);

    public static string Pattern(CapabilityDraft capability, PatternDraft pattern, string? field = null) =>
        Join($"{Capability(capability)}.{"patterns"}.{pattern.Name.Trim()}", field);

    public static string Item(string list, int index, string? field = null) =>
        Join(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{list}[{index}]"), field);

    /// <summary>Every path the form shows for <paramref name="draft"/>: its fields and the headers of its capabilities,
    /// patterns and list items (where a finding about a whole item is shown).</summary>
    public static IEnumerable<string> All(ToolDraft draft)
    {
        foreach (var field in new[]
                 {
                     "tool_name", "version", "description", "platform", "category", "metadata.tags", "metadata",
                     "execution_location", "defaults", "defaults.accuracy_level", "defaults.freshness", "defaults.data_source", "capabilities", "examples",
                 })
        {
            yield return field;
        }

        for (var e = 0; e < draft.Examples.Count; e++)
        {
            yield return Item("examples", e);
            foreach (var field in new[] { "name", "description", "expected_time_ms", "expected_cost" })
            {
                yield return Item("examples", e, field);
            }
        }

        foreach (var capability in draft.Capabilities)
        {
            yield return Capability(capability);
            yield return Capability(capability, "description");
            yield return Capability(capability, "patterns");
            foreach (var pattern in capability.Patterns)
            {
                yield return Pattern(capability, pattern);
                foreach (var field in PatternFields)
                {
                    yield return Pattern(capability, pattern, field);
                }

                foreach (var (list, count) in new[]
                         {
                             ("required_inputs", pattern.RequiredInputs.Count), ("optional_inputs", pattern.OptionalInputs.Count), ("expected_outputs", pattern.ExpectedOutputs.Count),
                         })
                {
                    for (var i = 0; i < count; i++)
                    {
                        var item = Item(Pattern(capability, pattern, list), i);
                        yield return item;
                        foreach (var field in new[] { "name", "type", "description", "validation" })
                        {
                            yield return Join(item, field);
                        }
                    }
                }
            }
        }
    }

    /// <summary>The pattern fields the form has an input for (and the policy and preference groups).</summary>
    public static readonly string[] PatternFields =
    [
        "description", "typical_use_cases", "time_estimate_ms", "cost_estimate", "complexity_score", "scope", "completeness", "limitations",
        "policy", "policy.max_cost", "policy.requires_approval", "policy.production_safe", "policy.max_execution_time", "policy.requires_background_if",
        "policy.max_N_immediate", "policy.allowed_environments",
        "preference_match", "preference_match.speed", "preference_match.accuracy", "preference_match.cost", "preference_match.complexity", "preference_match.completeness",
        "required_inputs", "optional_inputs", "expected_outputs",
    ];

    private static string Join(string path, string? field) => field is null ? path : path + "." + field;
}
