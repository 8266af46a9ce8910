using System.Globalization;
using System.Text.RegularExpressions;
using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Validation;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace OpsConductor.ToolCatalog.Yaml;

/// <summary>The outcome of loading one YAML text: the root node (null when empty or when loading failed) and what was found.</summary>
internal sealed record YamlLoadResult(YamlNode? Root, IReadOnlyList<ValidationFinding> Findings)
{
    public bool Failed => Findings.Any(f => f.IsError);
}

/// <summary>
/// Builds the immutable node tree from YamlDotNet's low-level event parser, never from its object model or
/// deserializer. Nesting is tracked on an explicit stack (no recursion) and the parse stops at the first
/// node deeper than the limit, which also bounds the scanner's look-ahead work. Aliases are shared, never
/// copied, and their expanded size is counted against <see cref="YamlReadOptions.MaxNodes"/>.
/// </summary>
internal sealed partial class YamlDocumentLoader
{
    private readonly YamlReadOptions _options;
    private readonly string _source;
    private readonly List<ValidationFinding> _findings = [];
    private readonly Stack<Frame> _stack = new();
    private readonly Dictionary<string, YamlNode> _anchors = new(StringComparer.Ordinal);
    private YamlNode? _root;
    private long _expandedNodes;
    private int _aliases;
    private int _documents;
    private SourceMark _lastMark = new(1, 1);

    /// <summary>The longest scalar whose text is shared through the pool.</summary>
    private const int PooledLength = 128;

    private readonly Dictionary<string, string> _pool;

    private YamlDocumentLoader(YamlReadOptions options, string source, Dictionary<string, string>? pool)
    {
        _options = options;
        _source = source;
        _pool = pool ?? new(StringComparer.Ordinal);
    }

    /// <summary>Loads <paramref name="text"/>, which must already have passed the size and character checks.</summary>
    /// <param name="text">The YAML.</param>
    /// <param name="source">Where it came from (for findings).</param>
    /// <param name="options">The limits and warnings.</param>
    /// <param name="pool">Short scalar texts already read, shared so equal texts are one string in memory (a tool's
    /// nine patterns repeat the same types, names and phrases; a catalog's tools repeat them again); null for a pool
    /// of this load only.</param>
    public static YamlLoadResult Load(string text, string source, YamlReadOptions options, Dictionary<string, string>? pool = null)
    {
        var loader = new YamlDocumentLoader(options, source, pool);
        var ok = loader.Run(text);
        return new YamlLoadResult(ok ? loader._root : null, loader._findings);
    }

    private bool Run(string text)
    {
        var parser = new Parser(new Scanner(new StringReader(text), skipComments: true));
        try
        {
            while (parser.MoveNext())
            {
                var current = parser.Current!;
                _lastMark = ToMark(current.Start);
                if (!Handle(current))
                {
                    return false;
                }
            }

            return true;
        }
        catch (YamlException e)
        {
            var mark = e.Start.Line > 0 ? ToMark(e.Start) : _lastMark;
            Error(ValidationCodes.YamlSyntax, mark, CurrentPath(), $"the YAML is malformed: {StripMarks(e.Message)}");
            return false;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException
                                      or OverflowException or IndexOutOfRangeException or KeyNotFoundException
                                      or NotSupportedException)
        {
            // YamlDotNet's scanner throws these (not YamlException) on some malformed input, e.g. an unclosed
            // flow sequence followed by a mapping. The input is at fault, not the program: report it.
            Error(ValidationCodes.YamlSyntax, _lastMark, CurrentPath(),
                $"the YAML is malformed after line {_lastMark.Line}, col {_lastMark.Column} (the parser stopped: {e.Message})");
            return false;
        }
    }

    private bool Handle(ParsingEvent current)
    {
        switch (current)
        {
            case DocumentStart:
                _documents++;
                if (_documents > 1)
                {
                    Error(ValidationCodes.MultipleDocuments, _lastMark, "",
                        "the file holds more than one YAML document (a second '---' starts here); a tool file holds exactly one document");
                    return false;
                }

                return true;

            case Scalar scalar:
                return AddScalar(scalar);

            case SequenceStart start:
                return Open(start, isMapping: false);

            case MappingStart start:
                return Open(start, isMapping: true);

            case SequenceEnd or MappingEnd:
                return Close();

            case AnchorAlias alias:
                return AddAlias(alias);

            default:
                return true;
        }
    }

