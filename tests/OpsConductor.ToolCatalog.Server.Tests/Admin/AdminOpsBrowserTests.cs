using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OpsConductor.ToolCatalog.AspNetCore.Security;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace OpsConductor.ToolCatalog.Server.Tests.Admin;

/// <summary>
/// The selection playground and the audit log viewer in a real Chromium over the sample host on Kestrel and a real
/// PostgreSQL: the assembly's one browser, a fresh context per test; waits are Playwright's assertions on the DOM.
/// </summary>
[TestFixture]
public sealed class AdminOpsBrowserTests : AdminBrowserFixture
{
    /// <inheritdoc />
    protected override string KeyPrefix => "ops";


    [Test]
    public async Task A_viewer_sees_the_pick_and_an_exclusion_with_its_reason_and_the_result_follows_a_disable_through_the_API()
    {
        // Each tool's patterns cost 1, 2 and 3 under a capability only these two tools offer; pattern_2 is not production-safe.
        var first = await CreateAsync(Unique(GeneratedTools.Create(1, capabilities: 1, patterns: 3, prefix: "ui-play"), "play_cap"));
        var second = await CreateAsync(Unique(GeneratedTools.Create(2, capabilities: 1, patterns: 3, prefix: "ui-play"), "play_cap"));
        var page = await SignInAsync(ViewerKey);
        await OpenAsync(page, "/admin/playground");

        await page.GetByTestId("capabilities").FillAsync("play_cap");
        await page.GetByTestId("variable-name-0").FillAsync("N");
        await page.GetByTestId("variable-value-0").FillAsync("10");
        await page.GetByTestId("cost-limit").FillAsync("1.5");
        await page.GetByTestId("select").ClickAsync();

        var chosen = page.Locator("tr.chosen[data-testid='candidate']");
        await Expect(chosen).ToHaveCountAsync(1);
        var winner = await chosen.GetAttributeAsync("data-tool");
        Assert.That(winner, Is.AnyOf(first.Name, second.Name));
        await Expect(chosen.GetByTestId("feature").First).ToContainTextAsync("×");
        await Expect(page.GetByTestId("chosen")).ToContainTextAsync(winner!);
        var costly = page.Locator($"tr[data-testid='exclusion'][data-tool='{winner}'][data-pattern='pattern_1']");
        await Expect(costly).ToContainTextAsync("cost_limit");
        await Expect(costly).ToContainTextAsync("1.5");
        await Expect(page.Locator($"tr[data-testid='exclusion'][data-tool='{winner}'][data-pattern='pattern_2']")).ToContainTextAsync("not marked as production-safe");

        using var api = Host.ClientAs("admin", "api-user");
        using var response = await api.PatchAsync($"/api/v1/tools/{winner}/disable", null);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var other = winner == first.Name ? second.Name : first.Name;
        await Expect(chosen).ToHaveAttributeAsync("data-tool", other);
        await Expect(page.Locator($"tr[data-testid='candidate'][data-tool='{winner}']")).ToHaveCountAsync(0);
    }

    [Test]
    public async Task A_bad_variable_is_shown_at_its_row_and_nothing_is_selected()
    {
        var page = await SignInAsync(ViewerKey);
        await OpenAsync(page, "/admin/playground");

        await page.GetByTestId("capabilities").FillAsync("play_cap");
        await page.GetByTestId("variable-name-0").FillAsync("N");
        await page.GetByTestId("variable-value-0").FillAsync("lots");
        await page.GetByTestId("select").ClickAsync();

        await Expect(page.GetByTestId("error-variables.N")).ToContainTextAsync("must be a number");
        await Expect(page.GetByTestId("request-invalid")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("ranked")).ToHaveCountAsync(0);
    }

    [Test]
    public async Task The_audit_viewer_filters_by_tool_and_shows_a_diff_whose_script_renders_as_text()
    {
        const string description = "<script>window.__xss = 1</script><b>bold</b>";
        var tool = await CreateAsync(GeneratedTools.Create(1, capabilities: 1, patterns: 1, prefix: "ui-audit"));
        await CreateAsync(GeneratedTools.Create(2, capabilities: 1, patterns: 1, prefix: "ui-audit"));
        var written = await Host.Store.PublishAsync(tool with { Version = "1.1", Description = description });
        await Host.Catalog.WaitForRevisionAsync(written.Revision);
        var page = await SignInAsync(AdminKey);
        await OpenAsync(page, "/admin/audit");

        await page.GetByTestId("filter-tool").FillAsync(tool.Name);
        await page.GetByTestId("apply-filter").ClickAsync();

        var entries = page.GetByTestId("audit-entry");
        await Expect(entries).ToHaveCountAsync(2);
        Assert.That(await entries.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.tool)"), Has.All.EqualTo(tool.Name));
        var published = entries.First;
        await Expect(published).ToContainTextAsync("published");
        await published.GetByTestId("audit-expand").ClickAsync();
        var diff = published.GetByTestId("audit-diff");
        await Expect(diff).ToBeVisibleAsync();
        await Expect(diff).ToContainTextAsync("description");
        await Expect(diff).ToContainTextAsync(description);
        await Expect(diff.Locator("b, script")).ToHaveCountAsync(0);
        Assert.That(await page.EvaluateAsync<bool>("() => window.__xss === undefined"), Is.True, "the script never ran");
        await Expect(published.GetByTestId("audit-tool-link")).ToHaveAttributeAsync("href", $"/admin/tools/{tool.Name}");
    }

    [Test]
    public async Task The_stores_audit_query_filters_by_action()
    {
        var tool = await CreateAsync(GeneratedTools.Create(3, capabilities: 1, patterns: 1, prefix: "ui-audit"));
        await Host.Store.DisableAsync(tool.Name, null, new ChangeContext { Actor = "tests" });

        var disabled = await Host.Store.QueryAuditAsync(new AuditQuery { ToolName = tool.Name, Action = "disabled" });
        var all = await Host.Store.QueryAuditAsync(new AuditQuery { ToolName = tool.Name });

        Assert.Multiple(() =>
        {
            Assert.That(disabled.Items.Select(static a => a.Action), Is.EqualTo(new[] { "disabled" }));
            Assert.That(all.Items.Select(static a => a.Action), Is.EqualTo(new[] { "disabled", "created" }));
        });
    }

    /// <summary>The tool with its capabilities renamed to <paramref name="capability"/> (one capability).</summary>
    private static ToolDefinition Unique(ToolDefinition tool, string capability) =>
        tool with { Capabilities = [.. tool.Capabilities.Select(c => c with { Name = capability })] };

    private async Task<ToolDefinition> CreateAsync(ToolDefinition tool)
    {
        var written = await Host.Store.CreateAsync(tool);
        await Host.Catalog.WaitForRevisionAsync(written.Revision);
        return tool;
    }
}
