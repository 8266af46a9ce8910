using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OpsConductor.ToolCatalog.Admin.Catalog;
using OpsConductor.ToolCatalog.AspNetCore.Security;
using OpsConductor.ToolCatalog.Experiments;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Telemetry;
using OpsConductor.ToolCatalog.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace OpsConductor.ToolCatalog.Server.Tests.Admin;

/// <summary>
/// The telemetry dashboard and the experiment pages in a real Chromium over the sample host on a Kestrel port and a real
/// PostgreSQL (the assembly's one browser, a fresh context per test; waits are Playwright's assertions on the DOM).
/// Screenshots of the pages go to <c>TOOLCATALOG_UI_SCREENSHOTS</c> when set (<c>docs/ui</c>), else the work folder.
/// </summary>
[TestFixture]
public sealed class AdminInsightBrowserTests : AdminBrowserFixture
{
    /// <inheritdoc />
    protected override string KeyPrefix => "insight";

    /// <inheritdoc />
    protected override ViewportSize? Viewport => AdminPages.Screen;


    private static string Screenshots
    {
        get
        {
            var folder = Environment.GetEnvironmentVariable("TOOLCATALOG_UI_SCREENSHOTS") is { Length: > 0 } configured
                ? Path.GetFullPath(configured)
                : Path.Combine(TestContext.CurrentContext.WorkDirectory, "admin-ui-screenshots");
            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    [Test]
    public async Task The_dashboard_charts_a_tools_estimate_against_actual_recorded_through_the_API_and_Apply_publishes_the_recommendation()
    {
        var (tool, recommendation) = await ToolWithRecommendationAsync("ui-telemetry");
        var page = await SignInAsync(AdminKey);

        await OpenAsync(page, $"/admin/telemetry?tool={tool}");

        await Expect(page.Locator($"tr[data-testid='overview-row'][data-tool='{tool}']")).ToContainTextAsync("400");
        var chart = page.Locator("[data-testid='pattern-chart'][data-pattern='capability_0/pattern_0']");
        await Expect(chart.Locator("polyline[data-series='actual (median ms)']")).ToHaveCountAsync(1);
        await Expect(chart.Locator("polyline[data-series='estimate (median ms)']")).ToHaveCountAsync(1);
        Assert.That(await chart.Locator("polyline[data-series='actual (median ms)']").GetAttributeAsync("points"), Does.Match(@"^\d+(\.\d)?,\d+(\.\d)?( \d+(\.\d)?,\d+(\.\d)?)+$"), "a line of several buckets");
        await Expect(page.GetByTestId("success-rate").First).ToHaveTextAsync("100.0%");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "telemetry.png"), FullPage = true });

        await page.GetByTestId($"apply-{recommendation.Id}").ClickAsync();

