using Dapper;
using Npgsql;
using OpsConductor.ToolCatalog.Tenancy;

namespace OpsConductor.ToolCatalog.Storage;

public sealed partial class ToolCatalogStore
{
    private const string InsertTenant = """
        INSERT INTO tool_catalog.tenants (id, name, state, created_at, created_by)
        VALUES (@Id, @Name, 'active', @Now, @Actor)
        RETURNING id AS Id, name AS Name, state AS State, created_at AS CreatedAt, created_by AS CreatedBy
        """;

    private const string SelectTenants = """
        SELECT id AS Id, name AS Name, state AS State, created_at AS CreatedAt, created_by AS CreatedBy
        FROM tool_catalog.tenants
        ORDER BY id
        """;

    private const string UpdateTenantState = """
        UPDATE tool_catalog.tenants SET state = @State WHERE id = @Id
        RETURNING id AS Id, name AS Name, state AS State, created_at AS CreatedAt, created_by AS CreatedBy
        """;

    /// <summary>
    /// Creates a tenant: an empty overlay over the global catalog (it sees every global tool until it adds, shadows or
    /// disables tools of its own). Not a catalog change: no revision, no audit row, no notice. A global administrator's operation.
    /// </summary>
    /// <param name="id">The tenant's id (<see cref="TenantId.Rule"/>).</param>
    /// <param name="name">A display name (1 to 200 characters).</param>
    /// <param name="context">Who creates it (recorded as <see cref="TenantInfo.CreatedBy"/>).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The new tenant.</returns>
    /// <exception cref="ArgumentException">The id breaks the rule, or the name is empty or too long.</exception>
    /// <exception cref="CatalogOperationException">A tenant with that id exists already. Nothing was written.</exception>
    public async Task<TenantInfo> CreateTenantAsync(string id, string name, ChangeContext? context = null, CancellationToken cancellationToken = default)
    {
        TenantId.ThrowIfInvalid(id, nameof(id));
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200)
        {
            throw new ArgumentException($"The name of tenant '{id}' must have 1 to 200 characters (not blank).", nameof(name));
        }

        context ??= ChangeContext.Anonymous;
        var connection = await OpenGlobalConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                var row = await connection.QuerySingleAsync<TenantRow>(new CommandDefinition(InsertTenant, new
                {
                    Id = id,
                    Name = name,
                    Now = _timeProvider.GetUtcNow(),
                    context.Actor,
                }, cancellationToken: cancellationToken)).ConfigureAwait(false);
                return row.ToInfo();
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw new CatalogOperationException($"A tenant with the id '{id}' exists already (tenant ids are unique). Nothing was written.", e);
            }
        }
    }

    /// <summary>Lists the tenants, ordered by id (for the global administrator; the catalog's login sees them all).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Every tenant.</returns>
    public async Task<IReadOnlyList<TenantInfo>> ListTenantsAsync(CancellationToken cancellationToken = default)
    {
        var connection = await OpenGlobalConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var rows = await connection.QueryAsync<TenantRow>(new CommandDefinition(SelectTenants, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return rows.Select(r => r.ToInfo()).ToList();
        }
    }

    /// <summary>
    /// Disables a tenant: from then on the database refuses every write to its overlay (row-level security checks the
    /// tenant's state); its rows stay, and <see cref="EnableTenantAsync"/> lets it write again. Idempotent.
    /// </summary>
    /// <param name="id">The tenant's id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The tenant as it is now.</returns>
    /// <exception cref="CatalogOperationException">No tenant has that id. Nothing was written.</exception>
    public Task<TenantInfo> DisableTenantAsync(string id, CancellationToken cancellationToken = default) =>
        SetTenantStateAsync(id, TenantState.Disabled, cancellationToken);

    /// <summary>Enables a disabled tenant again (its overlay may be written). Idempotent.</summary>
    /// <param name="id">The tenant's id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The tenant as it is now.</returns>
    /// <exception cref="CatalogOperationException">No tenant has that id. Nothing was written.</exception>
    public Task<TenantInfo> EnableTenantAsync(string id, CancellationToken cancellationToken = default) =>
        SetTenantStateAsync(id, TenantState.Active, cancellationToken);

    private async Task<TenantInfo> SetTenantStateAsync(string id, TenantState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        var connection = await OpenGlobalConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var row = await connection.QuerySingleOrDefaultAsync<TenantRow>(new CommandDefinition(UpdateTenantState, new
            {
                Id = id,
                State = state == TenantState.Active ? "active" : "disabled",
            }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return row?.ToInfo() ?? throw new CatalogOperationException($"There is no tenant with the id '{id}' (see 'toolcatalog tenants list'). Nothing was written.");
        }
    }

    private sealed record TenantRow(string Id, string Name, string State, DateTime CreatedAt, string CreatedBy)
    {
        public TenantInfo ToInfo() => new(Id, Name, State == "active" ? TenantState.Active : TenantState.Disabled,
            new DateTimeOffset(DateTime.SpecifyKind(CreatedAt, DateTimeKind.Utc)), CreatedBy);
    }
}
