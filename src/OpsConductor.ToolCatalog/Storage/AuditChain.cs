namespace OpsConductor.ToolCatalog.Storage;

/// <summary>What is wrong with one row of the audit log's hash chain.</summary>
public enum AuditChainProblemKind
{
    /// <summary>The row's fields no longer give its recorded hash: it was changed after it was written.</summary>
    Changed,

    /// <summary>The row before it in the chain is gone: its position is not one more than the previous row's.</summary>
    Missing,

    /// <summary>The row's recorded previous hash is not the previous row's hash: the chain was rewritten or reordered.</summary>
    BrokenLink,

    /// <summary>The row has no place in the chain: it was inserted with the chaining trigger disabled.</summary>
    Unchained,
}

/// <summary>One problem found by <see cref="ToolCatalogStore.VerifyAuditChainAsync"/>.</summary>
/// <param name="Id">The audit row's id.</param>
/// <param name="Position">Its position in the chain (null when unchained).</param>
/// <param name="Kind">What is wrong.</param>
/// <param name="Detail">The same in words, with the positions involved.</param>
public sealed record AuditChainProblem(long Id, long? Position, AuditChainProblemKind Kind, string Detail);

/// <summary>The result of verifying the audit log's hash chain.</summary>
/// <param name="Rows">How many audit rows there are.</param>
/// <param name="HeadPosition">The last row's position in the chain (0 when the log is empty).</param>
/// <param name="HeadHash">The last row's hash, in lowercase hex (empty when the log is empty): record it elsewhere to detect later that rows at the end were removed or the chain rewritten.</param>
/// <param name="Problems">The problems found, in chain order (at most the number asked for).</param>
/// <param name="ExpectedHeadFound">When a head recorded earlier was given: whether the chain still holds that position with that hash; null otherwise.</param>
public sealed record AuditChainReport(long Rows, long HeadPosition, string HeadHash, IReadOnlyList<AuditChainProblem> Problems, bool? ExpectedHeadFound)
{
    /// <summary>Whether no problem was found and the expected head, if given, is still there.</summary>
    public bool IsIntact => Problems.Count == 0 && ExpectedHeadFound is not false;
}
