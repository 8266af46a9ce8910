using Bunit;
using OpsConductor.ToolCatalog.Admin.Catalog;
using OpsConductor.ToolCatalog.Admin.Components.Editing;
using OpsConductor.ToolCatalog.Admin.Editor;
using OpsConductor.ToolCatalog.Editing;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Admin.Tests.Editor;

/// <summary>The editor's components rendered by bUnit over its model: form ↔ YAML, findings and expression errors at
/// their fields, estimate previews, and the dry-run summary.</summary>
[TestFixture]
public sealed class ToolEditorComponentTests
{
    private const string TimePath = "capabilities.host_command.patterns.run.time_estimate_ms";
    private BunitContext _context = null!;

    [SetUp]
    public void CreateContext() => _context = new BunitContext();

    [TearDown]
    public void DisposeContext() => _context.Dispose();

    private static ToolDefinition LinuxTemplate => ToolTemplates.Find("linux-cli").Tool;

    private IRenderedComponent<ToolForm> RenderForm(ToolEditorModel model) =>
        _context.Render<ToolForm>(p => p.AddCascadingValue(model).Add(f => f.Changed, model.FormChanged));

    [Test]
    public void Every_template_is_valid_as_it_is()
    {
        foreach (var template in ToolTemplates.All)
        {
            var model = new ToolEditorModel(template.Tool, current: null);
            Assert.That(model.IsValid, Is.True, $"{template.Id}: " + string.Join("; ", model.Findings));
        }
    }

    [Test]
    public void The_form_and_the_YAML_view_round_trip_a_tool_unchanged()
    {
        var tool = LinuxTemplate with
        {
            Extensions = DataMap.Create(("x_team", DataValue.FromString("ops"))),
            Examples = [new ToolExample { Name = "two hosts", Inputs = DataMap.Create(("hosts", DataValue.FromString("web-01"))), ExpectedTimeMs = 900 }],
        };
        var model = new ToolEditorModel(tool, current: null);

        var fromForm = model.Tool;
        var updated = model.YamlChanged(model.Yaml);

        Assert.Multiple(() =>
        {
            Assert.That(fromForm, Is.EqualTo(tool), "the form keeps every field, those it has no input for too");
            Assert.That(updated, Is.True);
            Assert.That(model.Tool, Is.EqualTo(tool), "YAML → form gives the same tool");
            Assert.That(ToolDraft.From(model.Tool).ToTool(), Is.EqualTo(tool));
        });
    }

    [Test]
    public void Typing_in_the_form_updates_the_YAML_view()
    {
        var model = new ToolEditorModel(LinuxTemplate, current: null);
        var form = RenderForm(model);

        form.Find("[data-field='description'] textarea").Input("Restarts services on Linux hosts");

        Assert.That(model.Yaml, Does.Contain("description: \"Restarts services on Linux hosts\""));
    }

    [Test]
    public void Editing_the_YAML_view_updates_the_form()
    {
        var model = new ToolEditorModel(LinuxTemplate, current: null);

        model.YamlChanged(model.Yaml.Replace("\"500 + 200 * N\"", "\"800 + 10 * N\"", StringComparison.Ordinal));
        var form = RenderForm(model);

        Assert.That(form.Find($"[data-field='{TimePath}'] input").GetAttribute("value"), Is.EqualTo("800 + 10 * N"));
    }

    [Test]
    public void YAML_that_is_not_a_tool_leaves_the_form_as_it_was_and_says_why()
    {
        var model = new ToolEditorModel(LinuxTemplate, current: null);

        var updated = model.YamlChanged("tool_name: [unclosed");

        Assert.Multiple(() =>
        {
            Assert.That(updated, Is.False);
            Assert.That(model.YamlProblem, Does.Contain("does not update the form"));
            Assert.That(model.Draft.Name, Is.EqualTo("new_linux_command"), "the form keeps what was typed");
            Assert.That(model.IsValid, Is.False);
        });
    }

    [Test]
    public void A_validator_finding_is_shown_at_the_field_its_path_names()
    {
        var model = new ToolEditorModel(LinuxTemplate, current: null);
        var form = RenderForm(model);

        form.Find("[data-field='platform'] input").Input("plan9");

        var platform = form.Find("[data-field='platform'] [data-testid='field-findings']");
        Assert.Multiple(() =>
        {
            Assert.That(platform.TextContent, Does.Contain("plan9").And.Contain("linux"), "the message names the value and what is allowed");
            Assert.That(form.FindAll("[data-field='category'] [data-testid='field-findings']"), Is.Empty, "other fields show nothing");
            Assert.That(model.Unplaced, Is.Empty);
        });
    }

