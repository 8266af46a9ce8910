using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Cli.Tests;

/// <summary><c>toolcatalog watch</c> against a real test database, in-process, stopped by cancellation (Ctrl+C).</summary>
[Parallelizable(ParallelScope.Self)]
public sealed partial class WatchCommandTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private static Dictionary<string, string> Env(TestDatabase db) => new() { ["TOOLCATALOG_CONNECTION"] = db.ConnectionString };

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z  rev (\d+)  (\S+)  (.+)  \((.+)\)$")]
    private static partial Regex TextLine();

    [Test]
    public async Task Watch_prints_a_line_per_change_with_time_revision_tool_what_changed_and_how_it_learned_until_cancelled()
    {
        await using var db = await TestDatabase.CreateAsync();
        var store = db.CreateStore();
        await store.CreateAsync(GeneratedTools.Create(0));
        using var output = new LineWriter();
        using var stop = new CancellationTokenSource();

        var run = CliHarness.RunAsync(["watch"], output, Env(db), stop.Token);
        var loaded = await output.WaitForLineAsync(l => l.Contains("loaded", StringComparison.Ordinal));
        await output.WaitForLineAsync(l => l.Contains("listener connected", StringComparison.Ordinal));
        var publish = await store.PublishAsync(GeneratedTools.Create(0, version: "1.1"));
        var published = await output.WaitForLineAsync(l => l.Contains("published", StringComparison.Ordinal));
        await store.DisableAsync("gen-tool-00000");
        var disabled = await output.WaitForLineAsync(l => l.Contains("disabled", StringComparison.Ordinal));
        await stop.CancelAsync();
        var result = await run.WaitAsync(Patience);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(loaded, Does.Match(@"rev 1  -  loaded 1 tools from the database  \(startup\)$"));
        var match = TextLine().Match(published);
        Assert.That(match.Success, Is.True, published);
        Assert.That(match.Groups[1].Value, Is.EqualTo(publish.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(match.Groups[2].Value, Is.EqualTo("gen-tool-00000"));
        Assert.That(match.Groups[3].Value, Is.EqualTo("published version 1.0 → 1.1"));
        Assert.That(match.Groups[4].Value, Is.EqualTo("notice"));
        Assert.That(disabled, Does.EndWith("gen-tool-00000  disabled (version 1.1)  (notice)"));
    }

    [Test]
    public async Task Watch_in_json_prints_one_object_per_line()
    {
        await using var db = await TestDatabase.CreateAsync();
        var store = db.CreateStore();
        using var output = new LineWriter();
        using var stop = new CancellationTokenSource();

        var run = CliHarness.RunAsync(["watch", "--format", "json"], output, Env(db), stop.Token);
        await output.WaitForLineAsync(l => l.Contains("\"state\":\"connected\"", StringComparison.Ordinal));
        var imported = await store.ImportAsync(GeneratedTools.CreateMany(3, prefix: "json"));
        var third = await output.WaitForLineAsync(l => l.Contains("json-00002", StringComparison.Ordinal));
        await stop.CancelAsync();
        var result = await run.WaitAsync(Patience);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        using var json = JsonDocument.Parse(third);
        var root = json.RootElement;
        Assert.That(root.GetProperty("event").GetString(), Is.EqualTo("change"));
        Assert.That(root.GetProperty("revision").GetInt64(), Is.EqualTo(imported.Revision));
        Assert.That(root.GetProperty("change").GetString(), Is.EqualTo("added"));
        Assert.That(root.GetProperty("to_version").GetString(), Is.EqualTo("1.0"));
        Assert.That(root.GetProperty("via").GetString(), Is.EqualTo("notice"));
        Assert.That(DateTimeOffset.TryParse(root.GetProperty("time").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _), Is.True);
        Assert.That(output.Lines.Count(l => l.Contains("\"event\":\"change\"", StringComparison.Ordinal)), Is.EqualTo(3));
        Assert.That(output.Lines.Select(l => JsonDocument.Parse(l).RootElement.ValueKind), Is.All.EqualTo(JsonValueKind.Object));
    }

    [Test]
    public async Task Watch_without_a_connection_holds_the_private_default_server_like_every_other_command()
    {
        await CliTestData.PrepareDefaultServerAsync();
        using var output = new LineWriter();
        using var stop = new CancellationTokenSource();

        var run = CliHarness.RunAsync(["watch"], output, environment: null, stop.Token);
        var loaded = await output.WaitForLineAsync(l => l.Contains("loaded", StringComparison.Ordinal));
        await output.WaitForLineAsync(l => l.Contains("listener connected", StringComparison.Ordinal));
        await stop.CancelAsync();
        var result = await run.WaitAsync(Patience);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(loaded, Does.Contain("from the database  (startup)"));
    }

    [Test]
    public async Task Watch_with_an_unreachable_database_fails_at_once_with_the_reason()
    {
        var unreachable = await CliHarness.RunAsync("watch", "--connection", "Host=127.0.0.1;Port=1;Username=u;Password=p;Database=d;Timeout=3");

        Assert.That(unreachable.ExitCode, Is.EqualTo(1));
        Assert.That(unreachable.Error, Does.Contain("could not be used"));
        Assert.That(unreachable.Error, Does.Not.Contain("Password=p"));
    }
}
