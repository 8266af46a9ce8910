using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace OpsConductor.ToolCatalog.Yaml;

/// <summary>Writes a node tree as YAML text through YamlDotNet's event emitter (never by string concatenation).</summary>
internal static class YamlNodeEmitter
{
    public static void Emit(YamlNode root, TextWriter writer)
    {
        var settings = new EmitterSettings(
            bestIndent: 2,
            bestWidth: int.MaxValue,
            isCanonical: false,
            maxSimpleKeyLength: 1024,
            skipAnchorName: false,
            indentSequences: true,
            newLine: "\n",
            useUtf16SurrogatePairs: false);
        var emitter = new Emitter(writer, settings);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart(null, null, isImplicit: true));
        EmitNode(emitter, root);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
    }

    private static void EmitNode(Emitter emitter, YamlNode node)
    {
        switch (node)
        {
            case YamlScalar { IsSecret: true } secret:
                emitter.Emit(new Scalar(AnchorName.Empty, new TagName(YamlScalar.SecretTag), secret.Text, ScalarStyle.DoubleQuoted, isPlainImplicit: false, isQuotedImplicit: false));
                break;
            case YamlScalar scalar:
                emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, scalar.Text, ToStyle(scalar), isPlainImplicit: true, isQuotedImplicit: true));
                break;
            case YamlSequence sequence:
                emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, isImplicit: true,
                    sequence.Items.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in sequence.Items)
                {
                    EmitNode(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case YamlMapping mapping:
                emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, isImplicit: true,
                    mapping.Count == 0 ? MappingStyle.Flow : MappingStyle.Block));
                foreach (var entry in mapping.Entries)
                {
                    EmitNode(emitter, entry.Key);
                    EmitNode(emitter, entry.Value);
                }

                emitter.Emit(new MappingEnd());
                break;
            default:
                throw new InvalidOperationException($"Unknown node type {node.GetType().Name}.");
        }
    }

    private static ScalarStyle ToStyle(YamlScalar scalar) => scalar.Style switch
    {
        YamlScalarStyle.Plain => ScalarStyle.Plain,
        YamlScalarStyle.SingleQuoted => ScalarStyle.SingleQuoted,
        YamlScalarStyle.Literal => ScalarStyle.Literal,
        YamlScalarStyle.Folded => ScalarStyle.Folded,
        _ => ScalarStyle.DoubleQuoted,
    };
}
