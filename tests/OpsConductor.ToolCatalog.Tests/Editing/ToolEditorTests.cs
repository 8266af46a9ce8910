using OpsConductor.ToolCatalog.Editing;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Tests.Support;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Tests.Editing;

public sealed class ToolEditorTests
{
    private static readonly ToolDefinition Systemctl =
        new ToolYamlReader().ReadFile(Path.Combine(TestPaths.SampleTools, "linux", "systemctl.yaml")).ThrowIfUnreadable().Tools[0];

    private static ToolEdit Apply(ToolDefinition tool, params string[] assignments) =>
        ToolEditor.Apply(tool, [.. assignments.Select(FieldAssignment.Parse)]);

    [Test]
    public void A_bare_pattern_field_is_set_on_every_pattern_and_each_change_is_listed()
    {
        var edit = Apply(Systemctl, "policy.requires_approval=true");

        var patterns = edit.Updated.Capabilities.SelectMany(c => c.Patterns).ToList();
        Assert.That(patterns.Select(p => p.Policy.RequiresApproval), Is.All.True);
        Assert.That(edit.Changes.Select(c => c.ToString()), Is.EqualTo(new[]
        {
            "capabilities.service_reload.patterns.reload.policy.requires_approval: false -> true",
            "capabilities.service_start.patterns.start.policy.requires_approval: false -> true",
            "capabilities.service_status.patterns.unit_state.policy.requires_approval: false -> true",
            "capabilities.service_status.patterns.status_with_journal.policy.requires_approval: false -> true",
        }), "the restarts, stops, reload_or_restart and enable_and_start already required approval");
        Assert.That(edit.Updated with { Capabilities = Systemctl.Capabilities }, Is.EqualTo(Systemctl), "nothing else changed");
    }

    [Test]
    public void Setting_values_a_tool_already_has_changes_nothing()
    {
        var edit = Apply(Systemctl, "category=system", "defaults.freshness=live", "capabilities.service_stop.patterns.stop.policy.production_safe=false");

        Assert.That(edit.Changed, Is.False);
        Assert.That(edit.Changes, Is.Empty);
        Assert.That(edit.Updated, Is.SameAs(Systemctl));
    }

    [Test]
    public void Missing_mappings_are_created_for_metadata_and_defaults()
    {
        var bare = new ToolDefinition { Name = "bare", Version = "1.0" };

        var edit = Apply(bare, "metadata.owner=ops", "defaults.freshness=recent");

        Assert.That(edit.Updated.Metadata.GetText("owner"), Is.EqualTo("ops"));
        Assert.That(edit.Updated.Defaults.Freshness, Is.EqualTo("recent"));
        Assert.That(edit.Changes.Select(c => c.ToString()), Is.EqualTo(new[] { "metadata.owner: (absent) -> \"ops\"", "defaults.freshness: (absent) -> \"recent\"" }));
    }

    [Test]
    public void A_named_pattern_is_the_only_one_changed_and_unknown_names_match_nothing()
    {
        var edit = Apply(Systemctl, "capabilities.service_restart.patterns.rolling_restart.policy.max_cost=50", "capabilities.no_such.patterns.x.scope=batch", "capabilities.*.patterns.nope.scope=batch");

        Assert.That(edit.Changes.Select(c => c.Path), Is.EqualTo(new[] { "capabilities.service_restart.patterns.rolling_restart.policy.max_cost" }));
        Assert.That(edit.Updated.Capabilities.Select(c => c.Name), Is.EqualTo(new[] { "service_restart", "service_reload", "service_start", "service_stop", "service_status" }), "no capability was invented");
        Assert.That(edit.Updated.Capabilities[0].FindPattern("rolling_restart")!.Policy.MaxCost, Is.EqualTo(50));
        Assert.That(edit.Updated.Capabilities[0].FindPattern("restart_all")!.Policy.MaxCost, Is.EqualTo(200), "only the named pattern");
        Assert.That(edit.Updated.Capabilities.Sum(c => c.Patterns.Count), Is.EqualTo(10), "no pattern was invented");
    }

    [Test]
    public void Values_are_read_as_yaml()
    {
        var edit = Apply(Systemctl, "metadata.n=5", "metadata.text=\"5\"", "metadata.list=[a, b]", "metadata.flag=true", "metadata.none=null");

        var metadata = edit.Updated.Metadata;
        Assert.That(metadata["n"].Kind, Is.EqualTo(DataKind.Integer));
        Assert.That(metadata["text"].Kind, Is.EqualTo(DataKind.String));
        Assert.That(metadata["list"].AsList().Select(v => v.AsString()), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(metadata["flag"].AsBoolean(), Is.True);
        Assert.That(metadata["none"].IsNull, Is.True);
    }

    [Test]
    public void A_later_assignment_of_the_same_field_wins_and_a_round_trip_is_no_change()
    {
        var edit = Apply(Systemctl, "description=first", "description=second");
        var undone = Apply(Systemctl, $"description=\"{Systemctl.Description}\"");

        Assert.That(edit.Updated.Description, Is.EqualTo("second"));
        Assert.That(edit.Changes.Single().NewValue, Is.EqualTo("\"second\""));
        Assert.That(undone.Changed, Is.False);
    }

    [TestCase("tool_name=x", "name cannot be changed")]
    [TestCase("version=2.0", "bumped automatically")]
    [TestCase("status=deprecated", "toolcatalog enable|disable|deprecate")]
    [TestCase("enabled=false", "toolcatalog enable|disable")]
    [TestCase("capabilities=x", "would replace every capability")]
    [TestCase("metadata..owner=x", "empty part")]
    public void Paths_that_cannot_be_set_are_refused_with_the_reason(string assignment, string reason)
    {
        Assert.That(() => Apply(Systemctl, assignment), Throws.ArgumentException.With.Message.Contains(reason));
        Assert.That(ToolEditor.CheckPath(FieldAssignment.Parse(assignment).Path), Does.Contain(reason));
    }

    [Test]
    public void A_value_that_is_not_yaml_is_refused_naming_the_assignment()
    {
        Assert.That(() => Apply(Systemctl, "metadata.x=[unclosed"), Throws.ArgumentException.With.Message.Contains("metadata.x=[unclosed"));
        Assert.That(() => Apply(Systemctl, "metadata.x="), Throws.ArgumentException.With.Message.Contains("gives no value"));
        Assert.That(() => FieldAssignment.Parse("no-equals"), Throws.TypeOf<FormatException>());
    }

    [TestCase("1.0", "1.1")]
    [TestCase("1.9", "1.10")]
    [TestCase("2.0.3", "2.0.4")]
    [TestCase("1.09", "1.10")]
    [TestCase("7", "8")]
    [TestCase("beta", "beta.1")]
    [TestCase("1.0-rc", "1.0-rc.1")]
    public void The_next_version_increments_the_last_number(string version, string next)
    {
        Assert.That(ToolEditor.NextVersion(version), Is.EqualTo(next));
    }

    [Test]
    public void The_next_version_steps_over_versions_the_tool_already_had()
    {
        Assert.That(ToolEditor.NextVersion("1.0", ["1.0", "1.1", "1.2", "2.0"]), Is.EqualTo("1.3"));
    }
}
