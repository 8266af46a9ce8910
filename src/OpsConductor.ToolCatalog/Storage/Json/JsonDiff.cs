using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpsConductor.ToolCatalog.Storage.Json;

/// <summary>
/// The field-by-field difference of two JSON documents, as audit rows store it:
/// <c>{"path.to.field": {"old": …, "new": …}}</c>, one entry per changed leaf. Objects are compared key by key
/// (so capabilities and patterns, keyed by name, diff by name); arrays and scalars are compared as wholes; a key
/// present on one side only appears with <c>null</c> on the other. Paths join keys with dots. A secret that changed
/// (or appeared, or went) is recorded at its path as <c>{"old": "********", "new": "********", "secret": "changed"}</c>:
/// never its value, nor its envelope.
/// </summary>
internal static class JsonDiff
{
    /// <summary>The changes from <paramref name="before"/> to <paramref name="after"/>. A missing side (a tool created
    /// or removed) counts as an empty object, so the diff lists every top-level field with <c>null</c> on that side.</summary>
    public static JsonObject Compute(JsonObject? before, JsonObject? after)
    {
        var changes = new JsonObject();
        Walk("", before ?? [], after ?? [], changes);
        return changes;
    }

    /// <summary>A single-field change, such as <c>{"enabled": {"old": false, "new": true}}</c>.</summary>
    public static JsonObject Single(string path, JsonNode? before, JsonNode? after) =>
        new() { [path] = Entry(before, after) };

    private static void Walk(string path, JsonNode? before, JsonNode? after, JsonObject changes)
    {
        if (SecretOf(before) is { } || SecretOf(after) is { })
        {
            var (a, b) = (SecretOf(before), SecretOf(after));
            if (a is null || b is null || !a.Equals(b))
            {
                // A secret's change is recorded as such, never with its value or envelope.
                changes[path.Length == 0 ? "$" : path] = new JsonObject
                {
                    ["old"] = a is null ? before?.DeepClone() : Secrets.SecretValue.Mask,
                    ["new"] = b is null ? after?.DeepClone() : Secrets.SecretValue.Mask,
                    ["secret"] = "changed",
                };
            }

            return;
        }

        if (before is JsonObject left && after is JsonObject right)
        {
            foreach (var (key, value) in left)
            {
                Walk(Join(path, key), value, right.TryGetPropertyValue(key, out var other) ? other : null, changes);
            }

            foreach (var (key, value) in right)
            {
                if (!left.ContainsKey(key))
                {
                    Walk(Join(path, key), null, value, changes);
                }
            }

            return;
        }

        if (!JsonNode.DeepEquals(before, after))
        {
            changes[path.Length == 0 ? "$" : path] = Entry(before, after);
        }
    }

    /// <summary>The secret a <c>{"$secret": …}</c> node holds, or null (see <see cref="DataJson"/>).</summary>
    private static Secrets.SecretValue? SecretOf(JsonNode? node) =>
        node is JsonObject { Count: 1 } o && o.TryGetPropertyValue("$secret", out var marker) ? DataJson.ReadSecret(marker) : null;

    private static JsonObject Entry(JsonNode? before, JsonNode? after) =>
        new() { ["old"] = Masked(before), ["new"] = Masked(after) };

    /// <summary>A copy of <paramref name="node"/> with every secret in it (inside a list diffed as a whole) as the mask.</summary>
    private static JsonNode? Masked(JsonNode? node) => node switch
    {
        null => null,
        _ when SecretOf(node) is not null => Secrets.SecretValue.Mask,
        JsonArray array => new JsonArray([.. array.Select(Masked)]),
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Masked(p.Value)))),
        _ => node.DeepClone(),
    };

    private static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    /// <summary>Serialises a diff for a JSONB parameter.</summary>
    public static string ToJson(JsonObject diff) => diff.ToJsonString(new JsonSerializerOptions { Encoder = ModelJson.WriterOptions.Encoder });
}
