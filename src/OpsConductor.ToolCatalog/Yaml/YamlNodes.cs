using System.Globalization;

namespace OpsConductor.ToolCatalog.Yaml;

/// <summary>A 1-based line and column in a source file; (0, 0) when the node was built in code.</summary>
internal readonly record struct SourceMark(int Line, int Column)
{
    public static SourceMark None => default;

    public bool IsKnown => Line > 0;

    public override string ToString() => IsKnown ? $"line {Line}, col {Column}" : "(no position)";
}

/// <summary>The presentation style a scalar had in the file (or should have when written).</summary>
internal enum YamlScalarStyle
{
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// <summary>The YAML 1.2 core-schema type a scalar resolved to.</summary>
internal enum ScalarKind
{
    Null,
    Boolean,
    Integer,
    Float,
    String,
}

/// <summary>
/// A node of the immutable document tree the loader builds from parser events: a scalar, a sequence or a
/// mapping, each with the position it started at. A node reached through an alias is the anchored node itself
/// (shared, never copied); <see cref="ExpandedSize"/> counts what it would be if copied out.
/// </summary>
internal abstract class YamlNode
{
    protected YamlNode(SourceMark start, long expandedSize)
    {
        Start = start;
        ExpandedSize = expandedSize;
    }

    public SourceMark Start { get; }

    /// <summary>The number of nodes in this subtree with every alias expanded (saturating).</summary>
    public long ExpandedSize { get; }

    /// <summary>"a string", "a mapping", "the number 3"…: how error messages describe what was found.</summary>
    public abstract string Describe();
}

internal sealed class YamlScalar : YamlNode
{
    /// <summary>The local tag that marks a secret string (<c>token: !secret "…"</c>).</summary>
    public const string SecretTag = "!secret";

    private YamlScalar(string text, YamlScalarStyle style, ScalarKind kind, object? value, SourceMark start, bool isSecret = false)
        : base(start, 1)
    {
        Text = text;
        Style = style;
        Kind = kind;
        Value = value;
        IsSecret = isSecret;
    }

    /// <summary>Whether the scalar carries the <c>!secret</c> tag (it is then a string).</summary>
    public bool IsSecret { get; }

    /// <summary>The scalar's content as written (after unescaping, before type resolution).</summary>
    public string Text { get; }

    public YamlScalarStyle Style { get; }

    public ScalarKind Kind { get; }

    /// <summary>null, <see cref="bool"/>, <see cref="long"/>, <see cref="double"/> or <see cref="string"/>.</summary>
    public object? Value { get; }

    public bool IsNull => Kind == ScalarKind.Null;

    public bool IsString => Kind == ScalarKind.String;

    public bool IsNumber => Kind is ScalarKind.Integer or ScalarKind.Float;

    public bool IsBoolean => Kind == ScalarKind.Boolean;

    public double AsDouble() => Kind switch
    {
        ScalarKind.Integer => (long)Value!,
        ScalarKind.Float => (double)Value!,
        _ => throw new InvalidOperationException($"The scalar is {Describe()}, not a number."),
    };

    public static YamlScalar Create(string text, YamlScalarStyle style, ScalarKind kind, object? value, SourceMark start, bool isSecret = false) =>
        new(text, style, kind, value, start, isSecret);

    /// <summary>A <c>!secret</c> string (double-quoted).</summary>
    public static YamlScalar Secret(string text) => new(text, YamlScalarStyle.DoubleQuoted, ScalarKind.String, text, default, isSecret: true);

    public static YamlScalar String(string text, SourceMark start = default, YamlScalarStyle style = YamlScalarStyle.DoubleQuoted) =>
        new(text, style, ScalarKind.String, text, start);

    public static YamlScalar Null(SourceMark start = default) => new("null", YamlScalarStyle.Plain, ScalarKind.Null, null, start);

    public static YamlScalar Boolean(bool value, SourceMark start = default) =>
        new(value ? "true" : "false", YamlScalarStyle.Plain, ScalarKind.Boolean, value, start);

    public static YamlScalar Integer(long value, SourceMark start = default) =>
        new(value.ToString(CultureInfo.InvariantCulture), YamlScalarStyle.Plain, ScalarKind.Integer, value, start);

    public static YamlScalar Float(double value, SourceMark start = default) =>
        new(Model.DataValue.FormatFloat(value), YamlScalarStyle.Plain, ScalarKind.Float, value, start);

    public override string Describe() => Kind switch
    {
        ScalarKind.Null => "null",
        ScalarKind.Boolean => $"the boolean {Text}",
        ScalarKind.Integer or ScalarKind.Float => $"the number {Text}",
        _ when IsSecret => "a !secret string",
        _ => Style == YamlScalarStyle.Plain ? $"the string '{Shorten(Text)}'" : $"the quoted string '{Shorten(Text)}'",
    };

    private static string Shorten(string text) => text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "...");
}

internal sealed class YamlSequence : YamlNode
{
    public YamlSequence(IReadOnlyList<YamlNode> items, SourceMark start)
        : base(start, Sum(items))
    {
        Items = items;
    }

    public IReadOnlyList<YamlNode> Items { get; }

    public override string Describe() => Items.Count == 0 ? "an empty list" : "a list";

    private static long Sum(IReadOnlyList<YamlNode> items)
    {
        long total = 1;
        foreach (var item in items)
        {
            total = YamlNodeMath.SaturatingAdd(total, item.ExpandedSize);
        }

        return total;
    }
}

/// <summary>One key/value pair of a mapping. Keys are always scalars (the loader refuses others).</summary>
internal sealed record YamlEntry(YamlScalar Key, YamlNode Value);

internal sealed class YamlMapping : YamlNode
{
    private readonly Dictionary<string, YamlEntry> _index;

    public YamlMapping(IReadOnlyList<YamlEntry> entries, SourceMark start)
        : base(start, Sum(entries))
    {
        Entries = entries;
        _index = new Dictionary<string, YamlEntry>(entries.Count, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            // The loader refuses duplicate keys; a mapping built in code keeps the first.
            _index.TryAdd(entry.Key.Text, entry);
        }
    }

    public IReadOnlyList<YamlEntry> Entries { get; }

    public int Count => Entries.Count;

    public bool Contains(string key) => _index.ContainsKey(key);

    public YamlNode? Get(string key) => _index.TryGetValue(key, out var entry) ? entry.Value : null;

    public YamlEntry? GetEntry(string key) => _index.GetValueOrDefault(key);

    public override string Describe() => Entries.Count == 0 ? "an empty mapping" : "a mapping";

    private static long Sum(IReadOnlyList<YamlEntry> entries)
    {
        long total = 1;
        foreach (var entry in entries)
        {
            total = YamlNodeMath.SaturatingAdd(total, YamlNodeMath.SaturatingAdd(1, entry.Value.ExpandedSize));
        }

        return total;
    }
}

internal static class YamlNodeMath
{
    public static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;
}
