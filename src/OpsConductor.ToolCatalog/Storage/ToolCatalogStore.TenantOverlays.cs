using Dapper;
using OpsConductor.ToolCatalog.Tenancy;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>A tenant's overlay as read at one revision: its own latest tools (shadows included) and the global tools it
/// disabled for itself (decision 1901). What a many-tenant runtime layers over the global snapshot.</summary>
/// <param name="Tenant">The tenant's id.</param>
/// <param name="State">Whether it is active.</param>
/// <param name="Tools">Its own latest versions (own tools and shadows), by name.</param>
/// <param name="DisabledGlobalTools">The global tool names it hid from itself.</param>
internal sealed record TenantOverlayState(string Tenant, TenantState State, IReadOnlyList<StoredTool> Tools, IReadOnlyList<string> DisabledGlobalTools);

/// <summary>The overlays of some tenants, read in one snapshot at <paramref name="Revision"/>.</summary>
/// <param name="Revision">The catalog revision they reflect.</param>
/// <param name="Tenants">One per tenant found (an id asked for that does not exist is absent).</param>
internal sealed record TenantOverlaySet(long Revision, IReadOnlyList<TenantOverlayState> Tenants);

/// <content>Reading tenants' overlays for the many-tenant runtime (<c>IToolCatalog.ForTenant</c>).</content>
public sealed partial class ToolCatalogStore
{
    /// <summary>The tenants read: those named in <c>@Tenants</c>, or every active tenant when it is null.</summary>
    private const string OverlayTenants = """
        (SELECT n.id FROM tool_catalog.tenants n
         WHERE (@Tenants::text[] IS NULL AND n.state = 'active') OR n.id = ANY(@Tenants::text[]))
        """;

    private const string SelectTenantOverlays = $"""
        SELECT revision AS Revision, feed_floor AS FeedFloor
        FROM tool_catalog.catalog_revision
        WHERE id = 1;
        SELECT n.id AS Id, n.state AS State
        FROM tool_catalog.tenants n
        WHERE n.id IN {OverlayTenants}
        ORDER BY n.id;
        SELECT t.id AS Id, t.tenant_id AS Tenant
        FROM tool_catalog.tools t
        WHERE t.is_latest AND t.tenant_id IN {OverlayTenants};
        SELECT {Sql.ToolSelectList}
        FROM tool_catalog.tools t
        WHERE t.is_latest AND t.tenant_id IN {OverlayTenants}
        ORDER BY t.tool_name;
        SELECT {Sql.CapabilitySelectList}
        FROM tool_catalog.tool_capabilities c
        JOIN tool_catalog.tools t ON t.id = c.tool_id
        WHERE t.is_latest AND t.tenant_id IN {OverlayTenants}
        ORDER BY c.tool_id, c.ordinal;
        SELECT {Sql.PatternSelectList}
        FROM tool_catalog.tool_patterns p
        JOIN tool_catalog.tool_capabilities c ON c.id = p.capability_id
        JOIN tool_catalog.tools t ON t.id = c.tool_id
        WHERE t.is_latest AND t.tenant_id IN {OverlayTenants}
        ORDER BY p.capability_id, p.ordinal;
        SELECT d.tenant_id AS Tenant, d.tool_name AS Name
        FROM tool_catalog.tenant_disabled_tools d
        WHERE d.tenant_id IN {OverlayTenants}
        ORDER BY d.tenant_id, d.tool_name;
        """;

    /// <summary>
    /// The overlays of <paramref name="tenants"/> (every active tenant when null), in one read-only snapshot: one round
    /// trip whatever their number. In a tenant's scope (<see cref="ForTenant"/>) row-level security limits it to that
    /// tenant's rows, so a scoped store reads its own overlay only; the global store reads any tenant's.
    /// </summary>
    internal Task<TenantOverlaySet> LoadTenantOverlaysAsync(IReadOnlyList<string>? tenants, CancellationToken cancellationToken = default) =>
        ReadAsync(snapshot: true, async read =>
        {
            var grid = await read.Connection.QueryMultipleAsync(read.Command(SelectTenantOverlays, new { Tenants = tenants?.ToArray() })).ConfigureAwait(false);
            await using (grid.ConfigureAwait(false))
            {
                var revision = await grid.ReadSingleAsync<RevisionRow>().ConfigureAwait(false);
                var states = (await grid.ReadAsync<(string Id, string State)>().ConfigureAwait(false)).ToList();
                var owners = (await grid.ReadAsync<(long Id, string Tenant)>().ConfigureAwait(false)).ToDictionary(o => o.Id, o => o.Tenant);
                var toolRows = await grid.ReadAsync<ToolRow>().ConfigureAwait(false);
                var capabilityRows = await grid.ReadAsync<CapabilityRow>().ConfigureAwait(false);
                var patternRows = await grid.ReadAsync<PatternRow>().ConfigureAwait(false);
                var disabled = await grid.ReadAsync<(string Tenant, string Name)>().ConfigureAwait(false);
                var tools = ToolAssembler.Assemble(toolRows, capabilityRows, patternRows);

                var toolsOf = new Dictionary<string, List<StoredTool>>(StringComparer.Ordinal);
                foreach (var tool in tools)
                {
                    var owner = owners[tool.Id];
                    if (!toolsOf.TryGetValue(owner, out var list))
                    {
                        toolsOf[owner] = list = [];
                    }

                    list.Add(tool);
                }

                var disabledOf = disabled.ToLookup(d => d.Tenant, d => d.Name, StringComparer.Ordinal);
                var result = new List<TenantOverlayState>(states.Count);
                foreach (var (id, state) in states)
                {
                    result.Add(new TenantOverlayState(
                        id,
                        state == "active" ? TenantState.Active : TenantState.Disabled,
                        toolsOf.TryGetValue(id, out var own) ? own : [],
                        [.. disabledOf[id]]));
                }

                return new TenantOverlaySet(revision.Revision, result);
            }
        }, cancellationToken);
}
