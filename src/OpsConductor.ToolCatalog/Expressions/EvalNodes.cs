using System.Linq.Expressions;
using System.Runtime.CompilerServices;

namespace OpsConductor.ToolCatalog.Expressions;

/// <summary>
/// A compiled node: evaluates itself over the context's value array. Nodes are immutable and shared across threads;
/// the only per-evaluation state is the <see cref="EvalState"/> on the caller's stack, so evaluation allocates nothing.
/// Children are evaluated left to right, as Python does, so the first error reported is the one Python would raise.
/// </summary>
internal abstract class EvalNode
{
    public abstract double Eval(double[] values, ref EvalState state);

    /// <summary>The same computation as a <c>System.Linq.Expressions</c> tree, for <see cref="DelegateCompiler"/>.</summary>
    public abstract Expression Emit(Emitter emitter);
}

internal sealed class ConstNode(double value) : EvalNode
{
    public double Value { get; } = value;

    public override double Eval(double[] values, ref EvalState state) => Value;

    public override Expression Emit(Emitter emitter) => Expression.Constant(Value);
}

internal sealed class VarNode(int slot, int column) : EvalNode
{
    public int Slot { get; } = slot;

    public int Column { get; } = column;

    /// <summary>Reads a slot: a slot beyond the array (the table grew after the context was made) or marked undefined holds no value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Load(double[] values, int slot, int column, ref EvalState state)
    {
        if ((uint)slot < (uint)values.Length)
        {
            var x = values[slot];
            if (BitConverter.DoubleToInt64Bits(x) != ExpressionContext.UndefinedBits)
            {
                return x;
            }
        }

        return EvalState.Undefined(ref state, column, slot);
    }

    public override double Eval(double[] values, ref EvalState state) => Load(values, Slot, Column, ref state);

    public override Expression Emit(Emitter emitter) => emitter.Load(Slot, Column);
}

/// <summary><c>scale * x</c> for a variable x (from <c>b*x</c>, <c>x*b</c>, <c>-x</c>).</summary>
internal sealed class ScaleNode(int slot, int column, double scale) : EvalNode
{
    public int Slot { get; } = slot;

    public int Column { get; } = column;

    public double Scale { get; } = scale;

    public override double Eval(double[] values, ref EvalState state) => Scale * VarNode.Load(values, Slot, Column, ref state);

    public override Expression Emit(Emitter emitter) => Expression.Multiply(Expression.Constant(Scale), emitter.Load(Slot, Column));
}

/// <summary><c>offset + scale * x</c> for a variable x: the affine shapes <c>a + b*x</c>, <c>x + a</c>, <c>a - b*x</c>, … computed exactly as written.</summary>
internal sealed class AffineNode(int slot, int column, double offset, double scale) : EvalNode
{
    public int Slot { get; } = slot;

    public int Column { get; } = column;

    public double Offset { get; } = offset;

    public double Scale { get; } = scale;

    public override double Eval(double[] values, ref EvalState state) => Offset + (Scale * VarNode.Load(values, Slot, Column, ref state));

    public override Expression Emit(Emitter emitter) => Expression.Add(Expression.Constant(Offset), Expression.Multiply(Expression.Constant(Scale), emitter.Load(Slot, Column)));
}

internal sealed class NegateNode(EvalNode operand) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state) => -operand.Eval(values, ref state);

    public override Expression Emit(Emitter emitter) => Expression.Negate(operand.Emit(emitter));
}

internal sealed class AddNode(EvalNode left, EvalNode right) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state) => left.Eval(values, ref state) + right.Eval(values, ref state);

    public override Expression Emit(Emitter emitter) => Expression.Add(left.Emit(emitter), right.Emit(emitter));
}

internal sealed class SubtractNode(EvalNode left, EvalNode right) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state) => left.Eval(values, ref state) - right.Eval(values, ref state);

    public override Expression Emit(Emitter emitter) => Expression.Subtract(left.Emit(emitter), right.Emit(emitter));
}

internal sealed class MultiplyNode(EvalNode left, EvalNode right) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state) => left.Eval(values, ref state) * right.Eval(values, ref state);

    public override Expression Emit(Emitter emitter) => Expression.Multiply(left.Emit(emitter), right.Emit(emitter));
}

/// <summary><c>operand + constant</c> (also <c>constant + operand</c> and <c>operand - c</c> as <c>operand + (-c)</c>: IEEE addition commutes exactly).</summary>
internal sealed class AddConstNode(EvalNode operand, double constant) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state) => operand.Eval(values, ref state) + constant;

    public override Expression Emit(Emitter emitter) => Expression.Add(operand.Emit(emitter), Expression.Constant(constant));
}

/// <summary><c>constant - operand</c>.</summary>
internal sealed class ConstMinusNode(double constant, EvalNode operand) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state) => constant - operand.Eval(values, ref state);

    public override Expression Emit(Emitter emitter) => Expression.Subtract(Expression.Constant(constant), operand.Emit(emitter));
}

