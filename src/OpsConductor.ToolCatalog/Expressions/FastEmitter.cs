using System.Linq.Expressions;
using System.Reflection;

namespace OpsConductor.ToolCatalog.Expressions;

/// <summary>
/// A compiled fast path: the expression's value, with <c>failure</c> set (to any failure) when something went wrong. It
/// does not say which failure or where: the caller then evaluates the node tree, which does.
/// </summary>
internal delegate double FastEvaluator(double[] values, ref EvalFailure failure);

/// <summary>
/// Builds the <c>System.Linq.Expressions</c> tree of an evaluation-node tree for the compiled fast path. Only the
/// engine's own node types reach it, each emitting fixed shapes (arithmetic, reads of its slots, calls to
/// <see cref="PythonMath"/>): nothing from the expression text names a type, member or method. Each variable is read
/// once, at the start, and if any is missing the fast path gives up at once (the tree then reports which one, in
/// Python's order, or succeeds when short-circuiting never needed it).
/// </summary>
internal sealed class FastEmitter
{
    private static readonly Dictionary<string, MethodInfo> MathMethods = typeof(PythonMath)
        .GetMethods(BindingFlags.Public | BindingFlags.Static)
        .ToDictionary(m => m.Name);

    private readonly SortedDictionary<int, ParameterExpression> _variables = [];

    public ParameterExpression Values { get; } = Expression.Parameter(typeof(double[]), "values");

    public ParameterExpression Failure { get; } = Expression.Parameter(typeof(EvalFailure).MakeByRefType(), "failure");

    /// <summary>The local holding the slot's value, read once when the delegate starts.</summary>
    public ParameterExpression Variable(int slot)
    {
        if (!_variables.TryGetValue(slot, out var local))
        {
            local = Expression.Variable(typeof(double), $"v{slot}");
            _variables[slot] = local;
        }

        return local;
    }

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
            var value = Expression.Variable(typeof(double), $"b{i}");
            var truthy = Expression.NotEqual(value, Expression.Constant(0.0));
            result = Expression.Block(
                [value],
                Expression.Assign(value, operands[i].Emit(this)),
                Expression.Condition(isAnd ? Expression.Not(truthy) : truthy, value, result));
        }

        return result;
    }

    /// <summary>Compiles an evaluation-node tree to a fast-path delegate.</summary>
    public static FastEvaluator Compile(EvalNode root)
    {
        var emitter = new FastEmitter();
        var body = root.Emit(emitter);
        var locals = emitter._variables.Values.ToArray();
        var reads = emitter._variables.Select(p => (Expression)Expression.Assign(p.Value, Call(nameof(PythonMath.RawLoad), emitter.Values, Expression.Constant(p.Key))));
        var anyMissing = locals.Select(l => Call(nameof(PythonMath.IsUndefined), l)).Aggregate((Expression)Expression.Constant(false), Expression.OrElse);
        var guarded = Expression.Condition(
            anyMissing,
            Expression.Block(Expression.Assign(emitter.Failure, Expression.Constant(EvalFailure.UndefinedVariable)), Expression.Constant(double.NaN)),
            body);
        var lambda = Expression.Lambda<FastEvaluator>(Expression.Block(locals, reads.Append(guarded)), "CompiledExpression", [emitter.Values, emitter.Failure]);
        return lambda.Compile();
    }
}
