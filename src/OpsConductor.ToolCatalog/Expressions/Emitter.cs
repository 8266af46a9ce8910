using System.Linq.Expressions;
using System.Reflection;

namespace OpsConductor.ToolCatalog.Expressions;

/// <summary>A compiled expression as a delegate: the same signature as <see cref="EvalNode.Eval"/>.</summary>
internal delegate double CompiledEvaluator(double[] values, ref EvalState state);

/// <summary>
/// Builds the <c>System.Linq.Expressions</c> tree of an evaluation-node tree. Only the engine's own node types reach it,
/// each emitting fixed shapes (arithmetic, array reads of its slots, calls to <see cref="PythonMath"/> and
/// <see cref="EvalState"/>): nothing from the expression text names a type, member or method.
/// </summary>
internal sealed class Emitter
{
    private static readonly MethodInfo LoadMethod = typeof(VarNode).GetMethod(nameof(VarNode.Load))!;
    private static readonly MethodInfo HasFailedMethod = typeof(EvalState).GetMethod(nameof(EvalState.HasFailed))!;
    private static readonly Dictionary<string, MethodInfo> MathMethods = typeof(PythonMath)
        .GetMethods(BindingFlags.Public | BindingFlags.Static)
        .ToDictionary(m => m.Name);

    public ParameterExpression Values { get; } = Expression.Parameter(typeof(double[]), "values");

    public ParameterExpression State { get; } = Expression.Parameter(typeof(EvalState).MakeByRefType(), "state");

    /// <summary><c>values[slot]</c>, or a missing-variable failure when the slot is beyond the array or holds no value.</summary>
    public Expression Load(int slot, int column) => Expression.Call(LoadMethod, Values, Expression.Constant(slot), Expression.Constant(column), State);

    public static Expression Call(string method, params Expression[] arguments) => Expression.Call(MathMethods[method], arguments);

    public static Expression Compare(Expression left, CompareOperator op, Expression right) => op switch
    {
        CompareOperator.Less => Expression.LessThan(left, right),
        CompareOperator.LessEqual => Expression.LessThanOrEqual(left, right),
        CompareOperator.Greater => Expression.GreaterThan(left, right),
        CompareOperator.GreaterEqual => Expression.GreaterThanOrEqual(left, right),
        CompareOperator.Equal => Expression.Equal(left, right),
        _ => Expression.NotEqual(left, right),
    };

    /// <summary>A comparison chain, each operand evaluated once and only while the comparisons so far hold.</summary>
    public Expression CompareChain(EvalNode[] operands, CompareOperator[] operators)
    {
        var temps = operands.Select((_, i) => Expression.Variable(typeof(double), $"o{i}")).ToArray();
        Expression result = Expression.Constant(1.0);
        for (var i = operators.Length - 1; i >= 0; i--)
        {
            result = Expression.Block(
                Expression.Assign(temps[i + 1], operands[i + 1].Emit(this)),
                Expression.Condition(Compare(temps[i], operators[i], temps[i + 1]), result, Expression.Constant(0.0)));
        }

        return Expression.Block(temps, Expression.Assign(temps[0], operands[0].Emit(this)), result);
    }

    /// <summary><c>and</c>/<c>or</c>: the first deciding operand's value, later operands not evaluated.</summary>
    public Expression Boolean(EvalNode[] operands, bool isAnd)
    {
        Expression result = operands[^1].Emit(this);
        for (var i = operands.Length - 2; i >= 0; i--)
        {
            var value = Expression.Variable(typeof(double), $"v{i}");
            var truthy = Expression.NotEqual(value, Expression.Constant(0.0));
            var decides = Expression.OrElse(
                isAnd ? Expression.Not(truthy) : truthy,
                Expression.Call(HasFailedMethod, State));
            result = Expression.Block([value], Expression.Assign(value, operands[i].Emit(this)), Expression.Condition(decides, value, result));
        }

        return result;
    }
}

/// <summary>Compiles an evaluation-node tree to a delegate, once, for expressions evaluated often.</summary>
internal static class DelegateCompiler
{
    public static CompiledEvaluator Compile(EvalNode root)
    {
        var emitter = new Emitter();
        var body = root.Emit(emitter);
        return Expression.Lambda<CompiledEvaluator>(body, "CompiledExpression", [emitter.Values, emitter.State]).Compile();
    }
}
