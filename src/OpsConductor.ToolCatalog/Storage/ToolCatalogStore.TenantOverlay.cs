using Dapper;
using OpsConductor.ToolCatalog.Storage.Json;

namespace OpsConductor.ToolCatalog.Storage;

/// <content>What only a tenant's scope does (decision 1901): hiding a global tool from the tenant and showing it again,
/// and the rule that a tenant changes its own rows only.</content>
public sealed partial class ToolCatalogStore
{
    private const string SelectGlobalLatest = """
        SELECT t.id AS Id, t.version AS Version
        FROM tool_catalog.tools t
        WHERE t.tool_name = @Name AND t.tenant_id IS NULL AND t.is_latest
        """;

    private const string SelectGlobalExists = """
        SELECT EXISTS (SELECT 1 FROM tool_catalog.tools t WHERE t.tool_name = @Name AND t.tenant_id IS NULL AND t.deleted_at IS NULL)
        """;

    private const string InsertDisabledTool = """
        INSERT INTO tool_catalog.tenant_disabled_tools (tenant_id, tool_name, disabled_at, disabled_by)
        VALUES (@Tenant::text, @Name, @Now, @Actor)
        ON CONFLICT (tenant_id, tool_name) DO NOTHING
        """;

    private const string DeleteDisabledTool = """
        DELETE FROM tool_catalog.tenant_disabled_tools WHERE tenant_id = @Tenant::text AND tool_name = @Name
        """;

    private const string SelectDisabledTools = """
        SELECT d.tool_name FROM tool_catalog.tenant_disabled_tools d WHERE d.tenant_id = @Tenant::text ORDER BY d.tool_name
        """;

    /// <summary>The field an audit row of hiding or showing a global tool for a tenant changes.</summary>
    private const string DisabledForTenantField = "disabled_for_tenant";

    /// <summary>
    /// Hides the global tool <paramref name="toolName"/> from this store's tenant (a tenant scope only, see
    /// <see cref="ForTenant"/>): the tenant's catalog no longer holds it, other tenants and the global catalog are
    /// untouched. A catalog change of the tenant's (a revision, an audit row tagged with the tenant, a notice naming it).
    /// Unchanged (nothing written) when it is hidden already. A tenant's own tool or shadow is disabled with
    /// <see cref="DisableAsync"/> instead.
    /// </summary>
    /// <exception cref="ToolNotFoundException">The global catalog has no latest version of that tool.</exception>
    /// <exception cref="CatalogOperationException">This store is not scoped to a tenant, or the tenant does not exist or is disabled.</exception>
    public Task<CatalogWriteResult> DisableGlobalToolAsync(string toolName, ChangeContext? change = null, CancellationToken cancellationToken = default) =>
        SetGlobalToolHiddenAsync(toolName, hidden: true, change, cancellationToken);

    /// <summary>Shows the global tool <paramref name="toolName"/> to this store's tenant again (undoes
    /// <see cref="DisableGlobalToolAsync"/>). Unchanged (nothing written) when it is not hidden.</summary>
    /// <exception cref="ToolNotFoundException">The global catalog has no latest version of that tool and the tenant had not hidden it.</exception>
    /// <exception cref="CatalogOperationException">This store is not scoped to a tenant, or the tenant does not exist or is disabled.</exception>
    public Task<CatalogWriteResult> EnableGlobalToolAsync(string toolName, ChangeContext? change = null, CancellationToken cancellationToken = default) =>
        SetGlobalToolHiddenAsync(toolName, hidden: false, change, cancellationToken);

    /// <summary>The global tools this store's tenant hid from itself (<see cref="DisableGlobalToolAsync"/>), by name; empty
    /// on the global store.</summary>
    public async Task<IReadOnlyList<string>> ListDisabledGlobalToolsAsync(CancellationToken cancellationToken = default)
    {
        if (_tenant is null)
        {
            return [];
        }

        return await ReadAsync<IReadOnlyList<string>>(snapshot: false, async read =>
            [.. await read.Connection.QueryAsync<string>(read.Command(SelectDisabledTools)).ConfigureAwait(false)], cancellationToken).ConfigureAwait(false);
    }

    private async Task<CatalogWriteResult> SetGlobalToolHiddenAsync(string toolName, bool hidden, ChangeContext? change, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(toolName);
        var operation = hidden ? "disabling for a tenant" : "enabling for a tenant";
        if (_tenant is null)
        {
            throw new CatalogOperationException(
                $"The {operation} of global tool '{toolName}' needs a tenant: scope the store to one (store.ForTenant(id); the CLI's --tenant). "
                + "A global tool is disabled for everyone with DisableAsync. Nothing was written.");
        }

        change ??= ChangeContext.Anonymous;
        var (version, revision, changed) = await RunWriteAsync(operation, toolName, change, StatementRowWriter.Instance, async scope =>
        {
            var global = await scope.Connection.QuerySingleOrDefaultAsync<GlobalHead>(scope.Command(SelectGlobalLatest, new { Name = toolName })).ConfigureAwait(false);
            var written = await scope.Connection.ExecuteAsync(scope.Command(hidden ? InsertDisabledTool : DeleteDisabledTool, new
            {
                Name = toolName,
                scope.Now,
                scope.Change.Actor,
            })).ConfigureAwait(false);
            if (global is null && (hidden || written == 0))
            {
                throw new ToolNotFoundException(
                    $"The global catalog has no tool '{toolName}' (or only deleted versions of it), so tenant '{_tenant}' cannot {(hidden ? "disable" : "enable")} it for itself. "
                    + "Its own tools are changed with enable/disable. Nothing was written.");
            }

            if (written > 0)
            {
                scope.Record(new AuditEntry(global?.Id, toolName, global?.Version, hidden ? AuditActions.Disabled : AuditActions.Enabled,
                    JsonDiff.ToJson(JsonDiff.Single(DisabledForTenantField, !hidden, hidden))));
            }

            return global?.Version;
        }, cancellationToken).ConfigureAwait(false);
        return new CatalogWriteResult(revision, toolName, version, changed);
    }

    /// <summary>
    /// The version heads of the catalog being written, locked, for a write that changes a stored tool (rollback, state,
    /// delete): in a tenant's scope, when the tenant has no rows under the name but the global catalog has the tool, the
    /// write is refused with the rule (a tenant changes its own rows only) instead of "not found".
    /// </summary>
    private static async Task<List<VersionHead>> LockOwnVersionHeadsAsync(WriteScope scope, string toolName)
    {
        var heads = await LockVersionHeadsAsync(scope, toolName).ConfigureAwait(false);
        if (heads.Count == 0 && scope.Tenant is { } tenant
            && await scope.Connection.ExecuteScalarAsync<bool>(scope.Command(SelectGlobalExists, new { Name = toolName })).ConfigureAwait(false))
        {
            throw new CatalogOperationException(
                $"Tool '{toolName}' belongs to the global catalog, which tenant '{tenant}' cannot change. The tenant may publish its own version of it "
                + $"(a shadow that replaces it for '{tenant}' only), or disable it for itself (DisableGlobalToolAsync). Nothing was written.");
        }

        return heads;
    }

    private sealed record GlobalHead(long Id, string Version);
}
