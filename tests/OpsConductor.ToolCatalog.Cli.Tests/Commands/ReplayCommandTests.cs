using System.Text.Json;
using OpsConductor.ToolCatalog.Decisions;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Tests.Support;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Cli.Tests.Commands;

/// <summary>
/// <c>toolcatalog replay --draft PATH</c> against a real database holding three tools and six logged decisions (three
/// scans answered by rep-00000, two inventories answered by rep-00002, one inventory with no candidate).
/// </summary>
[Parallelizable(ParallelScope.Self)]
public sealed class ReplayCommandTests
{
    private TestDatabase _db = null!;
    private Dictionary<string, string> _env = null!;
    private string _folder = null!;

    [OneTimeSetUp]
    public async Task CreateDatabaseWithLoggedDecisions()
    {
        _db = await TestDatabase.CreateAsync();
        _env = new Dictionary<string, string> { ["TOOLCATALOG_CONNECTION"] = _db.ConnectionString };
        _folder = CliTestData.NewFolder("replay");
        var store = _db.CreateStore();
        await store.ImportAsync([.. DecisionTestData.Catalog()]);
        var state = await store.LoadCatalogAsync();
        var snapshot = DecisionTestData.Snapshot(state.Tools.Select(t => t.Definition), state.Revision);
        var selector = new ToolSelector();
        await using var log = new DecisionLog(store, new DecisionLogOptions { Enabled = true, SampleRate = 1 });
        await log.StartAsync();
        foreach (var (id, request) in new[]
        {
            ("scan-0", DecisionTestData.Request("scan", 10)),
            ("scan-1", DecisionTestData.Request("scan", 20)),
            ("scan-2", DecisionTestData.Request("scan", 30)),
            ("inventory-0", DecisionTestData.Request("inventory", 1)),
            ("inventory-1", DecisionTestData.Request("inventory", 2)),
            ("inventory-none", DecisionTestData.Request("inventory", 1, costLimit: 3)),
        })
        {
            log.Record(request, selector.Evaluate(snapshot, request), id);
        }

        await log.FlushAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.That(log.Counts.Written, Is.EqualTo(6));
    }

    [OneTimeTearDown]
    public async Task DropDatabase() => await _db.DisposeAsync();

    [Test]
    public async Task A_draft_that_makes_another_tool_faster_lists_the_decisions_it_changes_before_and_after()
    {
        var draft = Write("faster", DecisionTestData.Tool(1, "scan", "10"));
        var revision = await _db.CreateStore().GetRevisionAsync();

        var result = await CliHarness.RunAsync(_env, "replay", "--draft", draft, "--since", "7d", "--format", "json");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        using var answer = JsonDocument.Parse(result.Output);
        var root = answer.RootElement;
        Assert.That((root.GetProperty("replayed").GetInt32(), root.GetProperty("changed").GetInt32(), root.GetProperty("unchanged").GetInt32(), root.GetProperty("newly_without_candidate").GetInt32()), Is.EqualTo((6, 3, 3, 0)));
        var changes = root.GetProperty("changes").EnumerateArray().Select(c => (
            c.GetProperty("selection_id").GetString(),
            c.GetProperty("change").GetString(),
            c.GetProperty("before").GetProperty("tool").GetString(),
            c.GetProperty("before").GetProperty("estimated_time_ms").GetDouble(),
            c.GetProperty("after").GetProperty("tool").GetString(),
            c.GetProperty("after").GetProperty("pattern").GetString(),
            c.GetProperty("after").GetProperty("estimated_time_ms").GetDouble())).ToList();
        Assert.That(changes, Is.EqualTo(new[]
        {
            ("scan-0", "choice", "rep-00000", 120.0, "rep-00001", "pattern_0", 10.0),
            ("scan-1", "choice", "rep-00000", 140.0, "rep-00001", "pattern_0", 10.0),
            ("scan-2", "choice", "rep-00000", 160.0, "rep-00001", "pattern_0", 10.0),
        }));
        Assert.That(await _db.CreateStore().GetRevisionAsync(), Is.EqualTo(revision), "replay writes nothing");
    }

    [Test]
    public async Task The_table_names_each_change_and_sums_up_including_decisions_left_without_a_candidate()
    {
        var draft = Write("removes", DecisionTestData.Tool(2, "stocktake", "300", cost: "5"));

        var result = await CliHarness.RunAsync(_env, "replay", "--draft", draft);
        await TestContext.Out.WriteLineAsync(result.Output);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("inventory-0").And.Contain("rep-00002.pattern_0 300 ms, cost 5").And.Contain("no candidate"));
        Assert.That(result.Output, Does.Contain("Summary: 6 replayed, 2 would change (2 left without any candidate, 0 newly with one), 0 same choice with another estimate, 4 unchanged."));
    }

    [Test]
    public async Task An_irrelevant_draft_changes_nothing()
    {
        var draft = Write("irrelevant", DecisionTestData.Tool(7, "other", "5"));

        var result = await CliHarness.RunAsync(_env, "replay", "--draft", draft, "--format", "json");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        using var answer = JsonDocument.Parse(result.Output);
        Assert.That((answer.RootElement.GetProperty("changed").GetInt32(), answer.RootElement.GetProperty("changes").GetArrayLength()), Is.EqualTo((0, 0)));
    }

    [Test]
    public async Task A_bad_draft_is_refused_naming_the_file_the_field_and_the_rule_before_anything_is_read()
    {
        var draft = Write("bad", DecisionTestData.Tool(1, "scan", "10"));
        var file = Directory.GetFiles(draft).Single();
        await File.WriteAllTextAsync(file, (await File.ReadAllTextAsync(file)).Replace("time_estimate_ms: '10'", "time_estimate_ms: '10 +* N'", StringComparison.Ordinal).Replace("time_estimate_ms: \"10\"", "time_estimate_ms: \"10 +* N\"", StringComparison.Ordinal));
        Assert.That(await File.ReadAllTextAsync(file), Does.Contain("10 +* N"), "the draft was broken");

        var result = await CliHarness.RunAsync(new Dictionary<string, string> { ["TOOLCATALOG_CONNECTION"] = "Host=127.0.0.1;Port=1;Database=none" }, "replay", "--draft", draft);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain(Path.GetFileName(file)).And.Contain("time_estimate_ms").And.Contain("error "));
        Assert.That(result.Error, Does.Contain("nothing was replayed"));
    }

    [TestCase("--since", "7")]
    [TestCase("--since", "3m")]
    [TestCase("--since", "0d")]
    [TestCase("--limit", "0")]
    public async Task Bad_options_are_usage_errors_naming_the_option(string option, string value)
    {
        var draft = Write("options", DecisionTestData.Tool(1, "scan", "10"));

        var result = await CliHarness.RunAsync(_env, "replay", "--draft", draft, option, value);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain(option));
    }

    [Test]
    public async Task A_draft_path_that_does_not_exist_is_a_usage_error()
    {
        var result = await CliHarness.RunAsync(_env, "replay", "--draft", Path.Combine(_folder, "missing.yaml"));

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("--draft").And.Contain("missing.yaml"));
    }

    /// <summary>Writes <paramref name="tool"/> as a YAML file in a new folder and returns the folder.</summary>
    private string Write(string label, ToolDefinition tool)
    {
        var folder = Path.Combine(_folder, label + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, tool.Name + ".yaml"), ToolYamlWriter.Write(tool));
        return folder;
    }
}
