using System.Globalization;

namespace OpsConductor.ToolCatalog.Expressions;

/// <summary>
/// An expression could not be evaluated for a context: a variable it needs is missing, or the arithmetic failed
/// (division by zero, a math domain error, an overflow, …). The message keeps the original's form,
/// <c>Error evaluating expression '…': …</c>.
/// </summary>
public sealed class ExpressionEvaluationException : ToolCatalogException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public ExpressionEvaluationException()
        : this("The expression could not be evaluated.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public ExpressionEvaluationException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public ExpressionEvaluationException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Text = "";
        Error = new ExpressionError(message, 0);
    }

    /// <summary>Creates the exception for <paramref name="error"/> while evaluating <paramref name="text"/>.</summary>
    public ExpressionEvaluationException(string text, ExpressionError error)
        : base(FormatMessage(text, error))
    {
        Text = text;
        Error = error;
    }

    /// <summary>The expression text that failed.</summary>
    public string Text { get; }

    /// <summary>The problem, its kind and its column.</summary>
    public ExpressionError Error { get; }

    /// <summary>The variable that was needed but missing, for <see cref="ExpressionErrorKind.UndefinedVariable"/>; otherwise null.</summary>
    public string? Variable => Error.MissingVariable;

    private static string FormatMessage(string text, ExpressionError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Column > 0
            ? string.Create(CultureInfo.InvariantCulture, $"Error evaluating expression '{text}': {error.Message} (column {error.Column})")
            : $"Error evaluating expression '{text}': {error.Message}";
    }
}
