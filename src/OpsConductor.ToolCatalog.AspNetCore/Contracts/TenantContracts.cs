using System.Text.Json.Serialization;
using OpsConductor.ToolCatalog.Tenancy;

namespace OpsConductor.ToolCatalog.AspNetCore.Contracts;

/// <summary>A tenant as the API writes it (the fields of <c>toolcatalog tenants list --format json</c>).</summary>
/// <param name="Id">The tenant's id.</param>
/// <param name="Name">Its display name.</param>
/// <param name="State"><c>active</c>, or <c>disabled</c> (its overlay cannot be written; reads go on).</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="CreatedBy">Who created it.</param>
internal sealed record TenantResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("created_by")] string CreatedBy)
{
    public static TenantResponse From(TenantInfo tenant) =>
        new(tenant.Id, tenant.Name, tenant.State == TenantState.Active ? "active" : "disabled", tenant.CreatedAt, tenant.CreatedBy);
}

/// <summary>The body of <c>POST /tenants</c> (the arguments of <c>toolcatalog tenants create</c>).</summary>
internal sealed record CreateTenantRequest
{
    /// <summary>The tenant's id (<see cref="TenantId.Rule"/>).</summary>
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    /// <summary>A display name, 1 to 200 characters; the id when left out.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }
}
