using System.Globalization;

namespace OpsConductor.ToolCatalog.Expressions;

/// <summary>
/// An expression could not be compiled: a syntax error, a construct outside the language, a wrong number of function
/// arguments, or a length or depth limit. <see cref="Error"/> says which, and <see cref="Column"/> where.
/// </summary>
public sealed class ExpressionSyntaxException : ToolCatalogException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public ExpressionSyntaxException()
        : this("The expression could not be compiled.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public ExpressionSyntaxException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public ExpressionSyntaxException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Text = "";
        Error = new ExpressionError(message, 0) { Kind = ExpressionErrorKind.Syntax };
    }

    /// <summary>Creates the exception for <paramref name="error"/> in <paramref name="text"/>.</summary>
    public ExpressionSyntaxException(string text, ExpressionError error)
        : base(FormatMessage(text, error))
    {
        ArgumentNullException.ThrowIfNull(error);
        Text = text;
        Error = error;
    }

    /// <summary>The expression text that failed to compile.</summary>
    public string Text { get; }

    /// <summary>The problem, its kind and its column.</summary>
    public ExpressionError Error { get; }

    /// <summary>The 1-based column of the problem in <see cref="Text"/>; 0 when it has no position.</summary>
    public int Column => Error.Column;

    internal static string FormatMessage(string text, ExpressionError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var shown = text.Length > 120 ? string.Concat(text.AsSpan(0, 120), "…") : text;
        return error.Column > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{error.Message} (column {error.Column} of '{shown}')")
            : $"{error.Message} ('{shown}')";
    }
}