    private bool Open(NodeEvent start, bool isMapping)
    {
        var path = CurrentPath();
        if (_stack.Count + 1 > _options.MaxDepth)
        {
            Error(ValidationCodes.NestingTooDeep, _lastMark, path,
                $"lists and mappings are nested more than {_options.MaxDepth} levels deep here; the limit is {_options.MaxDepth} (a tool file needs about 10)");
            return false;
        }

        if (!start.Tag.IsEmpty && start.Tag.Value == YamlScalar.SecretTag)
        {
            Error(ValidationCodes.SecretMisplaced, _lastMark, path,
                $"the tag !secret is on {(isMapping ? "a mapping" : "a list")}; it marks one string value (a scalar): tag each secret string on its own");
            return false;
        }

        if (!start.Tag.IsEmpty && !IsNonSpecific(start.Tag.Value) && start.Tag.Value != (isMapping ? CoreSchema.MapTag : CoreSchema.SeqTag))
        {
            return TagError(start.Tag.Value, path, isMapping ? "a mapping" : "a list");
        }

        if (!CountNode(1, path))
        {
            return false;
        }

        _stack.Push(new Frame(isMapping, _lastMark, start.Anchor.IsEmpty ? null : start.Anchor.Value, path));
        return true;
    }

    private bool Close()
    {
        var frame = _stack.Pop();
        YamlNode node = frame.IsMapping
            ? new YamlMapping(frame.Entries!, frame.Start)
            : new YamlSequence(frame.Items!, frame.Start);
        if (frame.Anchor is not null)
        {
            _anchors[frame.Anchor] = node;
        }

        return Add(node, frame.Start);
    }

    /// <summary><paramref name="text"/>, or the equal string read before in this pool (short texts only).</summary>
    private string Pooled(string text)
    {
        if (text.Length > PooledLength)
        {
            return text;
        }

        if (_pool.TryGetValue(text, out var pooled))
        {
            return pooled;
        }

        _pool[text] = text;
        return text;
    }

    private bool AddScalar(Scalar scalar)
    {
        var path = CurrentPath();
        if (scalar.Value.Length > _options.MaxScalarLength)
        {
            Error(ValidationCodes.ScalarTooLong, _lastMark, path,
                $"a scalar of {scalar.Value.Length.ToString("N0", CultureInfo.InvariantCulture)} characters starts here; the limit is {_options.MaxScalarLength.ToString("N0", CultureInfo.InvariantCulture)} characters");
            return false;
        }

        if (!CountNode(1, path))
        {
            return false;
        }

        var style = scalar.Style switch
        {
            ScalarStyle.SingleQuoted => YamlScalarStyle.SingleQuoted,
            ScalarStyle.DoubleQuoted => YamlScalarStyle.DoubleQuoted,
            ScalarStyle.Literal => YamlScalarStyle.Literal,
            ScalarStyle.Folded => YamlScalarStyle.Folded,
            _ => YamlScalarStyle.Plain,
        };

        ScalarKind kind;
        object? value;
        var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
        var isSecret = tag == YamlScalar.SecretTag;
        var text = isSecret ? scalar.Value : Pooled(scalar.Value); // a secret's text is never kept in a shared pool
        if (isSecret)
        {
            // A secret is always text, whatever it looks like (!secret 1234 is the string "1234"); where it may stand
            // is the model reader's rule (free-form data only).
            (kind, value) = (ScalarKind.String, text);
        }
        else if (tag is null)
        {
            (kind, value) = style == YamlScalarStyle.Plain ? CoreSchema.ResolvePlain(text) : (ScalarKind.String, text);
            if (style == YamlScalarStyle.Plain && _options.WarnOnYaml11Differences)
            {
                WarnYaml11(text, kind, value, path);
            }
        }
        else if (!TryResolveTagged(tag, text, path, out kind, out value))
        {
            return false;
        }

        var node = YamlScalar.Create(text, style, kind, value, _lastMark, isSecret);
        if (!scalar.Anchor.IsEmpty)
        {
            _anchors[scalar.Anchor.Value] = node;
        }

        return Add(node, _lastMark);
    }

