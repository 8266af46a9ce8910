using System.Text.Json.Nodes;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;
using OpsConductor.ToolCatalog.Versioning;

namespace OpsConductor.ToolCatalog.Tests.Versioning;

[Parallelizable(ParallelScope.All)]
public sealed class ToolCompatibilityTests
{
    private static readonly ToolDefinition Previous = GeneratedTools.Create(1, capabilities: 2, patterns: 2, prefix: "compat");

    [Test]
    public void The_same_tool_under_a_new_version_is_compatible_with_no_changes()
    {
        var report = ToolCompatibility.Compare(Previous, Previous with { Version = "1.1", Description = "other words" });

        Assert.Multiple(() =>
        {
            Assert.That(report.IsBreaking, Is.False);
            Assert.That(report.Verdict, Is.EqualTo("compatible"));
            Assert.That(report.Changes, Is.Empty);
            Assert.That((report.PreviousVersion, report.Version), Is.EqualTo(("1.0", "1.1")));
        });
    }

    [Test]
    public void A_removed_capability_is_breaking_and_named()
    {
        var next = Previous with { Capabilities = [Previous.Capabilities[0]] };

        var report = ToolCompatibility.Compare(Previous, next);

        Assert.That(report.IsBreaking, Is.True);
        Assert.That(report.Changes.Single().Kind, Is.EqualTo(CompatibilityChangeKind.CapabilityRemoved));
        Assert.That(report.Changes.Single().Path, Is.EqualTo("capabilities.capability_1"));
    }

    [Test]
    public void A_removed_pattern_is_breaking()
    {
        var next = WithPattern(0, 0, null);

        var report = ToolCompatibility.Compare(Previous, next);

        Assert.That(report.BreakingChanges.Select(c => (c.Kind, c.Path)), Is.EqualTo(new[] { (CompatibilityChangeKind.PatternRemoved, "capabilities.capability_0.patterns.pattern_0") }));
    }

    [Test]
    public void A_newly_required_input_is_breaking_and_a_new_optional_input_is_not()
    {
        var pattern = Previous.Capabilities[0].Patterns[0];
        var required = WithPattern(0, 0, pattern with { RequiredInputs = [.. pattern.RequiredInputs, new InputSpec { Name = "host" }] });
        var optional = WithPattern(0, 0, pattern with { OptionalInputs = [.. pattern.OptionalInputs, new InputSpec { Name = "host" }] });

        Assert.Multiple(() =>
        {
            Assert.That(ToolCompatibility.Compare(Previous, required).BreakingChanges.Single().Kind, Is.EqualTo(CompatibilityChangeKind.RequiredInputAdded));
            var compatible = ToolCompatibility.Compare(Previous, optional);
            Assert.That(compatible.IsBreaking, Is.False);
            Assert.That(compatible.Changes.Single().Kind, Is.EqualTo(CompatibilityChangeKind.OptionalInputAdded));
        });
    }

    [Test]
    public void An_optional_input_made_required_is_breaking_and_the_reverse_is_not()
    {
        var pattern = Previous.Capabilities[0].Patterns[0];
        var timeout = pattern.OptionalInputs[0];
        var stricter = WithPattern(0, 0, pattern with { OptionalInputs = [], RequiredInputs = [.. pattern.RequiredInputs, timeout] });
        var looser = WithPattern(0, 0, pattern with { RequiredInputs = [], OptionalInputs = [.. pattern.OptionalInputs, .. pattern.RequiredInputs] });

        Assert.Multiple(() =>
        {
            Assert.That(ToolCompatibility.Compare(Previous, stricter).BreakingChanges.Single().Kind, Is.EqualTo(CompatibilityChangeKind.InputBecameRequired));
            Assert.That(ToolCompatibility.Compare(Previous, looser).IsBreaking, Is.False);
            Assert.That(ToolCompatibility.Compare(Previous, looser).Changes.Single().Kind, Is.EqualTo(CompatibilityChangeKind.InputBecameOptional));
        });
    }

    [Test]
    public void A_renamed_output_is_breaking_and_says_what_it_became()
    {
        var pattern = Previous.Capabilities[0].Patterns[0];
        var next = WithPattern(0, 0, pattern with { ExpectedOutputs = [new OutputSpec { Name = "results", Type = "object" }] });

        var change = ToolCompatibility.Compare(Previous, next).Changes.Single();

        Assert.That(change.Kind, Is.EqualTo(CompatibilityChangeKind.OutputRenamed));
        Assert.That(change.IsBreaking, Is.True);
        Assert.That(change.Message, Does.Contain("'result'").And.Contain("'results'"));
    }

    [Test]
    public void A_removed_output_and_a_changed_output_type_are_breaking()
    {
        var pattern = Previous.Capabilities[0].Patterns[0];
        var removed = WithPattern(0, 0, pattern with { ExpectedOutputs = [] });
        var retyped = WithPattern(0, 0, pattern with { ExpectedOutputs = [new OutputSpec { Name = "result", Type = "string" }] });

        Assert.Multiple(() =>
        {
            Assert.That(ToolCompatibility.Compare(Previous, removed).BreakingChanges.Single().Kind, Is.EqualTo(CompatibilityChangeKind.OutputRemoved));
            Assert.That(ToolCompatibility.Compare(Previous, retyped).BreakingChanges.Single().Kind, Is.EqualTo(CompatibilityChangeKind.OutputTypeChanged));
        });
    }

