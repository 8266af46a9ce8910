using OpsConductor.ToolCatalog.Expressions;

namespace OpsConductor.ToolCatalog.Tests.Expressions;

public sealed class VariableTableAndContextTests
{
    [Test]
    public void The_default_table_holds_the_originals_default_variables_in_the_first_slots()
    {
        var table = VariableTable.CreateDefault();
        Assert.That(table.Count, Is.EqualTo(5));
        Assert.That(Enumerable.Range(0, 5).Select(table.NameOf), Is.EqualTo(new[] { "N", "pages", "p95_latency", "cost", "time_ms" }));
        Assert.That(VariableTable.Defaults.Select(d => d.Value), Is.EqualTo(new[] { 0.0, 1, 100, 1, 1000 }));
        Assert.That(VariableTable.IsDefaultVariable("p95_latency"), Is.True);
        Assert.That(VariableTable.IsDefaultVariable("file_size_kb"), Is.False);
    }

    [Test]
    public void Slots_are_given_once_and_names_are_checked()
    {
        var table = VariableTable.CreateDefault();
        var slot = table.GetOrAddSlot("file_size_kb");
        Assert.That(slot, Is.EqualTo(5));
        Assert.That(table.GetOrAddSlot("file_size_kb"), Is.EqualTo(slot));
        Assert.That(table.TryGetSlot("file_size_kb", out var found) && found == slot, Is.True);
        Assert.That(table.TryGetSlot("nope", out _), Is.False);
        Assert.That(table.NameOf(slot), Is.EqualTo("file_size_kb"));
        Assert.That(() => table.NameOf(6), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => table.GetOrAddSlot("not a name"), Throws.ArgumentException.With.Message.Contains("'not a name'"));
        Assert.That(() => table.GetOrAddSlot("9lives"), Throws.ArgumentException);
        Assert.That(() => table.GetOrAddSlot(""), Throws.ArgumentException);
    }

    [Test]
    public async Task Concurrent_registration_gives_each_name_exactly_one_slot()
    {
        var table = VariableTable.CreateDefault();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workers = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            await start.Task;
            return Enumerable.Range(0, 500).Select(i => (Name: $"v{(i * 7 + worker) % 500}", Slot: table.GetOrAddSlot($"v{(i * 7 + worker) % 500}"))).ToList();
        })).ToList();
        start.SetResult();
        var results = (await Task.WhenAll(workers)).SelectMany(r => r).ToList();
        Assert.That(table.Count, Is.EqualTo(505));
        foreach (var group in results.GroupBy(r => r.Name))
        {
            Assert.That(group.Select(g => g.Slot).Distinct().Count(), Is.EqualTo(1), group.Key);
            Assert.That(table.NameOf(group.First().Slot), Is.EqualTo(group.Key));
        }

        Assert.That(results.Select(r => r.Slot).Distinct().Count(), Is.EqualTo(500));
    }

    [Test]
    public void A_context_starts_with_defaults_and_reads_what_was_set()
    {
        var table = VariableTable.CreateDefault();
        var context = new ExpressionContext(table);
        Assert.That(context.Variables, Is.SameAs(table));
        Assert.That(context.TryGet("time_ms", out var time) && time == 1000, Is.True);
        Assert.That(context.TryGet("file_size_kb", out _), Is.False);
        context.Set("file_size_kb", 12.5);
        Assert.That(context.TryGet("file_size_kb", out var size) && size == 12.5, Is.True);
        Assert.That(context.TryGet(table.GetOrAddSlot("file_size_kb"), out size) && size == 12.5, Is.True);
        Assert.That(context.TryGet(999, out _), Is.False);
        Assert.That(() => context.Set(999, 1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        context.Reset();
        Assert.That(context.TryGet("file_size_kb", out _), Is.False);
        Assert.That(context.TryGet("N", out var n) && n == 0, Is.True);
    }

    [Test]
    public void Any_NaN_set_is_a_value_never_mistaken_for_a_missing_one()
    {
        var table = VariableTable.CreateDefault();
        var context = new ExpressionContext(table);
        var oddNaN = BitConverter.Int64BitsToDouble(ExpressionContext.UndefinedBits);
        context.Set("x", oddNaN);
        Assert.That(context.TryGet("x", out var x), Is.True);
        Assert.That(double.IsNaN(x), Is.True);
    }

    [Test]
    public void The_validation_context_holds_the_originals_test_values()
    {
        var table = VariableTable.CreateDefault();
        var context = ExpressionContext.CreateValidationContext(table);
        var expected = new Dictionary<string, double> { ["N"] = 100, ["pages"] = 5, ["p95_latency"] = 150, ["cost"] = 10, ["time_ms"] = 1000 };
        foreach (var (name, value) in expected)
        {
            Assert.That(context.TryGet(name, out var actual) && actual == value, Is.True, name);
        }
    }
}
