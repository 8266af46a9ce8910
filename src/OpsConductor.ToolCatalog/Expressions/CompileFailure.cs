namespace OpsConductor.ToolCatalog.Expressions;

/// <summary>
/// Unwinds the tokenizer and parser on the first fatal problem. Never escapes the compiler: the public entry points turn
/// it into an <see cref="ExpressionError"/> or an <see cref="ExpressionSyntaxException"/>. It derives from the library's
/// exception root like every other exception type here, so that rule has no exception.
/// </summary>
#pragma warning disable CA1032, CA1064 // internal control-flow exception: no serialization, no public constructors needed
internal sealed class CompileFailure(ExpressionError error) : ToolCatalogException(error.Message)
#pragma warning restore CA1032, CA1064
{
    public ExpressionError Error { get; } = error;

    public static CompileFailure Syntax(int position, string detail) =>
        new(new ExpressionError("Invalid expression syntax: " + detail, position + 1) { Kind = ExpressionErrorKind.Syntax });
}