    private bool TryResolveTagged(string tag, string text, string path, out ScalarKind kind, out object? value)
    {
        kind = ScalarKind.String;
        value = text;
        if (IsNonSpecific(tag) || tag == CoreSchema.StrTag)
        {
            return true;
        }

        if (tag is not (CoreSchema.NullTag or CoreSchema.BoolTag or CoreSchema.IntTag or CoreSchema.FloatTag or CoreSchema.SeqTag or CoreSchema.MapTag))
        {
            return TagError(tag, path, "a scalar");
        }

        var ok = tag switch
        {
            CoreSchema.NullTag => CoreSchema.TryNull(text) && Set(ScalarKind.Null, null, out kind, out value),
            CoreSchema.BoolTag => CoreSchema.TryBool(text, out var b) && Set(ScalarKind.Boolean, b, out kind, out value),
            CoreSchema.IntTag => CoreSchema.TryInt(text, out var i) && i.Kind == ScalarKind.Integer && Set(i.Kind, i.Value, out kind, out value),
            CoreSchema.FloatTag => TryFloatLike(text, out var d) && Set(ScalarKind.Float, d, out kind, out value),
            _ => false,
        };

        if (!ok)
        {
            Error(ValidationCodes.TagMismatch, _lastMark, path,
                $"the value '{Shorten(text)}' does not fit its tag {ShortTag(tag)}; write a value of that type or drop the tag");
        }

        return ok;

        static bool Set(ScalarKind k, object? v, out ScalarKind kindOut, out object? valueOut)
        {
            kindOut = k;
            valueOut = v;
            return true;
        }

        static bool TryFloatLike(string t, out double d)
        {
            if (CoreSchema.TryFloat(t, out d))
            {
                return true;
            }

            if (CoreSchema.TryInt(t, out var r) && r.Value is long l)
            {
                d = l;
                return true;
            }

            return false;
        }
    }

    private bool TagError(string tag, string path, string what)
    {
        Error(ValidationCodes.ForbiddenTag, _lastMark, path,
            $"the tag {ShortTag(tag)} on {what} is not allowed; only the YAML 1.2 core-schema tags (!!str, !!int, !!float, !!bool, !!null, !!seq, !!map) and !secret (on a string in free-form data) are, and no object is ever constructed from a tag");
        return false;
    }

    private bool AddAlias(AnchorAlias alias)
    {
        var path = CurrentPath();
        var name = alias.Value.Value;
        foreach (var frame in _stack)
        {
            if (frame.Anchor == name)
            {
                Error(ValidationCodes.UnknownAlias, _lastMark, path,
                    $"the alias *{name} refers to a node that contains it (line {frame.Start.Line}); recursive structures are not allowed");
                return false;
            }
        }

        if (!_anchors.TryGetValue(name, out var target))
        {
            Error(ValidationCodes.UnknownAlias, _lastMark, path,
                $"the alias *{name} refers to no anchor defined before it; define '&{name}' first");
            return false;
        }

        _aliases++;
        if (_aliases > _options.MaxAliases)
        {
            Error(ValidationCodes.AliasLimit, _lastMark, path,
                $"the file uses more than {_options.MaxAliases} aliases; the limit is {_options.MaxAliases}");
            return false;
        }

        if (!CountNode(target.ExpandedSize, path))
        {
            return false;
        }

        return Add(target, _lastMark);
    }

    private bool CountNode(long count, string path)
    {
        _expandedNodes = YamlNodeMath.SaturatingAdd(_expandedNodes, count);
        if (_expandedNodes > _options.MaxNodes)
        {
            Error(ValidationCodes.AliasLimit, _lastMark, path,
                $"the document expands to more than {_options.MaxNodes.ToString("N0", CultureInfo.InvariantCulture)} nodes here (aliases counted as copies); the limit is {_options.MaxNodes.ToString("N0", CultureInfo.InvariantCulture)} (\"billion laughs\" guard)");
            return false;
        }

        return true;
    }

