using System.Runtime.CompilerServices;

namespace OpsConductor.ToolCatalog.Compatibility;

/// <summary>
/// Python 3's numeric semantics over doubles, operation by operation, with the original evaluator's extra checks
/// (division and modulo by zero, <c>|exponent| &gt; 100</c>). Each method follows CPython's float implementation
/// (<c>float_floor_div</c>, <c>float_rem</c>, <c>float_pow</c>, <c>math_1</c>, <c>loghelper</c>), so results agree bit for
/// bit on the same C library; integer arguments give the same results as Python's exact integers as long as every
/// value stays within ±2^53.
/// </summary>
/// <remarks>
/// A failing operation sets <c>failure</c> and returns NaN; the caller decides what to record (the node tree records the
/// column and operands for the message; the compiled fast path only notes that something failed).
/// </remarks>
internal static class PythonMath
{
    /// <summary>The original's bound on <c>abs(exponent)</c>.</summary>
    public const double MaxExponent = 100;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Fail(ref EvalFailure failure, EvalFailure code)
    {
        failure = code;
        return double.NaN;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Divide(double left, double right, ref EvalFailure failure) =>
        right == 0 ? Fail(ref failure, EvalFailure.DivisionByZero) : left / right;

    /// <summary><c>left // right</c>: the quotient rounded toward −∞ (CPython's <c>_float_div_mod</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double FloorDivide(double left, double right, ref EvalFailure failure)
    {
        if (right == 0)
        {
            return Fail(ref failure, EvalFailure.FloorDivisionByZero);
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
    public static double Modulo(double left, double right, ref EvalFailure failure)
    {
        if (right == 0)
        {
            return Fail(ref failure, EvalFailure.ModuloByZero);
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
    public static double Power(double left, double right, ref EvalFailure failure)
    {
        if (Math.Abs(right) > MaxExponent)
        {
            return Fail(ref failure, EvalFailure.ExponentTooLarge);
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
                return Fail(ref failure, EvalFailure.ZeroToNegativePower);
            }

            return oddInteger ? left : 0.0;
        }

        var negate = false;
        var magnitude = left;
        if (left < 0)
        {
            if (right != Math.Floor(right))
            {
                return Fail(ref failure, EvalFailure.ComplexResult);
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
            return Fail(ref failure, EvalFailure.PowerOverflow);
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

    /// <summary>CPython's <c>m_log</c>: a domain error for zero and negatives (and −∞); NaN and +∞ pass through.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Log(double x, ref EvalFailure failure) =>
        x > 0 ? Math.Log(x) : double.IsNaN(x) ? x : Fail(ref failure, EvalFailure.MathDomain);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Log10(double x, ref EvalFailure failure) =>
        x > 0 ? Math.Log10(x) : double.IsNaN(x) ? x : Fail(ref failure, EvalFailure.MathDomain);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Log2(double x, ref EvalFailure failure) =>
        x > 0 ? Math.Log2(x) : double.IsNaN(x) ? x : Fail(ref failure, EvalFailure.MathDomain);

    /// <summary><c>math.log(x, base)</c>: <c>log(x) / log(base)</c>, where a base of 1 divides by zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LogBase(double x, double b, ref EvalFailure failure)
    {
        var numerator = Log(x, ref failure);
        var denominator = Log(b, ref failure);
        return denominator == 0 ? Fail(ref failure, EvalFailure.LogBaseOne) : numerator / denominator;
    }

    /// <summary><c>math.sqrt</c>: a NaN result from a non-NaN argument is a domain error.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sqrt(double x, ref EvalFailure failure)
    {
        var result = Math.Sqrt(x);
        return double.IsNaN(result) && !double.IsNaN(x) ? Fail(ref failure, EvalFailure.MathDomain) : result;
    }

    /// <summary><c>math.exp</c>: an infinite result from a finite argument is a range error.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Exp(double x, ref EvalFailure failure)
    {
        var result = Math.Exp(x);
        return double.IsInfinity(result) && double.IsFinite(x) ? Fail(ref failure, EvalFailure.MathRange) : result;
    }

    /// <summary>
    /// <c>math.ceil</c> / <c>math.floor</c>: Python returns an integer, so infinity and NaN cannot convert. (Python's
    /// integer has no negative zero; <c>ceil(-0.5)</c> gives -0.0 here, which compares, adds and divides as 0 does, so
    /// no result can tell them apart.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Ceiling(double x, ref EvalFailure failure) =>
        double.IsFinite(x) ? Math.Ceiling(x) : Fail(ref failure, double.IsNaN(x) ? EvalFailure.IntegerFromNaN : EvalFailure.IntegerFromInfinity);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Floor(double x, ref EvalFailure failure) =>
        double.IsFinite(x) ? Math.Floor(x) : Fail(ref failure, double.IsNaN(x) ? EvalFailure.IntegerFromNaN : EvalFailure.IntegerFromInfinity);
}
