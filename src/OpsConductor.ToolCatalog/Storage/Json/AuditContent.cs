using System.Text.Json;
using System.Text.Json.Nodes;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Storage.Json;

/// <summary>
/// The audit of a created version by reference, and how its full diff is rebuilt.
/// </summary>
/// <remarks>
/// <para>The diff of a creation is every field of the new version (old values null): the version's whole content, which
/// the version rows already hold and never change. So a creation's audit row stores, instead of a second copy,
/// <c>{"$content": {"version_id": 42, "content_sha256": "…", "status": "active", "enabled": true}}</c>: the version
/// row, the SHA-256 of its content (<see cref="ToolJson.ContentSha256"/>) and the state it was created in (state
/// changes in place and is audited separately).</para>
/// <para>Content leaves the version tables only through a hard delete, whose audit row keeps all of it: every field of
/// the version it names (as old values) with <c>"content_sha256": {"old": hash, "new": null}</c>, and for every other
/// version it removes <c>"removed_versions": {"old": {"1.0": {"version_id": 41, "content_sha256": "…", "content": {…}}},
/// "new": null}</c>. Reading the trail (<see cref="ToolCatalogStore.GetAuditAsync"/>) rebuilds a creation's diff from the
/// version row, or from that hard delete, and checks the hash.</para>
/// </remarks>
internal static class AuditContent
{
    public const string ReferenceKey = "$content";

    public const string HashField = "content_sha256";

    public const string RemovedVersionsField = "removed_versions";

    private const string VersionIdKey = "version_id";
    private const string ContentKey = "content";

    /// <summary>Fields of a hard delete's diff that are not fields of the removed document.</summary>
    private static readonly HashSet<string> HardDeleteExtras = new(StringComparer.Ordinal) { "versions", "references", HashField, RemovedVersionsField };

    /// <summary>The changes of the audit row of <paramref name="tool"/>, created as version row <paramref name="versionId"/>.</summary>
    public static string Created(long versionId, ToolDefinition tool) =>
        ModelJson.Serialize(new ContentReference(versionId, ToolJson.ContentSha256(tool), tool.Status, tool.Enabled), static (w, r) =>
        {
            w.WriteStartObject();
            w.WriteStartObject(ReferenceKey);
            w.WriteNumber(VersionIdKey, r.VersionId);
            w.WriteString(HashField, r.Sha256);
            w.WriteString("status", r.Status.ToWire());
            w.WriteBoolean("enabled", r.Enabled);
            w.WriteEndObject();
            w.WriteEndObject();
        });

    /// <summary>The reference in a creation's changes, or null when the changes are stored in full.</summary>
    public static ContentReference? ReadReference(JsonObject changes)
    {
        if (changes.Count != 1 || changes[ReferenceKey] is not JsonObject reference)
        {
            return null;
        }

        try
        {
            var status = reference["status"]?.GetValue<string>();
            return reference[VersionIdKey]?.GetValue<long>() is { } id
                && reference[HashField]?.GetValue<string>() is { } hash
                && status is not null && ToolStatusNames.TryParse(status, out var parsed)
                && reference["enabled"]?.GetValue<bool>() is { } enabled
                    ? new ContentReference(id, hash, parsed, enabled)
                    : null;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            return null; // not a reference this library wrote: show the row as stored
        }
    }

    /// <summary>The creation diff of <paramref name="tool"/>: every field, old values null.</summary>
    public static string Expand(ToolDefinition tool) =>
        ModelJson.Serialize(tool, static (w, t) => ToolJson.Write(w, t, ToolJson.FieldMode.AsNew));

    /// <summary>The hard-delete changes that hold what was removed of version <paramref name="versionId"/>: the
    /// document's fields (as a field → value object) and their recorded hash; null when this hard delete did not remove
    /// that version or recorded no hash (an earlier release's row).</summary>
    public static (JsonObject Fields, string Sha256)? FindRemoved(JsonObject hardDeleteChanges, long? hardDeleteToolId, long versionId)
    {
        if (hardDeleteToolId == versionId && hardDeleteChanges[HashField]?["old"] is JsonValue hashValue
            && hashValue.TryGetValue<string>(out var hash))
        {
            var fields = new JsonObject();
            foreach (var (key, entry) in hardDeleteChanges)
            {
                if (!HardDeleteExtras.Contains(key))
                {
                    fields[key] = entry?["old"]?.DeepClone();
                }
            }

            return (fields, hash);
        }

        if (hardDeleteChanges[RemovedVersionsField]?["old"] is JsonObject removed)
        {
            foreach (var (_, version) in removed)
            {
                if (version?[VersionIdKey] is JsonValue id && id.TryGetValue<long>(out var removedId) && removedId == versionId
                    && version[HashField] is JsonValue removedHash && removedHash.TryGetValue<string>(out var sha256)
                    && version[ContentKey] is JsonObject content)
                {
                    return ((JsonObject)content.DeepClone(), sha256);
                }
            }
        }

        return null;
    }

    /// <summary>The creation diff rebuilt from a removed document's fields, with the state recorded at creation.</summary>
    public static string ExpandFields(JsonObject fields, ContentReference reference)
    {
        var changes = new JsonObject();
        foreach (var (key, value) in fields)
        {
            JsonNode? created = key switch
            {
                "status" => JsonValue.Create(reference.Status.ToWire()),
                "enabled" => JsonValue.Create(reference.Enabled),
                _ => value?.DeepClone(),
            };
            changes[key] = new JsonObject { ["old"] = null, ["new"] = created };
        }

        return JsonDiff.ToJson(changes);
    }

    /// <summary>The entry of <paramref name="removed"/> (version row <paramref name="versionId"/>) in a hard delete's
    /// <c>removed_versions</c>: its id, content hash and plain document.</summary>
    public static JsonObject RemovedVersion(long versionId, ToolDefinition removed) => new()
    {
        [VersionIdKey] = versionId,
        [HashField] = ToolJson.ContentSha256(removed),
        [ContentKey] = JsonNode.Parse(ToolJson.ToStoredJson(removed)),
    };
}

/// <summary>A creation's audit reference: the version row, the SHA-256 of its content and the state it was created in.</summary>
internal sealed record ContentReference(long VersionId, string Sha256, ToolStatus Status, bool Enabled);
