using System.Globalization;

namespace OpsConductor.ToolCatalog.Expressions;

/// <summary>
/// Why an expression could not be compiled or evaluated, and where.
/// </summary>
/// <param name="Message">What is wrong and what is allowed, using the original evaluator's wording where it had one
/// (<c>Division by zero</c>, <c>Variable 'x' not defined in context</c>, <c>Function print not allowed</c>, …).</param>
/// <param name="Column">The 1-based character position in the expression text the problem is at (for evaluation errors, the
/// operator, function or variable that failed); 0 when the problem has no position (the result as a whole).</param>
/// <param name="MissingVariable">For <see cref="ExpressionErrorKind.UndefinedVariable"/>, the variable that was needed.</param>
public sealed record ExpressionError(string Message, int Column, string? MissingVariable = null)
{
    /// <summary>The kind of problem.</summary>
    public ExpressionErrorKind Kind { get; init; }

    /// <summary>Whether the problem was found when compiling (syntax, language, limits) rather than when evaluating.</summary>
    public bool IsCompileError => Kind is ExpressionErrorKind.Syntax or ExpressionErrorKind.TooLong or ExpressionErrorKind.TooDeep
        or ExpressionErrorKind.NotAllowed or ExpressionErrorKind.WrongArgumentCount;

    /// <summary>The message with its column, e.g. <c>column 4: Division by zero</c>.</summary>
    public override string ToString() =>
        Column > 0 ? string.Create(CultureInfo.InvariantCulture, $"column {Column}: {Message}") : Message;
}
