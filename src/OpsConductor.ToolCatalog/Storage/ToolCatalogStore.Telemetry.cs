using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using OpsConductor.ToolCatalog.Expressions;
using OpsConductor.ToolCatalog.Telemetry;

namespace OpsConductor.ToolCatalog.Storage;

public sealed partial class ToolCatalogStore
{
    private const string LatestVersions = """
        SELECT tool_name, version FROM tool_catalog.tools WHERE is_latest AND tool_name = ANY(@Names) AND tenant_id IS NULL
        """;

    private const string ResolvePatterns = """
        SELECT k.ordinal::integer, t.id, c.id, p.id, p.time_estimate_ms, p.cost_estimate
        FROM unnest(@Tools::text[], @Versions::text[], @Capabilities::text[], @Patterns::text[])
             WITH ORDINALITY AS k(tool, version, capability, pattern, ordinal)
        JOIN tool_catalog.tools t ON t.tool_name = k.tool AND t.version = k.version AND t.tenant_id IS NULL
        JOIN tool_catalog.tool_capabilities c ON c.tool_id = t.id AND c.capability_name = k.capability
        JOIN tool_catalog.tool_patterns p ON p.capability_id = c.id AND p.pattern_name = k.pattern
        """;

    private const string CopyTelemetry = """
        COPY tool_catalog.tool_telemetry (tool_id, capability_id, pattern_id, execution_id, user_id, environment,
            actual_time_ms, actual_cost, success, error_message, error_type, context_variables, estimated_time_ms,
            estimated_cost, time_variance_percent, cost_variance_percent, executed_at, selection_id, catalog_revision,
            experiment_id, arm)
        FROM STDIN (FORMAT BINARY)
        """;

    private const string ResolveExperiments = """
        SELECT e.test_name AS Name, e.id AS Id, t.tool_name AS Tool
        FROM tool_catalog.tool_ab_tests e
        JOIN tool_catalog.tools t ON t.id = e.tool_a_id
        WHERE e.test_name = ANY(@Names)
        """;

    /// <summary>
    /// The row ids of (tool, version, capability, pattern): facts that never change (versions are immutable) and go
    /// away only with a hard delete, which the telemetry's foreign key to the version then reports (the batch is
    /// resolved again). Bounded by the catalog's size.
    /// </summary>
    private readonly ConcurrentDictionary<PatternKey, PatternIds> _patternIds = new();

    /// <summary>The slots of the variables the patterns' estimates (compiled once, in <see cref="_patternIds"/>) use.</summary>
    private readonly VariableTable _telemetryVariables = VariableTable.CreateDefault();

    /// <summary>
    /// Writes execution records to the telemetry table in one transaction and one binary COPY, with each record's tool
    /// version (its <see cref="ExecutionRecord.Version"/>, or the latest version when it has none), capability and
    /// pattern resolved to their row ids first (known ones from memory, the rest in one query), and each record's
    /// <see cref="ExecutionRecord.Experiment"/> to the experiment's row id (one query per batch that names any). Records
    /// whose names match no stored pattern, or that name an experiment that does not exist or tests another tool, are not written; their positions in <paramref name="records"/> come back in
    /// <see cref="TelemetryWriteResult.Unmatched"/>.
    /// </summary>
    /// <param name="records">The records; times must be finite and ≥ 0 (the recorder and the ingest check that first).</param>
    /// <param name="cancellationToken">Cancels the write; nothing is written then.</param>
    /// <returns>How many were written, and which were not.</returns>
    /// <exception cref="ArgumentException">A record has no tool, capability or pattern, an actual time outside 0 to 2^31 − 1 ms, or text PostgreSQL cannot hold (a NUL character, a lone surrogate); nothing was written.</exception>
    /// <exception cref="NpgsqlException">The database could not be reached or refused the batch; nothing was written.</exception>
    public async Task<TelemetryWriteResult> WriteTelemetryAsync(IReadOnlyList<ExecutionRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return new TelemetryWriteResult(0, []);
        }

        for (var i = 0; i < records.Count; i++)
        {
            if (ExecutionRecordRules.Problem(records[i]) is { } problem)
            {
                throw new ArgumentException($"records[{i}] ({records[i].Tool}/{records[i].Capability}/{records[i].Pattern}): {problem}. Nothing was written.", nameof(records));
            }
        }

