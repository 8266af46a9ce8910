using System.Buffers;
using System.Text.Json;
using OpsConductor.ToolCatalog.AspNetCore.Contracts;
using OpsConductor.ToolCatalog.AspNetCore.Http;
using OpsConductor.ToolCatalog.Files;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Telemetry;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.Api;

/// <summary>
/// <c>POST /select</c> writes its answer straight from the selection (<see cref="SelectAnswer"/>); the documented
/// contract is <see cref="SelectResponse"/>. Over the original's 223 tools, the samples and tools with hostile text, for
/// every capability under many requests, the writer's bytes are exactly the serializer's bytes of the contract.
/// </summary>
[TestFixture]
public sealed class SelectAnswerTests
{
    private static readonly string[] Modes = ["fast", "accurate", "thorough", "cheap", "simple", "balanced"];

    [Test]
    public void The_answer_is_byte_for_byte_the_serialized_contract_for_every_capability_of_real_catalogs()
    {
        var files = new CatalogFiles();
        var tools = files.Load(TestPaths.CompatTools).Tools
            .Concat(files.Load(TestPaths.SampleTools).Tools.Select(static t => t with { Name = "sample-" + t.Name }))
            .ToList();
        var snapshot = CatalogSnapshot.Create(tools, 7, CatalogSource.Database, DateTimeOffset.UnixEpoch);
        var compared = CompareAll(snapshot, new ToolSelector(), seed: 1);

        Assert.That(compared.Mismatches, Is.Empty);
        Assert.That(compared.Answers, Is.GreaterThan(200), "three requests for each capability");
        Assert.That(compared.WithSelection, Is.GreaterThan(100), "answers with a winner");
        Assert.That(compared.WithError, Is.GreaterThan(0), "answers where nothing was viable");
    }

    [Test]
    public void Calibrated_candidates_are_written_as_the_contract_says_whether_reported_or_ranked_on()
    {
        var tools = new CatalogFiles().Load(TestPaths.SampleTools).Tools;
        var snapshot = CatalogSnapshot.Create(tools, 9, CatalogSource.Database, DateTimeOffset.UnixEpoch);
        var random = new Random(3);
        var calibrations = new TimeCalibrations(
            [.. snapshot.Tools.SelectMany(t => t.Patterns).Where((_, i) => i % 2 == 0).Select(p =>
            {
                var p50 = 0.2 + (random.NextDouble() * 5);
                return new PatternTimeCalibration(p.ToolName, p.Tool.Definition.Version, p.CapabilityName, p.PatternName,
                    new TimeCalibration(30 + random.Next(1000), p50, p50 * (1 + random.NextDouble())));
            })],
            DateTimeOffset.UnixEpoch);
        var selector = new ToolSelector(calibrations: calibrations);

        var compared = CompareAll(snapshot, selector, seed: 4, calibrate: true);

        Assert.That(compared.Mismatches, Is.Empty);
        Assert.That(compared.Calibrated, Is.GreaterThan(20), "answers with a calibrated candidate");
    }

    [Test]
    public void Candidates_from_an_experiments_arm_are_written_as_the_contract_says()
    {
        var tools = new CatalogFiles().Load(TestPaths.SampleTools).Tools;
        var experiments = tools.Where((_, i) => i % 2 == 0).Select(t => new ExperimentSnapshots.Arms(
            $"exp-{t.Name}",
            t with { Version = "0.9.0-a" },
            t with { Version = "0.9.0-b", Capabilities = [.. t.Capabilities.Select(c => c with { Patterns = [.. c.Patterns.Select(p => p with { TimeEstimateMs = "1 + N" })] })] })).ToList();
        var snapshot = ExperimentSnapshots.With(tools, 11, experiments);

        var compared = CompareAll(snapshot, new ToolSelector(), seed: 5, keys: true);

        Assert.That(compared.Mismatches, Is.Empty);
        Assert.That(compared.FromExperiments, Is.GreaterThan(20), "answers with a candidate from an arm");
    }

