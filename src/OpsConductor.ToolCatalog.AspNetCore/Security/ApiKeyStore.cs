using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace OpsConductor.ToolCatalog.AspNetCore.Security;

/// <summary>
/// The management server's API keys, in the catalog's database (<c>tool_catalog.api_keys</c>, schema migration 0004):
/// create (the key is returned once; only its SHA-256 is stored), list, revoke, and validate a key a request presents.
/// Creating and revoking are recorded in <c>tool_catalog.api_key_events</c> (who, when, which role, tools and tenant) and logged.
/// </summary>
/// <remarks>
/// <para>Validation is cached in memory per key id for <see cref="CacheDuration"/> (30 seconds by default,
/// <c>ToolCatalogServerOptions.Authentication.ApiKeyCacheDuration</c>), so a request does not cost a database
/// round trip. A key revoked through this instance stops working at once; revoked by another process (the CLI, another
/// server), it stops working here within <see cref="CacheDuration"/>. The cache holds at most 10,000 key ids (then it
/// starts again) and never the key itself: each request's key is hashed and compared in constant time.</para>
/// <para>Thread-safe; one instance per server (the host's singleton).</para>
/// </remarks>
public sealed partial class ApiKeyStore
{
    /// <summary>The prefix of the principal name a key signs in as (<c>key:NAME</c>).</summary>
    public const string PrincipalPrefix = "key:";

    /// <summary>The longest name of a key.</summary>
    public const int MaxNameLength = 100;

    /// <summary>The rule a key's name follows, as error messages state it.</summary>
    public const string NameRule = "1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit";

    private const int MaxCachedKeys = 10_000;
    private const int MaxTools = 1_000;
    private const int ActorLength = 100;

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, CachedKey> _cache = new(StringComparer.Ordinal);

    /// <summary>Creates the store over the catalog's database.</summary>
    /// <param name="dataSource">The catalog's database (migrated to schema version 4 or later).</param>
    /// <param name="timeProvider">The clock (timestamps and the cache's expiry); the system clock by default.</param>
    /// <param name="logger">Where creation, revocation and refused keys are logged.</param>
    /// <param name="cacheDuration">How long a validation is cached (default 30 seconds; zero turns the cache off).</param>
    public ApiKeyStore(NpgsqlDataSource dataSource, TimeProvider? timeProvider = null, ILogger<ApiKeyStore>? logger = null, TimeSpan? cacheDuration = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentOutOfRangeException.ThrowIfLessThan(cacheDuration ?? TimeSpan.Zero, TimeSpan.Zero, nameof(cacheDuration));
        _dataSource = dataSource;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        CacheDuration = cacheDuration ?? TimeSpan.FromSeconds(30);
    }

    /// <summary>How long a validated (or unknown) key id is remembered before the database is asked again.</summary>
    public TimeSpan CacheDuration { get; }

    /// <summary>
    /// What is wrong with a key of this name, role and tools, or null if nothing is: the name follows
    /// <see cref="NameRule"/>, the role is one of <see cref="ToolCatalogRoles"/>, an owner names at least one tool, the
    /// other roles none, and each tool name is a catalog tool name (a letter, then letters, digits, '_' or '-').
    /// </summary>
    public static string? Check(string? name, string? role, IReadOnlyCollection<string>? tools)
    {
        tools ??= [];
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength || !NamePattern().IsMatch(name))
        {
            return $"the key name '{name}' is not allowed: a name is {NameRule}.";
        }

        if (!ToolCatalogRoles.IsKnown(role))
        {
            return $"the role '{role}' of key '{name}' is not a role: use {ToolCatalogRoles.Admin}, {ToolCatalogRoles.Owner} or {ToolCatalogRoles.Viewer}.";
        }

        if (role == ToolCatalogRoles.Owner && tools.Count == 0)
        {
            return $"key '{name}' has the role {ToolCatalogRoles.Owner} but names no tool: an owner key needs at least one tool (--tool NAME) it may change.";
        }

        if (role != ToolCatalogRoles.Owner && tools.Count > 0)
        {
            return $"key '{name}' has the role {role}, which owns no tools: only an {ToolCatalogRoles.Owner} key takes tools (an admin changes every tool, a viewer none).";
        }

        if (tools.Count > MaxTools)
        {
            return $"key '{name}' names {tools.Count} tools; at most {MaxTools} are allowed.";
        }

