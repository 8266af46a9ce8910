using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Storage;

// Row shapes Dapper fills (by the column aliases in Sql). JSONB columns arrive as model types through
// DapperJsonHandlers. Timestamps arrive as UTC DateTime (Npgsql's mapping of timestamptz).

internal sealed class ToolRow
{
    public long Id { get; set; }

    public string Name { get; set; } = "";

    public string Version { get; set; } = "";

    public string Description { get; set; } = "";

    public string Platform { get; set; } = "";

    public string Category { get; set; } = "";

    public string Status { get; set; } = "";

    public bool Enabled { get; set; }

    public ToolDefaults Defaults { get; set; } = ToolDefaults.Empty;

    public EquatableArray<DependencySpec> Dependencies { get; set; }

    public DataMap Metadata { get; set; } = DataMap.Empty;

    public string? ExecutionLocation { get; set; }

    public EquatableArray<ToolExample> Examples { get; set; }

    public DataMap Extensions { get; set; } = DataMap.Empty;

    public long? ParentVersionId { get; set; }

    public bool IsLatest { get; set; }

    public DateTime? DeletedAt { get; set; }

    public DateTime CreatedAt { get; set; }

    public string? CreatedBy { get; set; }

    public DateTime UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }
}

internal sealed class CapabilityRow
{
    public long Id { get; set; }

    public long ToolId { get; set; }

    public int Ordinal { get; set; }

    public string Name { get; set; } = "";

    public string Description { get; set; } = "";

    public DataMap Extensions { get; set; } = DataMap.Empty;
}

internal sealed class PatternRow
{
    public long Id { get; set; }

    public long CapabilityId { get; set; }

    public int Ordinal { get; set; }

    public string Name { get; set; } = "";

    public string Description { get; set; } = "";

    public EquatableArray<string> TypicalUseCases { get; set; }

    public string TimeEstimateMs { get; set; } = "";

    public string CostEstimate { get; set; } = "";

    public double ComplexityScore { get; set; }

    public string? Scope { get; set; }

    public string? Completeness { get; set; }

    public string? AccuracyLevel { get; set; }

    public string? Freshness { get; set; }

    public string? DataSource { get; set; }

    public EquatableArray<string> Limitations { get; set; }

    public PolicyDefinition Policy { get; set; } = PolicyDefinition.Default;

    public PreferenceMatch PreferenceMatch { get; set; } = PreferenceMatch.Neutral;

    public EquatableArray<InputSpec> RequiredInputs { get; set; }

    public EquatableArray<InputSpec> OptionalInputs { get; set; }

    public EquatableArray<OutputSpec> ExpectedOutputs { get; set; }

    public EquatableArray<DataValue> Examples { get; set; }

    public DataMap Extensions { get; set; } = DataMap.Empty;
}

/// <summary>The identity and state of one stored version (no content).</summary>
internal sealed class VersionHead
{
    public long Id { get; set; }

    public string Name { get; set; } = "";

    public string Version { get; set; } = "";

    public string Status { get; set; } = "";

    public bool Enabled { get; set; }

    public bool IsLatest { get; set; }

    public DateTime? DeletedAt { get; set; }

    public long? ParentVersionId { get; set; }

    public bool IsDeleted => DeletedAt is not null;
}

internal sealed class VersionRow
{
    public long Id { get; set; }

    public string Version { get; set; } = "";

    public string Status { get; set; } = "";

    public bool Enabled { get; set; }

    public bool IsLatest { get; set; }

    public DateTime? DeletedAt { get; set; }

    public string? ParentVersion { get; set; }

    public DateTime CreatedAt { get; set; }

    public string? CreatedBy { get; set; }

    public DateTime UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }
}

internal sealed class SummaryRow
{
    public string Name { get; set; } = "";

    public string Version { get; set; } = "";

    public string Description { get; set; } = "";

    public string Platform { get; set; } = "";

    public string Category { get; set; } = "";

    public string Status { get; set; } = "";

    public bool Enabled { get; set; }

    public string[] Capabilities { get; set; } = [];

    public string[] Tags { get; set; } = [];

    public DateTime UpdatedAt { get; set; }
}

internal sealed class RevisionRow
{
    public long Revision { get; set; }

    public long FeedFloor { get; set; }

    /// <summary>The applied migrations as <c>version:checksum,…</c> (written by <see cref="Sql.BumpRevision"/> only).</summary>
    public string? SchemaFingerprint { get; set; }

    /// <summary>The state of the writing tenant (<c>active</c>, <c>disabled</c>, or null when there is no such tenant or
    /// the write is global; written by <see cref="Sql.BumpRevision"/> only).</summary>
    public string? TenantState { get; set; }
}

/// <summary>Ids taken from the sequences (<see cref="Sql.AllocateIds"/>): for each kind either every id, or only the
/// first of a consecutive run (then id <c>i</c> is <c>first + i</c>).</summary>
internal sealed class AllocatedIds
{
    public long[] Tools { get; set; } = [];

    public long[] Capabilities { get; set; } = [];

    public long[] Patterns { get; set; } = [];

    public static long Get(long[] ids, int index) => ids.Length == 1 ? ids[0] + index : ids[index];
}

internal sealed class ReferenceCounts
{
    public long Telemetry { get; set; }

    public long AbTests { get; set; }
}

internal sealed class AppliedMigration
{
    public int Version { get; set; }

    public string Name { get; set; } = "";

    public string Checksum { get; set; } = "";

    public DateTime AppliedAt { get; set; }
}

internal sealed class AuditLogRow
{
    public long Id { get; set; }

    public long Revision { get; set; }

    public long? ToolId { get; set; }

    public string ToolName { get; set; } = "";

    public string? Version { get; set; }

    public string Action { get; set; } = "";

    public string Changes { get; set; } = "{}";

    public string ChangedBy { get; set; } = "";

    public DateTime ChangedAt { get; set; }

    public string? Reason { get; set; }

    public string? IpAddress { get; set; }

    public string? UserAgent { get; set; }
}

/// <summary>A tool version about to be inserted, with its pre-allocated ids.</summary>
internal sealed class NewVersion
{
    public required ToolDefinition Tool { get; init; }

    public required long Id { get; init; }

    public long? ParentId { get; set; }

    public bool IsLatest { get; set; }

    /// <summary>One id per capability, in order.</summary>
    public required long[] CapabilityIds { get; init; }

    /// <summary>One id per pattern, capabilities in order, patterns in order within each.</summary>
    public required long[] PatternIds { get; init; }
}

/// <summary>An audit row about to be written.</summary>
internal sealed record AuditEntry(long? ToolId, string ToolName, string? Version, string Action, string Changes);
