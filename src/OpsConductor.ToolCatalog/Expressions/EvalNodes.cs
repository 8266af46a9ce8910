using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using OpsConductor.ToolCatalog.Compatibility;

namespace OpsConductor.ToolCatalog.Expressions;

/// <summary>
/// A compiled node. <see cref="Eval"/> evaluates it over the context's value array, children left to right as Python
/// does, recording the first failure with its column and operands in the <see cref="EvalState"/> on the caller's stack
/// (so the error reported is the one Python would raise, and nothing is allocated). <see cref="Emit"/> gives the same
/// computation as an expression tree for the compiled fast path, which only flags that something failed.
/// </summary>
internal abstract class EvalNode
{
    public abstract double Eval(double[] values, ref EvalState state);

    public abstract Expression Emit(FastEmitter emitter);

    /// <summary>Runs a <see cref="PythonMath"/> operation and records its failure, if any, against this node.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static double Record(double result, EvalFailure failure, int column, double left, double right, ref EvalState state) =>
        failure == EvalFailure.None ? result : state.Fail(failure, column, left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static double Record(double result, EvalFailure failure, int column, MathFunction function, double argument, ref EvalState state) =>
        failure == EvalFailure.None ? result : state.FailFunction(failure, column, function, argument);
}

internal sealed class ConstNode(double value) : EvalNode
{
    public double Value { get; } = value;

    public override double Eval(double[] values, ref EvalState state) => Value;

    public override Expression Emit(FastEmitter emitter) => Expression.Constant(Value);
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

    public override Expression Emit(FastEmitter emitter) => emitter.Variable(Slot);
}

/// <summary><c>scale * x</c> for a variable x (from <c>b*x</c>, <c>x*b</c>, <c>-x</c>).</summary>
internal sealed class ScaleNode(int slot, int column, double scale) : EvalNode
{
    public int Slot { get; } = slot;

    public int Column { get; } = column;

    public double Scale { get; } = scale;

    public override double Eval(double[] values, ref EvalState state) => Scale * VarNode.Load(values, Slot, Column, ref state);

    public override Expression Emit(FastEmitter emitter) => Expression.Multiply(Expression.Constant(Scale), emitter.Variable(Slot));
}

/// <summary><c>offset + scale * x</c> for a variable x: the affine shapes <c>a + b*x</c>, <c>x + a</c>, <c>a - b*x</c>, … computed exactly as written.</summary>
internal sealed class AffineNode(int slot, int column, double offset, double scale) : EvalNode
{
    public int Slot { get; } = slot;

    public int Column { get; } = column;

    public double Offset { get; } = offset;

    public double Scale { get; } = scale;

    public override double Eval(double[] values, ref EvalState state) => Offset + (Scale * VarNode.Load(values, Slot, Column, ref state));

    public override Expression Emit(FastEmitter emitter) =>
        Expression.Add(Expression.Constant(Offset), Expression.Multiply(Expression.Constant(Scale), emitter.Variable(Slot)));
}

internal sealed class NegateNode(EvalNode operand) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state) => -operand.Eval(values, ref state);

    public override Expression Emit(FastEmitter emitter) => Expression.Negate(operand.Emit(emitter));
}

internal sealed class AddNode(EvalNode left, EvalNode right) : EvalNode
{
    public EvalNode Left => left;

    public EvalNode Right => right;

    public override double Eval(double[] values, ref EvalState state) => left.Eval(values, ref state) + right.Eval(values, ref state);

    public override Expression Emit(FastEmitter emitter) => Expression.Add(left.Emit(emitter), right.Emit(emitter));
}

internal sealed class SubtractNode(EvalNode left, EvalNode right) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state) => left.Eval(values, ref state) - right.Eval(values, ref state);

    public override Expression Emit(FastEmitter emitter) => Expression.Subtract(left.Emit(emitter), right.Emit(emitter));
}

internal sealed class MultiplyNode(EvalNode left, EvalNode right) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state) => left.Eval(values, ref state) * right.Eval(values, ref state);

    public override Expression Emit(FastEmitter emitter) => Expression.Multiply(left.Emit(emitter), right.Emit(emitter));
}

/// <summary><c>operand + constant</c> (also <c>constant + operand</c> and <c>operand - c</c> as <c>operand + (-c)</c>: IEEE addition commutes exactly).</summary>
internal sealed class AddConstNode(EvalNode operand, double constant) : EvalNode
{
    public EvalNode Operand => operand;

