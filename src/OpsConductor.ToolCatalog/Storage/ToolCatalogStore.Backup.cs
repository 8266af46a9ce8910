using System.Buffers.Binary;
using System.Data;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Npgsql;

namespace OpsConductor.ToolCatalog.Storage;

public sealed partial class ToolCatalogStore
{
    // The archive: the magic line, the manifest's length (4 bytes, big-endian), the manifest (UTF-8 JSON), its SHA-256
    // (32 bytes), then each table's data (PostgreSQL's binary COPY format) in the manifest's order, with nothing after.
    private static readonly byte[] ArchiveMagic = "TOOLCATALOG-BACKUP\n"u8.ToArray();

    private const int ArchiveFormatVersion = 1;

    private const int MaxManifestBytes = 1 << 20;

    // Every table of the catalog, in restore order (a table after those it references). Names are compile-time
    // constants: no SQL is built from an archive's content.
    private static readonly BackupTableSpec[] BackupTables =
    [
        new("catalog_revision", Telemetry: false, HasId: false, Partitioned: false),
        new("tenants", Telemetry: false, HasId: false, Partitioned: false),
        new("tenant_disabled_tools", Telemetry: false, HasId: false, Partitioned: false),
        new("tools", Telemetry: false, HasId: true, Partitioned: false),
        new("tool_capabilities", Telemetry: false, HasId: true, Partitioned: false),
        new("tool_patterns", Telemetry: false, HasId: true, Partitioned: false),
        new("catalog_changes", Telemetry: false, HasId: false, Partitioned: false),
        new("tool_audit_log", Telemetry: false, HasId: true, Partitioned: false),
        new("tool_ab_tests", Telemetry: false, HasId: true, Partitioned: false),
        new("api_keys", Telemetry: false, HasId: true, Partitioned: false),
        new("api_key_events", Telemetry: false, HasId: true, Partitioned: false),
        new("telemetry_recommendations", Telemetry: false, HasId: true, Partitioned: false),
        new("tool_telemetry", Telemetry: true, HasId: true, Partitioned: true),
        new("selection_decisions", Telemetry: true, HasId: true, Partitioned: true),
    ];

    private const string BackupSchemaVersion = "SELECT coalesce(max(version), 0) FROM tool_catalog.schema_migrations";

    private const string BackupRevision = "SELECT revision FROM tool_catalog.catalog_revision WHERE id = 1";

    private const string BackupColumns = """
        SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
        FROM pg_catalog.pg_attribute a
        WHERE a.attrelid = to_regclass(@Table) AND a.attnum > 0 AND NOT a.attisdropped
        """;

    private const string BackupSequenceValue = """
        SELECT s.last_value
        FROM pg_catalog.pg_sequences s
        WHERE to_regclass(format('%I.%I', s.schemaname, s.sequencename)) = to_regclass(pg_get_serial_sequence(@Table, 'id'))
        """;

    private const string BackupTelemetryMonths = """
        SELECT DISTINCT to_char(date_trunc('month', executed_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') FROM tool_catalog.tool_telemetry
        UNION
        SELECT DISTINCT to_char(date_trunc('month', decided_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') FROM tool_catalog.selection_decisions
        ORDER BY 1
        """;

    private const string RestoreLockRevision = "LOCK TABLE tool_catalog.catalog_revision IN EXCLUSIVE MODE";

    private const string RestoreDisableAuditTriggers = "ALTER TABLE tool_catalog.tool_audit_log DISABLE TRIGGER USER";

    private const string RestoreEnableAuditTriggers = "ALTER TABLE tool_catalog.tool_audit_log ENABLE TRIGGER USER";

    private const string RestoreEmptyTables = """
        TRUNCATE tool_catalog.tenants, tool_catalog.tenant_disabled_tools, tool_catalog.tools, tool_catalog.tool_capabilities, tool_catalog.tool_patterns, tool_catalog.catalog_changes,
                 tool_catalog.tool_audit_log, tool_catalog.tool_ab_tests, tool_catalog.api_keys, tool_catalog.api_key_events,
                 tool_catalog.telemetry_recommendations, tool_catalog.tool_telemetry, tool_catalog.selection_decisions
        """;

    private const string RestoreRemoveRevisionRow = "DELETE FROM tool_catalog.catalog_revision";

    private const string RestoreSetSequence = "SELECT setval(pg_get_serial_sequence(@Table, 'id'), @Value, true)";

