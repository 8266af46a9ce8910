using System.Runtime.CompilerServices;
using OpsConductor.ToolCatalog.Compatibility;

namespace OpsConductor.ToolCatalog.Expressions;

/// <summary>
/// The error channel of one evaluation, kept on the caller's stack. The first failure wins, as the original stopped at
/// its first exception; evaluation then runs on with NaN but its result is discarded. Nothing here allocates.
/// </summary>
internal struct EvalState
{
    public EvalFailure Failure;
    public int Column;
    public int Slot;
    public MathFunction Function;
    public double Left;
    public double Right;

    /// <summary>Records a failure (if none yet) and returns NaN for the failed step.</summary>
    public double Fail(EvalFailure failure, int column, double left = 0, double right = 0)
    {
        if (Failure == EvalFailure.None)
        {
            Failure = failure;
            Column = column;
            Left = left;
            Right = right;
        }

        return double.NaN;
    }

    public double FailFunction(EvalFailure failure, int column, MathFunction function, double argument)
    {
        if (Failure == EvalFailure.None)
        {
            Failure = failure;
            Column = column;
            Function = function;
            Left = argument;
        }

        return double.NaN;
    }

    /// <summary>Records a missing variable (if no failure yet) and returns NaN.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static double Undefined(ref EvalState state, int column, int slot)
    {
        if (state.Failure == EvalFailure.None)
        {
            state.Failure = EvalFailure.UndefinedVariable;
            state.Column = column;
            state.Slot = slot;
        }

        return double.NaN;
    }

    public static bool HasFailed(ref EvalState state) => state.Failure != EvalFailure.None;
}
