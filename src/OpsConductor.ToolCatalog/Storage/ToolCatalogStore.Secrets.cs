using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Secrets;
using OpsConductor.ToolCatalog.Storage.Json;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>How many stored secret values are sealed under one key.</summary>
/// <param name="KeyId">The key-encryption key id.</param>
/// <param name="Values">The number of stored values (in every version, deleted ones included) whose data key it wraps.</param>
public sealed record SecretKeyUsage(string KeyId, long Values);

/// <summary>The outcome of <see cref="ToolCatalogStore.RewrapSecretsAsync"/>.</summary>
/// <param name="KeyId">The key every stored value is now wrapped under.</param>
/// <param name="Rewrapped">How many values were re-wrapped.</param>
/// <param name="Versions">How many tool versions held them (each audited as <c>keys_rewrapped</c>).</param>
/// <param name="Revision">The catalog revision of the write (unchanged when nothing needed re-wrapping).</param>
public sealed record SecretRewrapResult(string KeyId, long Rewrapped, int Versions, long Revision);

public sealed partial class ToolCatalogStore
{
    private const string KeysRewrapped = "keys_rewrapped";

    /// <summary>Counts the stored secret values by the key that wraps their data keys (every version, deleted ones included).</summary>
    public async Task<IReadOnlyList<SecretKeyUsage>> CountSecretsByKeyAsync(CancellationToken cancellationToken = default)
    {
        var connection = await OpenGlobalConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var sql in SecretRowQueries)
            {
                var rows = await connection.QueryAsync<SecretRow>(new CommandDefinition(sql, cancellationToken: cancellationToken)).ConfigureAwait(false);
                foreach (var row in rows)
                {
                    foreach (var column in row.Columns())
                    {
                        RewriteEnvelopes(column, e =>
                        {
                            counts[e.KeyId] = counts.GetValueOrDefault(e.KeyId) + 1;
                            return null;
                        });
                    }
                }
            }

