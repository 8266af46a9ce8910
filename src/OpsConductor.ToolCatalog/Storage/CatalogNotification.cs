using System.Buffers;
using System.Text.Json;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>
/// The notice every committed write sends on the <see cref="Channel"/> channel (<c>pg_notify</c>): identifiers only,
/// as JSON <c>{"revision":42,"tools":["grep","nmap"]}</c>, and for an experiment's state change
/// <c>{"revision":43,"tools":["grep"],"experiments":["faster-grep"]}</c>; a write in a tenant's scope names the tenant,
/// <c>{"revision":44,"tools":["grep"],"tenant":"acme"}</c> (a listener that does not know tenants reads the revision and
/// tools as before, and its catch-up finds no global change). <c>tools</c> is left out when the write touched more than
/// <see cref="MaxToolNames"/> tools (a bulk import); the revision is always there. NOTIFY is a hint: a listener that
/// gets one should read what changed since the revision it holds (<see cref="ToolCatalogStore.LoadChangesSinceAsync"/>).
/// </summary>
/// <param name="Revision">The revision the write committed.</param>
/// <param name="Tools">The tools it touched, or null when there were too many to list.</param>
internal sealed record CatalogNotification(long Revision, IReadOnlyList<string>? Tools)
{
    /// <summary>The experiments whose state the write changed (started, stopped, completed), or null: the runtime's
    /// catch-up reads the running set with every change, so this names them for logs and other listeners.</summary>
    public IReadOnlyList<string>? Experiments { get; init; }

    /// <summary>The tenant whose overlay the write changed, or null for a change of the global catalog (which every
    /// tenant inherits).</summary>
    public string? Tenant { get; init; }

    /// <summary>The LISTEN/NOTIFY channel: <c>tool_catalog</c>.</summary>
    public const string Channel = Sql.NotificationChannel;

    /// <summary>The most tool names a notice lists.</summary>
    public const int MaxToolNames = 20;

    /// <summary>Builds the payload (PostgreSQL limits payloads to 8000 bytes; names are dropped when they would not fit).</summary>
    public string ToPayload()
    {
        var text = Write(Tools is { Count: <= MaxToolNames } ? Tools : null);
        return System.Text.Encoding.UTF8.GetByteCount(text) < 7900 ? text : Write(null);

        string Write(IReadOnlyList<string>? tools)
        {
            var buffer = new ArrayBufferWriter<byte>(64);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteNumber("revision", Revision);
                if (tools is not null)
                {
                    writer.WriteStartArray("tools");
                    foreach (var tool in tools)
                    {
                        writer.WriteStringValue(tool);
                    }

                    writer.WriteEndArray();
                }

                if (Tenant is not null)
                {
                    writer.WriteString("tenant", Tenant);
                }

                if (Experiments is { Count: > 0 } experiments)
                {
                    writer.WriteStartArray("experiments");
                    foreach (var experiment in experiments)
                    {
                        writer.WriteStringValue(experiment);
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
            }

            return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
    }

    /// <summary>Reads a payload; false when it is not one of ours.</summary>
    public static bool TryParse(string? payload, out CatalogNotification? notification)
    {
        notification = null;
        if (string.IsNullOrEmpty(payload))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("revision", out var revision)
                || !revision.TryGetInt64(out var number))
            {
                return false;
            }

            List<string>? tools = null;
            if (root.TryGetProperty("tools", out var names) && names.ValueKind == JsonValueKind.Array)
            {
                tools = [.. names.EnumerateArray().Where(n => n.ValueKind == JsonValueKind.String).Select(n => n.GetString()!)];
            }

            List<string>? experiments = null;
            if (root.TryGetProperty("experiments", out var started) && started.ValueKind == JsonValueKind.Array)
            {
                experiments = [.. started.EnumerateArray().Where(n => n.ValueKind == JsonValueKind.String).Select(n => n.GetString()!)];
            }

            var tenant = root.TryGetProperty("tenant", out var named) && named.ValueKind == JsonValueKind.String ? named.GetString() : null;
            notification = new CatalogNotification(number, tools) { Experiments = experiments, Tenant = tenant };
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
