using System.Buffers;
using System.Text.Json;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage.Json;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>How rows reach the tables. Both writers insert exactly the same rows (ids are allocated beforehand).</summary>
internal enum RowWriteMode
{
    /// <summary>Binary COPY (<see cref="NpgsqlBinaryImporter"/>): bulk imports.</summary>
    Copy,

    /// <summary>One Dapper INSERT per row: single-tool writes, per-tool imports (savepoints), and the benchmark's baseline.</summary>
    Statements,
}

/// <summary>Inserts new tool versions (tool, capability and pattern rows), audit rows and change-feed rows.</summary>
internal interface IRowWriter
{
    Task InsertVersionsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<NewVersion> versions, DateTimeOffset now, string actor, CancellationToken cancellationToken);

    Task InsertAuditAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long revision, IReadOnlyList<AuditEntry> entries, ChangeContext change, DateTimeOffset now, CancellationToken cancellationToken);

    Task InsertChangesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long revision, IReadOnlyCollection<KeyValuePair<string, string>> changes, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>One parameterised INSERT per row, through Dapper (JSONB through the type handlers).</summary>
internal sealed class StatementRowWriter : IRowWriter
{
    public static readonly StatementRowWriter Instance = new();

    public async Task InsertVersionsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<NewVersion> versions, DateTimeOffset now, string actor, CancellationToken cancellationToken)
    {
        foreach (var version in versions)
        {
            var tool = version.Tool;
            await connection.ExecuteAsync(new CommandDefinition(Sql.InsertTool, new
            {
                version.Id,
                tool.Name,
                tool.Version,
                tool.Description,
                tool.Platform,
                tool.Category,
                Status = tool.Status.ToWire(),
                tool.Enabled,
                tool.Defaults,
                tool.Dependencies,
                tool.Metadata,
                tool.ExecutionLocation,
                tool.Examples,
                tool.Extensions,
                ParentVersionId = version.ParentId,
                version.IsLatest,
                Now = now,
                Actor = actor,
            }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);

            var patternIndex = 0;
            for (var c = 0; c < tool.Capabilities.Count; c++)
            {
                var capability = tool.Capabilities[c];
                var capabilityId = version.CapabilityIds[c];
                await connection.ExecuteAsync(new CommandDefinition(Sql.InsertCapability, new
                {
                    Id = capabilityId,
                    ToolId = version.Id,
                    Ordinal = c,
                    capability.Name,
                    capability.Description,
                    capability.Extensions,
                    Now = now,
                }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);

                for (var p = 0; p < capability.Patterns.Count; p++)
                {
                    var pattern = capability.Patterns[p];
                    await connection.ExecuteAsync(new CommandDefinition(Sql.InsertPattern, new
                    {
                        Id = version.PatternIds[patternIndex++],
                        CapabilityId = capabilityId,
                        Ordinal = p,
                        pattern.Name,
                        pattern.Description,
                        pattern.TypicalUseCases,
                        pattern.TimeEstimateMs,
                        pattern.CostEstimate,
                        pattern.ComplexityScore,
                        pattern.Scope,
                        pattern.Completeness,
                        pattern.AccuracyLevel,
                        pattern.Freshness,
                        pattern.DataSource,
                        pattern.Limitations,
                        pattern.Policy,
                        pattern.PreferenceMatch,
                        pattern.RequiredInputs,
                        pattern.OptionalInputs,
                        pattern.ExpectedOutputs,
                        pattern.Examples,
                        pattern.Extensions,
                        Now = now,
                    }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                }
            }
        }
    }

    public async Task InsertAuditAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long revision, IReadOnlyList<AuditEntry> entries, ChangeContext change, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var entry in entries)
        {
            await connection.ExecuteAsync(new CommandDefinition(Sql.InsertAudit, new
            {
                Revision = revision,
                entry.ToolId,
                entry.ToolName,
                entry.Version,
                entry.Action,
                entry.Changes,
                change.Actor,
                Now = now,
                change.Reason,
                IpAddress = change.IpAddress?.ToString(),
                change.UserAgent,
            }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    public async Task InsertChangesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long revision, IReadOnlyCollection<KeyValuePair<string, string>> changes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var (name, action) in changes)
        {
            await connection.ExecuteAsync(new CommandDefinition(Sql.InsertChange, new
            {
                Revision = revision,
                ToolName = name,
                Action = action,
                ChangedAt = now,
            }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }
}

/// <summary>Binary COPY of every row (one COPY per table), JSONB serialised with one reused buffer.</summary>
internal sealed class CopyRowWriter : IRowWriter, IDisposable
{
    private const string EmptyArray = "[]";
    private const string EmptyObject = "{}";

    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _json;

    public CopyRowWriter() => _json = new Utf8JsonWriter(_buffer, ModelJson.WriterOptions);

    public void Dispose() => _json.Dispose();

    public async Task InsertVersionsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<NewVersion> versions, DateTimeOffset now, string actor, CancellationToken cancellationToken)
    {
        var importer = await connection.BeginBinaryImportAsync(Sql.CopyTools, cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            foreach (var version in versions)
            {
                var tool = version.Tool;
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(version.Id, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(tool.Name, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(tool.Version, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(tool.Description, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(tool.Platform, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(tool.Category, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(tool.Status.ToWire(), NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(tool.Enabled, NpgsqlDbType.Boolean, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(Json(tool.Defaults, ModelJson.WriteDefaults), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(JsonArray(tool.Dependencies, ModelJson.WriteDependency), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(JsonMap(tool.Metadata), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                await WriteNullableAsync(importer, tool.ExecutionLocation, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(JsonArray(tool.Examples, ModelJson.WriteExample), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(JsonMap(tool.Extensions), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                if (version.ParentId is { } parent)
                {
                    await importer.WriteAsync(parent, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                await importer.WriteAsync(version.IsLatest, NpgsqlDbType.Boolean, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(actor, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(actor, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        importer = await connection.BeginBinaryImportAsync(Sql.CopyCapabilities, cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            foreach (var version in versions)
            {
                var capabilities = version.Tool.Capabilities;
                for (var c = 0; c < capabilities.Count; c++)
                {
                    await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(version.CapabilityIds[c], NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(version.Id, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(c, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(capabilities[c].Name, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(capabilities[c].Description, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(JsonMap(capabilities[c].Extensions), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                }
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        importer = await connection.BeginBinaryImportAsync(Sql.CopyPatterns, cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            foreach (var version in versions)
            {
                var patternIndex = 0;
                var capabilities = version.Tool.Capabilities;
                for (var c = 0; c < capabilities.Count; c++)
                {
                    var patterns = capabilities[c].Patterns;
                    for (var p = 0; p < patterns.Count; p++)
                    {
                        await WritePatternAsync(importer, version.PatternIds[patternIndex++], version.CapabilityIds[c], p, patterns[p], now, cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task InsertAuditAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long revision, IReadOnlyList<AuditEntry> entries, ChangeContext change, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var importer = await connection.BeginBinaryImportAsync(Sql.CopyAudit, cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            foreach (var entry in entries)
            {
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(revision, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                if (entry.ToolId is { } toolId)
                {
                    await importer.WriteAsync(toolId, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                await importer.WriteAsync(entry.ToolName, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                await WriteNullableAsync(importer, entry.Version, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync("tool", NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                if (entry.ToolId is { } entityId)
                {
                    await importer.WriteAsync(entityId, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                await importer.WriteAsync(entry.Action, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(entry.Changes, NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(change.Actor, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                await WriteNullableAsync(importer, change.Reason, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                if (change.IpAddress is { } address)
                {
                    await importer.WriteAsync(address, NpgsqlDbType.Inet, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                await WriteNullableAsync(importer, change.UserAgent, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task InsertChangesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long revision, IReadOnlyCollection<KeyValuePair<string, string>> changes, DateTimeOffset now, CancellationToken cancellationToken) =>
        // Few rows (one per tool name); the statement writer's ON CONFLICT keeps one row per tool and revision.
        StatementRowWriter.Instance.InsertChangesAsync(connection, transaction, revision, changes, now, cancellationToken);

    private async Task WritePatternAsync(NpgsqlBinaryImporter importer, long id, long capabilityId, int ordinal, PatternDefinition pattern, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(id, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(capabilityId, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(ordinal, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(pattern.Name, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(pattern.Description, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(JsonStrings(pattern.TypicalUseCases), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(pattern.TimeEstimateMs, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(pattern.CostEstimate, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(pattern.ComplexityScore, NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
        await WriteNullableAsync(importer, pattern.Scope, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
        await WriteNullableAsync(importer, pattern.Completeness, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
        await WriteNullableAsync(importer, pattern.AccuracyLevel, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
        await WriteNullableAsync(importer, pattern.Freshness, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
        await WriteNullableAsync(importer, pattern.DataSource, NpgsqlDbType.Varchar, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(JsonStrings(pattern.Limitations), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(Json(pattern.Policy, ModelJson.WritePolicy), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(Json(pattern.PreferenceMatch, ModelJson.WritePreferences), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(JsonArray(pattern.RequiredInputs, ModelJson.WriteInput), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(JsonArray(pattern.OptionalInputs, ModelJson.WriteInput), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(JsonArray(pattern.ExpectedOutputs, ModelJson.WriteOutput), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(pattern.Examples.IsEmpty ? EmptyArray : Json(pattern.Examples, ModelJson.WriteValues), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(JsonMap(pattern.Extensions), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteNullableAsync(NpgsqlBinaryImporter importer, string? value, NpgsqlDbType type, CancellationToken cancellationToken)
    {
        if (value is null)
        {
            await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await importer.WriteAsync(value, type, cancellationToken).ConfigureAwait(false);
        }
    }

    private string Json<T>(T value, Action<Utf8JsonWriter, T> write)
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        write(_json, value);
        _json.Flush();
        return System.Text.Encoding.UTF8.GetString(_buffer.WrittenSpan);
    }

    private string JsonMap(DataMap map) => map.IsEmpty ? EmptyObject : Json(map, ModelJson.WriteMap);

    private string JsonStrings(EquatableArray<string> values) => values.IsEmpty ? EmptyArray : Json(values, ModelJson.WriteStrings);

    private string JsonArray<T>(EquatableArray<T> values, Action<Utf8JsonWriter, T> write) =>
        values.IsEmpty ? EmptyArray : Json(values, (w, v) => ModelJson.WriteArray(w, v, write));
}
