using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Storage;

[Parallelizable(ParallelScope.Self)]
public sealed class RoundTripTests
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
    public async Task A_rich_tool_reads_back_exactly_as_it_was_stored()
    {
        var tool = RichTools.Create("rich-roundtrip");
        await _store.CreateAsync(tool);

        var stored = await _store.GetAsync("rich-roundtrip");

        Assert.That(stored, Is.Not.Null);
        Assert.That(stored!.Definition, Is.EqualTo(tool));
    }

    [Test]
    public async Task Value_kinds_survive_the_round_trip_not_just_equality()
    {
        var tool = RichTools.Create("rich-kinds");
        await _store.CreateAsync(tool);

        var stored = (await _store.GetAsync("rich-kinds"))!.Definition;
        var extensions = stored.Capabilities[0].Patterns[0].Extensions;

        Assert.Multiple(() =>
        {
            Assert.That(extensions["big_float"].Kind, Is.EqualTo(DataKind.Float));
            Assert.That(extensions["big_float"].AsDouble(), Is.EqualTo(1e20));
            Assert.That(extensions["huge_float"].AsDouble(), Is.EqualTo(1.7976931348623157e308));
            Assert.That(extensions["tiny_float"].AsDouble(), Is.EqualTo(1.5e-7));
            Assert.That(extensions["float_integral"].Kind, Is.EqualTo(DataKind.Float));
            Assert.That(extensions["integer"].Kind, Is.EqualTo(DataKind.Integer));
            Assert.That(extensions["integer"].AsInteger(), Is.EqualTo(long.MaxValue));
            Assert.That(double.IsNaN(extensions["not_a_number"].AsDouble()), Is.True);
            Assert.That(extensions["infinity"].AsDouble(), Is.EqualTo(double.PositiveInfinity));
            Assert.That(extensions["float_marker_lookalike"].Kind, Is.EqualTo(DataKind.Map));
            Assert.That(extensions["map_marker_lookalike"].AsMap().ContainsKey("$map"), Is.True);
            Assert.That(extensions["explicit_null"].IsNull, Is.True);
            Assert.That(stored.Capabilities[0].Patterns[0].ComplexityScore, Is.EqualTo(0.125));
            Assert.That(stored.Capabilities[0].Patterns[0].RequiredInputs[0].Default, Is.EqualTo(DataValue.Null));
            Assert.That(stored.Capabilities[0].Patterns[0].OptionalInputs[1].Default!.Kind, Is.EqualTo(DataKind.Float));
            Assert.That(stored.Capabilities[0].Patterns[1].Scope, Is.Null, "absent scope stays absent (inherits the default)");
            Assert.That(stored.Capabilities[0].Patterns[0].Policy.MaxNImmediate, Is.EqualTo(9_007_199_254_740_993));
        });
    }

    [Test]
    public async Task Capability_and_pattern_order_is_file_order_not_alphabetical()
    {
        await _store.CreateAsync(RichTools.Create("rich-order"));

        var stored = (await _store.GetAsync("rich-order"))!.Definition;

        Assert.That(stored.Capabilities.Select(c => c.Name), Is.EqualTo(new[] { "zeta_first", "alpha_second" }));
        Assert.That(stored.Capabilities[0].Patterns.Select(p => p.Name), Is.EqualTo(new[] { "omega", "alpha" }));
    }

    [Test]
    public async Task A_generated_tool_round_trips_through_the_bulk_copy_path_too()
    {
        var tools = new[] { RichTools.Create("rich-copy"), GeneratedTools.Create(1, prefix: "copy-gen") };
        await _store.ImportAsync(tools);

        Assert.That((await _store.GetAsync("rich-copy"))!.Definition, Is.EqualTo(tools[0]));
        Assert.That((await _store.GetAsync("copy-gen-00001"))!.Definition, Is.EqualTo(tools[1]));
    }

    [Test]
    public async Task Stored_tools_expose_row_ids_for_telemetry()
    {
        await _store.CreateAsync(RichTools.Create("rich-ids"));

        var stored = (await _store.GetAsync("rich-ids"))!;

        Assert.That(stored.Id, Is.GreaterThan(0));
        Assert.That(stored.GetCapabilityId("zeta_first"), Is.GreaterThan(0));
        Assert.That(stored.GetPatternId("zeta_first", "omega"), Is.GreaterThan(0));
        Assert.That(stored.GetPatternId("zeta_first", "missing"), Is.Null);
    }
}