            return [.. counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => new SecretKeyUsage(c.Key, c.Value))];
        }
    }

    /// <summary>
    /// Re-wraps the data key of every stored secret that is not wrapped under the protector's current key, in one write
    /// (under the catalog's revision lock; readers keep reading throughout, and every value opens before and after with a
    /// key ring holding both keys). The encrypted values do not change, so neither does any version's content or content
    /// hash: versions stay immutable, no version is added, and each version touched is audited as a maintenance action
    /// (<c>keys_rewrapped</c>, naming the keys, never a value). Runtimes are told, and reload the versions.
    /// </summary>
    /// <exception cref="SecretKeyException">No protector is configured, or a stored data key does not unwrap with it.</exception>
    public async Task<SecretRewrapResult> RewrapSecretsAsync(ChangeContext? change = null, CancellationToken cancellationToken = default)
    {
        var protector = _secrets ?? throw new SecretKeyException("No secrets key is configured, so stored secrets cannot be re-wrapped; give the store a key ring.");
        change ??= ChangeContext.Anonymous;
        var current = protector.CurrentKeyId;
        long rewrapped = 0;
        var versions = 0;
        ThrowIfTenantScoped();
        var (_, revision, _) = await RunWriteAsync("re-wrap of secrets", "the catalog's secrets", change, StatementRowWriter.Instance, async scope =>
        {
            await scope.Connection.ExecuteAsync(scope.Command(Sql.AllowSecretRewrap)).ConfigureAwait(false);
            var touched = new Dictionary<long, (string Tool, string Version, SortedSet<string> Old, long Count)>();
            foreach (var (select, update) in SecretRowStatements)
            {
                var rows = (await scope.Connection.QueryAsync<SecretRow>(scope.Command(select)).ConfigureAwait(false)).ToList();
                foreach (var row in rows)
                {
                    var old = new SortedSet<string>(StringComparer.Ordinal);
                    long count = 0;
                    string? Rewrap(string? json) => RewriteEnvelopes(json, e =>
                    {
                        if (e.KeyId == current)
                        {
                            return null;
                        }

                        old.Add(e.KeyId);
                        count++;
                        return SecretCrypto.Rewrap(e, protector);
                    });

                    var updated = new { row.Id, A = Rewrap(row.A), B = Rewrap(row.B), C = Rewrap(row.C), D = Rewrap(row.D), E = Rewrap(row.E), F = Rewrap(row.F), G = Rewrap(row.G) };
                    if (count == 0)
                    {
                        continue;
                    }

                    await scope.Connection.ExecuteAsync(scope.Command(update, updated)).ConfigureAwait(false);
                    var entry = touched.GetValueOrDefault(row.VersionId, (row.ToolName, row.Version, new SortedSet<string>(StringComparer.Ordinal), 0));
                    entry.Old.UnionWith(old);
                    touched[row.VersionId] = entry with { Count = entry.Count + count };
                    rewrapped += count;
                }
            }

            foreach (var (versionId, entry) in touched.OrderBy(t => t.Key))
            {
                var changes = new JsonObject
                {
                    ["secrets.kid"] = new JsonObject
                    {
                        ["old"] = new JsonArray([.. entry.Old.Select(k => (JsonNode)JsonValue.Create(k))]),
                        ["new"] = current,
                        ["values"] = entry.Count,
                    },
                };
                scope.Record(new AuditEntry(versionId, entry.Tool, entry.Version, KeysRewrapped, JsonDiff.ToJson(changes)));
            }

            versions = touched.Count;
            return 0;
        }, cancellationToken).ConfigureAwait(false);
        return new SecretRewrapResult(current, rewrapped, versions, revision);
    }

    private static readonly string[] SecretRowQueries = [Sql.SelectToolSecretRows, Sql.SelectCapabilitySecretRows, Sql.SelectPatternSecretRows];

    private static readonly (string Select, string Update)[] SecretRowStatements =
    [
        (Sql.SelectToolSecretRows, Sql.UpdateToolSecrets),
        (Sql.SelectCapabilitySecretRows, Sql.UpdateCapabilitySecrets),
        (Sql.SelectPatternSecretRows, Sql.UpdatePatternSecrets),
    ];

    /// <summary>
    /// Finds every secret envelope in a stored JSON document and replaces it with <paramref name="replace"/>'s answer
    /// (null: keep). Returns the document's text, re-written only when something was replaced. A user's map wrapped as
    /// <c>{"$map": {…}}</c> is data, not a marker, and is walked as such.
    /// </summary>
    internal static string? RewriteEnvelopes(string? json, Func<SecretEnvelope, SecretEnvelope?> replace)
    {
        if (json is null || !json.Contains("\"$secret\"", StringComparison.Ordinal))
        {
            return json;
        }

        var root = JsonNode.Parse(json);
        var changed = false;
        root = Walk(root, isData: false);
        return changed ? root!.ToJsonString(new JsonSerializerOptions { Encoder = ModelJson.WriterOptions.Encoder }) : json;

        JsonNode? Walk(JsonNode? node, bool isData)
        {
            switch (node)
            {
                case JsonObject o when !isData && o.Count == 1 && o.TryGetPropertyValue("$secret", out var marker):
                    if (DataJson.ReadSecret(marker) is { Envelope: { } envelope } && replace(envelope) is { } replacement)
                    {
                        changed = true;
                        return Envelope(replacement);
                    }

                    return node;
                case JsonObject o when !isData && o.Count == 1 && o.TryGetPropertyValue("$map", out var inner) && inner is JsonObject:
                    Walk(inner, isData: true);
                    return node;
                case JsonObject o:
                    foreach (var key in o.Select(p => p.Key).ToList())
                    {
                        var child = o[key];
                        var mapped = Walk(child, isData: false);
                        if (!ReferenceEquals(child, mapped))
                        {
                            o[key] = mapped;
                        }
                    }

                    return node;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++)
                    {
                        var child = a[i];
                        var mapped = Walk(child, isData: false);
                        if (!ReferenceEquals(child, mapped))
                        {
                            a[i] = mapped;
                        }
                    }

                    return node;
                default:
                    return node;
            }
        }

        static JsonObject Envelope(SecretEnvelope e) => new()
        {
            ["$secret"] = new JsonObject { ["kid"] = e.KeyId, ["dek"] = e.WrappedKey, ["iv"] = e.Nonce, ["ct"] = e.Ciphertext, ["tag"] = e.Tag },
        };
    }

    private sealed class SecretRow
    {
        public long Id { get; set; }

        public long VersionId { get; set; }

        public string ToolName { get; set; } = "";

        public string Version { get; set; } = "";

        public string? A { get; set; }

        public string? B { get; set; }

        public string? C { get; set; }

        public string? D { get; set; }

        public string? E { get; set; }

        public string? F { get; set; }

        public string? G { get; set; }

        public IEnumerable<string?> Columns() => [A, B, C, D, E, F, G];
    }
}