    public double Constant => constant;

    public override double Eval(double[] values, ref EvalState state) => operand.Eval(values, ref state) + constant;

    public override Expression Emit(FastEmitter emitter) => Expression.Add(operand.Emit(emitter), Expression.Constant(constant));
}

/// <summary><c>constant - operand</c>.</summary>
internal sealed class ConstMinusNode(double constant, EvalNode operand) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state) => constant - operand.Eval(values, ref state);

    public override Expression Emit(FastEmitter emitter) => Expression.Subtract(Expression.Constant(constant), operand.Emit(emitter));
}

/// <summary><c>operand * constant</c> (either order: IEEE multiplication commutes exactly).</summary>
internal sealed class MultiplyConstNode(EvalNode operand, double constant) : EvalNode
{
    public EvalNode Operand => operand;

    public double Constant => constant;

    public override double Eval(double[] values, ref EvalState state) => operand.Eval(values, ref state) * constant;

    public override Expression Emit(FastEmitter emitter) => Expression.Multiply(operand.Emit(emitter), Expression.Constant(constant));
}

/// <summary><c>operand / constant</c> for a non-zero constant.</summary>
internal sealed class DivideByConstNode(EvalNode operand, double constant) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state) => operand.Eval(values, ref state) / constant;

    public override Expression Emit(FastEmitter emitter) => Expression.Divide(operand.Emit(emitter), Expression.Constant(constant));
}

/// <summary><c>x / constant</c> for a variable x and a non-zero constant (<c>N / 100</c>).</summary>
internal sealed class VarDivideByConstNode(int slot, int column, double constant) : EvalNode
{
    public int Slot => slot;

    public double Constant => constant;

    public override double Eval(double[] values, ref EvalState state) => VarNode.Load(values, slot, column, ref state) / constant;

    public override Expression Emit(FastEmitter emitter) => Expression.Divide(emitter.Variable(slot), Expression.Constant(constant));
}

/// <summary>An operator whose <see cref="PythonMath"/> implementation can fail: <c>/</c>, <c>//</c>, <c>%</c>, <c>**</c>.</summary>
internal sealed class CheckedBinaryNode(EvalNode left, EvalNode right, int column, BinaryOperator op) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state)
    {
        var l = left.Eval(values, ref state);
        var r = right.Eval(values, ref state);
        var failure = EvalFailure.None;
        var result = op switch
        {
            BinaryOperator.Divide => PythonMath.Divide(l, r, ref failure),
            BinaryOperator.FloorDivide => PythonMath.FloorDivide(l, r, ref failure),
            BinaryOperator.Modulo => PythonMath.Modulo(l, r, ref failure),
            _ => PythonMath.Power(l, r, ref failure),
        };
        return Record(result, failure, column, l, r, ref state);
    }

    public override Expression Emit(FastEmitter emitter) => FastEmitter.Call(
        op switch
        {
            BinaryOperator.Divide => nameof(PythonMath.Divide),
            BinaryOperator.FloorDivide => nameof(PythonMath.FloorDivide),
            BinaryOperator.Modulo => nameof(PythonMath.Modulo),
            _ => nameof(PythonMath.Power),
        },
        left.Emit(emitter), right.Emit(emitter), emitter.Failure);
}

/// <summary>A one-argument function: <c>ceil floor abs sqrt exp log log10 log2</c>.</summary>
internal sealed class FunctionNode(EvalNode operand, int column, MathFunction function) : EvalNode
{
    public EvalNode Operand => operand;

    public MathFunction Function => function;

    public override double Eval(double[] values, ref EvalState state)
    {
        var x = operand.Eval(values, ref state);
        var failure = EvalFailure.None;
        var result = function switch
        {
            MathFunction.Ceil => PythonMath.Ceiling(x, ref failure),
            MathFunction.Floor => PythonMath.Floor(x, ref failure),
            MathFunction.Abs => PythonMath.Abs(x),
            MathFunction.Sqrt => PythonMath.Sqrt(x, ref failure),
            MathFunction.Exp => PythonMath.Exp(x, ref failure),
            MathFunction.Log10 => PythonMath.Log10(x, ref failure),
            MathFunction.Log2 => PythonMath.Log2(x, ref failure),
            _ => PythonMath.Log(x, ref failure),
        };
        return Record(result, failure, column, function, x, ref state);
    }

