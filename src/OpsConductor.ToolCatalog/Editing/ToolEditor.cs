using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Editing;

/// <summary>One <c>path=value</c> assignment of a field edit, such as <c>policy.requires_approval=true</c>.</summary>
/// <param name="Path">The dotted field path in the canonical YAML format (see <see cref="ToolEditor"/>).</param>
/// <param name="Value">The new value as YAML text: <c>true</c>, <c>5</c>, <c>ops</c>, <c>"0.5"</c> (a string), <c>[a, b]</c>.</param>
public sealed record FieldAssignment(string Path, string Value)
{
    /// <summary>Parses <c>path=value</c> (the first <c>=</c> splits them).</summary>
    /// <exception cref="FormatException">There is no <c>=</c>, or the path is empty.</exception>
    public static FieldAssignment Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var at = text.IndexOf('=', StringComparison.Ordinal);
        if (at <= 0)
        {
            throw new FormatException($"'{text}' is not path=value (for example policy.requires_approval=true or metadata.owner=ops).");
        }

        return new FieldAssignment(text[..at].Trim(), text[(at + 1)..]);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Path}={Value}";
}

/// <summary>One field a <see cref="ToolEditor"/> edit changed.</summary>
/// <param name="Path">The concrete field path (wildcards resolved), such as <c>capabilities.service_control.patterns.stop_service.policy.requires_approval</c>.</param>
/// <param name="OldValue">The old value as YAML flow text, or null when the field was absent.</param>
/// <param name="NewValue">The new value as YAML flow text.</param>
public sealed record FieldChange(string Path, string? OldValue, string NewValue)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}: {OldValue ?? "(absent)"} -> {NewValue}";
}

/// <summary>The result of editing one tool.</summary>
/// <param name="Original">The tool before.</param>
/// <param name="Updated">The tool after (same name and version; the caller gives it a new version to publish).</param>
/// <param name="Changes">Every field that changed; empty when the edit changes nothing.</param>
public sealed record ToolEdit(ToolDefinition Original, ToolDefinition Updated, IReadOnlyList<FieldChange> Changes)
{
    /// <summary>Whether anything changed.</summary>
    public bool Changed => Changes.Count > 0 && Updated != Original;
}

/// <summary>
/// Changes fields of a tool by path, as bulk updates need: <c>policy.requires_approval=true</c>,
/// <c>metadata.owner=ops</c>, <c>defaults.freshness=recent</c>. Works on the canonical YAML form, so every field the
/// format has can be set and the result reads exactly as a file with that value would.
/// </summary>
/// <remarks>
/// <para><b>Paths</b> are dotted keys of the canonical format: <c>description</c>, <c>category</c>,
/// <c>execution_location</c>, <c>defaults.freshness</c>, <c>metadata.owner</c>,
/// <c>capabilities.service_control.patterns.stop_service.policy.max_cost</c>. <c>*</c> matches every key at its level
/// (<c>capabilities.*.patterns.*.scope</c>). A path starting with a pattern field (<c>policy</c>,
/// <c>preference_match</c>, <c>time_estimate_ms</c>, <c>cost_estimate</c>, <c>complexity_score</c>, <c>scope</c>,
/// <c>completeness</c>, <c>typical_use_cases</c>, <c>limitations</c>, <c>required_inputs</c>, <c>optional_inputs</c>,
/// <c>expected_outputs</c>, <c>accuracy_level</c>, <c>freshness</c>, <c>data_source</c>) applies to every pattern of every
/// capability. Missing mappings on the way are created (<c>metadata.owner</c> on a tool without metadata), except
/// capabilities and patterns: a capability or pattern the tool does not have is simply not matched.
/// <c>tool_name</c>, <c>version</c>, <c>status</c> and <c>enabled</c> cannot be set this way.</para>
/// <para><b>Values</b> are YAML: <c>true</c>, <c>5</c>, <c>0.25</c>, <c>null</c>, <c>ops</c> (text), <c>"1.0"</c> (text
/// that would otherwise read as a number), <c>[a, b]</c>, <c>{k: v}</c>.</para>
/// </remarks>
public static partial class ToolEditor
{
    /// <summary>The pattern fields a path may start with: every field of a pattern that is not also a field of the tool
    /// (<c>description</c> and <c>examples</c> are both, so they keep their tool-level meaning).</summary>
    private static readonly FrozenSet<string> PatternFields =
        ToolFields.PatternLevel.Names.Where(name => !ToolFields.ToolLevel.IsField(name)).ToFrozenSet(StringComparer.Ordinal);