    /// <summary>
    /// Writes a consistent, versioned, checksummed archive of the whole catalog to <paramref name="destination"/>: every
    /// table's rows (the tenants and the global tools each disabled, every tool version with its capabilities and patterns, the catalog revision, the change feed, the
    /// audit log with its hash chain, A/B tests, API keys (their hashes, never secrets) and their events, telemetry
    /// recommendations; telemetry and the decision log only with <see cref="BackupOptions.IncludeTelemetry"/>), read in
    /// one repeatable-read, read-only transaction (one snapshot: writers are not blocked and nothing half-written is
    /// seen) with PostgreSQL's binary COPY. The archive's manifest records the format and schema versions, the time,
    /// the revision, and each table's row count and SHA-256; the manifest has a SHA-256 of its own.
    /// </summary>
    /// <param name="destination">Where to write the archive (a file, usually); it is not closed.</param>
    /// <param name="options">What to include (null: the defaults).</param>
    /// <param name="cancellationToken">Cancels the backup.</param>
    /// <returns>What the archive holds.</returns>
    public async Task<BackupSummary> BackupAsync(Stream destination, BackupOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        options ??= new BackupOptions();
        var tables = BackupTables.Where(t => options.IncludeTelemetry || !t.Telemetry).ToList();
        var data = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        await using (data.ConfigureAwait(false))
        {
            var entries = new List<ManifestTable>();
            int schemaVersion;
            long revision;
            string? auditHead;
            IReadOnlyList<string> months = [];
            var connection = await OpenGlobalConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var transaction = await BeginSnapshotAsync(connection, cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    schemaVersion = await SchemaVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                    revision = await connection.ExecuteScalarAsync<long>(new CommandDefinition(BackupRevision, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                    var head = await connection.QuerySingleAsync<ChainSummaryRow>(new CommandDefinition(AuditChainSummary, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                    auditHead = head.HeadPosition == 0 ? null : new AuditChainHead(head.HeadPosition, head.HeadHash).ToString();
                    if (options.IncludeTelemetry)
                    {
                        months = (await connection.QueryAsync<string>(new CommandDefinition(BackupTelemetryMonths, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
                    }

                    foreach (var table in tables)
                    {
                        var rows = await connection.ExecuteScalarAsync<long>(new CommandDefinition(table.CountSql, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                        var columns = await ColumnsAsync(connection, transaction, table, cancellationToken).ConfigureAwait(false);
                        long? sequence = table.HasId
                            ? await connection.ExecuteScalarAsync<long?>(new CommandDefinition(BackupSequenceValue, new { Table = table.QualifiedName }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false)
                            : null;
                        var start = data.Position;
                        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                        var copy = await connection.BeginRawBinaryCopyAsync(table.CopyOutSql, cancellationToken).ConfigureAwait(false);
                        await using (copy.ConfigureAwait(false))
                        {
                            var buffer = new byte[81920];
                            int read;
                            while ((read = await copy.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                            {
                                hash.AppendData(buffer, 0, read);
                                await data.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                            }
                        }

                        entries.Add(new ManifestTable(table.Name, rows, data.Position - start, Convert.ToHexStringLower(hash.GetHashAndReset()), columns, sequence));
                    }

                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            var summary = new BackupSummary(ArchiveFormatVersion, schemaVersion, _timeProvider.GetUtcNow(), revision, auditHead, options.IncludeTelemetry,
                [.. entries.Select(e => new BackupTable(e.Name, e.Rows, e.Bytes, e.Sha256))]);
            var manifest = WriteManifest(summary, entries, months);
            var length = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, manifest.Length);
            await destination.WriteAsync(ArchiveMagic, cancellationToken).ConfigureAwait(false);
            await destination.WriteAsync(length, cancellationToken).ConfigureAwait(false);
            await destination.WriteAsync(manifest, cancellationToken).ConfigureAwait(false);
            await destination.WriteAsync(SHA256.HashData(manifest), cancellationToken).ConfigureAwait(false);
            data.Position = 0;
            await data.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
            await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
            return summary;
        }
    }

    /// <summary>
    /// Restores an archive written by <see cref="BackupAsync"/> into this database, which must be migrated to the
    /// archive's schema version and hold no catalog rows (unless <see cref="RestoreOptions.Force"/>). The whole archive is
    /// verified first (the manifest's and every table's SHA-256, the sizes, the format), before anything is written; then
    /// every table is loaded with binary COPY in one transaction, in dependency order: ids, revisions, timestamps and the
    /// audit log's hash chain are exactly as they were (the chaining trigger is off for the load, so the chain is not
    /// re-hashed), identity sequences are set past the restored ids, and telemetry partitions are created for the months
    /// restored. A restore that fails leaves the database as it was.
    /// </summary>
    /// <param name="source">The archive; read from its current position (a stream that cannot seek is first copied to a temporary file).</param>
    /// <param name="options">How to treat a non-empty target (null: refuse it).</param>
    /// <param name="cancellationToken">Cancels the restore (nothing is written).</param>
    /// <returns>What was restored.</returns>
    /// <exception cref="CatalogArchiveException">The archive is not a backup, has an unknown format, is truncated, or its manifest or a table's data does not match its SHA-256.</exception>
    /// <exception cref="CatalogSchemaException">The database is not migrated, or to another schema version than the archive's.</exception>
    /// <exception cref="CatalogOperationException">The database's catalog is not empty and <see cref="RestoreOptions.Force"/> was not given.</exception>
    public async Task<BackupSummary> RestoreAsync(Stream source, RestoreOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        options ??= new RestoreOptions();
        FileStream? spooled = null;
        try
        {
            var archive = source;
            if (!source.CanSeek)
            {
                spooled = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
                await source.CopyToAsync(spooled, cancellationToken).ConfigureAwait(false);
                spooled.Position = 0;
                archive = spooled;
            }

            var (summary, entries, months, dataStart) = await VerifyArchiveAsync(archive, cancellationToken).ConfigureAwait(false);
            var connection = await OpenGlobalConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    var schemaVersion = await SchemaVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                    if (schemaVersion != summary.SchemaVersion)
                    {
                        throw new CatalogSchemaException(string.Create(CultureInfo.InvariantCulture,
                            $"The backup archive was taken at schema version {summary.SchemaVersion}, but this database is at schema version {schemaVersion}: a restore needs the same version. Restore into a database migrated by the same toolcatalog version as the backup. Nothing was written."));
                    }

                    await connection.ExecuteAsync(new CommandDefinition(RestoreLockRevision, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                    var occupied = new List<string>();
                    foreach (var table in BackupTables)
                    {
                        var rows = await connection.ExecuteScalarAsync<long>(new CommandDefinition(table.OccupiedSql, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                        if (rows > 0)
                        {
                            occupied.Add(table.Name == "catalog_revision" ? "catalog_revision (revision > 0)" : string.Create(CultureInfo.InvariantCulture, $"{table.Name} ({rows} rows)"));
                        }
                    }

                    if (occupied.Count > 0 && !options.Force)
                    {
                        throw new CatalogOperationException(
                            $"The target database's catalog is not empty: {string.Join(", ", occupied)}. A restore goes into an empty migrated database; to replace this catalog (all of it, telemetry included), restore with --force (RestoreOptions.Force). Nothing was written.");
                    }

                    foreach (var entry in entries)
                    {
                        var spec = BackupTables.First(t => t.Name == entry.Name);
                        var columns = await ColumnsAsync(connection, transaction, spec, cancellationToken).ConfigureAwait(false);
                        if (!string.Equals(columns, entry.Columns, StringComparison.Ordinal))
                        {
                            throw new CatalogSchemaException(
                                $"The backup archive's table tool_catalog.{entry.Name} has the columns ({entry.Columns}), but this database's table has ({columns}): the schemas differ although both are at version {schemaVersion}. Nothing was written.");
                        }
                    }

                    await connection.ExecuteAsync(new CommandDefinition(RestoreDisableAuditTriggers, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                    if (occupied.Count > 0)
                    {
                        await connection.ExecuteAsync(new CommandDefinition(RestoreEmptyTables, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                    }

                    await connection.ExecuteAsync(new CommandDefinition(RestoreRemoveRevisionRow, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                    foreach (var month in months)
                    {
                        await connection.ExecuteScalarAsync<string>(new CommandDefinition(Sql.EnsureTelemetryPartition, new { Month = month }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                    }

                    archive.Position = dataStart;
                    var buffer = new byte[81920];
                    foreach (var entry in entries)
                    {
                        var spec = BackupTables.First(t => t.Name == entry.Name);
                        var copy = await connection.BeginRawBinaryCopyAsync(spec.CopyInSql, cancellationToken).ConfigureAwait(false);
                        await using (copy.ConfigureAwait(false))
                        {
                            var left = entry.Bytes;
                            while (left > 0)
                            {
                                var read = await archive.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken).ConfigureAwait(false);
                                if (read == 0)
                                {
                                    throw new CatalogArchiveException($"The backup archive ended inside the data of table tool_catalog.{entry.Name}. Nothing was written.");
                                }

                                await copy.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                                left -= read;
                            }
                        }

                        var rows = await connection.ExecuteScalarAsync<long>(new CommandDefinition(spec.CountSql, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                        if (rows != entry.Rows)
                        {
                            throw new CatalogArchiveException(string.Create(CultureInfo.InvariantCulture,
                                $"The backup archive's table tool_catalog.{entry.Name} should hold {entry.Rows} rows, but {rows} were loaded. Nothing was written."));
                        }

                        if (spec.HasId)
                        {
                            var maxId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(spec.MaxIdSql, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false) ?? 0;
                            var value = Math.Max(maxId, entry.SequenceValue ?? 0);
                            if (value > 0)
                            {
                                await connection.ExecuteScalarAsync<long>(new CommandDefinition(RestoreSetSequence, new { Table = spec.QualifiedName, Value = value }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                            }
                        }
                    }

                    await connection.ExecuteAsync(new CommandDefinition(RestoreEnableAuditTriggers, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            return summary;
        }
        finally
        {
            if (spooled is not null)
            {
                await spooled.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<int> SchemaVersionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition("SAVEPOINT schema_version", transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        try
        {
            var version = await connection.ExecuteScalarAsync<int>(new CommandDefinition(BackupSchemaVersion, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition("RELEASE SAVEPOINT schema_version", transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return version;
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
        {
            throw new CatalogSchemaException("This database has no catalog schema (tool_catalog.schema_migrations is missing): run 'toolcatalog migrate' (ToolCatalogStore.MigrateAsync) first. Nothing was written.", e);
        }
    }

    private static async Task<string> ColumnsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, BackupTableSpec table, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<string>(new CommandDefinition(BackupColumns, new { Table = table.QualifiedName }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false)
        ?? throw new CatalogSchemaException($"This database has no table {table.QualifiedName}: run 'toolcatalog migrate' first.");

    private static byte[] WriteManifest(BackupSummary summary, IReadOnlyList<ManifestTable> tables, IReadOnlyList<string> months)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("format", "toolcatalog-backup");
            json.WriteNumber("format_version", summary.FormatVersion);
            json.WriteNumber("schema_version", summary.SchemaVersion);
            json.WriteString("created_at", summary.CreatedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
            json.WriteNumber("revision", summary.Revision);
            if (summary.AuditHead is null)
            {
                json.WriteNull("audit_head");
            }
            else
            {
                json.WriteString("audit_head", summary.AuditHead);
            }

            json.WriteBoolean("includes_telemetry", summary.IncludesTelemetry);
            json.WriteStartArray("telemetry_months");
            foreach (var month in months)
            {
                json.WriteStringValue(month);
            }

            json.WriteEndArray();
            json.WriteStartArray("tables");
            foreach (var table in tables)
            {
                json.WriteStartObject();
                json.WriteString("name", table.Name);
                json.WriteNumber("rows", table.Rows);
                json.WriteNumber("bytes", table.Bytes);
                json.WriteString("sha256", table.Sha256);
                json.WriteString("columns", table.Columns);
                if (table.SequenceValue is { } value)
                {
                    json.WriteNumber("sequence_value", value);
                }
                else
                {
                    json.WriteNull("sequence_value");
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static async Task<(BackupSummary Summary, IReadOnlyList<ManifestTable> Tables, IReadOnlyList<DateOnly> Months, long DataStart)> VerifyArchiveAsync(Stream archive, CancellationToken cancellationToken)
    {
        var start = archive.Position;
        var header = new byte[ArchiveMagic.Length + 4];
        if (await archive.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false) < header.Length
            || !header.AsSpan(0, ArchiveMagic.Length).SequenceEqual(ArchiveMagic))
        {
            throw new CatalogArchiveException("This is not a toolcatalog backup archive (it does not start with 'TOOLCATALOG-BACKUP'). Nothing was written.");
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(ArchiveMagic.Length));
        if (length <= 0 || length > MaxManifestBytes || length + 32L > archive.Length - archive.Position)
        {
            throw new CatalogArchiveException(string.Create(CultureInfo.InvariantCulture,
                $"The backup archive's manifest is corrupted: its recorded length ({length} bytes) is impossible for an archive of {archive.Length - start} bytes. Nothing was written."));
        }

        var manifest = new byte[length + 32];
        await archive.ReadExactlyAsync(manifest, cancellationToken).ConfigureAwait(false);
        if (!SHA256.HashData(manifest.AsSpan(0, length)).AsSpan().SequenceEqual(manifest.AsSpan(length)))
        {
            throw new CatalogArchiveException("The backup archive's manifest is corrupted: it does not match its SHA-256. Nothing was written.");
        }

        BackupSummary summary;
        List<ManifestTable> tables = [];
        List<DateOnly> months = [];
        try
        {
            using var document = JsonDocument.Parse(manifest.AsMemory(0, length));
            var root = document.RootElement;
            var format = root.GetProperty("format_version").GetInt32();
            if (root.GetProperty("format").GetString() != "toolcatalog-backup" || format != ArchiveFormatVersion)
            {
                throw new CatalogArchiveException(string.Create(CultureInfo.InvariantCulture,
                    $"The backup archive has format version {format}; this toolcatalog reads format version {ArchiveFormatVersion}. Nothing was written."));
            }

            foreach (var month in root.GetProperty("telemetry_months").EnumerateArray())
            {
                months.Add(DateOnly.ParseExact(month.GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture));
            }

            foreach (var table in root.GetProperty("tables").EnumerateArray())
            {
                var name = table.GetProperty("name").GetString()!;
                var index = Array.FindIndex(BackupTables, t => t.Name == name);
                if (index < 0 || (tables.Count > 0 && index <= Array.FindIndex(BackupTables, t => t.Name == tables[^1].Name)))
                {
                    throw new CatalogArchiveException($"The backup archive's manifest lists the table '{name}', which is not a catalog table, is listed twice, or is out of order. Nothing was written.");
                }

                var sequence = table.GetProperty("sequence_value");
                tables.Add(new ManifestTable(name, table.GetProperty("rows").GetInt64(), table.GetProperty("bytes").GetInt64(),
                    table.GetProperty("sha256").GetString()!, table.GetProperty("columns").GetString()!,
                    sequence.ValueKind == JsonValueKind.Null ? null : sequence.GetInt64()));
            }

            var head = root.GetProperty("audit_head");
            summary = new BackupSummary(format, root.GetProperty("schema_version").GetInt32(),
                DateTimeOffset.Parse(root.GetProperty("created_at").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                root.GetProperty("revision").GetInt64(), head.ValueKind == JsonValueKind.Null ? null : head.GetString(),
                root.GetProperty("includes_telemetry").GetBoolean(),
                [.. tables.Select(t => new BackupTable(t.Name, t.Rows, t.Bytes, t.Sha256))]);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new CatalogArchiveException($"The backup archive's manifest cannot be read ({e.Message}). Nothing was written.", e);
        }

        var dataStart = archive.Position;
        var expected = tables.Sum(t => t.Bytes);
        if (tables.Any(t => t.Bytes < 0) || expected != archive.Length - dataStart)
        {
            throw new CatalogArchiveException(string.Create(CultureInfo.InvariantCulture,
                $"The backup archive is truncated or has extra bytes: its tables should take {expected} bytes after the manifest, but {archive.Length - dataStart} are there. Nothing was written."));
        }

        // The tables' data follows the manifest in the manifest's order (which is the restore order).
        var buffer = new byte[81920];
        foreach (var table in tables)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var left = table.Bytes;
            while (left > 0)
            {
                var read = await archive.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new CatalogArchiveException($"The backup archive ended inside the data of table tool_catalog.{table.Name}. Nothing was written.");
                }

                hash.AppendData(buffer, 0, read);
                left -= read;
            }

            if (!string.Equals(Convert.ToHexStringLower(hash.GetHashAndReset()), table.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new CatalogArchiveException($"The backup archive is corrupted: the data of table tool_catalog.{table.Name} does not match its SHA-256 in the manifest. Nothing was written.");
            }
        }

        return (summary, tables, months, dataStart);
    }

    private sealed record ManifestTable(string Name, long Rows, long Bytes, string Sha256, string Columns, long? SequenceValue);

    private sealed record BackupTableSpec(string Name, bool Telemetry, bool HasId, bool Partitioned)
    {
        public string QualifiedName => "tool_catalog." + Name;

        // Partitioned tables are copied out through a query (COPY of a partitioned table itself is not allowed) and in
        // through the parent, which routes each row to its partition.
        public string CopyOutSql => Partitioned
            ? $"COPY (SELECT * FROM {QualifiedName}) TO STDOUT (FORMAT binary)"
            : $"COPY {QualifiedName} TO STDOUT (FORMAT binary)";

        public string CopyInSql => $"COPY {QualifiedName} FROM STDIN (FORMAT binary)";

        public string CountSql => $"SELECT count(*) FROM {QualifiedName}";

        // The revision table always has its one row: it counts as occupied once a write has happened.
        public string OccupiedSql => Name == "catalog_revision"
            ? $"SELECT count(*) FROM {QualifiedName} WHERE revision > 0"
            : $"SELECT count(*) FROM {QualifiedName}";

        public string MaxIdSql => $"SELECT max(id) FROM {QualifiedName}";
    }
}
