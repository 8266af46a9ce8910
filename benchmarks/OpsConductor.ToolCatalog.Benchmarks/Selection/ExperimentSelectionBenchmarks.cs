using BenchmarkDotNet.Attributes;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Testing;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Benchmarks.Selection;

/// <summary>
/// What a running experiment adds to a selection (issue 16, decision 1602): the same 200-tool catalog and request as
/// <see cref="SelectionBenchmarks"/> ("small": 5 matching patterns), side by side without an experiment and with
/// <see cref="Experiments"/> of the matching tools under one, for a request without and with an assignment key.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class ExperimentSelectionBenchmarks
{
    private const string Capability = "service_control";

    private CatalogSnapshot _plain = null!;
    private CatalogSnapshot _experimenting = null!;
    private ToolSelector _selector = null!;
    private SelectionRequest _request = null!;
    private SelectionRequest _keyed = null!;

    /// <summary>How many of the 5 matching tools are under an experiment.</summary>
    [Params(1, 5)]
    public int Experiments { get; set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        var tools = SyntheticCatalog.Generate(200, distinctCapabilities: 50);
        var random = new Random(11);
        var matching = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            var index = i * 40;
            matching.Add(index);
            var pattern = SyntheticCatalog.Pattern(random, "restart") with
            {
                Policy = new PolicyDefinition { MaxCost = 50, RequiresBackgroundIf = "N > 50", MaxNImmediate = 100, ProductionSafe = true },
            };
            tools[index] = tools[index] with
            {
                Capabilities = [.. tools[index].Capabilities, new CapabilityDefinition { Name = Capability, Patterns = [pattern] }],
            };
        }

        _plain = CatalogSnapshot.Create(tools, 1, CatalogSource.Database, DateTimeOffset.UnixEpoch);
        _experimenting = ExperimentSnapshots.With(tools, 1, matching.Take(Experiments).Select(i => new ExperimentSnapshots.Arms(
            $"exp-{tools[i].Name}",
            tools[i] with { Version = "0.9.0-a" },
            tools[i] with { Version = "0.9.0-b" })));
        _selector = new ToolSelector();
        _request = new SelectionRequest
        {
            Capabilities = [Capability],
            Variables = new Dictionary<string, double> { ["N"] = 40 },
            ExplicitMode = "fast",
            CostLimit = 100,
        };
        _keyed = _request with { AssignmentKey = "user-4242" };

        var enrolled = _selector.Evaluate(_experimenting, _keyed).Ranked.Count(r => r.Candidate.Experiment is not null);
        if (_selector.Evaluate(_plain, _request).Ranked.Count != 5 || _selector.Evaluate(_experimenting, _keyed).Ranked.Count != 5 || enrolled != Experiments)
        {
            throw new InvalidOperationException("The catalog does not have the intended candidates and enrolments.");
        }
    }

    /// <summary>The snapshot with experiments running (after <see cref="Setup"/>).</summary>
    internal CatalogSnapshot Snapshot => _experimenting;

    /// <summary>No experiment, no key: today's selection.</summary>
    [Benchmark(Baseline = true)]
    public ToolSelectionResult NoExperiment() => _selector.Select(_plain, _request);

    /// <summary>No experiment, a key: the key costs nothing when nothing runs.</summary>
    [Benchmark]
    public ToolSelectionResult NoExperimentWithKey() => _selector.Select(_plain, _keyed);

    /// <summary>Experiments running, no key: every request is not enrolled (the latest versions).</summary>
    [Benchmark]
    public ToolSelectionResult ExperimentNotEnrolled() => _selector.Select(_experimenting, _request);

    /// <summary>Experiments running, a key: assigned an arm per tool under test, its version's patterns evaluated.</summary>
    [Benchmark]
    public ToolSelectionResult ExperimentEnrolled() => _selector.Select(_experimenting, _keyed);
}
