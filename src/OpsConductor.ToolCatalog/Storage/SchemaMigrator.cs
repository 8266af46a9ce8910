using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>One numbered migration script embedded in the library (<c>schema/NNNN_name.sql</c>).</summary>
internal sealed record Migration(int Version, string Name, string Script)
{
    /// <summary>SHA-256 of the script with line endings normalised (so a checkout's CRLF does not change it).</summary>
    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Script.ReplaceLineEndings("\n"))));
}

/// <summary>
/// Applies the embedded migrations in order, each in its own transaction, under a session-level PostgreSQL advisory
/// lock so that processes starting at once take turns; records each in <c>tool_catalog.schema_migrations</c> with
/// its checksum. Idempotent: applied migrations are skipped (after checking that their checksum still matches).
/// </summary>
internal sealed partial class SchemaMigrator(NpgsqlDataSource dataSource, TimeProvider timeProvider, ILogger logger)
{
    private const string ResourcePrefix = "OpsConductor.ToolCatalog.Schema.";

    private static readonly Lazy<IReadOnlyList<Migration>> Embedded = new(LoadEmbedded);

    public static IReadOnlyList<Migration> Migrations => Embedded.Value;

    public async Task<MigrationResult> MigrateAsync(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var started = Stopwatch.GetTimestamp();
            await connection.ExecuteAsync(new CommandDefinition(Sql.AcquireMigrationLock, new { Key = Sql.MigrationLockKey }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            var waited = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            StorageLog.MigrationLockAcquired(logger, waited);
            try
            {
                return await ApplyPendingAsync(connection, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // Also released when the connection closes; unlock explicitly so a pooled connection never keeps it.
                await connection.ExecuteAsync(new CommandDefinition(Sql.ReleaseMigrationLock, new { Key = Sql.MigrationLockKey }, cancellationToken: CancellationToken.None)).ConfigureAwait(false);
            }
        }
    }

    private async Task<MigrationResult> ApplyPendingAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(Sql.CreateMigrationsTable, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var applied = (await connection.QueryAsync<AppliedMigration>(new CommandDefinition(Sql.SelectAppliedMigrations, cancellationToken: cancellationToken)).ConfigureAwait(false))
            .ToDictionary(m => m.Version);

        var known = Migrations.ToDictionary(m => m.Version);
        foreach (var record in applied.Values)
        {
            if (known.TryGetValue(record.Version, out var migration))
            {
                if (!string.Equals(migration.Checksum, record.Checksum, StringComparison.Ordinal))
                {
                    throw new CatalogSchemaException(
                        $"Migration {migration.Version:D4}_{migration.Name} was changed after it was applied to this database "
                        + $"(checksum {record.Checksum} when applied on {record.AppliedAt:u}, {migration.Checksum} now). Applied migrations must never "
                        + "be edited: restore the original script and put the change in a new, higher-numbered migration.");
                }
            }
            else
            {
                StorageLog.UnknownMigration(logger, record.Version, record.Name);
            }
        }

        var appliedNow = new List<string>();
        foreach (var migration in Migrations.Where(m => !applied.ContainsKey(m.Version)))
        {
            var started = Stopwatch.GetTimestamp();
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                try
                {
                    await connection.ExecuteAsync(new CommandDefinition(migration.Script, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                }
                catch (PostgresException e)
                {
                    throw new CatalogSchemaException(
                        $"Migration {migration.Version:D4}_{migration.Name} failed and was rolled back: {e.MessageText}"
                        + (e.Position > 0 ? $" (at character {e.Position} of the script)" : "") + ".", e);
                }

                var elapsed = Stopwatch.GetElapsedTime(started);
                await connection.ExecuteAsync(new CommandDefinition(Sql.InsertMigration, new
                {
                    migration.Version,
                    migration.Name,
                    migration.Checksum,
                    AppliedAt = timeProvider.GetUtcNow(),
                    ExecutionMs = (int)elapsed.TotalMilliseconds,
                }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                StorageLog.MigrationApplied(logger, migration.Version, migration.Name, elapsed.TotalMilliseconds);
                appliedNow.Add($"{migration.Version:D4}_{migration.Name}");
            }
        }

        var version = Math.Max(applied.Count == 0 ? 0 : applied.Keys.Max(), Migrations.Count == 0 ? 0 : Migrations[^1].Version);
        return new MigrationResult(appliedNow, version);
    }

    private static List<Migration> LoadEmbedded()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var fileName = resource[ResourcePrefix.Length..];
            var match = MigrationFileName().Match(fileName);
            if (!match.Success)
            {
                throw new CatalogSchemaException($"The embedded schema file '{fileName}' is not named NNNN_name.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            migrations.Add(new Migration(
                int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture),
                match.Groups["name"].Value,
                reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < migrations.Count; i++)
        {
            if (migrations[i].Version == migrations[i - 1].Version)
            {
                throw new CatalogSchemaException($"Two embedded migrations share the number {migrations[i].Version:D4}.");
            }
        }

        return migrations;
    }

    [GeneratedRegex(@"^(?<version>\d{4})_(?<name>[a-z0-9_]+)\.sql$", RegexOptions.CultureInvariant)]
    private static partial Regex MigrationFileName();
}
