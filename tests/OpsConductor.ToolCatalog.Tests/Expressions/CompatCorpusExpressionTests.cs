using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OpsConductor.ToolCatalog.Expressions;
using OpsConductor.ToolCatalog.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace OpsConductor.ToolCatalog.Tests.Expressions;

/// <summary>
/// Every <c>time_estimate_ms</c>, <c>cost_estimate</c> and <c>requires_background_if</c> of the compat corpus (the 223
/// tool files and the two profiles files), read with a minimal YamlDotNet walk: each compiles, or gets a precise error;
/// and each one that compiles evaluates, with the original's <c>validate_expressions</c> context, to what the oracle
/// computed with Python.
/// </summary>
public sealed class CompatCorpusExpressionTests
{
    /// <summary>The corpus values that are not expressions at all: the placeholders of <c>templates/tool_template.yaml</c>.</summary>
    private static readonly string[] KnownNonExpressions = ["<EXPRESSION>", "<CONDITION>"];

    internal sealed record CorpusExpression(string File, int Line, int Column, string Field, string Text)
    {
        public ExpressionLanguage Language => Field == "requires_background_if" ? ExpressionLanguage.Condition : ExpressionLanguage.Estimate;

        public override string ToString() => $"{File}:{Line}:{Column} {Field}: {Text}";
    }

    internal static IReadOnlyList<CorpusExpression> ReadCorpus()
    {
        var files = Directory.GetFiles(TestPaths.CompatTools, "*.yaml", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(Path.Combine(TestPaths.OpsConductorCompat, "profiles"), "*.yaml"))
            .Order(StringComparer.Ordinal);
        var found = new List<CorpusExpression>();
        foreach (var file in files)
        {
            var stream = new YamlStream();
            using (var reader = File.OpenText(file))
            {
                stream.Load(reader);
            }

            var relative = Path.GetRelativePath(TestPaths.OpsConductorCompat, file);
            foreach (var document in stream.Documents)
            {
                Walk(document.RootNode, relative, found);
            }
        }

        return found;
    }

    private static void Walk(YamlNode node, string file, List<CorpusExpression> found)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                {
                    if (key is YamlScalarNode { Value: "time_estimate_ms" or "cost_estimate" or "requires_background_if" } k && value is YamlScalarNode { Value: { } text } v)
                    {
                        found.Add(new CorpusExpression(file, (int)v.Start.Line, (int)v.Start.Column, k.Value!, text));
                    }
                    else
                    {
                        Walk(value, file, found);
                    }
                }

                break;
            case YamlSequenceNode sequence:
                foreach (var item in sequence.Children)
                {
                    Walk(item, file, found);
                }

                break;
        }
    }

    [Test]
    public void Every_corpus_expression_compiles_or_gets_a_precise_error()
    {
        var corpus = ReadCorpus();
        Assert.That(corpus, Has.Count.GreaterThan(550), "the corpus holds 591 estimate and condition values");
        var table = VariableTable.CreateDefault();
        var failures = new List<(CorpusExpression Expression, ExpressionError Error)>();
        foreach (var expression in corpus)
        {
            var ok = expression.Language == ExpressionLanguage.Condition
                ? ConditionExpression.TryCompile(expression.Text, table, out _, out var error)
                : EstimateExpression.TryCompile(expression.Text, table, out _, out error);
            if (!ok)
            {
                failures.Add((expression, error!));
            }
        }

        foreach (var (expression, error) in failures)
        {
            TestContext.Out.WriteLine($"{expression.File}:{expression.Line}:{expression.Column + error.Column - 1} {expression.Field}: {error.Kind} at column {error.Column}: {error.Message}");
            Assert.That(error.Column, Is.InRange(1, expression.Text.Length + 1));
            Assert.That(error.Kind, Is.EqualTo(ExpressionErrorKind.Syntax));
        }

        Assert.That(failures.Select(f => f.Expression.Text).Distinct(), Is.EquivalentTo(KnownNonExpressions), "only the placeholders and descriptions fail to compile");
    }

    [Test]
    public void Every_corpus_expression_evaluates_as_Python_did_with_the_validation_context()
    {
        var expectations = LoadExpectations();
        var table = VariableTable.CreateDefault();
        var context = ExpressionContext.CreateValidationContext(table);
        var checkedTexts = new HashSet<string>();
        var failures = new List<string>();
        foreach (var expression in ReadCorpus())
        {
            var language = expression.Language == ExpressionLanguage.Condition ? "condition" : "estimate";
            if (!expectations.TryGetValue(Digest(language, expression.Text), out var expected))
            {
                failures.Add($"{expression}: no expectation from the oracle");
                continue;
            }

            checkedTexts.Add(language + expression.Text);
            string outcome;
            if (expression.Language == ExpressionLanguage.Condition)
            {
                outcome = !ConditionExpression.TryCompile(expression.Text, table, out var condition, out var error) ? error.Kind.ToString()
                    : condition.TryEvaluate(context, out var truth, out error) ? (truth ? "True" : "False") : error.Kind.ToString();
            }
            else
            {
                outcome = !EstimateExpression.TryCompile(expression.Text, table, out var estimate, out var error) ? error.Kind.ToString()
                    : estimate.TryEvaluate(context, out var value, out error) ? value.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : error.Kind.ToString();
            }

            if (outcome != expected)
            {
                failures.Add($"{expression}: gave {outcome}, Python {expected}");
            }
        }

        Assert.That(failures, Is.Empty, () => string.Join("\n", failures.Take(30)));
        Assert.That(checkedTexts, Has.Count.EqualTo(expectations.Count), "every expectation was met by a corpus expression");
    }

    [Test]
    public void The_corpus_uses_variables_the_defaults_do_not_provide_which_analysis_reports()
    {
        var needing = ReadCorpus()
            .Select(e => ExpressionAnalysis.Analyze(e.Text, e.Language))
            .Where(f => f.IsValid)
            .SelectMany(f => f.VariablesWithoutDefaults)
            .ToHashSet();
        Assert.That(needing, Is.SupersetOf(new[] { "packet_count", "num_files", "duration_ms", "file_size_kb", "num_entries", "count", "delay" }));
        Assert.That(needing, Does.Not.Contain("N").And.Not.Contain("pages").And.Not.Contain("p95_latency"));
    }

    private static Dictionary<string, string> LoadExpectations()
    {
        var path = Path.Combine(TestPaths.RepositoryRoot, "tests", "OpsConductor.ToolCatalog.Tests", "Expressions", "oracle", "corpus-expectations.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var result = new Dictionary<string, string>();
        foreach (var entry in document.RootElement.GetProperty("expressions").EnumerateObject())
        {
            var expected = entry.Value.GetProperty("expected");
            result[entry.Name] = expected.TryGetProperty("kind", out var kind) ? kind.GetString()!
                : expected.GetProperty("value").ValueKind switch
                {
                    JsonValueKind.True => "True",
                    JsonValueKind.False => "False",
                    _ => expected.GetProperty("value").GetDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                };
        }

        return result;
    }

    private static string Digest(string language, string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{language}\n{text}")))[..16];
}
