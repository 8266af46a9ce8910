using System.Data;
using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage.Json;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>
/// The PostgreSQL system of record of the tool catalog: versioned, audited, announced writes; reads for tools,
/// listings and the runtime's snapshot loads; bulk import and export. Works over the host's
/// <see cref="NpgsqlDataSource"/> (it never builds a pool of its own) and is safe to share between threads.
/// </summary>
/// <remarks>
/// <para><b>Every write</b> runs in one transaction that bumps the catalog revision first
/// (<c>UPDATE … RETURNING</c> on a one-row table: concurrent writers take turns and revisions commit in order), writes
/// the rows, one audit row per tool (who, what changed field by field, why, from where), one change-feed row per tool,
/// and sends <c>pg_notify('tool_catalog', payload)</c> with identifiers only (see <see cref="CatalogNotification"/>).
/// A write that fails leaves no trace: no rows, no audit, no revision bump, no notice (PostgreSQL delivers notices on
/// commit only). A write that would change nothing (disabling a disabled tool, re-importing unchanged tools) writes
/// nothing at all.</para>
/// <para><b>Versions are immutable.</b> Publishing adds a version that becomes the one latest version
/// (a partial unique index allows one); rollback makes an earlier version latest again; enable, disable and
/// deprecate change only a version's state; delete is soft unless asked otherwise.</para>
/// <para><b>Hosts:</b> turn on automatic statement preparation in the connection string
/// (for example <c>Max Auto Prepare=32;Auto Prepare Min Usages=2</c>): the store's statements are few and repeated.</para>
/// </remarks>
public sealed partial class ToolCatalogStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Secrets.ISecretProtector? _secrets;
    private readonly string? _tenant;

    static ToolCatalogStore() => DapperJsonHandlers.EnsureRegistered();

    /// <summary>Creates a store over the host's data source.</summary>
    /// <param name="dataSource">The host's PostgreSQL data source (its pool is used as is).</param>
    /// <param name="timeProvider">The clock for timestamps written (created, updated, audited, changed).</param>
    /// <param name="logger">Where to log; connection strings and secrets are never logged.</param>
    public ToolCatalogStore(NpgsqlDataSource dataSource, TimeProvider timeProvider, ILogger<ToolCatalogStore> logger)
        : this(dataSource, timeProvider, logger, secrets: null)
    {
    }

    /// <summary>Creates a store over the host's data source that seals secret values (<see cref="DataKind.Secret"/>) with
    /// <paramref name="secrets"/> before they are written. Without a protector, a tool holding a new secret is refused
    /// (nothing is stored); tools without secrets, and secrets stored already, are unaffected.</summary>
    /// <param name="dataSource">The host's PostgreSQL data source (its pool is used as is).</param>
    /// <param name="timeProvider">The clock for timestamps written (created, updated, audited, changed).</param>
    /// <param name="logger">Where to log; connection strings and secrets are never logged.</param>
    /// <param name="secrets">The key that seals secrets (a <see cref="Secrets.SecretKeyRing"/>, or a host's own), or null.</param>
    public ToolCatalogStore(NpgsqlDataSource dataSource, TimeProvider timeProvider, ILogger<ToolCatalogStore> logger, Secrets.ISecretProtector? secrets)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _dataSource = dataSource;
        _timeProvider = timeProvider;
        _logger = logger;
        _secrets = secrets;
    }

    /// <summary>A store in <paramref name="tenant"/>'s scope over the same data source, clock, log and key.</summary>
    private ToolCatalogStore(ToolCatalogStore global, string tenant)
    {
        _dataSource = global._dataSource;
        _timeProvider = global._timeProvider;
        _logger = global._logger;
        _secrets = global._secrets;
        _tenant = tenant;
    }

    /// <summary>The tenant this store is scoped to (<see cref="ForTenant"/>), or null for the global catalog's store.</summary>
    public string? Tenant => _tenant;

    /// <summary>
    /// A store in the scope of tenant <paramref name="tenantId"/> (issue 19, decision 1901): every transaction it runs
    /// enters the tenant (the database's row-level security then shows it the global rows and the tenant's own, and
    /// lets it write the tenant's own only). Its reads see the tenant's catalog (the global catalog overlaid with the
    /// tenant's own tools and shadows, less the global tools it disabled); its writes create and change the tenant's
    /// own rows only: publishing a global tool's name creates the tenant's shadow of it, and
    /// <see cref="DisableGlobalToolAsync"/> hides a global tool from the tenant. Its exports hold the tenant's overlay
    /// only (own tools and shadows), so that importing them into the tenant reproduces it. The global administrator's
    /// operations (tenants, telemetry, experiments, decisions, backups, migrations, secrets, audit chain verification)
    /// are refused by a scoped store. Cheap: make one per request if that suits the host.
    /// </summary>
    /// <param name="tenantId">The tenant's id (<see cref="Tenancy.TenantId.Rule"/>). Whether it exists and is active
    /// is checked by each write (reads of an unknown tenant see the global catalog).</param>
    /// <returns>The scoped store.</returns>
    /// <exception cref="ArgumentException">The id breaks the rule.</exception>
    /// <exception cref="InvalidOperationException">This store is scoped to a tenant already.</exception>
    public ToolCatalogStore ForTenant(string tenantId)
    {
        Tenancy.TenantId.ThrowIfInvalid(tenantId, nameof(tenantId));
        if (_tenant is not null)
        {
            throw new InvalidOperationException($"This store is scoped to tenant '{_tenant}' already; scope the global store to tenant '{tenantId}' instead.");
        }

        return new ToolCatalogStore(this, tenantId);
    }

    /// <summary>A connection for one of the global administrator's operations; refused in a tenant's scope.</summary>
    private ValueTask<NpgsqlConnection> OpenGlobalConnectionAsync(CancellationToken cancellationToken, [System.Runtime.CompilerServices.CallerMemberName] string operation = "")
    {
        ThrowIfTenantScoped(operation);
        return _dataSource.OpenConnectionAsync(cancellationToken);
    }

    /// <summary>Refuses one of the global administrator's operations in a tenant's scope (nothing is read or written).</summary>
    private void ThrowIfTenantScoped([System.Runtime.CompilerServices.CallerMemberName] string operation = "")
    {
        if (_tenant is not null)
        {
            throw new CatalogOperationException(
                $"{operation.Replace("Async", "", StringComparison.Ordinal)} is the global administrator's operation; the store scoped to tenant '{_tenant}' cannot run it "
                + "(a tenant reads and writes its own overlay of the catalog only). Nothing was read or written.");
        }
    }

    /// <summary>The key that seals secrets, or null when none is configured.</summary>
    public Secrets.ISecretProtector? SecretProtector => _secrets;

    /// <summary>The data source the store reads and writes through, as given to the constructor (a host that made the
    /// store can hand the same source to a <see cref="Runtime.ToolCatalogRuntime"/>; the runtime's listener clones its settings).</summary>
    public NpgsqlDataSource DataSource => _dataSource;

    /// <summary>Creates a store with the system clock and no logging.</summary>
    public ToolCatalogStore(NpgsqlDataSource dataSource)
        : this(dataSource, TimeProvider.System, NullLogger<ToolCatalogStore>.Instance)
    {
    }

    /// <summary>
    /// Brings the database schema up to date: applies the library's numbered migrations that are missing, in order,
    /// under an advisory lock (safe when several processes start at once), each recorded with its checksum; then
    /// makes sure telemetry partitions exist for this month and the next two. Idempotent.
    /// </summary>
    /// <exception cref="CatalogSchemaException">An applied migration was edited, or a migration failed (it is rolled back).</exception>
    public async Task<MigrationResult> MigrateAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfTenantScoped();
        var result = await new SchemaMigrator(_dataSource, _timeProvider, _logger).MigrateAsync(cancellationToken).ConfigureAwait(false);
        await EnsureTelemetryPartitionsAsync(2, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>Creates the monthly telemetry partitions (UTC months) for the current month and the next
    /// <paramref name="monthsAhead"/> months, where missing. Returns their names.</summary>
    public async Task<IReadOnlyList<string>> EnsureTelemetryPartitionsAsync(int monthsAhead = 2, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(monthsAhead);
        var now = _timeProvider.GetUtcNow();
        var first = new DateOnly(now.Year, now.Month, 1);
        var names = new List<string>();
        var connection = await OpenGlobalConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            for (var i = 0; i <= monthsAhead; i++)
            {
                names.Add(await connection.ExecuteScalarAsync<string>(new CommandDefinition(
                    Sql.EnsureTelemetryPartition, new { Month = first.AddMonths(i) }, cancellationToken: cancellationToken)).ConfigureAwait(false) ?? "");
            }
        }

        return names;
    }

    /// <summary>Drops every monthly telemetry partition that ends on or before <paramref name="before"/> (and deletes
    /// older rows kept in the default partition). Returns the names of the dropped partitions.</summary>
    public async Task<IReadOnlyList<string>> DropTelemetryPartitionsBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        var connection = await OpenGlobalConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var names = await connection.QueryAsync<string>(new CommandDefinition(
                Sql.DropTelemetryPartitionsBefore, new { Before = before.ToUniversalTime() }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return names.ToList();
        }
    }

    /// <summary>
    /// Forgets change-feed entries older than <paramref name="age"/>. Runtimes holding a revision from before that
    /// then get <see cref="CatalogChangeSet.IsGap"/> and reload the whole catalog. Returns the new feed floor.
    /// </summary>
    public async Task<long> PruneChangeFeedAsync(TimeSpan age, CancellationToken cancellationToken = default)
    {
        if (age < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(age), age, "The age must not be negative.");
        }

        var connection = await OpenGlobalConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                Sql.PruneChanges, new { Before = _timeProvider.GetUtcNow() - age }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    // ---- The write pipeline ----

    /// <summary>The state of one write transaction: what it wrote, for the audit, change feed and notice.</summary>
    private sealed class WriteScope(NpgsqlConnection connection, NpgsqlTransaction transaction, DateTimeOffset now, ChangeContext change, long revision, long feedFloor, string? tenant)
    {
        /// <summary>The tenant whose overlay this write changes (its transaction entered the tenant's scope), or null.</summary>
        public string? Tenant { get; } = tenant;

        public NpgsqlConnection Connection { get; } = connection;

        public NpgsqlTransaction Transaction { get; } = transaction;

        public DateTimeOffset Now { get; } = now;

        public ChangeContext Change { get; } = change;

        /// <summary>The revision this write commits (already bumped).</summary>
        public long Revision { get; } = revision;

        /// <summary>The revision before this write.</summary>
        public long PreviousRevision => Revision - 1;

        public long FeedFloor { get; } = feedFloor;

        public List<AuditEntry> Audits { get; } = [];

        /// <summary>Tool name → change-feed action, first action wins.</summary>
        public Dictionary<string, string> Changes { get; } = new(StringComparer.Ordinal);

        /// <summary>Tools in flight, for naming the offender when the database refuses the data.</summary>
        public List<ToolDefinition> Subjects { get; } = [];

        public void Record(AuditEntry entry)
        {
            Audits.Add(entry);
            Changes.TryAdd(entry.ToolName, entry.Action);
        }

        /// <summary>A command of this write; <c>@Tenant</c> is this write's tenant (null on the global path).</summary>
        public CommandDefinition Command(string sql, object? parameters = null) =>
            new(sql, WithTenant(parameters, Tenant), Transaction, cancellationToken: CancellationToken);

        public CancellationToken CancellationToken { get; init; }
    }

    /// <summary>
    /// Runs <paramref name="body"/> in a write transaction: bumps the revision, runs the body, then (if the body
    /// recorded changes) writes the audit and change-feed rows, sends the notice and commits; otherwise rolls back,
    /// so a write that changes nothing leaves no trace either.
    /// </summary>
    private async Task<(T Value, long Revision, bool Changed)> RunWriteAsync<T>(
        string operation,
        string toolName,
        ChangeContext change,
        IRowWriter auditWriter,
        Func<WriteScope, Task<T>> body,
        CancellationToken cancellationToken)
    {
        StorageRules.CheckActor(change);
        var now = _timeProvider.GetUtcNow();
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                WriteScope? scope = null;
                var committing = false;
                try
                {
                    var bumped = await BumpRevisionAsync(connection, transaction, operation, toolName, now, _tenant, cancellationToken).ConfigureAwait(false);
                    scope = new WriteScope(connection, transaction, now, change, bumped.Revision, bumped.FeedFloor, _tenant) { CancellationToken = cancellationToken };
                    var value = await body(scope).ConfigureAwait(false);
                    if (scope.Audits.Count == 0)
                    {
                        await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                        return (value, scope.PreviousRevision, false);
                    }

                    await auditWriter.InsertAuditAsync(connection, transaction, scope.Revision, scope.Audits, change, now, cancellationToken).ConfigureAwait(false);
                    await auditWriter.InsertChangesAsync(connection, transaction, scope.Revision, scope.Changes, now, cancellationToken).ConfigureAwait(false);
                    var payload = new CatalogNotification(scope.Revision, [.. scope.Changes.Keys]) { Tenant = _tenant }.ToPayload();
                    await connection.ExecuteAsync(scope.Command(Sql.Notify, new { Channel = Sql.NotificationChannel, Payload = payload })).ConfigureAwait(false);
                    committing = true;
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    StorageLog.WriteCommitted(_logger, operation, toolName, scope.Revision);
                    return (value, scope.Revision, true);
                }
                catch (PostgresException e) when (Translate(e, toolName, scope?.Subjects) is { } translated)
                {
                    StorageLog.WriteRefused(_logger, operation, toolName, translated.Message);
                    throw translated;
                }
                catch (ToolCatalogException e)
                {
                    StorageLog.WriteRefused(_logger, operation, toolName, e.Message);
                    throw;
                }
                catch (Exception e) when (e is not OperationCanceledException && ConnectionLoss.IsConnectionLost(e, connection))
                {
                    StorageLog.WriteRefused(_logger, operation, toolName, ConnectionLoss.DescribeFailure(e));
                    throw committing
                        ? new CatalogConnectionLostException(
                            $"The connection to the database was lost while the {operation} of {Subject(toolName)} was committing ({ConnectionLoss.DescribeFailure(e)}): "
                            + "the server may or may not have stored it. Check the tool's versions (or the catalog's revision) before trying again.", e) { OutcomeUnknown = true }
                        : new CatalogConnectionLostException(
                            $"The connection to the database was lost during the {operation} of {Subject(toolName)} ({ConnectionLoss.DescribeFailure(e)}); "
                            + "the server rolled the transaction back: nothing was written. Try again once the server is back.", e);
                }
            }
        }
    }

    /// <summary>
    /// The first statement of every catalog write: bumps the revision (taking the catalog's write lock; a lock wait the
    /// server gives up becomes a <see cref="CatalogBusyException"/> naming <paramref name="operation"/> and
    /// <paramref name="subject"/>) and checks the schema when its fingerprint is not the one this program expects.
    /// </summary>
    /// <remarks>In a tenant's scope the same command (one batch) enters the scope first, and the write is refused when the
    /// tenant does not exist or is disabled (<see cref="CatalogOperationException"/> naming the tenant).</remarks>
    private static async Task<RevisionRow> BumpRevisionAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string operation, string subject, DateTimeOffset now, string? tenant, CancellationToken cancellationToken)
    {
        var waitStarted = Stopwatch.GetTimestamp();
        RevisionRow bumped;
        try
        {
            bumped = await connection.QuerySingleAsync<RevisionRow>(new CommandDefinition(
                tenant is null ? Sql.BumpRevision : TenantSql.Enter(Sql.BumpRevision), WithTenant(new { Now = now }, tenant), transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
        catch (Exception e) when (IsLockWaitGivenUp(e))
        {
            var waited = Stopwatch.GetElapsedTime(waitStarted);
            throw new CatalogBusyException(
                string.Create(CultureInfo.InvariantCulture, $"Another writer holds the catalog: the {operation} of {Subject(subject)} waited {waited.TotalSeconds:0.#} s for the catalog's revision lock and gave up ")
                + $"({ConnectionLoss.DescribeFailure(e)}). Nothing was written. Try again once the other write has finished (it shows in pg_stat_activity, waiting or idle in transaction).",
                waited,
                e);
        }

        if (!string.Equals(bumped.SchemaFingerprint, SchemaMigrator.ExpectedFingerprint, StringComparison.Ordinal))
        {
            await CheckSchemaAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        }

        if (tenant is not null && bumped.TenantState != "active")
        {
            throw new CatalogOperationException(bumped.TenantState is null
                ? $"There is no tenant '{tenant}' (see 'toolcatalog tenants list'): the {operation} of {Subject(subject)} was refused. Nothing was written."
                : $"Tenant '{tenant}' is disabled, so its overlay cannot be written: the {operation} of {Subject(subject)} was refused. "
                    + $"A global administrator enables it again ('toolcatalog tenants enable {tenant}'). Nothing was written.");
        }

        return bumped;
    }

    /// <summary><paramref name="parameters"/> with <c>@Tenant</c> added (null on the global path): every catalog query
    /// names the catalog it is about (<see cref="TenantSql"/>).</summary>
    private static DynamicParameters WithTenant(object? parameters, string? tenant)
    {
        var result = new DynamicParameters(parameters);
        result.Add("Tenant", tenant, DbType.String);
        return result;
    }

    private static string Subject(string toolName) => toolName.Contains(' ', StringComparison.Ordinal) ? toolName : $"tool '{toolName}'";

    /// <summary>Whether the first statement of a write (the revision bump, which waits for the previous writer) gave
    /// up waiting: the command timeout, <c>lock_timeout</c> (55P03) or <c>statement_timeout</c> (57014).</summary>
    private static bool IsLockWaitGivenUp(Exception e) =>
        e is PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.QueryCanceled }
        || (e is NpgsqlException && e.InnerException is TimeoutException);

    /// <summary>
    /// Refuses the write (the transaction is rolled back) when the schema is not the one this program knows: newer, with
    /// an applied migration edited or tampered with, or not migrated yet. Run only when the write's fingerprint differs.
    /// </summary>
    private static async Task CheckSchemaAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var applied = await connection.QueryAsync<AppliedMigration>(new CommandDefinition(
            Sql.SelectAppliedMigrations, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        throw new CatalogSchemaException(SchemaMigrator.Incompatibility(applied, forMigrate: false)
            ?? "The catalog schema's record of applied migrations does not match this program's; nothing was written. Run 'toolcatalog migrate' for details.");
    }

    /// <summary>Fails with <see cref="CatalogConflictException"/> when the change states a revision and the tool changed after it.</summary>
    private static Task CheckExpectedRevisionAsync(WriteScope scope, string toolName) => CheckExpectedRevisionAsync(scope, [toolName]);

    /// <summary>
    /// The stale-write check: when the change states the revision it was based on, refuses the write (for an import,
    /// the whole batch) if any of <paramref name="toolNames"/> changed after it (one query, naming the first such tool).
    /// </summary>
    private static async Task CheckExpectedRevisionAsync(WriteScope scope, string[] toolNames)
    {
        if (scope.Change.ExpectedRevision is not { } expected || toolNames.Length == 0)
        {
            return;
        }

        if (expected > scope.PreviousRevision)
        {
            throw new CatalogConflictException(
                $"The write to {(toolNames.Length == 1 ? $"tool '{toolNames[0]}'" : $"{toolNames.Length} tools")} says it is based on revision {expected}, which the catalog has not reached "
                + $"(it is at revision {scope.PreviousRevision}). Nothing was written: reload and try again.");
        }

        var changed = await scope.Connection.QueryFirstOrDefaultAsync<ToolLastChange>(
            scope.Command(Sql.SelectFirstToolChangedAfter, new { Names = toolNames, Expected = expected })).ConfigureAwait(false);
        if (changed is not null)
        {
            throw new CatalogConflictException(changed.Name, expected, changed.Revision, scope.PreviousRevision);
        }

        if (expected < scope.FeedFloor)
        {
            throw new CatalogConflictException(toolNames[0], expected, scope.FeedFloor, scope.PreviousRevision);
        }
    }

    private sealed record ToolLastChange(string Name, long Revision);

    /// <summary>Turns the database refusing our data (classes 22 and 23) into a <see cref="CatalogOperationException"/>
    /// naming the tool; other errors (connection, serialisation) are left as they are.</summary>
    private static CatalogOperationException? Translate(PostgresException e, string toolName, IReadOnlyList<ToolDefinition>? subjects)
    {
        if (!e.SqlState.StartsWith("22", StringComparison.Ordinal) && !e.SqlState.StartsWith("23", StringComparison.Ordinal))
        {
            return null;
        }

        if (e.ConstraintName == "tool_patterns_complexity_score_check" && subjects is not null)
        {
            foreach (var tool in subjects)
            {
                if (StorageRules.FindComplexityOutOfRange(tool) is { } where)
                {
                    return new CatalogOperationException(
                        $"Tool '{tool.Name}' version '{tool.Version}': {where}; the catalog stores complexity scores from 0 to 1 "
                        + "(database rule tool_patterns_complexity_score_check). Nothing was written.", e);
                }
            }
        }

        var message = e.ConstraintName switch
        {
            "tools_name_version_key" => $"A version of tool '{toolName}' with the same version string exists already; versions are immutable: publish the change under a new version.",
            "tools_one_latest_per_name" => $"Another write made a different version of tool '{toolName}' the latest at the same time; reload and try again.",
            _ => $"The database refused the write to tool '{toolName}': {e.MessageText}"
                + (e.ConstraintName is null ? "" : $" (rule {e.ConstraintName}" + (e.TableName is null ? ")" : $" on {e.TableName})"))
                + ".",
        };
        return new CatalogOperationException(message + (message.EndsWith("Nothing was written.", StringComparison.Ordinal) ? "" : " Nothing was written."), e);
    }

    private static async Task<List<VersionHead>> LockVersionHeadsAsync(WriteScope scope, string toolName) =>
        (await scope.Connection.QueryAsync<VersionHead>(scope.Command(Sql.SelectVersionHeadsForUpdate, new { Name = toolName })).ConfigureAwait(false)).ToList();

    private static async Task<List<StoredTool>> LoadByIdsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long[] ids, CancellationToken cancellationToken)
    {
        if (ids.Length == 0)
        {
            return [];
        }

        var grid = await connection.QueryMultipleAsync(new CommandDefinition(
            Sql.SelectToolsByIds, new { Ids = ids }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await using (grid.ConfigureAwait(false))
        {
            var tools = await grid.ReadAsync<ToolRow>().ConfigureAwait(false);
            var capabilities = await grid.ReadAsync<CapabilityRow>().ConfigureAwait(false);
            var patterns = await grid.ReadAsync<PatternRow>().ConfigureAwait(false);
            return ToolAssembler.Assemble(tools, capabilities, patterns);
        }
    }

    internal static async Task<AllocatedIds> AllocateIdsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, List<ToolDefinition> tools, CancellationToken cancellationToken)
    {
        var capabilities = tools.Sum(t => t.Capabilities.Count);
        var patterns = tools.Sum(t => t.Capabilities.Sum(c => c.Patterns.Count));
        return await connection.QuerySingleAsync<AllocatedIds>(new CommandDefinition(
            Sql.AllocateIds, new { Tools = tools.Count, Capabilities = capabilities, Patterns = patterns }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Builds the rows of <paramref name="tools"/> with ids taken in order from <paramref name="ids"/>.</summary>
    internal static List<NewVersion> AssignIds(List<ToolDefinition> tools, AllocatedIds ids)
    {
        var result = new List<NewVersion>(tools.Count);
        int c = 0, p = 0;
        for (var t = 0; t < tools.Count; t++)
        {
            var tool = tools[t];
            var capabilityIds = new long[tool.Capabilities.Count];
            var patternIds = new long[tool.Capabilities.Sum(x => x.Patterns.Count)];
            for (var i = 0; i < capabilityIds.Length; i++)
            {
                capabilityIds[i] = AllocatedIds.Get(ids.Capabilities, c++);
            }

            for (var i = 0; i < patternIds.Length; i++)
            {
                patternIds[i] = AllocatedIds.Get(ids.Patterns, p++);
            }

            result.Add(new NewVersion { Tool = tool, Id = AllocatedIds.Get(ids.Tools, t), CapabilityIds = capabilityIds, PatternIds = patternIds });
        }

        return result;
    }

    /// <summary>The audit diff between two versions; from or to nothing it is written directly (bulk imports create
    /// thousands of tools, and building two trees per tool would dominate their cost).</summary>
    private static string Diff(ToolDefinition? before, ToolDefinition? after) => (before, after) switch
    {
        (null, null) => "{}",
        (null, { } created) => ModelJson.Serialize(created, static (w, t) => ToolJson.Write(w, t, ToolJson.FieldMode.AsNew)),
        ({ } removed, null) => ModelJson.Serialize(removed, static (w, t) => ToolJson.Write(w, t, ToolJson.FieldMode.AsOld)),
        _ => JsonDiff.ToJson(JsonDiff.Compute(ToolJson.ToNode(before), ToolJson.ToNode(after))),
    };

    private static string StateDiff(string field, bool before, bool after) =>
        JsonDiff.ToJson(JsonDiff.Single(field, before, after));

    private static string StateDiff(string field, string before, string after) =>
        JsonDiff.ToJson(JsonDiff.Single(field, before, after));

    /// <summary>A suggested next version: the last number in <paramref name="version"/> plus one ("1.0" → "1.1").</summary>
    internal static string SuggestNextVersion(string version)
    {
        for (var end = version.Length - 1; end >= 0; end--)
        {
            if (char.IsAsciiDigit(version[end]))
            {
                var start = end;
                while (start > 0 && char.IsAsciiDigit(version[start - 1]))
                {
                    start--;
                }

                if (long.TryParse(version.AsSpan(start, end - start + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                {
                    return string.Concat(version.AsSpan(0, start), (number + 1).ToString(CultureInfo.InvariantCulture), version.AsSpan(end + 1));
                }
            }
        }

        return version + ".1";
    }
}