    [Test]
    public void Strict_mode_turns_a_tolerated_platform_from_a_warning_into_an_error_at_its_field()
    {
        var model = new ToolEditorModel(LinuxTemplate with { Platform = "kubernetes" }, current: null);
        var lenient = model.At("platform").Select(static f => f.Severity).ToList();

        model.Strict = true;

        Assert.Multiple(() =>
        {
            Assert.That(lenient, Is.EqualTo(new[] { Findings.ValidationSeverity.Warning }));
            Assert.That(model.At("platform").Single().IsError, Is.True);
        });
    }

    [Test]
    public void A_score_out_of_range_is_shown_at_its_preference_field()
    {
        var model = new ToolEditorModel(LinuxTemplate, current: null);
        var form = RenderForm(model);

        form.Find("[data-field='capabilities.host_command.patterns.run.preference_match.speed'] input").Change("7");

        Assert.That(form.Find("[data-field='capabilities.host_command.patterns.run.preference_match.speed'] [data-testid='field-findings']").TextContent,
            Does.Contain("error"));
    }

    [Test]
    public void A_bad_estimate_expression_shows_its_compile_error_at_the_field_as_it_is_typed()
    {
        var model = new ToolEditorModel(LinuxTemplate, current: null);
        var form = RenderForm(model);

        form.Find($"[data-field='{TimePath}'] input").Input("500 + * N");

        Assert.Multiple(() =>
        {
            Assert.That(form.Find($"[data-field='{TimePath}'] [data-testid='expression-error']").TextContent, Does.Contain("column"));
            Assert.That(form.FindAll($"[data-field='{TimePath}'] [data-testid='preview']"), Is.Empty);
            Assert.That(model.IsValid, Is.False, "the validator refuses it too");
        });
    }

    [Test]
    public void An_estimate_is_previewed_for_N_1_10_100_and_the_vocabulary_defaults()
    {
        var preview = EstimatePreview.Of("500 + 200 * N");

        Assert.Multiple(() =>
        {
            Assert.That(preview.Error, Is.Null);
            Assert.That(preview.Samples.Select(s => (s.Variables, s.Value)), Is.EqualTo(new[]
            {
                ("N=1", "700.0"), ("N=10", "2500.0"), ("N=100", "20500.0"), ("defaults (N=0)", "500.0"),
            }));
        });
    }

    [Test]
    public void A_variable_outside_the_vocabulary_is_previewed_at_10_and_named()
    {
        var preview = EstimatePreview.Of("100 + 2 * file_size_kb");

        Assert.That(preview.Samples.Single().Variables, Does.Contain("file_size_kb=10"));
        Assert.That(preview.Samples.Single().Value, Is.EqualTo("120.0"));
    }

    [Test]
    public void The_rendered_field_shows_the_preview_values()
    {
        var model = new ToolEditorModel(LinuxTemplate, current: null);
        var form = RenderForm(model);

        var preview = form.Find($"[data-field='{TimePath}'] [data-testid='preview']").TextContent;

        Assert.That(preview, Does.Contain("N=10 → 2500.0").And.Contain("N=100 → 20500.0"));
    }

    [Test]
    public void The_dry_run_of_a_new_version_says_which_version_and_shows_the_diff()
    {
        var current = LinuxTemplate;
        var next = current with { Version = "1.1", Description = "Runs a command over SSH on Linux hosts, in parallel" };

        var summary = RenderPlan(PublishPlan.Create(next, intendedNew: false, current, []));

        Assert.Multiple(() =>
        {
            Assert.That(summary.Find("[data-testid='dry-run-headline']").TextContent, Does.Contain("new version 1.1").And.Contain("current version is 1.0"));
            Assert.That(string.Concat(summary.FindAll("[data-testid='dry-run-diff'] tr.changed").Select(static r => r.TextContent)),
                Does.Contain("version: \"1.1\"").And.Contain("in parallel"));
            Assert.That(summary.Find("[data-testid='dry-run-findings']").TextContent, Does.Contain("valid"));
            Assert.That(summary.FindAll("[data-testid='dry-run-blocker']"), Is.Empty);
        });
    }

