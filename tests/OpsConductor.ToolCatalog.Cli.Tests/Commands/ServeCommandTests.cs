using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Cli.Tests.Commands;

/// <summary><c>toolcatalog serve</c> in-process over a real test database, on a port of its own, stopped by cancellation (Ctrl+C).</summary>
/// <remarks>
/// The tests (one at a time) that assert nothing about the catalog's content share one database; the test that
/// asserts the catalog's revision and tool count has its own.
/// </remarks>
[Parallelizable(ParallelScope.Self)]
public sealed class ServeCommandTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private TestDatabase _shared = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase() => _shared = await TestDatabase.CreateAsync();

    [OneTimeTearDown]
    public async Task DropDatabase() => await _shared.DisposeAsync();

    [Test]
    public async Task Serve_says_where_it_listens_answers_health_and_the_API_document_and_stops_on_ctrl_c_with_exit_0()
    {
        await using var db = await TestDatabase.CreateAsync();
        var written = await db.CreateStore().CreateAsync(GeneratedTools.Create(0, prefix: "serve"));
        using var output = new LineWriter(Patience);
        using var stop = new CancellationTokenSource();

        var run = CliHarness.RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--connection", db.ConnectionString], output, null, stop.Token);
        var listening = await LineOrEndAsync(output.WaitForLineAsync(l => l.StartsWith("Listening on ", StringComparison.Ordinal)), run);
        await LineOrEndAsync(output.WaitForLineAsync(l => l.StartsWith("Press Ctrl+C", StringComparison.Ordinal)), run);
        var address = new Uri(listening["Listening on ".Length..]);
        using var client = new HttpClient { BaseAddress = address };
        using var live = await client.GetAsync("/health/live");
        using var ready = await client.GetAsync("/health/ready");
        using var document = await client.GetAsync("/openapi/v1.json");
        var readyBody = await ready.Content.ReadAsStringAsync();
        await stop.CancelAsync();
        var result = await run.WaitAsync(Patience);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(address.Host, Is.EqualTo("127.0.0.1"));
        Assert.That(address.Port, Is.Not.EqualTo(0), "the port the system picked, not the one asked for");
        Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK), readyBody);
        using (var health = JsonDocument.Parse(readyBody))
        {
            Assert.That(health.RootElement.GetProperty("checks").GetProperty("tool_catalog").GetProperty("data").GetProperty("revision").GetInt64(), Is.EqualTo(written.Revision));
        }

        Assert.That(document.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var text = output.ToString();
        Assert.That(text, Does.Contain($"{address.GetLeftPart(UriPartial.Authority)}/api/docs"));
        Assert.That(text, Does.Contain("keys create --name NAME --role admin"));
        Assert.That(text, Does.Contain("Catalog: revision " + written.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture) + ", 1 tools."));
        Assert.That(text, Does.EndWith("Stopped."));
        Assert.That(result.Error, Does.Not.Contain("   at "), "no stack trace");
    }

    [Test]
    public async Task Serve_serves_the_admin_UI_with_its_script_and_prints_its_address()
    {
        using var output = new LineWriter(Patience);
        using var stop = new CancellationTokenSource();

        var run = CliHarness.RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--connection", _shared.ConnectionString], output, null, stop.Token);
        var listening = await LineOrEndAsync(output.WaitForLineAsync(l => l.StartsWith("Listening on ", StringComparison.Ordinal)), run);
        await LineOrEndAsync(output.WaitForLineAsync(l => l.StartsWith("Press Ctrl+C", StringComparison.Ordinal)), run);
        var address = new Uri(listening["Listening on ".Length..]);
        using var client = new HttpClient { BaseAddress = address };
        using var signIn = await client.GetAsync("/admin/signin");
        var page = await signIn.Content.ReadAsStringAsync();
        var script = System.Text.RegularExpressions.Regex.Match(page, "src=\"([^\"]*blazor\\.web[^\"]*\\.js)\"").Groups[1].Value;
        using var scriptResponse = await client.GetAsync("/" + script.TrimStart('/'));
        await stop.CancelAsync();
        var result = await run.WaitAsync(Patience);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(signIn.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(page, Does.Contain("API key"));
        Assert.That(script, Is.Not.Empty, "the page loads Blazor's script");
        Assert.That(scriptResponse.StatusCode, Is.EqualTo(HttpStatusCode.OK), script);
        Assert.That(scriptResponse.Content.Headers.ContentType?.MediaType, Does.Contain("javascript"));
        Assert.That(output.ToString(), Does.Contain($"Admin UI:      {address.GetLeftPart(UriPartial.Authority)}/admin"));
    }

    [Test]
    public async Task Serve_without_a_connection_serves_the_private_default_server_like_every_other_command()
    {
        await CliTestData.PrepareDefaultServerAsync();
        using var output = new LineWriter(Patience);
        using var stop = new CancellationTokenSource();

        var run = CliHarness.RunAsync(["serve", "--urls", "http://127.0.0.1:0"], output, null, stop.Token);
        await LineOrEndAsync(output.WaitForLineAsync(l => l.StartsWith("Press Ctrl+C", StringComparison.Ordinal)), run);
        await stop.CancelAsync();
        var result = await run.WaitAsync(Patience);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(output.ToString(), Does.Contain("(the private PostgreSQL server in " + CliTestData.DataDirectory));
    }

    [TestCase("nonsense", "is not an address")]
    [TestCase("ftp://127.0.0.1:21", "only http and https")]
    [TestCase("http://127.0.0.1:8080/api", "has a path")]
    [TestCase("http://127.0.0.1:99999", "a port between 0 and 65535")]
    [TestCase(" ; ", "--urls is empty")]
    public async Task A_bad_urls_is_a_usage_error_naming_the_option_before_any_database_is_touched(string urls, string rule)
    {
        var result = await CliHarness.RunAsync(
            "serve", "--urls", urls, "--connection", "Host=127.0.0.1;Port=1;Username=u;Password=p;Database=d;Timeout=3");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Error);
        Assert.That(result.Error, Does.Contain("--urls"));
        Assert.That(result.Error, Does.Contain(rule));
        Assert.That(result.Output, Does.Not.Contain("management server"));
    }

    [Test]
    public async Task A_port_already_taken_fails_with_exit_1_naming_the_address_and_no_stack_trace()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var urls = $"http://127.0.0.1:{port}";

        var result = await CliHarness.RunAsync("serve", "--urls", urls, "--connection", _shared.ConnectionString);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.Error);
        Assert.That(result.Error, Does.Contain($"--urls: cannot listen on {urls}"));
        Assert.That(result.Error, Does.Not.Contain("   at "));
    }

    /// <summary>The awaited line, or a failure with the command's error output if the command ended first.</summary>
    private static async Task<string> LineOrEndAsync(Task<string> line, Task<CliHarness.Result> run)
    {
        if (await Task.WhenAny(line, run) == run)
        {
            var ended = await run;
            Assert.Fail($"serve ended (exit {ended.ExitCode}) before printing the line: {ended.Error}");
        }

        return await line;
    }

    [Test]
    public async Task Quickstart_says_how_to_start_the_server_and_where_to_reach_it()
    {
        var result = await CliHarness.RunAsync("quickstart", "--connection", _shared.ConnectionString);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        var lines = result.Output.Split('\n').Select(l => l.Trim()).ToList();
        var serve = lines.FindIndex(l => l.EndsWith(" serve", StringComparison.Ordinal));
        Assert.That(serve, Is.GreaterThan(0), "a suggested 'serve' command");
        Assert.That(lines[serve - 1], Does.Contain("http://127.0.0.1:8080/api/v1").And.Contain("http://127.0.0.1:8080/api/docs"));
    }
}
