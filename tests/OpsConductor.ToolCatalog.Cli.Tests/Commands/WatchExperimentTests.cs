using OpsConductor.ToolCatalog.Cli.Commands;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Cli.Tests.Commands;

/// <summary><c>toolcatalog watch</c> says when a snapshot starts or stops applying an experiment (a start or stop reaches the runtime without any tool change to print).</summary>
public sealed class WatchExperimentTests
{
    [Test]
    public void A_snapshot_that_starts_or_stops_applying_an_experiment_gets_a_line_naming_it_and_its_arms()
    {
        var tool = GeneratedTools.Create(0);
        var plain = ExperimentSnapshots.With([tool], 5, []);
        var running = ExperimentSnapshots.With([tool], 6, [new ExperimentSnapshots.Arms("faster", tool with { Version = "0.9" }, tool with { Version = "1.1" }, 0.2)]);

        var started = WatchCommand.Describe(new CatalogChangedEventArgs(plain, running, CatalogChangeOrigin.Notice, false, []), json: false).ToList();
        var stopped = WatchCommand.Describe(new CatalogChangedEventArgs(running, plain, CatalogChangeOrigin.Notice, false, []), json: true).ToList();

        Assert.That(started, Has.Count.EqualTo(1));
        Assert.That(started[0], Does.Contain($"{tool.Name}  experiment faster applied: arm a = version 0.9, arm b = version 1.1, split 0.2"));
        Assert.That(stopped, Has.Count.EqualTo(1));
        Assert.That(stopped[0], Does.Contain("\"event\":\"experiment\"").And.Contain("\"change\":\"ended\"").And.Contain("\"experiment\":\"faster\""));
    }
}
