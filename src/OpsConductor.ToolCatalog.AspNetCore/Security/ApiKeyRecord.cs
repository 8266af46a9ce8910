namespace OpsConductor.ToolCatalog.AspNetCore.Security;

/// <summary>An API key as stored: who it signs in as and what it may do. Never holds the key itself or its hash.</summary>
/// <param name="Name">The key's name; the signed-in principal is <c>key:NAME</c>.</param>
/// <param name="Role">Its role: <see cref="ToolCatalogRoles.Admin"/>, <see cref="ToolCatalogRoles.Owner"/> or <see cref="ToolCatalogRoles.Viewer"/>.</param>
/// <param name="Tools">The tools an owner key may change (empty for the other roles).</param>
/// <param name="KeyId">The public part of the key (<c>tc_KEYID_…</c>) that finds its row; not a secret.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="CreatedBy">Who created it.</param>
/// <param name="RevokedAt">When it was revoked; null while it is in use.</param>
/// <param name="RevokedBy">Who revoked it.</param>
/// <param name="LastUsedAt">When it last signed a request in (updated at most once per cache period per server), if ever.</param>
/// <param name="Tenant">The tenant the key is bound to (its principal carries <see cref="ToolCatalogClaims.Tenant"/>), or null for a key of the global catalog.</param>
public sealed record ApiKeyRecord(
    string Name,
    string Role,
    IReadOnlyList<string> Tools,
    string KeyId,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset? RevokedAt,
    string? RevokedBy,
    DateTimeOffset? LastUsedAt,
    string? Tenant = null)
{
    /// <summary>The name of the principal the key signs in as: <c>key:NAME</c> (what the audit log records).</summary>
    public string PrincipalName => ApiKeyStore.PrincipalPrefix + Name;

    /// <summary>Whether the key was revoked.</summary>
    public bool IsRevoked => RevokedAt is not null;
}

/// <summary>
/// A key just created: its record, and the key itself, which exists only here (the store keeps its hash). Show it once
/// and forget it; <see cref="ToString"/> leaves it out so that logging this object never leaks it.
/// </summary>
public sealed class ApiKeyCreated
{
    internal ApiKeyCreated(ApiKeyRecord record, string key)
    {
        Record = record;
        Key = key;
    }

    /// <summary>The stored record.</summary>
    public ApiKeyRecord Record { get; }

    /// <summary>The key (<c>tc_KEYID_SECRET</c>), to give to its user; it cannot be read again.</summary>
    public string Key { get; }

    /// <summary>The record, without the key.</summary>
    public override string ToString() => Record.Tenant is null
        ? $"API key '{Record.Name}' ({Record.Role}, tc_{Record.KeyId}_…)"
        : $"API key '{Record.Name}' ({Record.Role} of tenant {Record.Tenant}, tc_{Record.KeyId}_…)";
}

/// <summary>
/// A key operation that cannot be done: a name, role or tool that breaks the rules, a name in use, a key that does not
/// exist. The message says which and what is allowed. Nothing was written.
/// </summary>
public sealed class ApiKeyException : ToolCatalogException
{
    /// <summary>Creates the exception with no message.</summary>
    public ApiKeyException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ApiKeyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ApiKeyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
