namespace OpsConductor.ToolCatalog.Compatibility;

/// <summary>Why an evaluation step failed; turned into an expression error only after evaluation. It lives beside
/// <see cref="PythonMath"/>, whose operations report it the way Python raises.</summary>
internal enum EvalFailure : byte
{
    None = 0,
    UndefinedVariable,
    DivisionByZero,
    FloorDivisionByZero,
    ModuloByZero,
    ZeroToNegativePower,
    ExponentTooLarge,
    ComplexResult,
    PowerOverflow,
    MathDomain,
    MathRange,
    IntegerFromInfinity,
    IntegerFromNaN,
    LogBaseOne,
}
