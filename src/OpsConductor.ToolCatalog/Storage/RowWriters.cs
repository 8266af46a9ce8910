using Dapper;
using Npgsql;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>How rows reach the tables. Both writers insert exactly the same rows (ids are allocated beforehand).</summary>
internal enum RowWriteMode
{
    /// <summary>Binary COPY (<see cref="NpgsqlBinaryImporter"/>): bulk imports.</summary>
    Copy,

    /// <summary>One Dapper INSERT per row: single-tool writes, per-tool imports (savepoints), and the benchmark's baseline.</summary>
    Statements,
}

/// <summary>Inserts new tool versions (tool, capability and pattern rows), audit rows and change-feed rows. The store
/// always passes its write transaction; a null transaction (each statement committing on its own) is used only by the
/// benchmark's naive baseline.</summary>
internal interface IRowWriter
{
    Task InsertVersionsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<NewVersion> versions, DateTimeOffset now, string actor, CancellationToken cancellationToken);

    Task InsertAuditAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long revision, IReadOnlyList<AuditEntry> entries, ChangeContext change, DateTimeOffset now, CancellationToken cancellationToken);

    Task InsertChangesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long revision, IReadOnlyCollection<KeyValuePair<string, string>> changes, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>One parameterised INSERT per row, through Dapper (JSONB through the type handlers).</summary>
internal sealed class StatementRowWriter : IRowWriter
{
    public static readonly StatementRowWriter Instance = new();

    public async Task InsertVersionsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<NewVersion> versions, DateTimeOffset now, string actor, CancellationToken cancellationToken)
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
