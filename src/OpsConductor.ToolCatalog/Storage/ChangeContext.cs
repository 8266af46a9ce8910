using System.Net;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>Who makes a change, why, from where, and on which revision it was based. Recorded in the audit log.</summary>
public sealed record ChangeContext
{
    /// <summary>A change by an unnamed actor (<c>unknown</c>) with nothing else stated.</summary>
    public static ChangeContext Anonymous { get; } = new();

    /// <summary>Who makes the change (user name, service name); at most 100 characters. Default <c>unknown</c>.</summary>
    public string Actor { get; init; } = "unknown";

    /// <summary>Why (free text), if given.</summary>
    public string? Reason { get; init; }

    /// <summary>The client's address, if known.</summary>
    public IPAddress? IpAddress { get; init; }

    /// <summary>The client's user agent, if known.</summary>
    public string? UserAgent { get; init; }

    /// <summary>
    /// The catalog revision the change was based on (what the caller read). When given, the write fails with a
    /// <see cref="CatalogConflictException"/> if the tool changed after it. Staleness is per tool: changes to other
    /// tools since then do not matter.
    /// </summary>
    public long? ExpectedRevision { get; init; }

    /// <summary>
    /// The compatibility verdict of a publish with the version it replaces, as a JSON object (for example
    /// <c>{"verdict": "breaking", "allowed": true, "changes": […]}</c>), recorded in the audit row of the published version
    /// under <c>$compatibility</c> (<c>{"old": null, "new": verdict}</c>, the shape of the row's other fields). Only
    /// <see cref="ToolCatalogStore.PublishAsync"/> records it; other writes ignore it.
    /// </summary>
    public string? Compatibility { get; init; }
}
