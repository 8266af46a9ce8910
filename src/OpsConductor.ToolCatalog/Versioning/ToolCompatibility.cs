using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Versioning;

/// <summary>What kind of difference between two versions of a tool a <see cref="CompatibilityChange"/> is.</summary>
public enum CompatibilityChangeKind
{
    /// <summary>A capability of the previous version is gone (breaking).</summary>
    CapabilityRemoved,

    /// <summary>A pattern of a kept capability is gone (breaking).</summary>
    PatternRemoved,

    /// <summary>A pattern requires an input it did not know before (breaking).</summary>
    RequiredInputAdded,

    /// <summary>An optional input of a pattern became required (breaking).</summary>
    InputBecameRequired,

    /// <summary>An input of a pattern changed its type (breaking).</summary>
    InputTypeChanged,

    /// <summary>An expected output of a pattern is gone (breaking).</summary>
    OutputRemoved,

    /// <summary>An expected output of a pattern was renamed: one output gone and one of the same type added (breaking).</summary>
    OutputRenamed,

    /// <summary>An expected output of a pattern changed its type (breaking).</summary>
    OutputTypeChanged,

    /// <summary>A capability was added (compatible).</summary>
    CapabilityAdded,

    /// <summary>A pattern was added to a kept capability (compatible).</summary>
    PatternAdded,

    /// <summary>A pattern takes a new optional input (compatible).</summary>
    OptionalInputAdded,

    /// <summary>A required input of a pattern became optional (compatible).</summary>
    InputBecameOptional,

    /// <summary>An input of a pattern is gone; callers that still send it are not refused (compatible).</summary>
    InputRemoved,

    /// <summary>A pattern has a new expected output (compatible).</summary>
    OutputAdded,
}

/// <summary>One difference between two versions of a tool, with whether it breaks the tool's callers.</summary>
/// <param name="Kind">What changed.</param>
/// <param name="Path">Where, as a dotted field path (<c>capabilities.text_search.patterns.grep.required_inputs.pattern</c>).</param>
/// <param name="Message">What changed, in words.</param>
public sealed record CompatibilityChange(CompatibilityChangeKind Kind, string Path, string Message)
{
    /// <summary>Whether the change breaks callers of the previous version.</summary>
    public bool IsBreaking => Kind < CompatibilityChangeKind.CapabilityAdded;
}

/// <summary>The compatibility of a new version of a tool with the version it replaces.</summary>
/// <param name="ToolName">The tool.</param>
/// <param name="PreviousVersion">The version replaced.</param>
/// <param name="Version">The new version.</param>
/// <param name="Changes">Every difference found in capabilities, patterns, inputs and outputs, breaking ones first.</param>
public sealed record ToolCompatibilityReport(string ToolName, string PreviousVersion, string Version, IReadOnlyList<CompatibilityChange> Changes)
{
    /// <summary>Whether any change breaks callers of the previous version.</summary>
    public bool IsBreaking => Changes.Any(c => c.IsBreaking);

    /// <summary>The breaking changes.</summary>
    public IReadOnlyList<CompatibilityChange> BreakingChanges => [.. Changes.Where(c => c.IsBreaking)];

    /// <summary><c>breaking</c> or <c>compatible</c>, as the API and the audit log spell it.</summary>
    public string Verdict => IsBreaking ? "breaking" : "compatible";
}

/// <summary>
/// Decides whether a new version of a tool is compatible with the one it replaces, as schema registries do for message
/// schemas: what callers of the previous version rely on must still be there. Breaking: a removed capability or pattern,
/// an input a pattern newly requires (new, or optional before), an input or output whose type changed, a removed or
/// renamed expected output. Compatible: anything added, an input made optional or removed. Descriptions, estimates,
/// scores, policies and metadata do not affect the verdict. Names compare ordinally, as the catalog's names do.
/// </summary>
public static class ToolCompatibility
{
    /// <summary>Compares <paramref name="next"/> with <paramref name="previous"/>, the version it replaces.</summary>
    public static ToolCompatibilityReport Compare(ToolDefinition previous, ToolDefinition next)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(next);
        var changes = new List<CompatibilityChange>();
        foreach (var capability in previous.Capabilities)
        {
            var path = "capabilities." + capability.Name;
            if (next.FindCapability(capability.Name) is not { } kept)
            {
                changes.Add(new(CompatibilityChangeKind.CapabilityRemoved, path, $"capability '{capability.Name}' was removed"));
                continue;
            }

            foreach (var pattern in capability.Patterns)
            {
                var patternPath = $"{path}.patterns.{pattern.Name}";
                if (kept.FindPattern(pattern.Name) is { } keptPattern)
                {
                    ComparePattern(pattern, keptPattern, patternPath, changes);
                }
                else
                {
                    changes.Add(new(CompatibilityChangeKind.PatternRemoved, patternPath, $"pattern '{pattern.Name}' of capability '{capability.Name}' was removed"));
                }
            }

            foreach (var pattern in kept.Patterns.Where(p => capability.FindPattern(p.Name) is null))
            {
                changes.Add(new(CompatibilityChangeKind.PatternAdded, $"{path}.patterns.{pattern.Name}", $"pattern '{pattern.Name}' was added to capability '{capability.Name}'"));
            }
        }