    [Test]
    public void The_dry_run_refuses_a_version_that_does_not_grow_and_suggests_the_next()
    {
        var current = LinuxTemplate with { Version = "1.4" };
        var plan = PublishPlan.Create(current with { Version = "1.2", Description = "changed" }, intendedNew: false, current, []);

        var summary = RenderPlan(plan);

        Assert.Multiple(() =>
        {
            Assert.That(plan.CanPublish, Is.False);
            Assert.That(summary.Find("[data-testid='dry-run-blocker']").TextContent, Does.Contain("'1.2' does not grow past the current '1.4'").And.Contain("'1.5'"));
        });
    }

    [Test]
    public void A_new_version_cannot_rename_the_tool()
    {
        var plan = PublishPlan.Create(LinuxTemplate with { Name = "another_tool", Version = "1.1" }, intendedNew: false, LinuxTemplate, []);

        Assert.That(plan.Blocker, Does.Contain("cannot be renamed"));
    }

    [Test]
    public void The_dry_run_of_a_new_tool_whose_name_is_taken_says_so()
    {
        var plan = PublishPlan.Create(LinuxTemplate, intendedNew: true, LinuxTemplate, []);

        Assert.That(plan.Blocker, Does.Contain("exists already"));
    }

    [Test]
    public void The_dry_run_lists_the_findings_and_shows_markup_as_text()
    {
        var tool = LinuxTemplate with { Description = "<script>alert(1)</script>", Platform = "plan9" };
        var model = new ToolEditorModel(tool, current: null);

        var summary = RenderPlan(PublishPlan.Create(model.Tool, intendedNew: true, null, model.Findings));

        Assert.Multiple(() =>
        {
            Assert.That(summary.Find("[data-testid='dry-run-findings']").TextContent, Does.Contain("plan9"));
            Assert.That(summary.FindAll("script"), Is.Empty, "the description is text, not markup");
            Assert.That(summary.Find("[data-testid='dry-run-diff']").TextContent, Does.Contain("<script>alert(1)</script>"));
        });
    }

    [Test]
    public void A_bulk_update_changes_only_tools_without_the_value_and_bumps_their_versions()
    {
        var first = LinuxTemplate with { Name = "a" };
        var second = LinuxTemplate with { Name = "b", Metadata = LinuxTemplate.Metadata.With("owner", DataValue.FromString("ops")) };
        var assignments = BulkFieldUpdate.ParseAssignments("metadata.owner=ops\n", out var problem);

        var plan = BulkFieldUpdate.Plan([first, second], assignments, 7, name => name == "a" ? ["1.0", "1.1"] : ["1.0"]);

        Assert.Multiple(() =>
        {
            Assert.That(problem, Is.Null);
            Assert.That(plan.CanApply, Is.True);
            Assert.That(plan.Changes.Single().Name, Is.EqualTo("a"));
            Assert.That(plan.Changes.Single().Updated.Version, Is.EqualTo("1.2"), "steps over a version the tool had");
            Assert.That(plan.Changes.Single().Changes.Single().ToString(), Is.EqualTo("metadata.owner: (absent) -> \"ops\""));
            Assert.That(plan.Unchanged, Is.EqualTo(new[] { "b" }));
        });
    }

    [Test]
    public void A_bulk_update_of_a_field_that_cannot_be_set_is_refused_before_any_preview()
    {
        BulkFieldUpdate.ParseAssignments("version=9", out var problem);

        Assert.That(problem, Does.Contain("version").And.Contain("cannot be set"));
    }

    [Test]
    public void A_finding_goes_to_the_deepest_form_path_that_contains_it()
    {
        var paths = new HashSet<string> { "capabilities", "capabilities.c", "capabilities.c.patterns.p", "capabilities.c.patterns.p.required_inputs[0]" };

        Assert.Multiple(() =>
        {
            Assert.That(ToolEditorModel.FieldOf("capabilities.c.patterns.p.required_inputs[0].type", paths), Is.EqualTo("capabilities.c.patterns.p.required_inputs[0]"));
            Assert.That(ToolEditorModel.FieldOf("capabilities.c.patterns.p.api_parameters", paths), Is.EqualTo("capabilities.c.patterns.p"));
            Assert.That(ToolEditorModel.FieldOf("dependencies[0]", paths), Is.Null);
        });
    }

    private IRenderedComponent<DryRunSummary> RenderPlan(PublishPlan plan) =>
        _context.Render<DryRunSummary>(p => p.AddCascadingValue(plan));
}
