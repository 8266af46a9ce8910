using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Testing;

namespace OpsConductor.ToolCatalog.Tests.Runtime;

public sealed class CatalogSnapshotTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);

    private static ToolDefinition Tool(string name, string capability = "service_control", bool enabled = true, ToolStatus status = ToolStatus.Active, params string[] patterns) => new()
    {
        Name = name,
        Version = "1.0",
        Enabled = enabled,
        Status = status,
        Defaults = new ToolDefaults { Scope = "batch", AccuracyLevel = "real-time" },
        Capabilities =
        [
            new CapabilityDefinition
            {
                Name = capability,
                Patterns = (patterns.Length == 0 ? ["default"] : patterns)
                    .Select(p => new PatternDefinition { Name = p, TimeEstimateMs = "1000 + 5 * N" }).ToEquatableArray(),
            },
        ],
    };

    private static string[] Names(ReadOnlySpan<CompiledPattern> patterns)
    {
        var names = new string[patterns.Length];
        for (var i = 0; i < patterns.Length; i++)
        {
            names[i] = patterns[i].ToString();
        }

        return names;
    }

    [Test]
    public void Database_catalogs_enumerate_by_tool_name_and_file_catalogs_in_file_order()
    {
        ToolDefinition[] tools = [Tool("zeta"), Tool("alpha", patterns: ["b", "a"]), Tool("Mid")];
        var byName = CatalogSnapshot.Create(tools, 7, CatalogSource.Database, At);
        var byFile = CatalogSnapshot.Create(tools, 0, CatalogSource.Yaml, At, keepFileOrder: true);

        Assert.That(Names(byName.PatternsFor("service_control")), Is.EqualTo(new[]
        {
            "Mid.service_control.default", "alpha.service_control.b", "alpha.service_control.a", "zeta.service_control.default",
        }));
        Assert.That(Names(byFile.PatternsFor("service_control")), Is.EqualTo(new[]
        {
            "zeta.service_control.default", "alpha.service_control.b", "alpha.service_control.a", "Mid.service_control.default",
        }));
        Assert.That(byName.Tools.Select(t => t.Name), Is.EqualTo(new[] { "Mid", "alpha", "zeta" }));
        Assert.That(byName.Revision, Is.EqualTo(7));
    }

    [Test]
    public void Disabled_and_inactive_tools_can_be_looked_up_but_are_never_candidates()
    {
        var snapshot = CatalogSnapshot.Create(
            [Tool("on"), Tool("off", enabled: false), Tool("old", status: ToolStatus.Deprecated), Tool("trial", status: ToolStatus.Testing)],
            1, CatalogSource.Database, At);

        Assert.That(snapshot.TryGetTool("off", out var off), Is.True);
        Assert.That(off!.IsSelectable, Is.False);
        Assert.That(Names(snapshot.PatternsFor("service_control")), Is.EqualTo(new[] { "on.service_control.default" }));
        Assert.That(snapshot.PatternsFor("no_such_capability").IsEmpty, Is.True);
    }

    [Test]
    public void Patterns_inherit_tool_defaults_and_carry_their_compiled_expressions()
    {
        var tool = Tool("t") with { };
        var broken = tool with
        {
            Name = "broken",
            Capabilities = [new CapabilityDefinition { Name = "service_control", Patterns = [new PatternDefinition { Name = "p", TimeEstimateMs = "1000 +", CostEstimate = "ceil(N/100)" }] }],
        };
        var snapshot = CatalogSnapshot.Create([tool, broken], 1, CatalogSource.Database, At);
        var good = snapshot.FindTool("t")!.Patterns[0];
        var bad = snapshot.FindTool("broken")!.Patterns[0];

        Assert.Multiple(() =>
        {
            Assert.That(good.Definition.Scope, Is.EqualTo("batch"));
            Assert.That(good.Definition.AccuracyLevel, Is.EqualTo("real-time"));
            Assert.That(good.IsCompiled, Is.True);
            Assert.That(good.TimeEstimate!.Variables, Is.EqualTo(new[] { "N" }));
            Assert.That(bad.IsCompiled, Is.False);
            Assert.That(bad.TimeEstimate, Is.Null);
            Assert.That(bad.CostEstimate, Is.Not.Null);
            Assert.That(bad.CompileProblems[0], Does.StartWith("time_estimate_ms '1000 +'"));
        });
    }

    [Test]
    public void Applying_changes_gives_the_same_catalog_as_rebuilding_it()
    {
        var tools = SyntheticCatalog.Generate(300, distinctCapabilities: 20);
        var before = CatalogSnapshot.Create(tools, 1, CatalogSource.Database, At);
        var random = new Random(7);

        var current = tools.ToDictionary(t => t.Name);
        var changes = new List<ToolState>();
        for (var i = 0; i < 60; i++)
        {
            var name = SyntheticCatalog.ToolName(random.Next(320));
            ToolDefinition? next = random.Next(6) switch
            {
                0 => null,
                1 => current.TryGetValue(name, out var t) ? t with { Enabled = !t.Enabled } : SyntheticCatalog.Generate(1, seed: i)[0] with { Name = name },
                _ => SyntheticCatalog.Generate(1, distinctCapabilities: 20, seed: 1000 + i)[0] with { Name = name, Version = $"2.{i}" },
            };
            changes.Add(new ToolState(name, next));
            if (next is null)
            {
                current.Remove(name);
            }
            else
            {
                current[name] = next;
            }
        }

        var applied = before.Apply(changes, 2, At);
        var rebuilt = CatalogSnapshot.Create(current.Values, 2, CatalogSource.Database, At);

        Assert.That(applied.ToolCount, Is.EqualTo(rebuilt.ToolCount));
        Assert.That(applied.Tools.Select(t => t.Definition), Is.EqualTo(rebuilt.Tools.Select(t => t.Definition)));
        Assert.That(applied.CapabilityNames.Order(StringComparer.Ordinal), Is.EqualTo(rebuilt.CapabilityNames.Order(StringComparer.Ordinal)));
        foreach (var capability in rebuilt.CapabilityNames)
        {
            Assert.That(Names(applied.PatternsFor(capability)), Is.EqualTo(Names(rebuilt.PatternsFor(capability))), capability);
        }

        Assert.That(before.ToolCount, Is.EqualTo(300), "the original snapshot is untouched");
    }

    [Test]
    public void A_file_catalog_keeps_a_changed_tool_in_place_and_appends_new_ones()
    {
        var snapshot = CatalogSnapshot.Create([Tool("b"), Tool("a"), Tool("c")], 0, CatalogSource.Yaml, At, keepFileOrder: true);
        var next = snapshot.Apply([new ToolState("a", Tool("a", patterns: ["x"])), new ToolState("0new", Tool("0new"))], 0, At);
        Assert.That(Names(next.PatternsFor("service_control")), Is.EqualTo(new[]
        {
            "b.service_control.default", "a.service_control.x", "c.service_control.default", "0new.service_control.default",
        }));
    }

    [Test]
    public void Disabling_a_tool_removes_its_patterns_and_re_enabling_brings_them_back()
    {
        var on = Tool("svc", patterns: ["start", "stop"]);
        var snapshot = CatalogSnapshot.Create([on, Tool("other")], 1, CatalogSource.Database, At);
        var disabled = snapshot.Apply([new ToolState("svc", on with { Enabled = false })], 2, At);
        var enabled = disabled.Apply([new ToolState("svc", on)], 3, At);

        Assert.That(Names(disabled.PatternsFor("service_control")), Is.EqualTo(new[] { "other.service_control.default" }));
        Assert.That(Names(enabled.PatternsFor("service_control")), Is.EqualTo(Names(snapshot.PatternsFor("service_control"))));
        Assert.That(enabled.Revision, Is.EqualTo(3));
    }

    [Test]
    public void A_change_whose_definition_has_another_name_is_refused()
    {
        var snapshot = CatalogSnapshot.Create([Tool("a")], 1, CatalogSource.Database, At);
        Assert.That(() => snapshot.Apply([new ToolState("a", Tool("b"))], 2, At), Throws.ArgumentException.With.Message.Contains("'a'").And.Message.Contains("'b'"));
    }
}