        foreach (var capability in next.Capabilities.Where(c => previous.FindCapability(c.Name) is null))
        {
            changes.Add(new(CompatibilityChangeKind.CapabilityAdded, "capabilities." + capability.Name, $"capability '{capability.Name}' was added"));
        }

        return new ToolCompatibilityReport(next.Name, previous.Version, next.Version, [.. changes.OrderBy(c => c.IsBreaking ? 0 : 1)]);
    }

    private static void ComparePattern(PatternDefinition before, PatternDefinition after, string path, List<CompatibilityChange> changes)
    {
        var oldInputs = Inputs(before);
        var newInputs = Inputs(after);
        foreach (var (name, (input, required)) in newInputs)
        {
            var at = $"{path}.inputs.{name}";
            if (!oldInputs.TryGetValue(name, out var old))
            {
                changes.Add(required
                    ? new(CompatibilityChangeKind.RequiredInputAdded, at, $"pattern '{before.Name}' now requires the new input '{name}'")
                    : new(CompatibilityChangeKind.OptionalInputAdded, at, $"pattern '{before.Name}' takes the new optional input '{name}'"));
                continue;
            }

            if (required && !old.Required)
            {
                changes.Add(new(CompatibilityChangeKind.InputBecameRequired, at, $"input '{name}' of pattern '{before.Name}' was optional and is now required"));
            }
            else if (!required && old.Required)
            {
                changes.Add(new(CompatibilityChangeKind.InputBecameOptional, at, $"input '{name}' of pattern '{before.Name}' was required and is now optional"));
            }

            if (!string.Equals(old.Input.Type, input.Type, StringComparison.Ordinal))
            {
                changes.Add(new(CompatibilityChangeKind.InputTypeChanged, at, $"input '{name}' of pattern '{before.Name}' changed type from '{old.Input.Type}' to '{input.Type}'"));
            }
        }

        foreach (var name in oldInputs.Keys.Where(n => !newInputs.ContainsKey(n)))
        {
            changes.Add(new(CompatibilityChangeKind.InputRemoved, $"{path}.inputs.{name}", $"input '{name}' of pattern '{before.Name}' was removed"));
        }

        var oldOutputs = Outputs(before);
        var newOutputs = Outputs(after);
        var removed = oldOutputs.Values.Where(o => !newOutputs.ContainsKey(o.Name)).ToList();
        var added = newOutputs.Values.Where(o => !oldOutputs.ContainsKey(o.Name)).ToList();
        foreach (var output in removed)
        {
            var at = $"{path}.expected_outputs.{output.Name}";
            var renamedTo = removed.Count == added.Count ? added.Where(a => string.Equals(a.Type, output.Type, StringComparison.Ordinal)).ToList() : [];
            if (renamedTo.Count == 1 && removed.Count(r => string.Equals(r.Type, output.Type, StringComparison.Ordinal)) == 1)
            {
                changes.Add(new(CompatibilityChangeKind.OutputRenamed, at, $"output '{output.Name}' of pattern '{before.Name}' was renamed to '{renamedTo[0].Name}'"));
                added.Remove(renamedTo[0]);
            }
            else
            {
                changes.Add(new(CompatibilityChangeKind.OutputRemoved, at, $"output '{output.Name}' of pattern '{before.Name}' was removed"));
            }
        }

        foreach (var output in added)
        {
            changes.Add(new(CompatibilityChangeKind.OutputAdded, $"{path}.expected_outputs.{output.Name}", $"pattern '{before.Name}' has the new output '{output.Name}'"));
        }

        foreach (var (name, output) in newOutputs)
        {
            if (oldOutputs.TryGetValue(name, out var old) && !string.Equals(old.Type, output.Type, StringComparison.Ordinal))
            {
                changes.Add(new(CompatibilityChangeKind.OutputTypeChanged, $"{path}.expected_outputs.{name}", $"output '{name}' of pattern '{before.Name}' changed type from '{old.Type}' to '{output.Type}'"));
            }
        }
    }

    /// <summary>A pattern's inputs by name: required when listed under <c>required_inputs</c> (unless it says
    /// <c>required: false</c>) or when an optional input says <c>required: true</c>. The first of a repeated name wins.</summary>
    private static Dictionary<string, (InputSpec Input, bool Required)> Inputs(PatternDefinition pattern)
    {
        var inputs = new Dictionary<string, (InputSpec, bool)>(StringComparer.Ordinal);
        foreach (var input in pattern.RequiredInputs)
        {
            inputs.TryAdd(input.Name, (input, input.Required ?? true));
        }

        foreach (var input in pattern.OptionalInputs)
        {
            inputs.TryAdd(input.Name, (input, input.Required ?? false));
        }

        return inputs;
    }

    private static Dictionary<string, OutputSpec> Outputs(PatternDefinition pattern)
    {
        var outputs = new Dictionary<string, OutputSpec>(StringComparer.Ordinal);
        foreach (var output in pattern.ExpectedOutputs)
        {
            outputs.TryAdd(output.Name, output);
        }

        return outputs;
    }
}