    private bool Add(YamlNode node, SourceMark mark)
    {
        if (_stack.Count == 0)
        {
            _root = node;
            return true;
        }

        var frame = _stack.Peek();
        if (!frame.IsMapping)
        {
            frame.Items!.Add(node);
            return true;
        }

        if (frame.PendingKey is null)
        {
            if (node is not YamlScalar key)
            {
                Error(ValidationCodes.ComplexKey, mark, frame.Path,
                    $"a mapping key here is {node.Describe()}; keys must be plain text");
                return false;
            }

            if (key.IsSecret)
            {
                Error(ValidationCodes.SecretMisplaced, mark, FieldPath.Child(frame.Path, key.Text),
                    "a mapping key is marked !secret; keys are never secret (they name fields): mark the value instead");
                return false;
            }

            if (key.Text == "<<" && key.Style == YamlScalarStyle.Plain)
            {
                Error(ValidationCodes.MergeKey, mark, frame.Path,
                    "the merge key '<<' is YAML 1.1 only and is not supported; write the keys out in full");
                return false;
            }

            if (frame.Keys!.TryGetValue(key.Text, out var first))
            {
                Error(ValidationCodes.DuplicateKey, mark, FieldPath.Child(frame.Path, key.Text),
                    $"the key '{Shorten(key.Text)}' appears twice in the same mapping (line {first.Start.Line} and line {mark.Line}); each key may appear once");
                return false;
            }

            frame.Keys.Add(key.Text, key);
            frame.PendingKey = key;
            return true;
        }

        frame.Entries!.Add(new YamlEntry(frame.PendingKey, node));
        frame.PendingKey = null;
        return true;
    }

    private void WarnYaml11(string text, ScalarKind kind, object? value, string path)
    {
        var yaml11 = CoreSchema.DescribeYaml11Difference(text, kind, value);
        if (yaml11 is null)
        {
            return;
        }

        var here = kind switch
        {
            ScalarKind.String => $"the string \"{text}\"",
            ScalarKind.Boolean => $"the boolean {text}",
            ScalarKind.Null => "null",
            _ => $"the number {FormatNumber(value)}",
        };
        _findings.Add(new ValidationFinding(ValidationCodes.Yaml11Difference, ValidationSeverity.Warning, path,
            $"'{Shorten(text)}' is {here} here (YAML 1.2 core schema) but was {yaml11} under YAML 1.1 (PyYAML, which the original used); quote it or write it unambiguously")
        {
            File = _source,
            Line = _lastMark.Line,
            Column = _lastMark.Column,
        });
    }

    private string CurrentPath()
    {
        if (_stack.Count == 0)
        {
            return "";
        }

        var frame = _stack.Peek();
        if (frame.IsMapping)
        {
            return frame.PendingKey is null ? frame.Path : FieldPath.Child(frame.Path, frame.PendingKey.Text);
        }

        return FieldPath.Item(frame.Path, frame.Items!.Count);
    }

    private void Error(string code, SourceMark mark, string path, string message) =>
        _findings.Add(new ValidationFinding(code, ValidationSeverity.Error, path, message)
        {
            File = _source,
            Line = mark.IsKnown ? mark.Line : null,
            Column = mark.IsKnown ? mark.Column : null,
        });

    private static bool IsNonSpecific(string tag) => tag is "!" or "?";

    private static string ShortTag(string tag) =>
        tag.StartsWith(CoreSchema.TagPrefix, StringComparison.Ordinal) ? "!!" + tag[CoreSchema.TagPrefix.Length..] : tag;

    private static string FormatNumber(object? value) => value switch
    {
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => Model.DataValue.FormatFloat(d),
        _ => "?",
    };

    private static string Shorten(string text) => text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "...");

    private static SourceMark ToMark(Mark mark) => new((int)Math.Min(mark.Line, int.MaxValue), (int)Math.Min(mark.Column, int.MaxValue));

    private static string StripMarks(string message) => MarksPrefix().Replace(message, "");

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ", RegexOptions.CultureInvariant)]
    private static partial Regex MarksPrefix();

    private sealed class Frame(bool isMapping, SourceMark start, string? anchor, string path)
    {
        public bool IsMapping { get; } = isMapping;

        public SourceMark Start { get; } = start;

        public string? Anchor { get; } = anchor;

        public string Path { get; } = path;

        public List<YamlNode>? Items { get; } = isMapping ? null : [];

        public List<YamlEntry>? Entries { get; } = isMapping ? [] : null;

        public Dictionary<string, YamlScalar>? Keys { get; } = isMapping ? new(StringComparer.Ordinal) : null;

        public YamlScalar? PendingKey { get; set; }
    }
}
