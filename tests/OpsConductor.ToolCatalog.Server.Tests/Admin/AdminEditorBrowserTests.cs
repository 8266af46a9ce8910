using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OpsConductor.ToolCatalog.Admin.Catalog;
using OpsConductor.ToolCatalog.AspNetCore.Security;
using OpsConductor.ToolCatalog.Editing;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Server.Tests.Support;
using OpsConductor.ToolCatalog.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace OpsConductor.ToolCatalog.Server.Tests.Admin;

/// <summary>
/// The admin UI's editor and the writes added with it (publish, delete, bulk field update, export) in a real Chromium over
/// the sample host and a real PostgreSQL: the assembly's one browser, a fresh context per test; waits on the DOM. The
/// server's refusals are checked through <see cref="AdminActions"/> with a viewer's principal, without the page.
/// </summary>
[TestFixture]
public sealed class AdminEditorBrowserTests : AdminBrowserFixture
{
    /// <inheritdoc />
    protected override string KeyPrefix => "editor";

    /// <inheritdoc />
    protected override ViewportSize? Viewport => AdminPages.Screen;

    private const string TimeField = "[data-field='capabilities.host_command.patterns.run.time_estimate_ms']";

    /// <summary>The whole flow of issue 17: sign in; create through the form (a live expression error first); publish; the
    /// tool in the list and in the selection playground; a second version through the editor; roll it back.</summary>
    [Test]
    public async Task An_admin_creates_a_tool_through_the_form_seeing_a_live_error_for_a_bad_expression_first()
    {
        const string name = "ui_editor_created";
        var page = await SignInAsync(AdminKey);
        await OpenAsync(page, "/admin/editor?template=linux-cli");

        await page.Locator("[data-field='tool_name'] input").FillAsync(name);
        await page.Locator($"{TimeField} input").FillAsync("500 + * N");
        await Expect(page.Locator($"{TimeField} [data-testid='expression-error']")).ToContainTextAsync("column");
        await Expect(page.Locator($"{TimeField} [data-testid='field-findings']")).ToContainTextAsync("error");

        await page.Locator($"{TimeField} input").FillAsync("500 + 20 * N");
        await Expect(page.Locator($"{TimeField} [data-testid='expression-error']")).ToHaveCountAsync(0);
        await Expect(page.Locator($"{TimeField} [data-testid='preview']")).ToContainTextAsync("N=10 → 700.0");
        // Valid; the template's skeleton draws the catalog guide's modelling warnings, which lenient mode reports by default.
        await Expect(page.GetByTestId("validity")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Valid(, \\d+ warning\\(s\\))?$"));
        await Screenshot(page, "editor.png");

        await page.GetByTestId("review").ClickAsync();
        await Expect(page.GetByTestId("dry-run-headline")).ToContainTextAsync($"A new tool '{name}', version 1.0");
        await Expect(page.GetByTestId("dry-run-diff")).ToContainTextAsync("500 + 20 * N");
        await Screenshot(page, "editor-dry-run.png");
        Assert.That(await Host.Store.GetAsync(name), Is.Null, "the dry run writes nothing");
        await page.GetByTestId("publish").ClickAsync();

        await Expect(page.GetByTestId("message")).ToContainTextAsync("created");
        Assert.That((await Host.Store.GetAsync(name))!.Definition.FindCapability("host_command")!.Patterns[0].TimeEstimateMs, Is.EqualTo("500 + 20 * N"));
        await OpenAsync(page, "/admin");
        await page.GetByTestId("search").FillAsync(name);
        await Expect(page.Locator($"tr[data-tool='{name}']")).ToBeVisibleAsync();

        // The orchestrator could pick it: the playground ranks its pattern for the capability it offers.
        await OpenAsync(page, "/admin/playground");
        await page.GetByTestId("capabilities").FillAsync("host_command");
        await page.GetByTestId("variable-name-0").FillAsync("N");
        await page.GetByTestId("variable-value-0").FillAsync("10");
        await page.GetByTestId("select").ClickAsync();
        await Expect(page.Locator($"tr[data-testid='candidate'][data-tool='{name}'][data-pattern='run']")).ToHaveCountAsync(1);

        // A second version through the editor, then rolled back on the tool page.
        await OpenAsync(page, $"/admin/editor/{name}");
        await page.Locator("[data-field='description'] textarea").FillAsync("Second version, rolled back below");
        await Expect(page.GetByTestId("validity")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Valid(, \\d+ warning\\(s\\))?$"));
        await page.GetByTestId("review").ClickAsync();
        await page.GetByTestId("publish").ClickAsync();
        await Expect(page.GetByTestId("message")).ToContainTextAsync("version 1.1 published");
        await OpenAsync(page, $"/admin/tools/{name}");
        await Expect(page.GetByTestId("version")).ToHaveTextAsync("1.1");
        await page.GetByTestId("rollback-1.0").ClickAsync();
        await Expect(page.GetByTestId("version")).ToHaveTextAsync("1.0");
        Assert.That((await Host.Store.GetAsync(name))!.Definition.Version, Is.EqualTo("1.0"));
    }

    [Test]
    public async Task A_script_typed_in_a_description_renders_as_text_in_the_dry_run()
    {
        const string description = "<script>window.__xss = 1</script><b>bold</b>";
        var page = await SignInAsync(AdminKey);
        await OpenAsync(page, "/admin/editor?template=http-api");

        await page.Locator("[data-field='description'] textarea").FillAsync(description);
        await page.GetByTestId("review").ClickAsync();

        var dryRun = page.GetByTestId("dry-run");
        await Expect(page.GetByTestId("dry-run-diff")).ToContainTextAsync(description);
        await Expect(dryRun.Locator("script, b")).ToHaveCountAsync(0);
        Assert.That(await page.EvaluateAsync<bool>("() => window.__xss === undefined"), Is.True, "the script never ran");
    }

    [Test]
    public async Task A_viewer_gets_no_editor_and_no_delete()
    {
        var tool = await CreateAsync(GeneratedTools.Create(1, prefix: "ui-editor-viewer"));
        var page = await SignInAsync(ViewerKey);

        await OpenAsync(page, "/admin/editor");
        await Expect(page.GetByTestId("no-editor")).ToContainTextAsync("admin role");
        await Expect(page.GetByTestId("tool-form")).ToHaveCountAsync(0);
        await OpenAsync(page, $"/admin/editor/{tool.Name}");
        await Expect(page.GetByTestId("no-editor")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("tool-form")).ToHaveCountAsync(0);
        await OpenAsync(page, $"/admin/tools/{tool.Name}");
        await Expect(page.GetByTestId("tool-name")).ToHaveTextAsync(tool.Name);
        await Expect(page.GetByTestId("delete")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("new-version")).ToHaveCountAsync(0);
    }

    [Test]
    public async Task The_server_refuses_every_editor_write_of_a_viewer_and_changes_nothing()
    {
        var tool = await CreateAsync(GeneratedTools.Create(1, prefix: "ui-editor-refused"));
        await using var scope = Host.Services.CreateAsyncScope();
        var actions = ActionsAs(scope, ToolCatalogRoles.Viewer);
        var revision = Host.Catalog.Current.Revision;

        var created = await actions.CreateToolAsync(tool with { Name = "ui_editor_refused_new" });
        var published = await actions.PublishVersionAsync(tool with { Version = "1.1", Description = "changed" }, revision, allowBreaking: false);
        var deleted = await actions.DeleteToolAsync(tool.Name);
        var bulk = await actions.PreviewBulkUpdateAsync([tool.Name], [FieldAssignment.Parse("metadata.owner=ops")]);
        var applied = await actions.ApplyBulkUpdateAsync(bulk);

        Assert.Multiple(async () =>
        {
            foreach (var result in new[] { created, published, deleted, applied })
            {
                Assert.That(result.Succeeded, Is.False, result.Message);
                Assert.That(result.Message, Does.StartWith("Refused"));
            }

            Assert.That(bulk.CanApply, Is.True, "the preview itself was fine: only the apply is refused");
            Assert.That(await Host.Store.GetAsync("ui_editor_refused_new"), Is.Null);
            Assert.That((await Host.Store.GetAsync(tool.Name))!.Definition, Is.EqualTo(tool), "nothing was changed");
        });
    }

    [Test]
    public async Task Publishing_a_version_of_a_tool_changed_meanwhile_is_a_conflict_that_writes_nothing()
    {
        var tool = await CreateAsync(GeneratedTools.Create(1, prefix: "ui-editor-conflict"));
        var readAt = Host.Catalog.Current.Revision;
        var other = await Host.Store.PublishAsync(tool with { Version = "1.1", Description = "published by someone else" });
        await Host.Catalog.WaitForRevisionAsync(other.Revision);
        await using var scope = Host.Services.CreateAsyncScope();

        var result = await ActionsAs(scope, ToolCatalogRoles.Admin).PublishVersionAsync(tool with { Version = "1.2", Description = "mine" }, readAt, allowBreaking: false);

        Assert.Multiple(async () =>
        {
            Assert.That(result.Succeeded, Is.False);
            Assert.That(result.IsConflict, Is.True, result.Message);
            Assert.That(result.Message, Does.Contain("your form is kept"));
            Assert.That((await Host.Store.GetAsync(tool.Name))!.Definition.Version, Is.EqualTo("1.1"));
        });
    }

    [Test]
    public async Task An_admin_deletes_a_tool_after_confirming()
    {
        var tool = await CreateAsync(GeneratedTools.Create(1, prefix: "ui-editor-delete"));
        var page = await SignInAsync(AdminKey);
        await OpenAsync(page, $"/admin/tools/{tool.Name}");

        await page.GetByTestId("delete").ClickAsync();
        await Expect(page.GetByTestId("delete-confirmation")).ToContainTextAsync(tool.Name);
        Assert.That(await Host.Store.GetAsync(tool.Name), Is.Not.Null, "asking is not deleting");
        await page.GetByTestId("confirm-delete").ClickAsync();

        await Expect(page.GetByTestId("not-found")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("message")).ToContainTextAsync("delete done");
        Assert.That(Host.Catalog.Current.FindTool(tool.Name), Is.Null);
    }

    [Test]
    public async Task An_admin_previews_a_bulk_field_update_then_applies_it_and_exports_the_tools()
    {
        var first = await CreateAsync(GeneratedTools.Create(1, prefix: "ui-editor-bulk"));
        var second = await CreateAsync(GeneratedTools.Create(2, prefix: "ui-editor-bulk"));
        var page = await SignInAsync(AdminKey);
        await page.GetByTestId("search").FillAsync("ui-editor-bulk-");
        await Expect(page.GetByTestId("tool-row")).ToHaveCountAsync(2);
        await page.GetByLabel($"Select {first.Name}").CheckAsync();
        await page.GetByLabel($"Select {second.Name}").CheckAsync();

        await page.GetByTestId("bulk-export").ClickAsync();
        await Expect(page.GetByTestId("export-download")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^data:application/zip;base64,"));

        await page.GetByTestId("bulk-set").FillAsync("metadata.owner=ops");
        await page.GetByTestId("bulk-preview-button").ClickAsync();
        await Expect(page.GetByTestId("bulk-change")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("bulk-preview")).ToContainTextAsync("metadata.owner");
        await Expect(page.GetByTestId("bulk-preview")).ToContainTextAsync("1.0 → 1.1");
        Assert.That((await Host.Store.GetAsync(first.Name))!.Definition.Version, Is.EqualTo(first.Version), "a preview writes nothing");

        await page.GetByTestId("bulk-apply").ClickAsync();

        await Expect(page.GetByTestId("message")).ToContainTextAsync("2 new version(s)");
        Assert.Multiple(async () =>
        {
            foreach (var tool in new[] { first, second })
            {
                var stored = (await Host.Store.GetAsync(tool.Name))!.Definition;
                Assert.That(stored.Version, Is.EqualTo("1.1"));
                Assert.That(stored.Metadata.GetText("owner"), Is.EqualTo("ops"));
            }
        });
    }

    private static AdminActions ActionsAs(AsyncServiceScope scope, string role)
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, $"key:editor-{role}"), new Claim(ClaimTypes.Role, role)], "test", ClaimTypes.Name, ClaimTypes.Role));
        ((IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>())
            .SetAuthenticationState(Task.FromResult(new AuthenticationState(user)));
        return scope.ServiceProvider.GetRequiredService<AdminActions>();
    }

    private async Task<ToolDefinition> CreateAsync(ToolDefinition tool)
    {
        var written = await Host.Store.CreateAsync(tool);
        await Host.Catalog.WaitForRevisionAsync(written.Revision);
        return tool;
    }

    /// <summary>Into <c>TOOLCATALOG_UI_SCREENSHOTS</c> (docs/ui to refresh the guide's pictures) when set; else not taken.</summary>
    private static async Task Screenshot(IPage page, string file)
    {
        if (Environment.GetEnvironmentVariable("TOOLCATALOG_UI_SCREENSHOTS") is { Length: > 0 } folder)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetFullPath(folder), file), FullPage = true });
        }
    }
}