    [Test]
    public void Additions_are_compatible()
    {
        var pattern = Previous.Capabilities[0].Patterns[0];
        var next = WithPattern(0, 0, pattern with { ExpectedOutputs = [.. pattern.ExpectedOutputs, new OutputSpec { Name = "elapsed", Type = "integer" }] });
        next = next with
        {
            Capabilities = [.. next.Capabilities, new CapabilityDefinition { Name = "new_capability", Patterns = [pattern with { Name = "fresh" }] }],
        };

        var report = ToolCompatibility.Compare(Previous, next);

        Assert.That(report.IsBreaking, Is.False);
        Assert.That(report.Changes.Select(c => c.Kind), Is.EquivalentTo(new[] { CompatibilityChangeKind.OutputAdded, CompatibilityChangeKind.CapabilityAdded }));
    }

    [Test]
    public void Breaking_changes_are_listed_first()
    {
        var next = Previous with
        {
            Capabilities = [Previous.Capabilities[0], new CapabilityDefinition { Name = "added", Patterns = [Previous.Capabilities[0].Patterns[0]] }],
        };

        var report = ToolCompatibility.Compare(Previous, next);

        Assert.That(report.Changes.Select(c => c.IsBreaking), Is.EqualTo(new[] { true, false }));
    }

    private static ToolDefinition WithPattern(int capability, int pattern, PatternDefinition? replacement)
    {
        var cap = Previous.Capabilities[capability];
        var patterns = cap.Patterns.ToList();
        if (replacement is null)
        {
            patterns.RemoveAt(pattern);
        }
        else
        {
            patterns[pattern] = replacement;
        }

        var capabilities = Previous.Capabilities.ToList();
        capabilities[capability] = cap with { Patterns = [.. patterns] };
        return Previous with { Capabilities = [.. capabilities] };
    }
}

[Parallelizable(ParallelScope.All)]
public sealed class ToolVersionsTests
{
    [TestCase("1.0", "1.1", -1)]
    [TestCase("1.9", "1.10", -1)]
    [TestCase("2.0", "1.99", 1)]
    [TestCase("1", "1.0", 0)]
    [TestCase("1.0-beta", "1.0.1", -1)]
    [TestCase("1.0.0", "1.0.0", 0)]
    public void Versions_compare_number_by_number(string left, string right, int expected) =>
        Assert.That(Math.Sign(ToolVersions.Compare(left, right)), Is.EqualTo(expected));

    [TestCase("1.2.3", VersionBump.Patch, "1.2.4")]
    [TestCase("1.2.3", VersionBump.Minor, "1.3.0")]
    [TestCase("1.2.3", VersionBump.Major, "2.0.0")]
    [TestCase("1.0", VersionBump.Patch, "1.0.1")]
    [TestCase("1.0", VersionBump.Minor, "1.1")]
    [TestCase("1.9", VersionBump.Minor, "1.10")]
    [TestCase("1.0-beta", VersionBump.Major, "2.0")]
    public void A_bump_increments_one_number_and_resets_the_later_ones(string version, VersionBump part, string expected) =>
        Assert.That(ToolVersions.Bump(version, part), Is.EqualTo(expected));

    [Test]
    public void A_version_without_a_leading_number_cannot_be_bumped_and_the_error_says_so() =>
        Assert.That(() => ToolVersions.Bump("beta", VersionBump.Patch), Throws.ArgumentException.With.Message.Contains("'beta'"));
}

/// <summary>The store records a publish's compatibility verdict in its audit row.</summary>
[Parallelizable(ParallelScope.Self)]
public sealed class CompatibilityAuditTests
{
    private TestDatabase _db = null!;
    private ToolCatalogStore _store = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase()
    {
        _db = await TestDatabase.CreateAsync();
        _store = _db.CreateStore();
    }

    [OneTimeTearDown]
    public async Task DropDatabase() => await _db.DisposeAsync();

    [Test]
    public async Task A_publish_records_the_verdict_it_was_given_beside_the_diff()
    {
        var tool = GeneratedTools.Create(1, prefix: "audited-verdict");
        await _store.CreateAsync(tool);

        await _store.PublishAsync(tool with { Version = "1.1", Description = "changed" }, new ChangeContext
        {
            Actor = "alice",
            Compatibility = """{"verdict":"breaking","allowed":true,"changes":[{"kind":"capability_removed"}]}""",
        });

        var published = (await _store.GetAuditAsync(tool.Name)).Single(a => a.Action == "published");
        var changes = JsonNode.Parse(published.Changes)!.AsObject();
        Assert.Multiple(() =>
        {
            Assert.That(changes["$compatibility"]!["old"], Is.Null);
            Assert.That(changes["$compatibility"]!["new"]!["verdict"]!.GetValue<string>(), Is.EqualTo("breaking"));
            Assert.That(changes["$compatibility"]!["new"]!["allowed"]!.GetValue<bool>(), Is.True);
            Assert.That(changes["description"]!["new"]!.GetValue<string>(), Is.EqualTo("changed"), "the diff is kept");
        });
    }

    [Test]
    public async Task A_verdict_that_is_not_a_json_object_is_refused_before_anything_is_written()
    {
        var tool = GeneratedTools.Create(2, prefix: "audited-verdict");
        await _store.CreateAsync(tool);
        var revision = await _store.GetRevisionAsync();

        Assert.That(
            () => _store.PublishAsync(tool with { Version = "1.1" }, new ChangeContext { Compatibility = "[1, 2]" }),
            Throws.ArgumentException.With.Message.Contains("Compatibility"));
        Assert.That(await _store.GetRevisionAsync(), Is.EqualTo(revision));
    }
}