    private static readonly Dictionary<string, string> Forbidden = new(StringComparer.Ordinal)
    {
        [ToolFields.ToolName] = "a tool's name cannot be changed by an edit (export it, rename the file's tool_name and import it as a new tool)",
        [ToolFields.Version] = "the version is bumped automatically when an edit is published",
        [ToolFields.Status] = "status is a state of a version: use 'toolcatalog enable|disable|deprecate'",
        [ToolFields.Enabled] = "enabled is a state of a version: use 'toolcatalog enable|disable'",
    };

    /// <summary>Checks a path without applying it; null when usable, else what is wrong and what is allowed.</summary>
    public static string? CheckPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var segments = Expand(path);
        if (segments.Length == 0 || segments.Any(s => s.Length == 0))
        {
            return $"the field path '{path}' has an empty part; write dotted keys such as policy.requires_approval or metadata.owner";
        }

        if (Forbidden.TryGetValue(segments[0], out var why))
        {
            return $"the field path '{path}' cannot be set: {why}";
        }

        if (segments[0] == ToolFields.Capabilities && segments.Length < 2)
        {
            return $"the field path '{path}' would replace every capability; name a field inside one, such as capabilities.*.description";
        }

        return null;
    }

    /// <summary>Applies <paramref name="assignments"/> in order to <paramref name="tool"/>.</summary>
    /// <exception cref="ArgumentException">A path cannot be set (see <see cref="CheckPath"/>) or a value is not YAML.</exception>
    public static ToolEdit Apply(ToolDefinition tool, IReadOnlyList<FieldAssignment> assignments)
    {
        ArgumentNullException.ThrowIfNull(tool);
        ArgumentNullException.ThrowIfNull(assignments);
        YamlNode root = ToolNodeWriter.Build(tool);
        var changes = new List<FieldChange>();
        foreach (var assignment in assignments)
        {
            if (CheckPath(assignment.Path) is { } problem)
            {
                throw new ArgumentException(problem, nameof(assignments));
            }

            var value = ParseValue(assignment);
            root = Set(root, Expand(assignment.Path), 0, value, "", changes);
        }

        var updated = ToolModelReader.ReadTool((YamlMapping)root);
        // Later assignments may undo earlier ones: keep the last change of each concrete path, and only real changes.
        var finalChanges = changes
            .GroupBy(c => c.Path, StringComparer.Ordinal)
            .Select(g => new FieldChange(g.Key, g.First().OldValue, g.Last().NewValue))
            .Where(c => c.OldValue != c.NewValue)
            .ToList();
        return new ToolEdit(tool, updated == tool ? tool : updated, updated == tool ? [] : finalChanges);
    }

    /// <summary>
    /// The version after <paramref name="version"/>: its last number incremented, keeping its width
    /// (<c>1.0</c> → <c>1.1</c>, <c>1.9</c> → <c>1.10</c>, <c>2.0.3</c> → <c>2.0.4</c>, <c>1.09</c> → <c>1.10</c>); a version
    /// that does not end in a number gets <c>.1</c> appended (<c>beta</c> → <c>beta.1</c>). Versions in
    /// <paramref name="taken"/> (every version the tool ever had) are stepped over.
    /// </summary>
    public static string NextVersion(string version, IEnumerable<string>? taken = null)
    {
        ArgumentNullException.ThrowIfNull(version);
        var used = new HashSet<string>(taken ?? [], StringComparer.Ordinal);
        var candidate = version;
        do
        {
            candidate = Increment(candidate);
        }
        while (used.Contains(candidate));

        return candidate;

        static string Increment(string text)
        {
            var match = TrailingNumber().Match(text);
            if (!match.Success)
            {
                return text + ".1";
            }

            var digits = match.Groups["n"].Value;
            var next = (System.Numerics.BigInteger.Parse(digits, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture);
            return match.Groups["head"].Value + next.PadLeft(digits.Length, '0');
        }
    }

    /// <summary>Renders a value as YAML flow text for diffs (<c>true</c>, <c>5</c>, <c>"ops"</c>, <c>[a, b]</c>).</summary>
    internal static string Render(YamlNode node) => node switch
    {
        YamlScalar { IsString: true } s => Quote(s.Text),
        YamlScalar s => s.Text,
        YamlSequence q => "[" + string.Join(", ", q.Items.Select(Render)) + "]",
        YamlMapping m => "{" + string.Join(", ", m.Entries.Select(e => $"{e.Key.Text}: {Render(e.Value)}")) + "}",
        _ => "?",
    };

    private static string[] Expand(string path)
    {
        var segments = path.Trim().Split('.');
        return segments.Length > 0 && PatternFields.Contains(segments[0])
            ? [ToolFields.Capabilities, "*", ToolFields.Patterns, "*", .. segments]
            : segments;
    }

    private static YamlNode ParseValue(FieldAssignment assignment)
    {
        if (string.IsNullOrWhiteSpace(assignment.Value))
        {
            throw new ArgumentException($"'{assignment}' gives no value; write one after '=' (use \"\" for empty text, null to clear the field).");
        }

        var loaded = YamlDocumentLoader.Load(assignment.Value, "--set " + assignment.Path, YamlReadOptions.Default);
        if (loaded.Failed || loaded.Root is null)
        {
            var why = loaded.Findings.FirstOrDefault(f => f.IsError)?.Message ?? "it is not a YAML value";
            throw new ArgumentException($"the value of '{assignment}' cannot be read: {why}. Quote text that holds ': ' or starts with a special character.");
        }

        return loaded.Root;
    }

    private static YamlNode Set(YamlNode node, string[] segments, int index, YamlNode value, string at, List<FieldChange> changes)
    {
        if (node is not YamlMapping mapping)
        {
            return node; // A scalar or list where a mapping belongs: nothing to match (the validator reports the shape).
        }

        var key = segments[index];
        var last = index == segments.Length - 1;
        var entries = mapping.Entries.ToList();
        if (key == "*")
        {
            var changed = false;
            for (var i = 0; i < entries.Count; i++)
            {
                var child = last
                    ? Replace(entries[i].Value, value, Join(at, entries[i].Key.Text), changes)
                    : Set(entries[i].Value, segments, index + 1, value, Join(at, entries[i].Key.Text), changes);
                if (!ReferenceEquals(child, entries[i].Value))
                {
                    entries[i] = entries[i] with { Value = child };
                    changed = true;
                }
            }

            return changed ? new YamlMapping(entries, mapping.Start) : mapping;
        }

        var position = entries.FindIndex(e => e.Key.Text == key);
        YamlNode? current = position >= 0 ? entries[position].Value : null;
        YamlNode updated;
        if (last)
        {
            updated = Replace(current, value, Join(at, key), changes);
        }
        else if (current is null)
        {
            // Never invent a capability or pattern: a name the tool lacks simply does not match.
            if (IsNamedCollection(segments, index))
            {
                return mapping;
            }

            updated = Set(new YamlMapping([], default), segments, index + 1, value, Join(at, key), changes);
            if (updated is YamlMapping { Count: 0 })
            {
                return mapping;
            }
        }
        else
        {
            updated = Set(current, segments, index + 1, value, Join(at, key), changes);
        }

        if (ReferenceEquals(updated, current))
        {
            return mapping;
        }

        var entry = new YamlEntry(YamlScalar.String(key, default, YamlScalarStyle.Plain), updated);
        if (position >= 0)
        {
            entries[position] = entries[position] with { Value = updated };
        }
        else
        {
            entries.Add(entry);
        }

        return new YamlMapping(entries, mapping.Start);
    }

    /// <summary>Whether <c>segments[index]</c> names a capability (under <c>capabilities</c>) or a pattern (under <c>patterns</c>).</summary>
    private static bool IsNamedCollection(string[] segments, int index) =>
        (index == 1 && segments[0] == ToolFields.Capabilities) || (index == 3 && segments[0] == ToolFields.Capabilities && segments[2] == ToolFields.Patterns);

    private static YamlNode Replace(YamlNode? current, YamlNode value, string path, List<FieldChange> changes)
    {
        var oldText = current is null ? null : Render(current);
        var newText = Render(value);
        if (current is not null && SameValue(current, value))
        {
            return current;
        }

        changes.Add(new FieldChange(path, oldText, newText));
        return value;
    }

    private static bool SameValue(YamlNode a, YamlNode b) => (a, b) switch
    {
        (YamlScalar x, YamlScalar y) when x.IsNumber && y.IsNumber => x.AsDouble().Equals(y.AsDouble()),
        (YamlScalar x, YamlScalar y) => x.Kind == y.Kind && x.Text == y.Text,
        _ => Render(a) == Render(b),
    };

    private static string Join(string at, string key) => at.Length == 0 ? key : at + "." + key;

    private static string Quote(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                _ => c.ToString(),
            });
        }

        return builder.Append('"').ToString();
    }

    [GeneratedRegex(@"^(?<head>.*?)(?<n>\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex TrailingNumber();
}