        return await WriteCheckedTelemetryAsync(records, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <see cref="WriteTelemetryAsync"/> for records already known to pass <see cref="ExecutionRecordRules.Problem"/>
    /// (the recorder's writers check them as they drop what breaks the rules).
    /// </summary>
    internal async Task<TelemetryWriteResult> WriteCheckedTelemetryAsync(IReadOnlyList<ExecutionRecord> records, CancellationToken cancellationToken)
    {
        var connection = await OpenGlobalConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            for (var attempt = 1; ; attempt++)
            {
                var ids = await ResolveAsync(connection, records, cancellationToken).ConfigureAwait(false);
                var experiments = await ResolveExperimentsAsync(connection, records, ids, cancellationToken).ConfigureAwait(false);
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    try
                    {
                        var written = await CopyTelemetryAsync(connection, records, ids, experiments, _timeProvider.GetUtcNow(), new ExpressionContext(_telemetryVariables), cancellationToken).ConfigureAwait(false);
                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                        var unmatched = new List<int>();
                        for (var i = 0; i < ids.Length; i++)
                        {
                            if (ids[i] is null)
                            {
                                unmatched.Add(i);
                            }
                        }

                        return new TelemetryWriteResult(written, unmatched);
                    }
                    catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation && attempt == 1)
                    {
                        // A version known from memory was hard-deleted meanwhile: forget what is known, resolve again.
                        _patternIds.Clear();
                    }
                }
            }
        }
    }

    /// <summary>Each record's row ids, or null when its names match nothing stored.</summary>
    private async Task<PatternIds?[]> ResolveAsync(NpgsqlConnection connection, IReadOnlyList<ExecutionRecord> records, CancellationToken cancellationToken)
    {
        // The latest version of each tool named without a version, as of now.
        Dictionary<string, string>? latest = null;
        HashSet<string>? unversioned = null;
        foreach (var record in records)
        {
            if (record.Version is null && record.Tool is not null)
            {
                (unversioned ??= new(StringComparer.Ordinal)).Add(record.Tool);
            }
        }

        if (unversioned is not null)
        {
            latest = new Dictionary<string, string>(StringComparer.Ordinal);
            var command = new NpgsqlCommand(LatestVersions, connection);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("Names", unversioned.ToArray());
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        latest[reader.GetString(0)] = reader.GetString(1);
                    }
                }
            }
        }

        var ids = new PatternIds?[records.Count];
        var keys = new PatternKey?[records.Count];
        var unknown = new List<PatternKey>();
        var seen = new HashSet<PatternKey>();
        for (var i = 0; i < records.Count; i++)
        {
            var r = records[i];
            var version = r.Version ?? (r.Tool is not null && latest is not null && latest.TryGetValue(r.Tool, out var v) ? v : null);
            if (r.Tool is null || version is null || r.Capability is null || r.Pattern is null)
            {
                continue;
            }

            var key = new PatternKey(r.Tool, version, r.Capability, r.Pattern);
            keys[i] = key;
            if (_patternIds.TryGetValue(key, out var known))
            {
                ids[i] = known;
            }
            else if (seen.Add(key))
            {
                unknown.Add(key);
            }
        }

        if (unknown.Count > 0)
        {
            var command = new NpgsqlCommand(ResolvePatterns, connection);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("Tools", unknown.Select(static k => k.Tool).ToArray());
                command.Parameters.AddWithValue("Versions", unknown.Select(static k => k.Version).ToArray());
                command.Parameters.AddWithValue("Capabilities", unknown.Select(static k => k.Capability).ToArray());
                command.Parameters.AddWithValue("Patterns", unknown.Select(static k => k.Pattern).ToArray());
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        _patternIds[unknown[reader.GetInt32(0) - 1]] = new PatternIds(
                            reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3),
                            TelemetryEstimate.TryCreate(reader.GetString(4), _telemetryVariables),
                            TelemetryEstimate.TryCreate(reader.GetString(5), _telemetryVariables));
                    }
                }
            }

            for (var i = 0; i < ids.Length; i++)
            {
                if (ids[i] is null && keys[i] is { } key && _patternIds.TryGetValue(key, out var resolved))
                {
                    ids[i] = resolved;
                }
            }
        }

        return ids;
    }

    /// <summary>
    /// Each record's experiment row id (0 when it names none). A record naming an experiment that is not stored, or
    /// whose experiment tests another tool, gets its <paramref name="ids"/> entry cleared: it is unmatched, not written.
    /// </summary>
    private static async Task<long[]?> ResolveExperimentsAsync(NpgsqlConnection connection, IReadOnlyList<ExecutionRecord> records, PatternIds?[] ids, CancellationToken cancellationToken)
    {
        HashSet<string>? names = null;
        foreach (var record in records)
        {
            if (record.Experiment is { } name)
            {
                (names ??= new(StringComparer.Ordinal)).Add(name);
            }
        }

        if (names is null)
        {
            return null;
        }

        var found = (await connection.QueryAsync<ExperimentKeyRow>(new CommandDefinition(
            ResolveExperiments, new { Names = names.ToArray() }, cancellationToken: cancellationToken)).ConfigureAwait(false))
            .ToDictionary(r => r.Name, StringComparer.Ordinal);
        var experiments = new long[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i].Experiment is not { } name)
            {
                continue;
            }

            if (found.TryGetValue(name, out var row) && string.Equals(row.Tool, records[i].Tool, StringComparison.Ordinal))
            {
                experiments[i] = row.Id;
            }
            else
            {
                ids[i] = null;
            }
        }

        return experiments;
    }

    private sealed class ExperimentKeyRow
    {
        public string Name { get; init; } = "";

        public long Id { get; init; }

        public string Tool { get; init; } = "";
    }

    private static async Task<int> CopyTelemetryAsync(NpgsqlConnection connection, IReadOnlyList<ExecutionRecord> records, PatternIds?[] ids, long[]? experiments, DateTimeOffset now, ExpressionContext context, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        var written = 0;
        var copy = await connection.BeginBinaryImportAsync(CopyTelemetry, cancellationToken).ConfigureAwait(false);
        await using (copy.ConfigureAwait(false))
        {
            for (var i = 0; i < records.Count; i++)
            {
                if (ids[i] is not { } id)
                {
                    continue;
                }

                var r = records[i];
                await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(id.Tool, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(id.Capability, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(id.Pattern, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await TextOrNullAsync(copy, Truncate(r.ExecutionId, 100), cancellationToken).ConfigureAwait(false);
                await TextOrNullAsync(copy, Truncate(r.UserId, 100), cancellationToken).ConfigureAwait(false);
                await TextOrNullAsync(copy, Truncate(r.Environment, 50), cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync((int)Math.Round(r.ActualTimeMs, MidpointRounding.AwayFromZero), NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                await NumberOrNullAsync(copy, r.ActualCost, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(r.Success, NpgsqlDbType.Boolean, cancellationToken).ConfigureAwait(false);
                await TextOrNullAsync(copy, r.ErrorMessage, cancellationToken).ConfigureAwait(false);
                await TextOrNullAsync(copy, Truncate(r.ErrorType, 100), cancellationToken).ConfigureAwait(false);
                if (r.Variables is { Count: > 0 } variables)
                {
                    buffer.ResetWrittenCount();
                    using (var writer = new Utf8JsonWriter(buffer))
                    {
                        writer.WriteStartObject();
                        foreach (var (name, value) in variables)
                        {
                            writer.WritePropertyName(name);
                            if (double.IsFinite(value))
                            {
                                writer.WriteNumberValue(value);
                            }
                            else
                            {
                                writer.WriteNullValue();
                            }
                        }

                        writer.WriteEndObject();
                    }

                    await copy.WriteAsync(buffer.WrittenMemory, NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false); // copied into the COPY buffer before the next row reuses it
                }
                else
                {
                    await copy.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                // A record without an estimate gets its pattern's, evaluated with its variables (decision 1502).
                var recordTime = r.EstimatedTimeMs ?? id.TimeEstimate?.Evaluate(r.Variables, context);
                var estimatedTime = recordTime is { } e && double.IsFinite(e) && e is >= int.MinValue and <= int.MaxValue ? e : (double?)null;
                var estimatedCost = r.EstimatedCost ?? id.CostEstimate?.Evaluate(r.Variables, context);
                if (estimatedTime is { } time)
                {
                    await copy.WriteAsync((int)Math.Round(time, MidpointRounding.AwayFromZero), NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await copy.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                await NumberOrNullAsync(copy, estimatedCost, cancellationToken).ConfigureAwait(false);
                await NumberOrNullAsync(copy, estimatedTime > 0 ? (r.ActualTimeMs - estimatedTime) / estimatedTime * 100 : null, cancellationToken).ConfigureAwait(false);
                await NumberOrNullAsync(copy, estimatedCost > 0 && r.ActualCost is { } cost ? (cost - estimatedCost) / estimatedCost * 100 : null, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync((r.ExecutedAt == default ? now : r.ExecutedAt).UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                await TextOrNullAsync(copy, Truncate(r.SelectionId, 100), cancellationToken).ConfigureAwait(false);
                if (r.CatalogRevision is { } revision)
                {
                    await copy.WriteAsync(revision, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await copy.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                if (experiments is not null && experiments[i] != 0 && r.Arm is { } arm)
                {
                    await copy.WriteAsync(experiments[i], NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                    await copy.WriteAsync(arm == Experiments.ExperimentArm.B ? "b" : "a", NpgsqlDbType.Char, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await copy.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                    await copy.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                written++;
            }

            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        return written;
    }

    private static string? Truncate(string? value, int length) => value is null || value.Length <= length ? value : value[..length];

    private static Task TextOrNullAsync(NpgsqlBinaryImporter copy, string? value, CancellationToken cancellationToken) =>
        value is null ? copy.WriteNullAsync(cancellationToken) : copy.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);

    private static Task NumberOrNullAsync(NpgsqlBinaryImporter copy, double? value, CancellationToken cancellationToken) =>
        value is { } number && double.IsFinite(number) ? copy.WriteAsync(number, NpgsqlDbType.Double, cancellationToken) : copy.WriteNullAsync(cancellationToken);

    /// <summary>What names a stored pattern of one version.</summary>
    private readonly record struct PatternKey(string Tool, string Version, string Capability, string Pattern);

    /// <summary>The row ids of a version, its capability and pattern, and the pattern's estimates compiled (null when they do not compile).</summary>
    private sealed record PatternIds(long Tool, long Capability, long Pattern, TelemetryEstimate? TimeEstimate, TelemetryEstimate? CostEstimate);
}