/// <summary><c>operand * constant</c> (either order: IEEE multiplication commutes exactly).</summary>
internal sealed class MultiplyConstNode(EvalNode operand, double constant) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state) => operand.Eval(values, ref state) * constant;

    public override Expression Emit(Emitter emitter) => Expression.Multiply(operand.Emit(emitter), Expression.Constant(constant));
}

/// <summary><c>operand / constant</c> for a non-zero constant.</summary>
internal sealed class DivideByConstNode(EvalNode operand, double constant) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state) => operand.Eval(values, ref state) / constant;

    public override Expression Emit(Emitter emitter) => Expression.Divide(operand.Emit(emitter), Expression.Constant(constant));
}

/// <summary><c>x / constant</c> for a variable x and a non-zero constant (<c>N / 100</c>).</summary>
internal sealed class VarDivideByConstNode(int slot, int column, double constant) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state) => VarNode.Load(values, slot, column, ref state) / constant;

    public override Expression Emit(Emitter emitter) => Expression.Divide(emitter.Load(slot, column), Expression.Constant(constant));
}

internal sealed class DivideNode(EvalNode left, EvalNode right, int column) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state)
    {
        var l = left.Eval(values, ref state);
        return PythonMath.Divide(l, right.Eval(values, ref state), column, ref state);
    }

    public override Expression Emit(Emitter emitter) => Emitter.Call(nameof(PythonMath.Divide), left.Emit(emitter), right.Emit(emitter), Expression.Constant(column), emitter.State);
}

internal sealed class FloorDivideNode(EvalNode left, EvalNode right, int column) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state)
    {
        var l = left.Eval(values, ref state);
        return PythonMath.FloorDivide(l, right.Eval(values, ref state), column, ref state);
    }

    public override Expression Emit(Emitter emitter) => Emitter.Call(nameof(PythonMath.FloorDivide), left.Emit(emitter), right.Emit(emitter), Expression.Constant(column), emitter.State);
}

internal sealed class ModuloNode(EvalNode left, EvalNode right, int column) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state)
    {
        var l = left.Eval(values, ref state);
        return PythonMath.Modulo(l, right.Eval(values, ref state), column, ref state);
    }

    public override Expression Emit(Emitter emitter) => Emitter.Call(nameof(PythonMath.Modulo), left.Emit(emitter), right.Emit(emitter), Expression.Constant(column), emitter.State);
}

internal sealed class PowerNode(EvalNode left, EvalNode right, int column) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state)
    {
        var l = left.Eval(values, ref state);
        return PythonMath.Power(l, right.Eval(values, ref state), column, ref state);
    }

    public override Expression Emit(Emitter emitter) => Emitter.Call(nameof(PythonMath.Power), left.Emit(emitter), right.Emit(emitter), Expression.Constant(column), emitter.State);
}

internal sealed class CeilingNode(EvalNode operand, int column) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state) => PythonMath.Ceiling(operand.Eval(values, ref state), column, ref state);

    public override Expression Emit(Emitter emitter) => Emitter.Call(nameof(PythonMath.Ceiling), operand.Emit(emitter), Expression.Constant(column), emitter.State);
}

internal sealed class FloorNode(EvalNode operand, int column) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state) => PythonMath.Floor(operand.Eval(values, ref state), column, ref state);

    public override Expression Emit(Emitter emitter) => Emitter.Call(nameof(PythonMath.Floor), operand.Emit(emitter), Expression.Constant(column), emitter.State);
}

internal sealed class AbsNode(EvalNode operand) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state) => PythonMath.Abs(operand.Eval(values, ref state));

    public override Expression Emit(Emitter emitter) => Emitter.Call(nameof(PythonMath.Abs), operand.Emit(emitter));
}

internal sealed class SqrtNode(EvalNode operand, int column) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state) => PythonMath.Sqrt(operand.Eval(values, ref state), column, ref state);

    public override Expression Emit(Emitter emitter) => Emitter.Call(nameof(PythonMath.Sqrt), operand.Emit(emitter), Expression.Constant(column), emitter.State);
}

internal sealed class ExpNode(EvalNode operand, int column) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state) => PythonMath.Exp(operand.Eval(values, ref state), column, ref state);

    public override Expression Emit(Emitter emitter) => Emitter.Call(nameof(PythonMath.Exp), operand.Emit(emitter), Expression.Constant(column), emitter.State);
}

/// <summary><c>log</c>, <c>log10</c> or <c>log2</c> of one argument.</summary>
internal sealed class LogNode(EvalNode operand, int column, MathFunction function) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state) => PythonMath.Log(operand.Eval(values, ref state), column, ref state, function);

    public override Expression Emit(Emitter emitter) => Emitter.Call(nameof(PythonMath.Log), operand.Emit(emitter), Expression.Constant(column), emitter.State, Expression.Constant(function));
}

