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
            try
            {
                await connection.ExecuteAsync(new CommandDefinition(Sql.AcquireMigrationLock, new { Key = Sql.MigrationLockKey }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.QueryCanceled } || (e is NpgsqlException && e.InnerException is TimeoutException))
            {
                var gaveUp = Stopwatch.GetElapsedTime(started);
                throw new CatalogBusyException(
                    string.Create(CultureInfo.InvariantCulture, $"Another process is migrating this database: the migration waited {gaveUp.TotalSeconds:0.#} s for the migration lock and gave up ")
                    + $"({ConnectionLoss.DescribeFailure(e)}). Nothing was changed. Try again once the other migration has finished.",
                    gaveUp,
                    e);
            }

            var waited = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            StorageLog.MigrationLockAcquired(logger, waited);
            try
            {
                return await ApplyPendingAsync(connection, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // Also released when the connection closes; unlock explicitly so a pooled connection never keeps it.
                // A connection that died (server stopped, session ended) took the lock with it: the failure that
                // stopped the migration is the one to report, not a second one from unlocking.
                if (connection.State == System.Data.ConnectionState.Open)
                {
                    try
                    {
                        await connection.ExecuteAsync(new CommandDefinition(Sql.ReleaseMigrationLock, new { Key = Sql.MigrationLockKey }, cancellationToken: CancellationToken.None)).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
                    {
                        // Never return a session that may still hold the lock to the pool: cleared, it is closed on return.
                        NpgsqlConnection.ClearPool(connection);
                    }
                }
            }
        }
    }

    private async Task<MigrationResult> ApplyPendingAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(Sql.CreateMigrationsTable, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var applied = (await connection.QueryAsync<AppliedMigration>(new CommandDefinition(Sql.SelectAppliedMigrations, cancellationToken: cancellationToken)).ConfigureAwait(false))
            .ToDictionary(m => m.Version);

        if (Incompatibility(applied.Values, forMigrate: true) is { } problem)
        {
            throw new CatalogSchemaException(problem);
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

        return new MigrationResult(appliedNow, ProgramVersion);
    }

    /// <summary>The schema version this program writes: its highest embedded migration.</summary>
    public static int ProgramVersion => Migrations.Count == 0 ? 0 : Migrations[^1].Version;

    /// <summary>
    /// What a write checks in its own transaction (one string compared, no extra round trip): the applied migrations as
    /// <c>version:checksum</c>, comma-separated in order (see <see cref="Sql.BumpRevision"/>).
    /// </summary>
    public static string ExpectedFingerprint { get; } = string.Join(",", Migrations.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Version}:{m.Checksum}")));

    /// <summary>
    /// Why this program must not write to a database whose applied migrations are <paramref name="applied"/>, or null
    /// when it may: a migration it does not know (a newer program migrated the schema), an applied migration whose
    /// checksum differs from the program's (edited afterwards, or the table was tampered with), or, for a write other
    /// than <c>migrate</c>, a migration not applied yet. The message names both schema versions.
    /// </summary>
    public static string? Incompatibility(IEnumerable<AppliedMigration> applied, bool forMigrate)
    {
        var records = applied.OrderBy(m => m.Version).ToList();
        var known = Migrations.ToDictionary(m => m.Version);
        var database = records.Count == 0 ? 0 : records[^1].Version;
        var program = ProgramVersion;
        var unknown = records.Where(r => !known.ContainsKey(r.Version)).ToList();
        if (unknown.Count > 0)
        {
            var names = string.Join(", ", unknown.Select(u => string.Create(CultureInfo.InvariantCulture, $"migration {u.Version:D4}_{u.Name}")));
            return string.Create(CultureInfo.InvariantCulture, $"The catalog schema in this database is at version {database}, newer than this program's (version {program}): it has {names}, which this program does not know. ")
                + "Nothing was written: this program refuses to write to a schema it does not know (reads still work). Use the toolcatalog release that migrated it, or a newer one.";
        }

        foreach (var record in records)
        {
            var migration = known[record.Version];
            if (!string.Equals(migration.Checksum, record.Checksum, StringComparison.Ordinal))
            {
                return string.Create(CultureInfo.InvariantCulture, $"Migration {migration.Version:D4}_{migration.Name} was changed after it was applied to this database ")
                    + string.Create(CultureInfo.InvariantCulture, $"(checksum {record.Checksum} when applied on {record.AppliedAt:u}, {migration.Checksum} now; database schema version {database}, this program's {program}). ")
                    + "Nothing was written. Applied migrations must never be edited: restore the original script and put the change in a new, higher-numbered migration.";
            }
        }

        if (!forMigrate && database < program)
        {
            var missing = string.Join(", ", Migrations.Where(m => !records.Exists(r => r.Version == m.Version)).Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Version:D4}_{m.Name}")));
            return string.Create(CultureInfo.InvariantCulture, $"The catalog schema in this database is at version {database}, older than this program's (version {program}; missing {missing}). ")
                + "Nothing was written: run 'toolcatalog migrate' (or ToolCatalogStore.MigrateAsync) first.";
        }

        return null;
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
