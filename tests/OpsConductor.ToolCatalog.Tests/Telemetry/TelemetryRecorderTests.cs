using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Telemetry;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Telemetry;

/// <summary>
/// The telemetry recorder against a real PostgreSQL: records are written with their tool, capability and pattern
/// resolved; records made while the database is down arrive after it returns; a full buffer drops and counts; stopping
/// writes what is buffered; <c>Record</c> never throws.
/// <para>The tests run one at a time (<see cref="ParallelScope.Self"/>) on one database of the fixture's, each on a tool
/// of its own name; what a test counts and reads are the telemetry rows written since it began (ids above the highest
/// one before it), which in a database of its own were all the rows. Only the test whose server goes down keeps a
/// database of its own (on its private server).</para>
/// </summary>
[Parallelizable(ParallelScope.Self)]
public sealed class TelemetryRecorderTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private TestDatabase _shared = null!;
    private long _before;

    [OneTimeSetUp]
    public async Task CreateDatabase() => _shared = await TestDatabase.CreateAsync();

    [OneTimeTearDown]
    public async Task DropDatabase() => await _shared.DisposeAsync();

    /// <summary>Notes the highest telemetry id so far: the rows of this test are those above it.</summary>
    [SetUp]
    public async Task NoteTelemetrySoFar() => _before = await _shared.HighestTelemetryIdAsync();

    private static TelemetryOptions Fast(int capacity = 1_000) => new()
    {
        Capacity = capacity,
        BatchSize = 100,
        FlushInterval = TimeSpan.FromMilliseconds(20),
        RetryDelay = TimeSpan.FromMilliseconds(50),
        MaxRetryDelay = TimeSpan.FromMilliseconds(200),
    };

    private static ExecutionRecord Execution(string tool, string pattern = "pattern_0", double time = 120, string? version = null) => new()
    {
        Tool = tool,
        Version = version,
        Capability = "capability_0",
        Pattern = pattern,
        ActualTimeMs = time,
        ActualCost = 2,
        Success = true,
        Environment = "production",
        Variables = new Dictionary<string, double> { ["N"] = 40 },
        EstimatedTimeMs = 100,
        EstimatedCost = 1,
        SelectionId = "sel-1",
        CatalogRevision = 7,
    };

    [Test]
    public async Task Records_are_written_with_their_tool_version_capability_and_pattern_resolved_and_unmatched_ones_counted()
    {
        var db = _shared;
        var store = db.CreateStore();
        await store.ImportAsync([GeneratedTools.Create(0, prefix: "rec"), GeneratedTools.Create(0, prefix: "rec", version: "2.0")]);
        await using var recorder = new TelemetryRecorder(store, Fast());
        await recorder.StartAsync();

        Assert.That(recorder.Record(Execution("rec-00000", version: "1.0")), Is.True);
        Assert.That(recorder.Record(Execution("rec-00000", time: 150)), Is.True, "no version: the latest");
        Assert.That(recorder.Record(Execution("rec-00000", pattern: "no_such_pattern")), Is.True);
        Assert.That(recorder.Record(Execution("no-such-tool")), Is.True);
        await recorder.FlushAsync().WaitAsync(Patience);

        var rows = await ReadAsync(db.DataSource, _before);
        Assert.That(rows.Select(r => (r.Version, r.Pattern, r.TimeMs)), Is.EquivalentTo(new[] { ("1.0", "pattern_0", 120), ("2.0", "pattern_0", 150) }));
        Assert.That(rows.Select(r => r.Variance), Is.EquivalentTo(new double?[] { 20, 50 }), "actual against the estimate, in percent");
        Assert.That(rows.Select(r => (r.SelectionId, r.Revision, r.Variables)), Is.All.EqualTo(("sel-1", (long?)7, "{\"N\": 40}")));
        Assert.That(recorder.Counts, Is.EqualTo(new TelemetryCounts(4, 0, 2, 2, 0, 0)));
    }

    [Test]
    public async Task Records_made_while_the_database_is_down_are_written_once_it_returns()
    {
        await using var server = await TestServer.StartPrivateAsync();
        await using var db = await TestDatabase.CreateAsync(server);
        var store = db.CreateStore();
        await store.ImportAsync([GeneratedTools.Create(0, prefix: "tel")]);
        await using var recorder = new TelemetryRecorder(store, Fast());
        await recorder.StartAsync();
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        recorder.WriteFailedForTests += _ => failed.TrySetResult();

        await server.StopAsync();
        for (var i = 0; i < 250; i++)
        {
            Assert.That(recorder.Record(Execution("tel-00000", time: i)), Is.True);
        }

        var flushed = recorder.FlushAsync();
        await failed.Task.WaitAsync(Patience);
        Assert.That(flushed.IsCompleted, Is.False, "nothing is written while the database is away");
        await server.StartAsync();
        await flushed.WaitAsync(Patience);

        Assert.That(await CountAsync(db.DataSource), Is.EqualTo(250));
        Assert.That(recorder.Counts.Written, Is.EqualTo(250));
        Assert.That(recorder.Counts.FailedWrites, Is.GreaterThanOrEqualTo(1));
        Assert.That(recorder.Counts.Dropped, Is.Zero);
    }

    [Test]
    public async Task A_full_buffer_drops_and_counts_what_does_not_fit_and_writes_the_rest()
    {
        var db = _shared;
        var store = db.CreateStore();
        await store.ImportAsync([GeneratedTools.Create(0, prefix: "full")]);
        await using var recorder = new TelemetryRecorder(store, Fast(capacity: 10));

        // Not started yet: nothing drains the buffer.
        var accepted = Enumerable.Range(0, 15).Count(i => recorder.Record(Execution("full-00000", time: i)));
        Assert.That(accepted, Is.EqualTo(10));
        Assert.That(recorder.Counts, Is.EqualTo(new TelemetryCounts(10, 5, 0, 0, 10, 0)));

        await recorder.StartAsync();
        await recorder.FlushAsync().WaitAsync(Patience);
        Assert.That(await CountAsync(db.DataSource, _before), Is.EqualTo(10));
        Assert.That(recorder.Counts.Dropped, Is.EqualTo(5));
    }

    [Test]
    public async Task Stopping_writes_what_is_buffered_and_then_refuses_new_records()
    {
        var db = _shared;
        var store = db.CreateStore();
        await store.ImportAsync([GeneratedTools.Create(0, prefix: "stop")]);
        var options = Fast(capacity: 50_000);
        options.FlushInterval = TimeSpan.FromHours(1); // only the stop makes it write
        options.BatchSize = 20_000;
        await using var recorder = new TelemetryRecorder(store, options);
        await recorder.StartAsync();
        for (var i = 0; i < 12_345; i++)
        {
            recorder.Record(Execution("stop-00000", time: i % 1000));
        }

        using var shutdown = new CancellationTokenSource(Patience);
        await recorder.StopAsync(shutdown.Token);

        Assert.That(await CountAsync(db.DataSource, _before), Is.EqualTo(12_345));
        Assert.That(recorder.Record(Execution("stop-00000")), Is.False);
        Assert.That(recorder.Counts.Dropped, Is.EqualTo(1));
    }

    [Test]
    public async Task A_stop_still_waiting_for_its_writers_when_the_container_disposes_the_recorder_ends_without_throwing()
    {
        // A host's stop and the container's dispose can meet (seen as a fixture's teardown error in CI): the stop waits
        // for a writer held by a lock; the dispose abandons the write and disposes the recorder meanwhile.
        await using var db = await TestDatabase.CreateAsync();
        var store = db.CreateStore();
        await store.ImportAsync([GeneratedTools.Create(0, prefix: "race")]);
        var recorder = new TelemetryRecorder(store, Fast());
        await using var blocker = await db.DataSource.OpenConnectionAsync();
        await using var transaction = await blocker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE tool_catalog.tool_telemetry IN ACCESS EXCLUSIVE MODE", blocker, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        await recorder.StartAsync();
        Assert.That(recorder.Record(Execution("race-00000")), Is.True);
        var stopping = recorder.StopAsync();
        Assert.That(stopping.IsCompleted, Is.False, "the stop waits for the writer the lock holds");

        await recorder.DisposeAsync().AsTask().WaitAsync(Patience);
        await transaction.RollbackAsync();

        Assert.That(async () => await stopping.WaitAsync(Patience), Throws.Nothing);
    }

    [Test]
    public async Task Record_never_throws_and_counts_what_it_refuses()
    {
        var db = _shared;
        await using var recorder = new TelemetryRecorder(db.CreateStore(), Fast());
        await using var withoutDatabase = new TelemetryRecorder(null, Fast());

        Assert.Multiple(() =>
        {
            Assert.That(recorder.Record(default), Is.False, "no names");
            Assert.That(recorder.Record(Execution("t") with { ActualTimeMs = double.NaN }), Is.False);
            Assert.That(recorder.Record(Execution("t") with { ActualTimeMs = -1 }), Is.False);
            Assert.That(recorder.Record(Execution("t") with { Pattern = "" }), Is.False);
            Assert.That(recorder.Counts.Dropped, Is.EqualTo(4));
            Assert.That(withoutDatabase.Record(Execution("t")), Is.False, "a catalog without a database records nothing");
            Assert.That(withoutDatabase.Counts.Dropped, Is.EqualTo(1));
        });
        Assert.That(withoutDatabase.FlushAsync().IsCompleted, Is.True);
    }

    [Test]
    public async Task AddToolCatalog_registers_the_recorder_and_the_host_starts_and_stops_it()
    {
        var db = _shared;
        var store = db.CreateStore();
        await store.ImportAsync([GeneratedTools.Create(0, prefix: "host")]);
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddToolCatalog(o => (o.Mode, o.ConnectionString) = (CatalogMode.Database, db.ConnectionString))
            .ConfigureTelemetry(o => o.FlushInterval = TimeSpan.FromHours(1));
        using (var host = builder.Build())
        {
            await host.StartAsync().WaitAsync(Patience);
            var recorder = host.Services.GetRequiredService<ITelemetryRecorder>();
            Assert.That(recorder.Record(Execution("host-00000")), Is.True);
            await host.StopAsync().WaitAsync(Patience);
        }

        Assert.That(await CountAsync(db.DataSource, _before), Is.EqualTo(1), "the host's stop wrote the buffered record");
    }

    [Test]
    public async Task A_versions_capabilities_and_patterns_are_deleted_only_with_it_so_telemetry_keeps_pointing_at_rows_that_exist()
    {
        // Telemetry keeps a foreign key to the version only (decision 1501); the database refuses to delete a
        // capability or pattern on its own, and a hard delete of the version still takes them along.
        // On the shared database: the refused deletes still aim at every row; what is left is counted over this tool's
        // rows (noted before the delete), which in a database of its own were all the rows.
        var db = _shared;
        var store = db.CreateStore();
        await store.ImportAsync([GeneratedTools.Create(0, prefix: "owned")]);
        foreach (var (table, sql) in new[] { ("tool_patterns", "DELETE FROM tool_catalog.tool_patterns"), ("tool_capabilities", "DELETE FROM tool_catalog.tool_capabilities") })
        {
            await using var delete = db.DataSource.CreateCommand(sql);
            var refused = Assert.ThrowsAsync<PostgresException>(() => delete.ExecuteNonQueryAsync());
            Assert.That(refused!.SqlState, Is.EqualTo(PostgresErrorCodes.RestrictViolation), table);
        }

        var (capabilityIds, patternIds) = await RowsOfAsync(db.DataSource, "owned-00000");
        Assert.That((capabilityIds.Length, patternIds.Length), Is.EqualTo((3, 9)), "the tool's rows before the delete");

        await store.DeleteAsync("owned-00000", new DeleteOptions { Hard = true });
        await using var left = db.DataSource.CreateCommand(
            "SELECT (SELECT count(*) FROM tool_catalog.tool_capabilities WHERE id = ANY($1)) + (SELECT count(*) FROM tool_catalog.tool_patterns WHERE id = ANY($2))");
        left.Parameters.Add(new NpgsqlParameter { Value = capabilityIds });
        left.Parameters.Add(new NpgsqlParameter { Value = patternIds });
        Assert.That((long)(await left.ExecuteScalarAsync())!, Is.Zero);
    }

    [Test]
    public async Task A_version_deleted_and_published_again_gets_its_records_under_its_new_rows()
    {
        // The store keeps the row ids of the patterns it has written for; after a hard delete and a new import of the
        // same version, the remembered version id is refused by the foreign key and the batch is resolved again.
        var db = _shared;
        var store = db.CreateStore();
        await store.ImportAsync([GeneratedTools.Create(0, prefix: "again")]);
        Assert.That((await store.WriteTelemetryAsync([Execution("again-00000", version: "1.0")])).Written, Is.EqualTo(1));

        await store.DeleteAsync("again-00000", new DeleteOptions { Hard = true, Force = true });
        await store.ImportAsync([GeneratedTools.Create(0, prefix: "again")]);
        var again = await store.WriteTelemetryAsync([Execution("again-00000", version: "1.0"), Execution("again-00000", pattern: "gone")]);

        Assert.That(again.Written, Is.EqualTo(1));
        Assert.That(again.Unmatched, Is.EqualTo(new[] { 1 }));
        await using var check = db.DataSource.CreateCommand(
            "SELECT count(*) FROM tool_catalog.tool_telemetry m JOIN tool_catalog.tools t ON t.id = m.tool_id WHERE t.tool_name = 'again-00000'");
        Assert.That((long)(await check.ExecuteScalarAsync())!, Is.EqualTo(1), "the record points at the new version row");
    }

    [Test]
    public async Task Writing_a_record_without_names_or_with_an_impossible_time_is_refused_naming_it_and_writes_nothing()
    {
        var db = _shared;
        var store = db.CreateStore();
        await store.ImportAsync([GeneratedTools.Create(0, prefix: "refused")]);

        var refused = Assert.ThrowsAsync<ArgumentException>(() => store.WriteTelemetryAsync([Execution("refused-00000"), Execution("refused-00000") with { ActualTimeMs = -3 }]));

        Assert.That(refused!.Message, Does.Contain("records[1]").And.Contain("-3"));
        Assert.That(await CountAsync(db.DataSource, _before), Is.Zero);
    }

    [Test]
    public async Task Starting_gives_this_month_and_the_next_two_their_partitions()
    {
        // A host that has run since long before: its clock is months past the last migration's partitions.
        var db = _shared;
        var later = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2031, 11, 15, 0, 0, 0, TimeSpan.Zero));
        await using var recorder = new TelemetryRecorder(db.CreateStore(later), Fast(), later);
        var checkedNames = new TaskCompletionSource<IReadOnlyList<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        recorder.PartitionsCheckedForTests += names => checkedNames.TrySetResult(names);

        await recorder.StartAsync();
        var names = await checkedNames.Task.WaitAsync(Patience);

        Assert.That(names, Is.EqualTo(new[] { "tool_telemetry_2031_11", "tool_telemetry_2031_12", "tool_telemetry_2032_01" }));
        await using var exists = db.DataSource.CreateCommand("SELECT count(*) FROM pg_class WHERE relname IN ('tool_telemetry_2031_11', 'tool_telemetry_2031_12', 'tool_telemetry_2032_01')");
        Assert.That((long)(await exists.ExecuteScalarAsync())!, Is.EqualTo(3));
    }

    [Test]
    public async Task A_record_with_text_the_table_cannot_hold_is_dropped_and_counted_and_its_batch_still_written()
    {
        var db = _shared;
        var store = db.CreateStore();
        await store.ImportAsync([GeneratedTools.Create(0, prefix: "text")]);
        await using var recorder = new TelemetryRecorder(store, Fast());
        await recorder.StartAsync();

        Assert.That(recorder.Record(Execution("text-00000") with { Environment = "prod\0uction" }), Is.True, "checked off the caller's path");
        Assert.That(recorder.Record(Execution("text-00000") with { ErrorMessage = "half a pair: \ud800" }), Is.True);
        Assert.That(recorder.Record(Execution("text-00000")), Is.True);
        Assert.That(recorder.Record(Execution("text-00000") with { ActualTimeMs = 2_147_483_647.6 }), Is.False, "does not round into the column");
        await recorder.FlushAsync().WaitAsync(Patience);

        Assert.That(await CountAsync(db.DataSource, _before), Is.EqualTo(1));
        Assert.That(recorder.Counts.Written, Is.EqualTo(1));
        Assert.That(recorder.Counts.Dropped, Is.EqualTo(3));
        var refused = Assert.ThrowsAsync<ArgumentException>(() => store.WriteTelemetryAsync([Execution("text-00000") with { UserId = "a\0b" }]));
        Assert.That(refused!.Message, Does.Contain("records[0]").And.Contain("user_id").And.Contain("NUL"));
    }

    [Test]
    public void Options_refuse_values_that_cannot_work()
    {
        Assert.Throws<ArgumentException>(() => new TelemetryOptions { Capacity = 0 }.Validate());
        Assert.Throws<ArgumentException>(() => new TelemetryOptions { BatchSize = 0 }.Validate());
        Assert.Throws<ArgumentException>(() => new TelemetryOptions { FlushInterval = TimeSpan.Zero }.Validate());
        Assert.Throws<ArgumentException>(() => new TelemetryOptions { MaxRetryDelay = TimeSpan.FromMilliseconds(1) }.Validate());
        Assert.Throws<ArgumentException>(() => new TelemetryOptions { Writers = 0 }.Validate());
        Assert.That(new TelemetryOptions().Validate().Capacity, Is.EqualTo(100_000));
    }

    /// <summary>The ids of the capability and pattern rows of every version of <paramref name="tool"/>.</summary>
    private static async Task<(long[] Capabilities, long[] Patterns)> RowsOfAsync(NpgsqlDataSource dataSource, string tool)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT coalesce(array_agg(DISTINCT c.id), '{}'), coalesce(array_agg(p.id), '{}')
            FROM tool_catalog.tools t
            JOIN tool_catalog.tool_capabilities c ON c.tool_id = t.id
            JOIN tool_catalog.tool_patterns p ON p.capability_id = c.id
            WHERE t.tool_name = $1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = tool });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetFieldValue<long[]>(0), reader.GetFieldValue<long[]>(1));
    }

    /// <summary>The number of telemetry rows with an id above <paramref name="after"/> (0: all of them).</summary>
    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, long after = 0)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM tool_catalog.tool_telemetry WHERE id > $1");
        command.Parameters.Add(new NpgsqlParameter { Value = after });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<List<(string Version, string Pattern, int TimeMs, double? Variance, string? SelectionId, long? Revision, string? Variables)>> ReadAsync(NpgsqlDataSource dataSource, long after)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT t.version, p.pattern_name, m.actual_time_ms, m.time_variance_percent, m.selection_id, m.catalog_revision, m.context_variables::text
            FROM tool_catalog.tool_telemetry m
            JOIN tool_catalog.tools t ON t.id = m.tool_id
            JOIN tool_catalog.tool_patterns p ON p.id = m.pattern_id
            WHERE m.id > $1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = after });
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, string, int, double?, string?, long?, string?)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetInt32(2),
                reader.IsDBNull(3) ? null : reader.GetDouble(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetInt64(5),
                reader.IsDBNull(6) ? null : reader.GetString(6)));
        }

        return rows;
    }
}