internal sealed class LogBaseNode(EvalNode operand, EvalNode logBase, int column) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state)
    {
        var x = operand.Eval(values, ref state);
        return PythonMath.LogBase(x, logBase.Eval(values, ref state), column, ref state);
    }

    public override Expression Emit(Emitter emitter) => Emitter.Call(nameof(PythonMath.LogBase), operand.Emit(emitter), logBase.Emit(emitter), Expression.Constant(column), emitter.State);
}

internal sealed class Min2Node(EvalNode first, EvalNode second) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state)
    {
        var a = first.Eval(values, ref state);
        return PythonMath.Min(a, second.Eval(values, ref state));
    }

    public override Expression Emit(Emitter emitter) => Emitter.Call(nameof(PythonMath.Min), first.Emit(emitter), second.Emit(emitter));
}

internal sealed class Max2Node(EvalNode first, EvalNode second) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state)
    {
        var a = first.Eval(values, ref state);
        return PythonMath.Max(a, second.Eval(values, ref state));
    }

    public override Expression Emit(Emitter emitter) => Emitter.Call(nameof(PythonMath.Max), first.Emit(emitter), second.Emit(emitter));
}

/// <summary><c>min</c> or <c>max</c> of three or more arguments, all evaluated, left to right.</summary>
internal sealed class MinMaxNode(EvalNode[] arguments, bool isMax) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state)
    {
        var result = arguments[0].Eval(values, ref state);
        for (var i = 1; i < arguments.Length; i++)
        {
            var next = arguments[i].Eval(values, ref state);
            result = isMax ? PythonMath.Max(result, next) : PythonMath.Min(result, next);
        }

        return result;
    }

    public override Expression Emit(Emitter emitter) => arguments.Skip(1).Aggregate(arguments[0].Emit(emitter), (result, next) => Emitter.Call(isMax ? nameof(PythonMath.Max) : nameof(PythonMath.Min), result, next.Emit(emitter)));
}

/// <summary>
/// A comparison chain <c>a &lt; b &lt;= c</c> as Python evaluates it: pairwise, each operand evaluated once, stopping at
/// the first false comparison (later operands are not evaluated, so their errors do not occur). 1 for true, 0 for false.
/// </summary>
internal sealed class CompareChainNode(EvalNode[] operands, CompareOperator[] operators) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state)
    {
        var left = operands[0].Eval(values, ref state);
        for (var i = 0; i < operators.Length; i++)
        {
            var right = operands[i + 1].Eval(values, ref state);
            if (!Compare(left, operators[i], right))
            {
                return 0;
            }

            left = right;
        }

        return 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Compare(double left, CompareOperator op, double right) => op switch
    {
        CompareOperator.Less => left < right,
        CompareOperator.LessEqual => left <= right,
        CompareOperator.Greater => left > right,
        CompareOperator.GreaterEqual => left >= right,
        CompareOperator.Equal => left == right,
        _ => left != right,
    };

    public override Expression Emit(Emitter emitter) => emitter.CompareChain(operands, operators);
}

/// <summary><c>a op b</c> for one comparison.</summary>
internal sealed class CompareNode2(EvalNode left, CompareOperator op, EvalNode right) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state)
    {
        var l = left.Eval(values, ref state);
        return CompareChainNode.Compare(l, op, right.Eval(values, ref state)) ? 1 : 0;
    }

    public override Expression Emit(Emitter emitter) => Expression.Condition(Emitter.Compare(left.Emit(emitter), op, right.Emit(emitter)), Expression.Constant(1.0), Expression.Constant(0.0));
}

/// <summary>
/// Python's <c>and</c>/<c>or</c>: returns the first operand that decides (falsy for <c>and</c>, truthy for
/// <c>or</c>), else the last; operands after it are not evaluated. Truthiness is "not zero" (NaN is truthy, as in Python).
/// </summary>
internal sealed class BooleanNode2(EvalNode[] operands, bool isAnd) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state)
    {
        var last = operands.Length - 1;
        for (var i = 0; i < last; i++)
        {
            var value = operands[i].Eval(values, ref state);
            if ((value != 0) != isAnd || EvalState.HasFailed(ref state))
            {
                return value;
            }
        }

        return operands[last].Eval(values, ref state);
    }

    public override Expression Emit(Emitter emitter) => emitter.Boolean(operands, isAnd);
}

internal sealed class NotNode(EvalNode operand) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state) => operand.Eval(values, ref state) == 0 ? 1 : 0;

    public override Expression Emit(Emitter emitter) => Expression.Condition(Expression.Equal(operand.Emit(emitter), Expression.Constant(0.0)), Expression.Constant(1.0), Expression.Constant(0.0));
}