    public override Expression Emit(FastEmitter emitter) => function == MathFunction.Abs
        ? FastEmitter.Call(nameof(PythonMath.Abs), operand.Emit(emitter))
        : FastEmitter.Call(
            function switch
            {
                MathFunction.Ceil => nameof(PythonMath.Ceiling),
                MathFunction.Floor => nameof(PythonMath.Floor),
                MathFunction.Sqrt => nameof(PythonMath.Sqrt),
                MathFunction.Exp => nameof(PythonMath.Exp),
                MathFunction.Log10 => nameof(PythonMath.Log10),
                MathFunction.Log2 => nameof(PythonMath.Log2),
                _ => nameof(PythonMath.Log),
            },
            operand.Emit(emitter), emitter.Failure);
}

/// <summary><c>log(x, base)</c>: a failure names the argument that caused it.</summary>
internal sealed class LogBaseNode(EvalNode operand, EvalNode logBase, int column) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state)
    {
        var x = operand.Eval(values, ref state);
        var b = logBase.Eval(values, ref state);
        var failure = EvalFailure.None;
        var numerator = PythonMath.Log(x, ref failure);
        if (failure != EvalFailure.None)
        {
            return state.FailFunction(failure, column, MathFunction.Log, x);
        }

        var denominator = PythonMath.Log(b, ref failure);
        if (failure != EvalFailure.None || denominator == 0)
        {
            return state.FailFunction(failure == EvalFailure.None ? EvalFailure.LogBaseOne : failure, column, MathFunction.Log, b);
        }

        return numerator / denominator;
    }

    public override Expression Emit(FastEmitter emitter) =>
        FastEmitter.Call(nameof(PythonMath.LogBase), operand.Emit(emitter), logBase.Emit(emitter), emitter.Failure);
}

internal sealed class Min2Node(EvalNode first, EvalNode second) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state)
    {
        var a = first.Eval(values, ref state);
        return PythonMath.Min(a, second.Eval(values, ref state));
    }

    public override Expression Emit(FastEmitter emitter) => FastEmitter.Call(nameof(PythonMath.Min), first.Emit(emitter), second.Emit(emitter));
}

internal sealed class Max2Node(EvalNode first, EvalNode second) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state)
    {
        var a = first.Eval(values, ref state);
        return PythonMath.Max(a, second.Eval(values, ref state));
    }

    public override Expression Emit(FastEmitter emitter) => FastEmitter.Call(nameof(PythonMath.Max), first.Emit(emitter), second.Emit(emitter));
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

    public override Expression Emit(FastEmitter emitter) => arguments.Skip(1).Aggregate(
        arguments[0].Emit(emitter),
        (result, next) => FastEmitter.Call(isMax ? nameof(PythonMath.Max) : nameof(PythonMath.Min), result, next.Emit(emitter)));
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

    public override Expression Emit(FastEmitter emitter) => emitter.CompareChain(operands, operators);

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
}

/// <summary><c>a op b</c> for one comparison.</summary>
internal sealed class ComparePairNode(EvalNode left, CompareOperator op, EvalNode right) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state)
    {
        var l = left.Eval(values, ref state);
        return CompareChainNode.Compare(l, op, right.Eval(values, ref state)) ? 1 : 0;
    }

    public override Expression Emit(FastEmitter emitter) =>
        Expression.Condition(FastEmitter.Compare(left.Emit(emitter), op, right.Emit(emitter)), Expression.Constant(1.0), Expression.Constant(0.0));
}

/// <summary>
/// Python's <c>and</c>/<c>or</c>: returns the first operand that decides (falsy for <c>and</c>, truthy for
/// <c>or</c>), else the last; operands after it are not evaluated. Truthiness is "not zero" (NaN is truthy, as in Python).
/// </summary>
internal sealed class AndOrNode(EvalNode[] operands, bool isAnd) : EvalNode
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

    public override Expression Emit(FastEmitter emitter) => emitter.Boolean(operands, isAnd);
}

internal sealed class NotNode(EvalNode operand) : EvalNode
{
    public override double Eval(double[] values, ref EvalState state) => operand.Eval(values, ref state) == 0 ? 1 : 0;

    public override Expression Emit(FastEmitter emitter) =>
        Expression.Condition(Expression.Equal(operand.Emit(emitter), Expression.Constant(0.0)), Expression.Constant(1.0), Expression.Constant(0.0));
}
