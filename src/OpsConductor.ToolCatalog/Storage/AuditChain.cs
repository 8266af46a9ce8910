using System.Globalization;

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

/// <summary>
/// A point of the audit log's hash chain, written <c>POSITION:HASH</c> (a position ≥ 1 and the row's SHA-256 as 64 hex
/// digits): what <c>toolcatalog audit verify</c> prints as the head, and takes back with <c>--expect-head</c>.
/// </summary>
/// <param name="Position">The row's position in the chain (≥ 1).</param>
/// <param name="Hash">The row's hash in lowercase hex.</param>
public readonly record struct AuditChainHead(long Position, string Hash)
{
    /// <summary>The form a head is written in, for error messages.</summary>
    public const string Form = "POSITION:HASH (a position of at least 1 and 64 hex digits, as 'audit verify' prints it)";

    /// <summary>Reads <c>POSITION:HASH</c>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="head">The head, when the text is one.</param>
    /// <returns>Whether the text is a head.</returns>
    public static bool TryParse(string? text, out AuditChainHead head)
    {
        head = default;
        var parts = text?.Split(':');
        if (parts is not { Length: 2 } || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var position) || position < 1
            || parts[1].Length != 64 || !parts[1].All(char.IsAsciiHexDigit))
        {
            return false;
        }

        head = new AuditChainHead(position, parts[1].ToLowerInvariant());
        return true;
    }

    /// <summary><c>POSITION:HASH</c>.</summary>
    /// <returns>The head as text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Position}:{Hash}");
}

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

    /// <summary>The last row's place in the chain; null when the log is empty.</summary>
    public AuditChainHead? Head => HeadPosition == 0 ? null : new AuditChainHead(HeadPosition, HeadHash);
}
