using System.Runtime.CompilerServices;

namespace OpsConductor.ToolCatalog.Expressions;

/// <summary>
/// Python 3's numeric semantics over doubles, operation by operation, with the original evaluator's extra checks
/// (division and modulo by zero, <c>|exponent| &gt; 100</c>). Each method follows CPython's float implementation
/// (<c>float_floor_div</c>, <c>float_rem</c>, <c>float_pow</c>, <c>math_1</c>, <c>loghelper</c>), so results agree bit for
/// bit on the same C library; integer arguments give the same results as Python's exact integers as long as every
/// value stays within ±2^53.
/// </summary>
internal static class PythonMath
{
    /// <summary>The original's bound on <c>abs(exponent)</c>.</summary>
    public const double MaxExponent = 100;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Divide(double left, double right, int column, ref EvalState state) =>
        right == 0 ? state.Fail(EvalFailure.DivisionByZero, column, left, right) : left / right;

    /// <summary><c>left // right</c>: the quotient rounded toward −∞ (CPython's <c>_float_div_mod</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double FloorDivide(double left, double right, int column, ref EvalState state)
    {
        if (right == 0)
        {
            return state.Fail(EvalFailure.FloorDivisionByZero, column, left, right);
        }

        var mod = left % right;
        var div = (left - mod) / right;
        if (mod != 0 && (right < 0) != (mod < 0))
        {
            div -= 1.0;
        }

        if (div != 0)
        {
            var floor = Math.Floor(div);
            if (div - floor > 0.5)
            {
                floor += 1.0;
            }

            return floor;
        }

        return Math.CopySign(0.0, left / right);
    }

    /// <summary><c>left % right</c>: the remainder with the sign of the divisor (CPython's <c>float_rem</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Modulo(double left, double right, int column, ref EvalState state)
    {
        if (right == 0)
        {
            return state.Fail(EvalFailure.ModuloByZero, column, left, right);
        }

        var mod = left % right;
        if (mod != 0)
        {
            if ((right < 0) != (mod < 0))
            {
                mod += right;
            }

            return mod;
        }

        return Math.CopySign(0.0, right);
    }

    /// <summary><c>left ** right</c>: the original's exponent bound, then CPython's <c>float_pow</c>.</summary>
    public static double Power(double left, double right, int column, ref EvalState state)
    {
        if (Math.Abs(right) > MaxExponent)
        {
            return state.Fail(EvalFailure.ExponentTooLarge, column, left, right);
        }

        if (right == 0)
        {
            return 1.0;
        }

        if (double.IsNaN(left))
        {
            return left;
        }

        if (double.IsNaN(right))
        {
            return left == 1.0 ? 1.0 : right;
        }

        var oddInteger = IsOddInteger(right);
        if (double.IsInfinity(left))
        {
            if (right > 0)
            {
                return oddInteger ? left : double.PositiveInfinity;
            }

            return oddInteger ? Math.CopySign(0.0, left) : 0.0;
        }

        if (left == 0)
        {
            if (right < 0)
            {
                return state.Fail(EvalFailure.ZeroToNegativePower, column, left, right);
            }

            return oddInteger ? left : 0.0;
        }

        var negate = false;
        var magnitude = left;
        if (left < 0)
        {
            if (right != Math.Floor(right))
            {
                return state.Fail(EvalFailure.ComplexResult, column, left, right);
            }

            magnitude = -left;
            negate = oddInteger;
        }

        if (magnitude == 1.0)
        {
            return negate ? -1.0 : 1.0;
        }

        var result = Math.Pow(magnitude, right);
        if (double.IsInfinity(result))
        {
            return state.Fail(EvalFailure.PowerOverflow, column, left, right);
        }

        return negate ? -result : result;
    }

    private static bool IsOddInteger(double value) => Math.Abs(value) % 2.0 == 1.0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Abs(double x) => Math.Abs(x);

    /// <summary>Python's <c>min(a, b)</c>: <paramref name="b"/> replaces <paramref name="a"/> only when strictly smaller (so NaN order matters, as in Python).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Min(double a, double b) => b < a ? b : a;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Max(double a, double b) => b > a ? b : a;

    /// <summary>CPython's <c>m_log</c>: domain error for zero and negatives (and −∞); NaN and +∞ pass through.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Log(double x, int column, ref EvalState state, MathFunction function = MathFunction.Log)
    {
        if (double.IsNaN(x) || double.IsPositiveInfinity(x))
        {
            return x;
        }

        if (x > 0)
        {
            return function switch
            {
                MathFunction.Log10 => Math.Log10(x),
                MathFunction.Log2 => Math.Log2(x),
                _ => Math.Log(x),
            };
        }

        return state.FailFunction(EvalFailure.MathDomain, column, function, x);
    }

    /// <summary><c>math.log(x, base)</c>: <c>log(x) / log(base)</c>, where a base of 1 divides by zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LogBase(double x, double b, int column, ref EvalState state)
    {
        var numerator = Log(x, column, ref state);
        var denominator = Log(b, column, ref state);
        if (denominator == 0)
        {
            return state.FailFunction(EvalFailure.LogBaseOne, column, MathFunction.Log, b);
        }

        return numerator / denominator;
    }

    /// <summary><c>math.sqrt</c>: a NaN result from a non-NaN argument is a domain error.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sqrt(double x, int column, ref EvalState state)
    {
        var result = Math.Sqrt(x);
        return double.IsNaN(result) && !double.IsNaN(x) ? state.FailFunction(EvalFailure.MathDomain, column, MathFunction.Sqrt, x) : result;
    }

    /// <summary><c>math.exp</c>: an infinite result from a finite argument is a range error.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Exp(double x, int column, ref EvalState state)
    {
        var result = Math.Exp(x);
        return double.IsInfinity(result) && double.IsFinite(x) ? state.FailFunction(EvalFailure.MathRange, column, MathFunction.Exp, x) : result;
    }

    /// <summary>
    /// <c>math.ceil</c> / <c>math.floor</c>: Python returns an integer, so infinity and NaN cannot convert. (Python's
    /// integer has no negative zero; <c>ceil(-0.5)</c> gives -0.0 here, which compares, adds and divides as 0 does, so
    /// no result can tell them apart.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Ceiling(double x, int column, ref EvalState state) =>
        double.IsFinite(x) ? Math.Ceiling(x) : FailInteger(x, column, MathFunction.Ceil, ref state);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Floor(double x, int column, ref EvalState state) =>
        double.IsFinite(x) ? Math.Floor(x) : FailInteger(x, column, MathFunction.Floor, ref state);

    private static double FailInteger(double x, int column, MathFunction function, ref EvalState state) =>
        state.FailFunction(double.IsNaN(x) ? EvalFailure.IntegerFromNaN : EvalFailure.IntegerFromInfinity, column, function, x);
}
