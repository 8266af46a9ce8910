namespace OpsConductor.ToolCatalog.Expressions;

/// <summary>What kind of problem an <see cref="ExpressionError"/> reports.</summary>
/// <remarks>
/// The first five kinds are found when an expression is compiled (or analysed); the rest when it is evaluated.
/// </remarks>
public enum ExpressionErrorKind
{
    /// <summary>Not set (an error built by hand without a kind).</summary>
    Unspecified = 0,

    /// <summary>The text is not a well-formed expression (the original's <c>Invalid expression syntax</c>).</summary>
    Syntax,

    /// <summary>The text is longer than <see cref="ExpressionOptions.MaxLength"/>.</summary>
    TooLong,

    /// <summary>The expression nests deeper than <see cref="ExpressionOptions.MaxDepth"/> (<c>Expression too deeply nested</c>).</summary>
    TooDeep,

    /// <summary>A construct outside the language: a function, operator, name or literal the whitelist does not allow (<c>… not allowed</c>).</summary>
    NotAllowed,

    /// <summary>A function called with the wrong number of arguments (<c>min(1)</c>, <c>sqrt(1, 2)</c>).</summary>
    WrongArgumentCount,

    /// <summary>A variable that is neither set in the context nor one of the defaults (<c>Variable 'x' not defined in context</c>).</summary>
    UndefinedVariable,

    /// <summary>Division or floor division by zero, <c>0 ** negative</c>, or <c>log</c> with base 1 (<c>Division by zero</c>).</summary>
    DivisionByZero,

    /// <summary>Modulo by zero (<c>Modulo by zero</c>).</summary>
    ModuloByZero,

    /// <summary>An exponent whose absolute value exceeds 100 (<c>Exponent too large</c>).</summary>
    ExponentTooLarge,

    /// <summary>A function argument outside its domain: <c>log(0)</c>, <c>sqrt(-1)</c>, <c>ceil(nan)</c> (<c>math domain error</c>).</summary>
    MathDomain,

    /// <summary>A result too large for a 64-bit float: <c>exp(1000)</c>, <c>1e200 ** 2</c>, or an infinite final value (<c>math range error</c>).</summary>
    Overflow,

    /// <summary>A negative number raised to a fractional power, whose result would be complex.</summary>
    ComplexResult,

    /// <summary>The final value is NaN (for example <c>inf - inf</c> from values in the context).</summary>
    NotANumber,
}
