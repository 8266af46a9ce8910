namespace OpsConductor.ToolCatalog.Expressions;

/// <summary>
/// Carries a compile error out of <see cref="Parser.Parse"/> and <see cref="CompiledExpression.Create"/>, the throwing
/// entry points for text already known to compile (or whose error nobody expects). Never escapes the library: the public
/// entry points use the non-throwing <see cref="Parser.TryParse"/> and turn its error into an <see cref="ExpressionError"/>
/// or an <see cref="ExpressionSyntaxException"/>. It derives from the library's exception root like every other exception
/// type here, so that rule has no exception.
/// </summary>
#pragma warning disable CA1032, CA1064 // internal exception: no serialization, no public constructors needed
internal sealed class CompileFailure(ExpressionError error) : ToolCatalogException(error.Message)
#pragma warning restore CA1032, CA1064
{
    public ExpressionError Error { get; } = error;

    /// <summary>A syntax error at the 0-based <paramref name="position"/> in the text (reported 1-based).</summary>
    public static ExpressionError SyntaxError(int position, string detail) =>
        new("Invalid expression syntax: " + detail, position + 1) { Kind = ExpressionErrorKind.Syntax };
}
