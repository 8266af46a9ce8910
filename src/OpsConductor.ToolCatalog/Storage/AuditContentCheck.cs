using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Storage;

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
