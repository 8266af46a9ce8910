using Npgsql;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Telemetry;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Telemetry;

/// <summary>
/// A record written without an estimate gets its pattern's estimate for its variables (decision 1502), so that the report
/// can compare every record with the expression of its (immutable) version.
/// </summary>
[Parallelizable(ParallelScope.Self)]
public sealed class TelemetryEstimateTests
{
    internal static ToolDefinition Tool(string name, string time, string cost = "2 * N")
    {
        var tool = GeneratedTools.Create(0, capabilities: 1, patterns: 1, prefix: name);
        var capability = tool.Capabilities[0];
        return tool with
        {
            Capabilities = [capability with { Patterns = [capability.Patterns[0] with { TimeEstimateMs = time, CostEstimate = cost }] }],
        };
    }

    private static ExecutionRecord Execution(double time, IReadOnlyDictionary<string, double>? variables, double? estimate = null) => new()
    {
        Tool = "est-00000",
        Capability = "capability_0",
        Pattern = "pattern_0",
        ActualTimeMs = time,
        ActualCost = 30,
        Success = true,
        Variables = variables,
        EstimatedTimeMs = estimate,
    };

    [Test]
    public async Task A_record_without_an_estimate_gets_its_patterns_expression_evaluated_with_its_variables()
    {
        await using var db = await TestDatabase.CreateAsync();
        var store = db.CreateStore();
        await store.ImportAsync([Tool("est", "1000 + 50 * N + hosts")]);

        var written = await store.WriteTelemetryAsync(
        [
            Execution(2200, new Dictionary<string, double> { ["N"] = 20, ["hosts"] = 100 }),
            Execution(1500, new Dictionary<string, double> { ["hosts"] = 0 }),
            Execution(1500, new Dictionary<string, double> { ["N"] = 20 }),
            Execution(1500, new Dictionary<string, double> { ["N"] = 20, ["hosts"] = 5 }, estimate: 1200),
        ]);

        Assert.That(written.Written, Is.EqualTo(4));
        var rows = await ReadAsync(db.DataSource);
        Assert.That(rows[0], Is.EqualTo((2200, (int?)2100, (double?)((2200d - 2100) / 2100 * 100), (double?)40d, (double?)-25d)), "1000 + 50*20 + 100; cost 2*20");
        Assert.That(rows[1], Is.EqualTo((1500, (int?)1000, (double?)50d, (double?)0d, (double?)null)), "N missing: its default 0, as in selection");
        Assert.That(rows[2], Is.EqualTo((1500, (int?)null, (double?)null, (double?)40d, (double?)-25d)), "hosts missing: no estimate, and the record is still written");
        Assert.That(rows[3].EstimatedTime, Is.EqualTo(1200), "an estimate the record carries is kept");
    }

    [Test]
    public async Task A_pattern_whose_estimate_fails_for_a_record_writes_the_record_without_one()
    {
        await using var db = await TestDatabase.CreateAsync();
        var store = db.CreateStore();
        await store.ImportAsync([Tool("est", "1000 / N")]);

        var written = await store.WriteTelemetryAsync([Execution(10, new Dictionary<string, double> { ["N"] = 0 }), Execution(10, new Dictionary<string, double> { ["N"] = 4 })]);

        Assert.That(written.Written, Is.EqualTo(2));
        var rows = await ReadAsync(db.DataSource);
        Assert.That(rows.Select(r => r.EstimatedTime), Is.EqualTo(new int?[] { null, 250 }), "a division by zero gives no estimate");
    }

    private static async Task<List<(int Time, int? EstimatedTime, double? Variance, double? EstimatedCost, double? CostVariance)>> ReadAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT actual_time_ms, estimated_time_ms, time_variance_percent, estimated_cost, cost_variance_percent FROM tool_catalog.tool_telemetry ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(int, int?, double?, double?, double?)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetDouble(2),
                reader.IsDBNull(3) ? null : reader.GetDouble(3), reader.IsDBNull(4) ? null : reader.GetDouble(4)));
        }

        return rows;
    }
}
