using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>What a write did.</summary>
/// <param name="Revision">The catalog revision after the write (unchanged when <paramref name="Changed"/> is false).</param>
/// <param name="ToolName">The tool written.</param>
/// <param name="Version">The version concerned (null for whole-tool operations such as deleting every version).</param>
/// <param name="Changed">False when the catalog already was as asked (for example disabling a disabled tool): then
/// nothing was written, audited or announced.</param>
public sealed record CatalogWriteResult(long Revision, string ToolName, string? Version, bool Changed);

/// <summary>One stored version of a tool: its definition and its bookkeeping.</summary>
public sealed class StoredTool
{
    private readonly Dictionary<string, long> _capabilityIds;
    private readonly Dictionary<(string Capability, string Pattern), long> _patternIds;

    internal StoredTool(
        ToolDefinition definition,
        long id,
        bool isLatest,
        long? parentVersionId,
        DateTimeOffset? deletedAt,
        DateTimeOffset createdAt,
        string? createdBy,
        DateTimeOffset updatedAt,
        string? updatedBy,
        Dictionary<string, long> capabilityIds,
        Dictionary<(string Capability, string Pattern), long> patternIds)
    {
        Definition = definition;
        Id = id;
        IsLatest = isLatest;
        ParentVersionId = parentVersionId;
        DeletedAt = deletedAt;
        CreatedAt = createdAt;
        CreatedBy = createdBy;
        UpdatedAt = updatedAt;
        UpdatedBy = updatedBy;
        _capabilityIds = capabilityIds;
        _patternIds = patternIds;
    }

    /// <summary>The tool version as the model holds it.</summary>
    public ToolDefinition Definition { get; }

    /// <summary>The version's row id (<c>tools.id</c>), which telemetry and A/B tests reference.</summary>
    public long Id { get; }

    /// <summary>Whether this is the tool's latest version.</summary>
    public bool IsLatest { get; }

    /// <summary>The id of the version this one was published after, if any.</summary>
    public long? ParentVersionId { get; }

    /// <summary>When the version was soft-deleted, if it was.</summary>
    public DateTimeOffset? DeletedAt { get; }

    /// <summary>When the version was stored.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>Who stored it.</summary>
    public string? CreatedBy { get; }

    /// <summary>When its row last changed (latest flag, status, enabled).</summary>
    public DateTimeOffset UpdatedAt { get; }

    /// <summary>Who changed it last.</summary>
    public string? UpdatedBy { get; }

    /// <summary>The row id of a capability of this version (<c>tool_capabilities.id</c>), or null.</summary>
    public long? GetCapabilityId(string capability) => _capabilityIds.TryGetValue(capability, out var id) ? id : null;

    /// <summary>The row id of a pattern of this version (<c>tool_patterns.id</c>), or null.</summary>
    public long? GetPatternId(string capability, string pattern) => _patternIds.TryGetValue((capability, pattern), out var id) ? id : null;

    /// <inheritdoc />
    public override string ToString() => $"{Definition.Name} {Definition.Version} (id {Id}{(IsLatest ? ", latest" : "")})";
}

/// <summary>A line of a tool listing (the latest version of one tool).</summary>
/// <param name="Name">The tool name.</param>
/// <param name="Version">Its latest version.</param>
/// <param name="Description">What it does.</param>
/// <param name="Platform">Where it runs.</param>
/// <param name="Category">What kind of tool it is.</param>
/// <param name="Status">Its lifecycle status.</param>
/// <param name="Enabled">Whether it may be selected.</param>
/// <param name="Capabilities">Its capability names, in file order.</param>
/// <param name="Tags">The tags in its metadata.</param>
/// <param name="UpdatedAt">When its latest version's row last changed.</param>
public sealed record ToolSummary(
    string Name,
    string Version,
    string Description,
    string Platform,
    string Category,
    ToolStatus Status,
    bool Enabled,
    IReadOnlyList<string> Capabilities,
    IReadOnlyList<string> Tags,
    DateTimeOffset UpdatedAt);

/// <summary>One version in a tool's history.</summary>
/// <param name="Id">The version's row id.</param>
/// <param name="Version">The version string.</param>
/// <param name="Status">Its lifecycle status.</param>
/// <param name="Enabled">Whether it is enabled.</param>
/// <param name="IsLatest">Whether it is the latest version.</param>
/// <param name="DeletedAt">When it was soft-deleted, if it was.</param>
/// <param name="ParentVersion">The version it was published after, if any.</param>
/// <param name="CreatedAt">When it was stored.</param>
/// <param name="CreatedBy">Who stored it.</param>
/// <param name="UpdatedAt">When its row last changed.</param>
/// <param name="UpdatedBy">Who changed it last.</param>
public sealed record ToolVersionInfo(
    long Id,
    string Version,
    ToolStatus Status,
    bool Enabled,
    bool IsLatest,
    DateTimeOffset? DeletedAt,
    string? ParentVersion,
    DateTimeOffset CreatedAt,
    string? CreatedBy,
    DateTimeOffset UpdatedAt,
    string? UpdatedBy);

/// <summary>Which tools to list or export; every criterion is optional and they combine with AND.</summary>
public sealed record ToolFilter
{
    /// <summary>Every tool.</summary>
    public static ToolFilter All { get; } = new();

    /// <summary>Only this platform (exact).</summary>
    public string? Platform { get; init; }

    /// <summary>Only this category (exact).</summary>
    public string? Category { get; init; }

    /// <summary>Only this status.</summary>
    public ToolStatus? Status { get; init; }

    /// <summary>Only enabled (true) or disabled (false) tools.</summary>
    public bool? Enabled { get; init; }

    /// <summary>Only tools having this capability (exact name).</summary>
    public string? Capability { get; init; }