    [Test]
    public void Text_that_html_or_json_would_interpret_is_escaped_as_the_serializer_escapes_it()
    {
        // Names, descriptions and notes with markup, quotes, control characters, non-ASCII and surrogate pairs; a
        // tie-breaker that answers with the same, so every text field of the answer carries some.
        const string Hostile = "<script>alert('x')</script> & \"q\" \\ \u0001 é 😀 +";
        var tools = GeneratedTools.CreateMany(6, capabilities: 1, prefix: "hostile").Select((t, i) => t with
        {
            Name = $"{t.Name}<b>{i}</b>&'é😀",
            Capabilities = [t.Capabilities[0] with
            {
                Name = "cap",
                Patterns = [.. t.Capabilities[0].Patterns.Select(p => p with { Name = p.Name + Hostile })],
            }],
        }).ToList();
        var snapshot = CatalogSnapshot.Create(tools, 3, CatalogSource.Database, DateTimeOffset.UnixEpoch);
        var selector = new ToolSelector(new SelectionOptions { AmbiguityEpsilon = 1.0 }, new AnsweringTieBreaker(Hostile));

        var compared = CompareAll(snapshot, selector, seed: 2, query: Hostile);

        Assert.That(compared.Mismatches, Is.Empty);
        Assert.That(compared.WithSelection, Is.GreaterThan(0));
    }

    private static Comparison CompareAll(CatalogSnapshot snapshot, ToolSelector selector, int seed, string? query = null, bool calibrate = false, bool keys = false)
    {
        var random = new Random(seed);
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        var result = new Comparison();
        foreach (var capability in snapshot.CapabilityNames.Order(StringComparer.Ordinal))
        {
            for (var i = 0; i < 3; i++)
            {
                var request = new SelectionRequest
                {
                    Capabilities = [capability],
                    Query = query,
                    ExplicitMode = Modes[random.Next(Modes.Length)],
                    Variables = new Dictionary<string, double> { ["N"] = random.Next(4) switch { 0 => 1, 1 => 40, 2 => 1000, _ => random.NextDouble() * 500 } },
                    CostLimit = random.Next(3) == 0 ? random.Next(1, 50) : null,
                    Environment = random.Next(2) == 0 ? "production" : "staging",
                    Permissions = random.Next(3) == 0 ? new HashSet<string>(["read"], StringComparer.Ordinal) : null,
                    Calibration = calibrate ? (CalibrationUse)random.Next(3) : null,
                    AssignmentKey = keys && random.Next(4) != 0 ? $"user-{random.Next(1000)}" : null,
                };
                ToolSelectionResult? selected = null;
                SelectionEvaluation evaluation;
                string? error = null;
                try
                {
                    selected = selector.SelectAsync(snapshot, request).AsTask().GetAwaiter().GetResult();
                    evaluation = selected.Evaluation;
                    result.WithSelection++;
                }
                catch (ToolSelectionException e)
                {
                    error = e.Message;
                    evaluation = selector.Evaluate(snapshot, request);
                    result.WithError++;
                }

                if (evaluation.Ranked.Any(static r => r.Candidate.Calibration is not null))
                {
                    result.Calibrated++;
                }

                if (evaluation.Ranked.Any(static r => r.Candidate.Experiment is not null))
                {
                    result.FromExperiments++;
                }

                var explain = random.Next(2) == 0;
                var explanation = explain ? selected?.Explain() ?? $"{error}\n{evaluation.Explain()}" : null;
                var expected = JsonSerializer.Serialize(SelectResponses.Of(evaluation, selected, error, explanation, explain), ApiJson.Options);

                buffer.ResetWrittenCount();
                using (var writer = new Utf8JsonWriter(buffer))
                {
                    new SelectAnswer(evaluation, selected, error, explanation, explain).Write(writer);
                }

                var actual = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
                result.Answers++;
                if (actual != expected && result.Mismatches.Count < 5)
                {
                    var at = Enumerable.Range(0, Math.Min(actual.Length, expected.Length)).FirstOrDefault(k => actual[k] != expected[k]);
                    result.Mismatches.Add($"{capability}: differs at {at}: writer '…{Around(actual, at)}…', serializer '…{Around(expected, at)}…'");
                }
            }
        }

        return result;
    }

    private static string Around(string text, int at) => text[Math.Max(0, at - 40)..Math.Min(text.Length, at + 40)];

    private sealed class Comparison
    {
        public List<string> Mismatches { get; } = [];

        public int Answers { get; set; }

        public int WithSelection { get; set; }

        public int WithError { get; set; }

        public int Calibrated { get; set; }

        public int FromExperiments { get; set; }
    }

    private sealed class AnsweringTieBreaker(string justification) : ITieBreaker
    {
        private int _calls;

        public ValueTask<TieBreakDecision?> BreakTieAsync(TieBreakRequest request, CancellationToken cancellationToken) =>
            ValueTask.FromResult<TieBreakDecision?>(++_calls % 3 == 0 ? null : new TieBreakDecision(_calls % 2 == 0, justification));
    }
}