        foreach (var tool in tools)
        {
            if (string.IsNullOrEmpty(tool) || tool.Length > 100 || !ToolNamePattern().IsMatch(tool))
            {
                return $"the tool name '{tool}' of key '{name}' is not a tool name: a letter, then letters, digits, '_' or '-' (at most 100).";
            }
        }

        return null;
    }

    /// <summary>
    /// Creates a key. The returned <see cref="ApiKeyCreated.Key"/> is the only copy of the key: the database keeps its hash.
    /// </summary>
    /// <param name="name">Its name, unique among the keys in use (see <see cref="NameRule"/>).</param>
    /// <param name="role">Its role (<see cref="ToolCatalogRoles"/>).</param>
    /// <param name="tools">For an owner, the tools it may change (at least one); empty for the other roles.</param>
    /// <param name="actor">Who creates it (recorded).</param>
    /// <param name="cancellationToken">Cancels the operation (nothing is written).</param>
    /// <exception cref="ApiKeyException">The name, role or tools break a rule, or a key in use has that name.</exception>
    public Task<ApiKeyCreated> CreateAsync(string name, string role, IEnumerable<string>? tools, string actor, CancellationToken cancellationToken = default) =>
        CreateCoreAsync(name, role, tools, tenant: null, actor, cancellationToken);

    /// <summary>
    /// Creates a key bound to a tenant: its principal manages (admin, owner) or
    /// reads (viewer) that tenant's catalog only (the global catalog and its overlay), never the global catalog's
    /// administration. The returned <see cref="ApiKeyCreated.Key"/> is the only copy of the key.
    /// </summary>
    /// <param name="name">Its name, unique among the keys in use (see <see cref="NameRule"/>).</param>
    /// <param name="role">Its role (<see cref="ToolCatalogRoles"/>).</param>
    /// <param name="tools">For an owner, the tools it may change (at least one); empty for the other roles.</param>
    /// <param name="tenant">The tenant it is bound to (an existing tenant's id).</param>
    /// <param name="actor">Who creates it (recorded).</param>
    /// <param name="cancellationToken">Cancels the operation (nothing is written).</param>
    /// <exception cref="ApiKeyException">The name, role, tools or tenant break a rule, there is no such tenant, or a key in use has that name.</exception>
    public Task<ApiKeyCreated> CreateForTenantAsync(string name, string role, IEnumerable<string>? tools, string tenant, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        return CreateCoreAsync(name, role, tools, tenant, actor, cancellationToken);
    }

    private async Task<ApiKeyCreated> CreateCoreAsync(string name, string role, IEnumerable<string>? tools, string? tenant, string actor, CancellationToken cancellationToken)
    {
        var toolList = (tools ?? []).Distinct(StringComparer.Ordinal).ToArray();
        if (Check(name, role, toolList) is { } problem)
        {
            throw new ApiKeyException(Capitalize(problem) + " Nothing was written.");
        }

        if (tenant is not null && !OpsConductor.ToolCatalog.Tenancy.TenantId.IsValid(tenant))
        {
            throw new ApiKeyException($"The tenant '{tenant}' of key '{name}' is not a tenant id: {OpsConductor.ToolCatalog.Tenancy.TenantId.Rule}. Nothing was written.");
        }

        var by = Actor(actor);
        var now = _timeProvider.GetUtcNow();
        for (var attempt = 0; ; attempt++)
        {
            var (key, keyId) = ApiKeyFormat.Generate();
            try
            {
                var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                    await using (transaction.ConfigureAwait(false))
                    {
                        long id;
                        var insert = new NpgsqlCommand(InsertKeySql, connection, transaction);
                        await using (insert.ConfigureAwait(false))
                        {
                            insert.Parameters.AddWithValue("key_id", keyId);
                            insert.Parameters.AddWithValue("name", name);
                            insert.Parameters.AddWithValue("role", role);
                            insert.Parameters.AddWithValue("tools", toolList);
                            insert.Parameters.AddWithValue("hash", ApiKeyFormat.Hash(key));
                            insert.Parameters.AddWithValue("now", now);
                            insert.Parameters.AddWithValue("actor", by);
                            insert.Parameters.AddWithValue("tenant", (object?)tenant ?? DBNull.Value);
                            id = (long)(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                        }

                        await RecordEventAsync(connection, transaction, id, name, "created", role, toolList, tenant, by, now, cancellationToken).ConfigureAwait(false);
                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    }
                }

                _cache.TryRemove(keyId, out _);
                Log.KeyCreated(_logger, name, role, keyId, by);
                return new ApiKeyCreated(new ApiKeyRecord(name, role, toolList, keyId, now, by, null, null, null, tenant), key);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
            {
                throw new ApiKeyException($"There is no tenant '{tenant}' for key '{name}'. Nothing was written: create it first ('toolcatalog tenants create {tenant}') or check the id ('toolcatalog tenants list').", e);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == "api_keys_one_active_per_name")
            {
                throw new ApiKeyException($"An API key named '{name}' is in use already. Nothing was written: revoke it first ('toolcatalog keys revoke {name}') or choose another name.", e);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == "api_keys_key_id_key" && attempt < 3)
            {
                // Two random ids met (1 in 62^8): draw again.
            }
        }
    }

    /// <summary>The keys, by name: those in use, and the revoked ones too when <paramref name="includeRevoked"/>.</summary>
    public async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(bool includeRevoked = false, CancellationToken cancellationToken = default)
    {
        var command = _dataSource.CreateCommand(includeRevoked ? SelectAllSql : SelectActiveSql);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var keys = new List<ApiKeyRecord>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    keys.Add(ReadRecord(reader));
                }

                return keys;
            }
        }
    }

    /// <summary>Revokes the key in use named <paramref name="name"/>: it signs nothing in from now on (other servers: see the remarks).</summary>
    /// <param name="name">The key's name.</param>
    /// <param name="actor">Who revokes it (recorded).</param>
    /// <param name="cancellationToken">Cancels the operation (nothing is written).</param>
    /// <returns>The revoked key.</returns>
    /// <exception cref="ApiKeyException">No key in use has that name.</exception>
    public async Task<ApiKeyRecord> RevokeAsync(string name, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var by = Actor(actor);
        var now = _timeProvider.GetUtcNow();
        ApiKeyRecord? record = null;
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                long id = 0;
                var revoke = new NpgsqlCommand(RevokeSql, connection, transaction);
                await using (revoke.ConfigureAwait(false))
                {
                    revoke.Parameters.AddWithValue("name", name);
                    revoke.Parameters.AddWithValue("now", now);
                    revoke.Parameters.AddWithValue("actor", by);
                    var reader = await revoke.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            record = ReadRecord(reader);
                            id = reader.GetInt64(reader.GetOrdinal("id"));
                        }
                    }
                }

                if (record is null)
                {
                    throw new ApiKeyException($"No API key in use is named '{name}'. Nothing was changed; 'toolcatalog keys list' shows the keys.");
                }

                await RecordEventAsync(connection, transaction, id, record.Name, "revoked", record.Role, [.. record.Tools], record.Tenant, by, now, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        _cache.TryRemove(record.KeyId, out _);
        Log.KeyRevoked(_logger, record.Name, record.KeyId, by);
        return record;
    }

    /// <summary>
    /// The key in use that <paramref name="key"/> is, or null when it is malformed, unknown, wrong or revoked. Cached
    /// for <see cref="CacheDuration"/> (see the remarks); the hash is compared in constant time on every call.
    /// </summary>
    public async Task<ApiKeyRecord?> ValidateAsync(string? key, CancellationToken cancellationToken = default)
    {
        if (key is null || ApiKeyFormat.TryGetId(key) is not { } keyId)
        {
            return null;
        }

        var now = _timeProvider.GetTimestamp();
        CachedKey? cached = null;
        if (_cache.TryGetValue(keyId, out var entry) && _timeProvider.GetElapsedTime(entry.LoadedAt, now) < CacheDuration)
        {
            cached = entry;
        }

        var fromDatabase = cached is null;
        if (cached is null)
        {
            var command = _dataSource.CreateCommand(SelectByKeyIdSql);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("key_id", keyId);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    cached = await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                        ? new CachedKey(ReadRecord(reader), reader.GetFieldValue<byte[]>(reader.GetOrdinal("secret_hash")), now)
                        : new CachedKey(null, null, now);
                }
            }

            if (CacheDuration > TimeSpan.Zero)
            {
                if (_cache.Count >= MaxCachedKeys)
                {
                    _cache.Clear();
                }

                _cache[keyId] = cached;
            }
        }

        if (cached.Record is null || cached.Hash is null || !ApiKeyFormat.Matches(key, cached.Hash))
        {
            Log.KeyRefused(_logger, keyId);
            return null;
        }

        if (fromDatabase)
        {
            var touch = _dataSource.CreateCommand(TouchSql);
            await using (touch.ConfigureAwait(false))
            {
                touch.Parameters.AddWithValue("key_id", keyId);
                touch.Parameters.AddWithValue("now", _timeProvider.GetUtcNow());
                await touch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return cached.Record;
    }

    private static async Task RecordEventAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long id, string name, string action, string role, string[] tools, string? tenant, string actor, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(InsertEventSql, connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("id", id);
            command.Parameters.AddWithValue("name", name);
            command.Parameters.AddWithValue("action", action);
            command.Parameters.AddWithValue("role", role);
            command.Parameters.AddWithValue("tools", tools);
            command.Parameters.AddWithValue("tenant", (object?)tenant ?? DBNull.Value);
            command.Parameters.AddWithValue("actor", actor);
            command.Parameters.AddWithValue("at", at);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static ApiKeyRecord ReadRecord(NpgsqlDataReader reader) => new(
        reader.GetString(reader.GetOrdinal("name")),
        reader.GetString(reader.GetOrdinal("role")),
        reader.GetFieldValue<string[]>(reader.GetOrdinal("tools")),
        reader.GetString(reader.GetOrdinal("key_id")),
        reader.GetFieldValue<DateTimeOffset>(reader.GetOrdinal("created_at")),
        reader.GetString(reader.GetOrdinal("created_by")),
        reader.IsDBNull(reader.GetOrdinal("revoked_at")) ? null : reader.GetFieldValue<DateTimeOffset>(reader.GetOrdinal("revoked_at")),
        reader.IsDBNull(reader.GetOrdinal("revoked_by")) ? null : reader.GetString(reader.GetOrdinal("revoked_by")),
        reader.IsDBNull(reader.GetOrdinal("last_used_at")) ? null : reader.GetFieldValue<DateTimeOffset>(reader.GetOrdinal("last_used_at")),
        reader.IsDBNull(reader.GetOrdinal("tenant_id")) ? null : reader.GetString(reader.GetOrdinal("tenant_id")));

    private static string Actor(string? actor)
    {
        var value = string.IsNullOrWhiteSpace(actor) ? "unknown" : actor.Trim();
        return value.Length <= ActorLength ? value : value[..ActorLength];
    }

    private static string Capitalize(string sentence) => sentence.Length == 0 ? sentence : char.ToUpperInvariant(sentence[0]) + sentence[1..];

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._\-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_\-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex ToolNamePattern();

    private const string Columns = "id, key_id, name, role, tools, created_at, created_by, revoked_at, revoked_by, last_used_at, tenant_id";

    private const string InsertKeySql = """
        INSERT INTO tool_catalog.api_keys (key_id, name, role, tools, secret_hash, created_at, created_by, tenant_id)
        VALUES (@key_id, @name, @role, @tools, @hash, @now, @actor, @tenant)
        RETURNING id
        """;

    private const string InsertEventSql = """
        INSERT INTO tool_catalog.api_key_events (api_key_id, key_name, action, role, tools, tenant_id, actor, at)
        VALUES (@id, @name, @action, @role, @tools, @tenant, @actor, @at)
        """;

    private const string SelectActiveSql = "SELECT " + Columns + " FROM tool_catalog.api_keys WHERE revoked_at IS NULL ORDER BY name, id";

    private const string SelectAllSql = "SELECT " + Columns + " FROM tool_catalog.api_keys ORDER BY name, id";

    private const string SelectByKeyIdSql = "SELECT " + Columns + ", secret_hash FROM tool_catalog.api_keys WHERE key_id = @key_id AND revoked_at IS NULL";

    private const string RevokeSql = """
        UPDATE tool_catalog.api_keys SET revoked_at = @now, revoked_by = @actor
        WHERE name = @name AND revoked_at IS NULL
        RETURNING id, key_id, name, role, tools, created_at, created_by, revoked_at, revoked_by, last_used_at, tenant_id
        """;

    private const string TouchSql = "UPDATE tool_catalog.api_keys SET last_used_at = @now WHERE key_id = @key_id AND revoked_at IS NULL";

    private sealed record CachedKey(ApiKeyRecord? Record, byte[]? Hash, long LoadedAt);
}