        await Expect(page.GetByTestId("recommendation-message")).ToContainTextAsync($"Recommendation {recommendation.Id} applied");
        var latest = (await Host.Store.GetAsync(tool))!.Definition;
        Assert.That(latest.Version, Is.Not.EqualTo("1.0"), "a new version was published");
        Assert.That(latest.Capabilities[0].Patterns[0].TimeEstimateMs, Is.EqualTo(recommendation.Recommended));
        await Expect(page.GetByTestId("recommendation-message")).ToContainTextAsync($"version {latest.Version} published");
        await Expect(page.GetByTestId($"apply-{recommendation.Id}")).ToHaveCountAsync(0);
        var audit = await Host.Store.GetAuditAsync(tool);
        Assert.That(audit.OrderBy(a => a.Id).Last().ChangedBy, Is.EqualTo("key:insight-admin"));
        await OpenAsync(page, $"/admin/tools/{tool}");
        await Expect(page.GetByTestId("version")).ToHaveTextAsync(latest.Version);
        await Expect(page.GetByTestId("tool-telemetry").GetByTestId("pattern-chart")).ToHaveCountAsync(1);
    }

    [Test]
    public async Task An_admin_creates_starts_reads_the_results_of_and_promotes_an_experiment_through_the_pages()
    {
        var tool = await ToolWithTwoVersionsAsync("ui-exp");
        var page = await SignInAsync(AdminKey);
        await OpenAsync(page, "/admin/experiments");

        await page.GetByTestId("new-name").FillAsync("ui-faster");
        await page.GetByTestId("new-tool").FillAsync(tool);
        await page.GetByTestId("new-a").FillAsync("1.0");
        await page.GetByTestId("new-b").FillAsync("2.0");
        await page.GetByTestId("new-environments").FillAsync("production");
        await page.GetByTestId("new-guardrails").FillAsync("""[{"metric": "success", "max_drop": 0.05}]""");
        await page.GetByTestId("create").ClickAsync();

        await Expect(page.GetByTestId("message")).ToContainTextAsync("created as a draft");
        var row = page.Locator("tr[data-experiment='ui-faster']");
        await Expect(row.GetByTestId("state")).ToHaveTextAsync("draft");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "experiments.png"), FullPage = true });
        // Follow the row's link as a fresh page load that waits for the new page's circuit: a click on the link may load
        // the page anew, and the old page's marker would then let the click on Start land on the prerendered button.
        await Expect(row.GetByRole(AriaRole.Link, new() { Name = "ui-faster" })).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("/admin/experiments/ui-faster$"));
        await OpenAsync(page, "/admin/experiments/ui-faster");
        await page.GetByTestId("start").ClickAsync();
        await Expect(page.GetByTestId("state")).ToHaveTextAsync("running");
        Assert.That((await Host.Store.GetExperimentAsync("ui-faster"))!.Definition.Environments, Is.EqualTo(new[] { "production" }));

        await Host.Store.WriteTelemetryAsync([.. Enumerable.Range(0, 100).SelectMany(i => new[]
        {
            Enrolled(tool, "1.0", ExperimentArm.A, 200 + (i % 20)), Enrolled(tool, "2.0", ExperimentArm.B, 100 + (i % 20)),
        })]);
        await OpenAsync(page, "/admin/experiments/ui-faster");
        await Expect(page.GetByTestId("arm-row")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("arm-row").Nth(1)).ToContainTextAsync("100");
        await Expect(page.GetByTestId("srm")).ToContainTextAsync("fits the split");
        await Expect(page.GetByTestId("guardrail")).ToContainTextAsync("holds");
        await Expect(page.GetByTestId("decision")).ToContainTextAsync("Decision:");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "experiment.png"), FullPage = true });

        await page.GetByTestId("promote-b").ClickAsync();

        await Expect(page.GetByTestId("state")).ToHaveTextAsync("completed");
        await Expect(page.GetByTestId("winner")).ToHaveTextAsync("b");
        Assert.That((await Host.Store.GetAsync(tool))!.Definition.Version, Is.EqualTo("2.0"));
        Assert.That(Host.Catalog.Current.FindTool(tool)!.Definition.Version, Is.EqualTo("2.0"), "the server's snapshot has it");
    }

    [Test]
    public async Task A_viewer_sees_results_but_no_write_controls_on_the_telemetry_and_experiment_pages_and_they_follow_changes_live()
    {
        var (tool, recommendation) = await ToolWithRecommendationAsync("ui-insight-viewer");
        await Host.Store.CreateExperimentAsync(new ExperimentDefinition { Name = "ui-viewer-exp", Tool = tool, VersionA = "1.0", VersionB = "1.0-b" });
        var page = await SignInAsync(ViewerKey);

        await OpenAsync(page, $"/admin/telemetry?tool={tool}");
        await Expect(page.Locator($"tr[data-testid='recommendation-row'][data-id='{recommendation.Id}']")).ToBeVisibleAsync();
        await Expect(page.Locator("button[data-testid^='apply-']")).ToHaveCountAsync(0);

        await OpenAsync(page, "/admin/experiments");
        await Expect(page.Locator("tr[data-experiment='ui-viewer-exp']")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("create-form")).ToHaveCountAsync(0);

        await OpenAsync(page, "/admin/experiments/ui-viewer-exp");
        await Expect(page.GetByTestId("state")).ToHaveTextAsync("draft");
        await Expect(page.GetByTestId("arms")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("edit-controls")).ToHaveCountAsync(0);

        // Live: a start through the API (it bumps the catalog revision) shows on the open page without a reload.
        using var api = Host.ClientAs("admin", "api-user");
        using var started = await api.PostAsync("/api/v1/experiments/ui-viewer-exp/start", null);
        Assert.That(started.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await Expect(page.GetByTestId("state")).ToHaveTextAsync("running");
    }

    [Test]
    public async Task The_server_refuses_a_viewers_experiment_and_recommendation_writes_and_changes_nothing()
    {
        var (tool, recommendation) = await ToolWithRecommendationAsync("ui-insight-refused");
        await Host.Store.CreateExperimentAsync(new ExperimentDefinition { Name = "ui-refused-exp", Tool = tool, VersionA = "1.0", VersionB = "1.0-b" });
        await using var scope = Host.Services.CreateAsyncScope();
        var viewer = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "key:insight-viewer"), new Claim(ClaimTypes.Role, ToolCatalogRoles.Viewer)], "test", ClaimTypes.Name, ClaimTypes.Role));
        ((IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>())
            .SetAuthenticationState(Task.FromResult(new AuthenticationState(viewer)));
        var actions = scope.ServiceProvider.GetRequiredService<AdminActions>();

        var results = new[]
        {
            await actions.StartExperimentAsync("ui-refused-exp"),
            await actions.StopExperimentAsync("ui-refused-exp"),
            await actions.ConcludeExperimentAsync("ui-refused-exp", ExperimentArm.B),
            await actions.CreateExperimentAsync(new ExperimentDefinition { Name = "ui-refused-new", Tool = tool, VersionA = "1.0", VersionB = "1.0-b" }),
            await actions.ApplyRecommendationAsync(recommendation.Id),
        };

        Assert.Multiple(async () =>
        {
            Assert.That(results.Select(r => r.Succeeded), Has.All.False);
            Assert.That(results.Select(r => r.Message), Has.All.StartWith("Refused: 'key:insight-viewer'").And.All.Contain("Nothing was changed"));
            Assert.That((await Host.Store.GetExperimentAsync("ui-refused-exp"))!.State, Is.EqualTo(ExperimentState.Draft));
            Assert.That(await Host.Store.GetExperimentAsync("ui-refused-new"), Is.Null);
            Assert.That((await Host.Store.GetAsync(tool))!.Definition.Version, Is.EqualTo("1.0"));
            Assert.That((await Host.Store.GetRecommendationAsync(recommendation.Id))!.AppliedAt, Is.Null);
        });
    }

    /// <summary>
    /// A tool whose estimate (1500 + 350·N) is wrong for its executions (1200 + 310·N ms, recorded through the API over
    /// the last five days), a second version (1.0-b) for experiments, and the recommendation made for it.
    /// </summary>
    private async Task<(string Tool, EstimateRecommendation Recommendation)> ToolWithRecommendationAsync(string name)
    {
        var tool = GeneratedTools.Create(0, capabilities: 1, patterns: 1, prefix: name) with { Name = name };
        tool = tool with { Capabilities = [tool.Capabilities[0] with { Patterns = [tool.Capabilities[0].Patterns[0] with { TimeEstimateMs = "1500 + 350 * N" }] }] };
        await Host.Store.CreateAsync(tool with { Version = "1.0-b" });
        var written = await Host.Store.PublishAsync(tool);
        await Host.Catalog.WaitForRevisionAsync(written.Revision);
        var random = new Random(5);
        var start = DateTimeOffset.UtcNow.AddDays(-5);
        var records = Enumerable.Range(0, 400).Select(i =>
        {
            var n = random.Next(1, 101);
            return JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["tool"] = name,
                ["version"] = "1.0",
                ["capability"] = "capability_0",
                ["pattern"] = "pattern_0",
                ["actual_time_ms"] = Math.Round((1200 + (310 * n)) * (0.9 + (0.2 * random.NextDouble()))),
                ["success"] = true,
                ["variables"] = new Dictionary<string, double> { ["N"] = n },
                ["executed_at"] = start.AddMinutes(i * 15).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            });
        });
        using var api = Host.ClientAs("admin", "orchestrator");
        using var response = await api.PostAsync("/api/v1/telemetry", new StringContent($"[{string.Join(',', records)}]", Encoding.UTF8, "application/json"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var recommendation = (await Host.Store.RecommendAsync(new RecommendationOptions { Tool = name })).Recommendations.Single(r => r.Field == "time_estimate_ms");
        return (name, recommendation);
    }

    /// <summary>A tool with versions 1.0 (latest) and 2.0, as an experiment between them needs.</summary>
    private async Task<string> ToolWithTwoVersionsAsync(string name)
    {
        await Host.Store.CreateAsync(GeneratedTools.Create(1, capabilities: 1, patterns: 1, prefix: name) with { Name = name });
        await Host.Store.PublishAsync(GeneratedTools.Create(1, capabilities: 1, patterns: 1, prefix: name, version: "2.0") with { Name = name });
        var back = await Host.Store.RollbackAsync(name, "1.0");
        await Host.Catalog.WaitForRevisionAsync(back.Revision);
        return name;
    }

    private static ExecutionRecord Enrolled(string tool, string version, ExperimentArm arm, double time) => new()
    {
        Tool = tool,
        Version = version,
        Capability = "capability_0",
        Pattern = "pattern_0",
        ActualTimeMs = time,
        Success = true,
        Environment = "production",
        Experiment = "ui-faster",
        Arm = arm,
    };
}
