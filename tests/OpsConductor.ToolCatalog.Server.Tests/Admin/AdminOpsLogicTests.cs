using OpsConductor.ToolCatalog.Admin.Catalog.Audit;
using OpsConductor.ToolCatalog.Admin.Catalog.Playground;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.Admin;

/// <summary>
/// The selection playground's and the audit viewer's logic, without a browser: the form → request with the API's
/// validation at the field, the explanation of a selection, the audit filter → the store's query, the diff rows.
/// </summary>
[TestFixture]
public sealed class AdminOpsLogicTests
{
    private static PlaygroundForm Form(string capabilities = "capability_0", params (string Name, string Value)[] variables)
    {
        var form = new PlaygroundForm { Capabilities = capabilities };
        form.Variables.Clear();
        form.Variables.AddRange(variables.Select(static v => new VariableRow { Name = v.Name, Value = v.Value }));
        return form;
    }

    [Test]
    public void A_playground_form_becomes_the_request_it_describes()
    {
        var form = Form("capability_0, capability_1", ("N", "1000"), ("", ""), ("pages", "2.5"));
        form.Mode = "fast";
        form.Query = "quickly";
        form.CostLimit = "0.5";
        form.Environment = " staging ";
        form.RequireProductionSafe = false;
        form.AssignmentKey = "user-7";

        var build = SelectionPlayground.Build(form);

        Assert.That(build.Errors, Is.Empty);
        var request = build.Request!;
        Assert.Multiple(() =>
        {
            Assert.That(request.Capabilities, Is.EqualTo(new[] { "capability_0", "capability_1" }));
            Assert.That(request.Variables, Is.EquivalentTo(new Dictionary<string, double> { ["N"] = 1000, ["pages"] = 2.5 }));
            Assert.That(request.ExplicitMode, Is.EqualTo("fast"));
            Assert.That(request.Query, Is.EqualTo("quickly"));
            Assert.That(request.CostLimit, Is.EqualTo(0.5));
            Assert.That(request.Environment, Is.EqualTo("staging"));
            Assert.That(request.RequireProductionSafe, Is.False);
            Assert.That(request.AssignmentKey, Is.EqualTo("user-7"));
            Assert.That(request.User, Is.Null, "an empty user is left out, not sent blank");
        });
    }

    [TestCase("", "capabilities", "at least one capability")]
    [TestCase("capability_0", "cost_limit", "finite number ≥ 0")]
    public void A_request_the_selector_would_refuse_is_refused_at_the_field_with_its_rule(string capabilities, string field, string rule)
    {
        var form = Form(capabilities);
        form.CostLimit = capabilities.Length == 0 ? "" : "-1";

        var build = SelectionPlayground.Build(form);

        Assert.Multiple(() =>
        {
            Assert.That(build.Request, Is.Null, "nothing is selected");
            Assert.That(build.ErrorAt(field), Does.Contain(rule));
        });
    }

    [Test]
    public void An_unknown_mode_and_a_blank_environment_are_refused_at_their_fields()
    {
        var form = Form();
        form.Mode = "fastest";
        Assert.That(SelectionPlayground.Build(form).ErrorAt("mode"), Does.Contain("Invalid preference mode").And.Contain("fastest"));

        form = Form();
        form.Environment = "  ";
        Assert.That(SelectionPlayground.Build(form).ErrorAt("environment"), Does.Contain("environment"));
    }

    [Test]
    public void Variables_are_checked_per_row_and_the_error_names_the_row()
    {
        var build = SelectionPlayground.Build(Form("capability_0", ("N", "many"), ("", "3"), ("pages", "1"), ("pages", "2"), ("N-1", "4")));

        Assert.Multiple(() =>
        {
            Assert.That(build.Request, Is.Null);
            Assert.That(build.ErrorAt("variables.N"), Does.Contain("'many'").And.Contain("must be a number"));
            Assert.That(build.ErrorAt("variables[1]"), Does.Contain("no name"));
            Assert.That(build.ErrorAt("variables.pages"), Does.Contain("given twice"));
        });

        var badName = SelectionPlayground.Build(Form("capability_0", ("N-1", "4")));
        Assert.That(badName.ErrorAt("variables.N-1"), Is.Not.Null, "the library's own rule for variable names, at the row");
    }

