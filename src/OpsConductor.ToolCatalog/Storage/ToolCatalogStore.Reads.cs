using System.Data;
using Dapper;
using Npgsql;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Storage;

public sealed partial class ToolCatalogStore
{
    /// <summary>The largest page <see cref="ListAsync"/> returns.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>The latest version of <paramref name="toolName"/>, or the given <paramref name="version"/>; null when it does
    /// not exist or was deleted. Disabled and deprecated versions are returned (their state says so).</summary>
    public async Task<StoredTool?> GetAsync(string toolName, string? version = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(toolName);
        return await ReadAsync(snapshot: false, async read =>
        {
            var id = await read.Connection.QuerySingleOrDefaultAsync<long?>(read.Command(
                version is null ? Sql.SelectLatestId : Sql.SelectVersionId,
                new { Name = toolName, Version = version })).ConfigureAwait(false);
            if (id is null)
            {
                return null;
            }

            return (await LoadByIdsAsync(read.Connection, read.Transaction, [id.Value], cancellationToken).ConfigureAwait(false)).SingleOrDefault();
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One page of tools (their latest versions), by name, filtered. Keyset pagination: pass the previous page's
    /// <see cref="ToolPage.NextCursor"/> as <paramref name="after"/>; pages stay consistent while tools are added.
    /// </summary>
    /// <param name="filter">Which tools (default: all).</param>
    /// <param name="after">Only tools whose name sorts after this (a cursor).</param>
    /// <param name="limit">Page size, 1 to <see cref="MaxPageSize"/>.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<ToolPage> ListAsync(ToolFilter? filter = null, string? after = null, int limit = 50, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPageSize);
        filter ??= ToolFilter.All;
        return await ReadAsync(snapshot: false, async read =>
        {
            var rows = (await read.Connection.QueryAsync<SummaryRow>(read.Command(
                Sql.ListLatest,
                FilterParameters(filter, new { After = after, Limit = limit + 1 }))).ConfigureAwait(false)).ToList();
            var more = rows.Count > limit;
            var items = rows.Take(limit).Select(ToSummary).ToList();
            return new ToolPage(items, more ? items[^1].Name : null);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Tools (latest versions) whose name, description, tags or patterns' typical use cases contain
    /// <paramref name="text"/> (case-insensitive); exact and prefix name matches first, then other name matches,
    /// then description matches, then the rest, each by name.
    /// </summary>
    public async Task<IReadOnlyList<ToolSummary>> SearchAsync(string text, int limit = 50, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPageSize);
        var escaped = EscapeLike(text.Trim());
        return await ReadAsync<IReadOnlyList<ToolSummary>>(snapshot: false, async read =>
        {
            var rows = await read.Connection.QueryAsync<SummaryRow>(read.Command(
                Sql.Search,
                new { Text = text.Trim(), Prefix = escaped + "%", Contains = "%" + escaped + "%", Limit = limit })).ConfigureAwait(false);
            return rows.Select(ToSummary).ToList();
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every version of <paramref name="toolName"/> ever stored (soft-deleted ones included), oldest first.</summary>
    /// <exception cref="ToolNotFoundException">The tool has no stored version at all.</exception>
    public async Task<IReadOnlyList<ToolVersionInfo>> ListVersionsAsync(string toolName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(toolName);
        return await ReadAsync<IReadOnlyList<ToolVersionInfo>>(snapshot: false, async read =>
        {
            var rows = (await read.Connection.QueryAsync<VersionRow>(read.Command(
                Sql.SelectVersions, new { Name = toolName })).ConfigureAwait(false)).ToList();
            if (rows.Count == 0)
            {
                throw ToolNotFoundException.For(toolName, null);
            }

            return rows.Select(r => new ToolVersionInfo(
                r.Id,
                r.Version,
                ToolAssembler.ParseStatus(r.Status),
                r.Enabled,
                r.IsLatest,
                ToolAssembler.ToOffset(r.DeletedAt),
                r.ParentVersion,
                ToolAssembler.ToOffset(r.CreatedAt),
                r.CreatedBy,
                ToolAssembler.ToOffset(r.UpdatedAt),
                r.UpdatedBy)).ToList();
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The catalog's current revision (one indexed row: cheap enough to poll).</summary>
    public async Task<long> GetRevisionAsync(CancellationToken cancellationToken = default)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var row = await connection.QuerySingleAsync<RevisionRow>(new CommandDefinition(Sql.SelectRevision, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return row.Revision;
        }
    }

    /// <summary>
    /// The whole catalog (every tool's latest version, enabled or not, soft-deleted tools excluded) and the revision
    /// it reflects, read in one REPEATABLE READ snapshot so the two agree.
    /// </summary>
    /// <remarks>In a tenant's scope: the tenant's catalog (its own tools and shadows, and the global tools it neither
    /// shadows nor disabled).</remarks>
    public Task<CatalogState> LoadCatalogAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(snapshot: true, async read =>
        {
            var revision = await read.Connection.QuerySingleAsync<RevisionRow>(read.Command(Sql.SelectRevision)).ConfigureAwait(false);
            var grid = await read.Connection.QueryMultipleAsync(read.Command(Sql.SelectAllLatest)).ConfigureAwait(false);
            await using (grid.ConfigureAwait(false))
            {
                var toolRows = await grid.ReadAsync<ToolRow>().ConfigureAwait(false);
                var capabilityRows = await grid.ReadAsync<CapabilityRow>().ConfigureAwait(false);
                var patternRows = await grid.ReadAsync<PatternRow>().ConfigureAwait(false);
                return new CatalogState(revision.Revision, ToolAssembler.Assemble(toolRows, capabilityRows, patternRows));
            }
        }, cancellationToken);

    /// <summary>
    /// What changed after <paramref name="sinceRevision"/>: the current revision and, for each tool changed since, its
    /// latest version now (or "removed"), read in one REPEATABLE READ snapshot. When the change feed cannot answer for
    /// that revision (pruned, or a revision the database never reached) the result is a gap: reload everything with
    /// <see cref="LoadCatalogAsync"/>. The running experiments come with the changes, read in the same snapshot (arm
    /// versions whose ids are in <paramref name="knownArms"/> are not read again).
    /// </summary>
    internal async Task<CatalogChangeSet> LoadChangesSinceAsync(long sinceRevision, long[]? knownArms = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sinceRevision);
        knownArms ??= [];
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // One round trip for the reads (BEGIN travels with them) and one for the commit: this is the hot-reload
            // path, run by every process on every notice.
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                RevisionRow revision;
                string[] names;
                List<StoredTool> latest;
                RunningExperimentSet experiments;
                var changedTenants = new Dictionary<string, long>(StringComparer.Ordinal);
                // A tenant's scope reads no experiments (they are global, and the tenant role may not read them).
                var grid = await connection.QueryMultipleAsync(new CommandDefinition(
                    _tenant is null ? Sql.SelectChangesAndExperimentsSince : TenantSql.Enter(Sql.SelectChangesSince),
                    WithTenant(new { Revision = sinceRevision, KnownArms = knownArms }, _tenant),
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
                await using (grid.ConfigureAwait(false))
                {
                    revision = await grid.ReadSingleAsync<RevisionRow>().ConfigureAwait(false);
                    names = [.. await grid.ReadAsync<string>().ConfigureAwait(false)];
                    var toolRows = await grid.ReadAsync<ToolRow>().ConfigureAwait(false);
                    var capabilityRows = await grid.ReadAsync<CapabilityRow>().ConfigureAwait(false);
                    var patternRows = await grid.ReadAsync<PatternRow>().ConfigureAwait(false);
                    latest = ToolAssembler.Assemble(toolRows, capabilityRows, patternRows);
                    experiments = _tenant is null ? await ReadRunningExperimentsAsync(grid).ConfigureAwait(false) : RunningExperimentSet.None;
                    if (_tenant is null)
                    {
                        foreach (var (tenant, changed) in await grid.ReadAsync<(string Tenant, long Revision)>().ConfigureAwait(false))
                        {
                            changedTenants[tenant] = changed;
                        }
                    }
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                if (sinceRevision > revision.Revision || sinceRevision < revision.FeedFloor)
                {
                    return new CatalogChangeSet(sinceRevision, revision.Revision, IsGap: true, []);
                }

                var current = latest.ToDictionary(t => t.Definition.Name, StringComparer.Ordinal);
                var changes = names.Order(StringComparer.Ordinal)
                    .Select(n => new StoredToolState(n, current.GetValueOrDefault(n)))
                    .ToList();
                return new CatalogChangeSet(sinceRevision, revision.Revision, IsGap: false, changes) { Experiments = experiments, ChangedTenants = changedTenants };
            }
        }
    }

    /// <summary>
    /// The catalog (or the part <paramref name="filter"/> selects) as tool definitions, by name: the latest version of
    /// each tool, or with <paramref name="allVersions"/> every version that is not deleted (each tool's latest last, so
    /// importing the list into an empty database reproduces the same latest versions). Soft-deleted tools are left out.
    /// </summary>
    /// <remarks>In a tenant's scope: the tenant's overlay only (its own tools and its shadows of global tools, not what it
    /// inherits), so that importing the result into the tenant reproduces its overlay.</remarks>
    public Task<IReadOnlyList<ToolDefinition>> ExportAsync(ToolFilter? filter = null, bool allVersions = false, CancellationToken cancellationToken = default)
    {
        filter ??= ToolFilter.All;
        return ReadAsync<IReadOnlyList<ToolDefinition>>(snapshot: true, async read =>
        {
            var ids = (await read.Connection.QueryAsync<long>(read.Command(
                allVersions ? Sql.SelectAllVersionIdsByFilter : Sql.SelectLatestIdsByFilter,
                FilterParameters(filter, null))).ConfigureAwait(false)).ToList();
            var loaded = (await LoadByIdsAsync(read.Connection, read.Transaction, [.. ids], cancellationToken).ConfigureAwait(false)).ToDictionary(t => t.Id);
            return ids.Select(id => loaded[id].Definition).ToList();
        }, cancellationToken);
    }

    private static async Task<NpgsqlTransaction> BeginSnapshotAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(Sql.SetReadOnly, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return transaction;
    }

    /// <summary>One read of the catalog in this store's scope. In a tenant's scope the read runs in a transaction whose
    /// first command enters the tenant (in the same batch: <see cref="TenantSql.Enter"/>); on the global path a read that
    /// needs no snapshot runs without one, as before tenants.</summary>
    private sealed class CatalogRead(NpgsqlConnection connection, NpgsqlTransaction? transaction, string? tenant, CancellationToken cancellationToken)
    {
        private bool _entered = tenant is null;

        public NpgsqlConnection Connection { get; } = connection;

        public NpgsqlTransaction? Transaction { get; } = transaction;

        /// <summary>A command of this read (<c>@Tenant</c> added); the first one of a tenant's read enters its scope.</summary>
        public CommandDefinition Command(string sql, object? parameters = null)
        {
            if (!_entered)
            {
                _entered = true;
                sql = TenantSql.Enter(sql);
            }

            return new CommandDefinition(sql, WithTenant(parameters, tenant), Transaction, cancellationToken: cancellationToken);
        }
    }

    /// <summary>Runs <paramref name="body"/> on a connection of this store's scope: with <paramref name="snapshot"/> in one
    /// read-only REPEATABLE READ transaction; in a tenant's scope always in a transaction (the scope lasts as long).</summary>
    private async Task<T> ReadAsync<T>(bool snapshot, Func<CatalogRead, Task<T>> body, CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            if (!snapshot && _tenant is null)
            {
                return await body(new CatalogRead(connection, null, null, cancellationToken)).ConfigureAwait(false);
            }

            var transaction = await connection.BeginTransactionAsync(snapshot ? IsolationLevel.RepeatableRead : IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var read = new CatalogRead(connection, transaction, _tenant, cancellationToken);
                if (snapshot)
                {
                    await connection.ExecuteAsync(read.Command(Sql.SetReadOnly)).ConfigureAwait(false);
                }

                var result = await body(read).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
        }
    }

    private static DynamicParameters FilterParameters(ToolFilter filter, object? extra)
    {
        var parameters = new DynamicParameters(extra);
        parameters.Add("Platform", filter.Platform, DbType.String);
        parameters.Add("Category", filter.Category, DbType.String);
        parameters.Add("Status", filter.Status?.ToWire(), DbType.String);
        parameters.Add("Enabled", filter.Enabled, DbType.Boolean);
        parameters.Add("Capability", filter.Capability, DbType.String);
        parameters.Add("Tag", filter.Tag, DbType.String);
        return parameters;
    }

    private static ToolSummary ToSummary(SummaryRow row) => new(
        row.Name,
        row.Version,
        row.Description,
        row.Platform,
        row.Category,
        ToolAssembler.ParseStatus(row.Status),
        row.Enabled,
        row.Capabilities,
        row.Tags,
        ToolAssembler.ToOffset(row.UpdatedAt));

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal);
}
