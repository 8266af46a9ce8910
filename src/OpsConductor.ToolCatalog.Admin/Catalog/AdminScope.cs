using Microsoft.AspNetCore.Components.Authorization;
using OpsConductor.ToolCatalog.Admin.Security;
using OpsConductor.ToolCatalog.AspNetCore.Security;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Tenancy;

namespace OpsConductor.ToolCatalog.Admin.Catalog;

/// <summary>Where a tool of a tenant's catalog comes from (decision 1901), as the admin UI labels it.</summary>
internal enum ToolOrigin
{
    /// <summary>A tool of the global catalog, seen by a principal of the global catalog (no label).</summary>
    Global,

    /// <summary>The tenant's own tool (no global tool has its name).</summary>
    Own,

    /// <summary>The tenant's own version of a global tool, which replaces it for the tenant only.</summary>
    Shadow,

    /// <summary>A global tool the tenant inherits as it is: read-only for the tenant, except disabling it for itself.</summary>
    Inherited,
}

/// <summary>The labels the pages show for a <see cref="ToolOrigin"/>.</summary>
internal static class ToolOrigins
{
    /// <summary><c>own</c>, <c>shadow</c> or <c>inherited</c>; null for <see cref="ToolOrigin.Global"/> (no label).</summary>
    public static string? Label(this ToolOrigin origin) => origin == ToolOrigin.Global ? null : origin.ToString().ToLowerInvariant();
}

/// <summary>
/// The catalog one circuit (or one prerendering request) of the admin UI works on, decided by its principal as the API's
/// tenant filter (<c>TenantScopeFilter</c>) decides it for a request: a principal of the global catalog gets the server's
/// store and runtime; a principal bound to a tenant (<see cref="ToolCatalogClaims.Tenant"/>) gets
/// <c>store.ForTenant(tenant)</c> (row-level security beneath every read and write) and the server runtime's view of the
/// tenant (<see cref="IToolCatalog.ForTenantAsync"/>: the same view the API's handlers get for an active tenant, shared
/// and kept by the runtime), while the tenant exists and is active (<see cref="AdminTenants"/>). A server whose runtime
/// serves no views (it serves one tenant itself, follows another server, or a YAML catalog) refuses a tenant's session
/// with the runtime's reason. Every page and <see cref="AdminActions"/> read and write through it, so no page holds a
/// second path to the global catalog.
/// </summary>
internal sealed class AdminScope(AuthenticationStateProvider authentication, ToolCatalogStore store, IToolCatalog global)
{
    private Task<string?>? _resolving;
    private ToolCatalogStore? _store;
    private IToolCatalog? _catalog;

    /// <summary>The tenant the principal works in; null for a principal of the global catalog. Known after <see cref="EnsureAsync"/>.</summary>
    public string? Tenant { get; private set; }

    /// <summary>The principal's tenant (id, name, state); null for a principal of the global catalog.</summary>
    public TenantInfo? TenantInfo { get; private set; }

    /// <summary>Why the principal may not work here now (its tenant is unknown, disabled, or cannot be served); null when it may.</summary>
    public string? Refusal { get; private set; }

    /// <summary>The store of the principal's catalog (scoped to its tenant, if any).</summary>
    /// <exception cref="InvalidOperationException">Before <see cref="EnsureAsync"/>, or when it refused the principal.</exception>
    public ToolCatalogStore Store => _store ?? throw NotReady();

    /// <summary>The runtime catalog of the principal (its tenant's view, if any).</summary>
    /// <exception cref="InvalidOperationException">Before <see cref="EnsureAsync"/>, or when it refused the principal.</exception>
    public IToolCatalog Catalog => _catalog ?? throw NotReady();

    /// <summary>Whether the principal is bound to a tenant (after <see cref="EnsureAsync"/>).</summary>
    public bool IsTenant => Tenant is not null;

    /// <summary>Decides the principal's catalog (once per scope); the refusal when there is none for it, null when there is.</summary>
    public Task<string?> EnsureAsync() => _resolving ??= ResolveAsync();

    /// <summary>
    /// The names of the tools the tenant wrote itself (own tools and shadows, the tenant's export) and of the global tools
    /// it disabled for itself; empty sets for a principal of the global catalog.
    /// </summary>
    public async Task<TenantOverlayNames> ReadOverlayAsync(CancellationToken cancellationToken = default)
    {
        if (!IsTenant || _store is null)
        {
            return TenantOverlayNames.None;
        }

        var own = (await _store.ExportAsync(cancellationToken: cancellationToken)).Select(static t => t.Name).ToHashSet(StringComparer.Ordinal);
        var disabled = await _store.ListDisabledGlobalToolsAsync(cancellationToken);
        return new TenantOverlayNames(own, disabled);
    }

    /// <summary>Where <paramref name="toolName"/> comes from, for this principal, given its tenant's <paramref name="overlay"/>.</summary>
    public ToolOrigin OriginOf(string toolName, TenantOverlayNames overlay) =>
        !IsTenant ? ToolOrigin.Global
        : !overlay.Own.Contains(toolName) ? ToolOrigin.Inherited
        : global.Current.FindTool(toolName) is null ? ToolOrigin.Own
        : ToolOrigin.Shadow;

    private async Task<string?> ResolveAsync()
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        var tenant = user.FindFirst(ToolCatalogClaims.Tenant)?.Value;
        if (tenant is null)
        {
            (_store, _catalog) = (store, global);
            return null;
        }

        Tenant = tenant;
        (TenantInfo, var refusal) = await AdminTenants.CheckAsync(store, tenant, CancellationToken.None);
        if (refusal is null)
        {
            try
            {
                _catalog = await global.ForTenantAsync(tenant, CancellationToken.None);
            }
            catch (ToolCatalogException e)
            {
                refusal = $"its catalog could not be loaded here ({e.Message})";
            }
        }

        if (refusal is not null)
        {
            _catalog = null;
            Refusal = AdminTenants.Message(refusal, tenant);
            return Refusal;
        }

        _store = store.ForTenant(tenant);
        return null;
    }

    private InvalidOperationException NotReady() => new(Refusal is { } refusal
        ? $"The admin UI has no catalog for this session: {refusal}"
        : "The admin UI's catalog is decided by AdminScope.EnsureAsync, which this page has not awaited.");
}

/// <summary>The names a tenant's overlay holds: the tools it wrote itself (own tools and shadows) and the global tools it disabled for itself.</summary>
internal sealed record TenantOverlayNames(IReadOnlySet<string> Own, IReadOnlyList<string> DisabledGlobal)
{
    /// <summary>No overlay (a principal of the global catalog).</summary>
    public static TenantOverlayNames None { get; } = new(new HashSet<string>(StringComparer.Ordinal), []);
}