    [Test]
    public async Task The_explanation_shows_the_chosen_one_every_feature_with_its_weight_and_every_exclusion_with_its_reason()
    {
        // Patterns cost 1, 2 and 3; pattern_2 is not production-safe (and above the limit: its first rule is the cost limit).
        var tool = GeneratedTools.Create(1, capabilities: 1, patterns: 3, prefix: "play");
        var snapshot = CatalogSnapshot.Create([tool], 4, CatalogSource.Database, DateTimeOffset.UnixEpoch);
        var form = Form("capability_0", ("N", "10"));
        form.CostLimit = "1.5";
        form.Mode = "fast";

        var view = await SelectionPlayground.RunAsync(new ToolSelector(), snapshot, SelectionPlayground.Build(form).Request!);

        var chosen = view.Ranked.Single(static c => c.IsChosen);
        Assert.Multiple(() =>
        {
            Assert.That(view.Revision, Is.EqualTo(4));
            Assert.That(view.Mode, Is.EqualTo("fast"));
            Assert.That(chosen.Pattern, Is.EqualTo("pattern_0"));
            Assert.That(view.Chosen, Is.EqualTo($"{tool.Name}.pattern_0"));
            Assert.That(chosen.Features, Is.Not.Empty);
            Assert.That(chosen.Features.Sum(static f => f.Contribution), Is.EqualTo(chosen.Score).Within(1e-9), "the features add up to the score");
            Assert.That(view.Excluded.Single(static e => e.Pattern == "pattern_1").Rule, Is.EqualTo("cost_limit"));
            Assert.That(view.Excluded.Single(static e => e.Pattern == "pattern_1").Reason, Does.Contain("1.5"));
            Assert.That(view.Excluded.Single(static e => e.Pattern == "pattern_2").Reason, Does.Contain("production-safe"), "every rule it breaks is in the reason");
        });
    }

    [Test]
    public async Task When_nothing_is_viable_the_explanation_says_why_and_still_lists_the_exclusions()
    {
        var tool = GeneratedTools.Create(1, capabilities: 1, patterns: 2, prefix: "play-none");
        var snapshot = CatalogSnapshot.Create([tool], 2, CatalogSource.Database, DateTimeOffset.UnixEpoch);
        var form = Form("capability_0", ("N", "10"));
        form.CostLimit = "0.1";

        var view = await SelectionPlayground.RunAsync(new ToolSelector(), snapshot, SelectionPlayground.Build(form).Request!);

        Assert.Multiple(() =>
        {
            Assert.That(view.Chosen, Is.Null);
            Assert.That(view.Error, Is.Not.Null.And.Not.Empty);
            Assert.That(view.Ranked, Is.Empty);
            Assert.That(view.Excluded.Select(static e => e.Rule), Is.All.EqualTo("cost_limit"));
        });
    }

    [Test]
    public void The_audit_filter_becomes_the_stores_query()
    {
        var filter = AuditViewer.ToQuery(new AuditFilterForm
        {
            Tool = " net-check ",
            Actor = "key:ops",
            Action = "disabled",
            From = "2026-12-01",
            To = "2026-12-02T12:00:00+01:00",
        });

        Assert.That(filter.Errors, Is.Empty);
        Assert.That(filter.Query, Is.EqualTo(new AuditQuery
        {
            ToolName = "net-check",
            Actor = "key:ops",
            Action = "disabled",
            From = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero),
            To = new DateTimeOffset(2026, 12, 2, 11, 0, 0, TimeSpan.Zero),
        }));
        Assert.That(AuditViewer.ToQuery(new AuditFilterForm()).Query, Is.EqualTo(AuditQuery.All), "an empty filter reads everything");
    }

    [Test]
    public void A_bad_audit_filter_is_refused_at_its_field_and_queries_nothing()
    {
        var notADate = AuditViewer.ToQuery(new AuditFilterForm { From = "yesterday" });
        var reversed = AuditViewer.ToQuery(new AuditFilterForm { From = "2026-12-02", To = "2026-12-01" });
        var action = AuditViewer.ToQuery(new AuditFilterForm { Action = "exploded" });

        Assert.Multiple(() =>
        {
            Assert.That(notADate.Query, Is.Null);
            Assert.That(notADate.Errors["from"], Does.Contain("'yesterday'").And.Contain("ISO 8601"));
            Assert.That(reversed.Errors["from"], Does.Contain("earlier than"));
            Assert.That(action.Errors["action"], Does.Contain("'exploded'").And.Contain("rolled_back"));
        });
    }

    [Test]
    public void An_audit_diff_becomes_one_row_per_field_with_values_as_unescaped_JSON()
    {
        var rows = AuditViewer.Diff("""{"description": {"old": "a", "new": "<script>x</script>"}, "enabled": {"old": true, "new": false}, "version": {"old": null, "new": "1.0"}, "removed": [1, 2]}""");

        Assert.That(rows, Is.EqualTo(new[]
        {
            new AuditFieldChange("description", "\"a\"", "\"<script>x</script>\""),
            new AuditFieldChange("enabled", "true", "false"),
            new AuditFieldChange("version", null, "\"1.0\""),
            new AuditFieldChange("removed", null, "[1,2]"),
        }));
    }
}
