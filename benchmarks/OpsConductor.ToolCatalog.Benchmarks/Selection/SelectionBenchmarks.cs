using BenchmarkDotNet.Attributes;
using OpsConductor.ToolCatalog.Expressions;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Telemetry;
using OpsConductor.ToolCatalog.Testing;

namespace OpsConductor.ToolCatalog.Benchmarks.Selection;

/// <summary>
/// Enumerate + enforce + score for one capability, against the straightforward LINQ scan over every tool of the
/// same snapshot (same compiled expressions, same normaliser and weights), side by side.
/// "small": 200 tools, 5 matching patterns; "large": 100,000 tools, 50 matching patterns.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class SelectionBenchmarks
{
    private const string Capability = "service_control";

    private CatalogSnapshot _snapshot = null!;
    private ToolSelector _selector = null!;
    private SelectionRequest _request = null!;
    private SelectionRequest _preparedRequest = null!;
    private FeatureNormalizer _normalizer = null!;
    private FeatureWeights _weights = null!;
    private ToolSelector _calibratedSelector = null!;
    private SelectionRequest _reportRequest = null!;
    private SelectionRequest _rankRequest = null!;

    [Params("small", "large")]
    public string Catalog { get; set; } = "small";

    [GlobalSetup]
    public void Setup()
    {
        var (toolCount, matching) = Catalog == "small" ? (200, 5) : (100_000, 50);
        var tools = SyntheticCatalog.Generate(toolCount, distinctCapabilities: Math.Max(toolCount / 4, 10));

        // Give `matching` tools one extra capability the request asks for, each with one realistic pattern.
        var random = new Random(11);
        var step = toolCount / matching;
        for (var i = 0; i < matching; i++)
        {
            var index = i * step;
            var pattern = SyntheticCatalog.Pattern(random, "restart") with
            {
                Policy = new PolicyDefinition { MaxCost = 50, RequiresBackgroundIf = "N > 50", MaxNImmediate = 100, ProductionSafe = true },
            };
            tools[index] = tools[index] with
            {
                Capabilities = [.. tools[index].Capabilities, new CapabilityDefinition { Name = Capability, Patterns = [pattern] }],
            };
        }

        _snapshot = CatalogSnapshot.Create(tools, 1, CatalogSource.Database, DateTimeOffset.UnixEpoch);
        _selector = new ToolSelector();
        _request = new SelectionRequest
        {
            Capabilities = [Capability],
            Variables = new Dictionary<string, double> { ["N"] = 40 },
            ExplicitMode = "fast",
            CostLimit = 100,
        };
        var context = new ExpressionContext(_snapshot.Variables);
        context.Set("N", 40);
        _preparedRequest = _request with { Variables = null, Context = context };
        _normalizer = FeatureNormalizer.Default;
        _weights = FeatureWeights.ForMode(PreferenceMode.Fast);

        // Every matching pattern calibrated (the most work calibration can add): the table has them among other patterns.
        var calibrations = new TimeCalibrations(
            _snapshot.Tools.SelectMany(t => t.Patterns).Select((p, i) => new PatternTimeCalibration(
                p.ToolName, p.Tool.Definition.Version, p.CapabilityName, p.PatternName, new TimeCalibration(100, 1 + (i % 7 * 0.1), 2 + (i % 7 * 0.1)))),
            DateTimeOffset.UnixEpoch);
        _calibratedSelector = new ToolSelector(calibrations: calibrations);
        _reportRequest = _request with { Calibration = CalibrationUse.Report };
        _rankRequest = _request with { Calibration = CalibrationUse.Rank };

        if (_selector.Evaluate(_snapshot, _request).Ranked.Count != matching || LinqScan().Count != matching
            || _calibratedSelector.Evaluate(_snapshot, _rankRequest).Ranked.Any(r => r.TimeSource != TimeSource.TelemetryP50))
        {
            throw new InvalidOperationException("The catalog does not have the intended number of matching patterns.");
        }
    }

    /// <summary>The straightforward way: scan every tool's patterns with LINQ, evaluate, filter, score, sort.</summary>
    [Benchmark(Baseline = true)]
    public List<(CompiledPattern Pattern, double Score)> LinqScan()
    {
        var context = new ExpressionContext(_snapshot.Variables);
        context.Set("N", 40);
        return _snapshot.Tools
            .Where(t => t.IsSelectable)
            .SelectMany(t => t.Patterns)
            .Where(p => p.CapabilityName == Capability)
            .Select(p => (Pattern: p, Time: p.TimeEstimate!.Evaluate(context), Cost: p.CostEstimate!.Evaluate(context)))
            .Where(c => c.Cost <= 100 && (c.Pattern.Definition.Policy.MaxCost is null || c.Cost <= c.Pattern.Definition.Policy.MaxCost) && c.Pattern.Definition.Policy.ProductionSafe)
            .Select(c => (c.Pattern, Score: new ScoreFeatures(_normalizer.NormalizeTime(c.Time), _normalizer.NormalizeCost(c.Cost), c.Pattern.Simplicity, c.Pattern.Accuracy, c.Pattern.Completeness, 0, 0, 0).Score(_weights)))
            .OrderByDescending(c => c.Score)
            .ToList();
    }

    /// <summary>Enumerate + enforce (all policies, background conditions) + score + rank from the capability index.</summary>
    [Benchmark]
    public SelectionEvaluation IndexedEvaluate() => _selector.Evaluate(_snapshot, _request);

    /// <summary>The same with the request's variables already set by slot (no name lookups).</summary>
    [Benchmark]
    public SelectionEvaluation IndexedEvaluatePrepared() => _selector.Evaluate(_snapshot, _preparedRequest);

    /// <summary>The whole selection step: evaluate, ambiguity check, result.</summary>
    [Benchmark]
    public ToolSelectionResult IndexedSelect() => _selector.Select(_snapshot, _request);

    /// <summary>The whole selection step on a selector with calibrations, the request not asking for them (issue 15).</summary>
    [Benchmark]
    public ToolSelectionResult CalibrationOff() => _calibratedSelector.Select(_snapshot, _request);

    /// <summary>The same with <see cref="CalibrationUse.Report"/>: every candidate looked up and calibrated.</summary>
    [Benchmark]
    public ToolSelectionResult CalibrationReport() => _calibratedSelector.Select(_snapshot, _reportRequest);

    /// <summary>The same with <see cref="CalibrationUse.Rank"/>: scored on the telemetry p50.</summary>
    [Benchmark]
    public ToolSelectionResult CalibrationRank() => _calibratedSelector.Select(_snapshot, _rankRequest);
}