    /// <summary>Only tools whose <c>metadata.tags</c> holds this tag (exact).</summary>
    public string? Tag { get; init; }
}

/// <summary>A page of a listing.</summary>
/// <param name="Items">The tools on this page, by name.</param>
/// <param name="NextCursor">Pass as <c>after</c> to get the next page; null on the last page.</param>
public sealed record ToolPage(IReadOnlyList<ToolSummary> Items, string? NextCursor);

/// <summary>The whole catalog as of one revision: every tool's latest version, enabled or not (soft-deleted tools excluded).</summary>
/// <param name="Revision">The catalog revision the tools reflect.</param>
/// <param name="Tools">Every tool's latest version, by name.</param>
public sealed record CatalogState(long Revision, IReadOnlyList<StoredTool> Tools);

/// <summary>How one tool changed after a given revision.</summary>
/// <param name="Name">The tool.</param>
/// <param name="Current">Its latest version now, or null when the tool was removed (deleted).</param>
internal sealed record StoredToolState(string Name, StoredTool? Current)
{
    /// <summary>Whether the tool no longer exists.</summary>
    public bool IsRemoved => Current is null;
}

/// <summary>What changed after a revision (see <see cref="ToolCatalogStore.LoadChangesSinceAsync"/>).</summary>
/// <param name="SinceRevision">The revision asked about.</param>
/// <param name="Revision">The catalog's current revision, which the changes bring a holder of <paramref name="SinceRevision"/> up to.</param>
/// <param name="IsGap">True when the change feed can no longer answer for <paramref name="SinceRevision"/> (pruned, or
/// the revision is ahead of the database): reload the whole catalog instead. <paramref name="Changes"/> is then empty.</param>
/// <param name="Changes">The tools changed after <paramref name="SinceRevision"/>, by name.</param>
internal sealed record CatalogChangeSet(long SinceRevision, long Revision, bool IsGap, IReadOnlyList<StoredToolState> Changes);

/// <summary>How to delete.</summary>
public sealed record DeleteOptions
{
    /// <summary>Soft-delete every version of the tool.</summary>
    public static DeleteOptions Soft { get; } = new();

    /// <summary>Only this version; null means every version of the tool.</summary>
    public string? Version { get; init; }

    /// <summary>Remove the rows for good (default: soft delete, which keeps them, marked deleted).</summary>
    public bool Hard { get; init; }

    /// <summary>With <see cref="Hard"/>: also delete the telemetry and A/B tests referencing the versions, which
    /// otherwise make the hard delete fail.</summary>
    public bool Force { get; init; }
}

/// <summary>What <see cref="ToolCatalogStore.MigrateAsync"/> did.</summary>
/// <param name="Applied">The migrations applied by this call, in order (such as <c>0002_telemetry_and_ab_tests</c>).</param>
/// <param name="SchemaVersion">The highest migration now applied.</param>
public sealed record MigrationResult(IReadOnlyList<string> Applied, int SchemaVersion);

/// <summary>One row of a tool's audit trail (see <see cref="ToolCatalogStore.GetAuditAsync"/>).</summary>
/// <param name="Id">The audit row's id (rows are numbered in the order they were written).</param>
/// <param name="Revision">The catalog revision of the write.</param>
/// <param name="ToolId">The version row concerned (<c>tools.id</c>); kept after the version is hard-deleted.</param>
/// <param name="ToolName">The tool.</param>
/// <param name="Version">The version concerned; null for whole-tool operations.</param>
/// <param name="Action">What was done: <c>created</c>, <c>published</c>, <c>updated</c>, <c>enabled</c>, <c>disabled</c>,
/// <c>deprecated</c>, <c>rolled_back</c>, <c>deleted</c>, <c>hard_deleted</c> or <c>restored</c>.</param>
/// <param name="Changes">The field-by-field diff as JSON, <c>{"path": {"old": …, "new": …}}</c>. For a creation every field
/// of the new version, with <c>old</c> null, rebuilt from the version it refers to (see <paramref name="Content"/>).</param>
/// <param name="ChangedBy">Who made the change.</param>
/// <param name="ChangedAt">When.</param>
/// <param name="Reason">Why, when given.</param>
/// <param name="IpAddress">From which address, when given.</param>
/// <param name="UserAgent">With which client, when given.</param>
/// <param name="Content">Whether <paramref name="Changes"/> was stored in full or rebuilt from a verified reference.</param>
public sealed record AuditRecord(
    long Id,
    long Revision,
    long? ToolId,
    string ToolName,
    string? Version,
    string Action,
    string Changes,
    string ChangedBy,
    DateTimeOffset ChangedAt,
    string? Reason,
    string? IpAddress,
    string? UserAgent,
    AuditContentCheck Content);

/// <summary>
/// How an audit row's diff was obtained. The audit row of a created version stores a reference to the version row and
/// the SHA-256 of its content instead of a copy of every field (versions are immutable; a hard delete's audit row keeps
/// the content it removes); reading the trail rebuilds the full diff and checks the hash.
/// </summary>
public enum AuditContentCheck
{
    /// <summary>The diff is stored in the row as it is shown (every action but a creation, and creations audited by
    /// earlier releases).</summary>
    Stored,

    /// <summary>A creation rebuilt from the version it refers to (or from the hard delete that removed it), whose content
    /// hash matches the one recorded at creation.</summary>
    Verified,

    /// <summary>The referenced content no longer matches the recorded hash: the rows were changed outside the library.
    /// <see cref="AuditRecord.Changes"/> shows the reference as stored.</summary>
    Mismatch,

    /// <summary>The referenced version is gone and no audit row holds its content. <see cref="AuditRecord.Changes"/>
    /// shows the reference as stored.</summary>
    Unavailable,
}
