using System.Linq.Expressions;
using System.Reflection;
using OpsConductor.ToolCatalog.Compatibility;

namespace OpsConductor.ToolCatalog.Expressions;

/// <summary>
/// A compiled fast path: the expression's value, or NaN when anything went wrong. It does not say which failure or
/// where: the caller treats every result that is not finite as a failure and evaluates the node tree, which says.
/// (Returning the failure as NaN rather than through a <c>ref</c> argument keeps the caller's locals in registers.)
/// </summary>
internal delegate double FastEvaluator(double[] values);

/// <summary>
/// Builds the <c>System.Linq.Expressions</c> tree of an evaluation-node tree for the compiled fast path. Only the
/// engine's own node types reach it, each emitting fixed shapes (arithmetic, reads of its slots, calls to
/// <see cref="PythonMath"/>): nothing from the expression text names a type, member or method. Each variable is read
/// once, at the start; if any is missing or NaN the fast path gives up at once and returns NaN (the tree then reports
/// which one is missing, in Python's order, or evaluates the NaN, or succeeds when short-circuiting never needed it).
/// </summary>
internal sealed class FastEmitter
{
    private static readonly Dictionary<string, MethodInfo> MathMethods = typeof(PythonMath)
        .GetMethods(BindingFlags.Public | BindingFlags.Static)
        .ToDictionary(m => m.Name);

    private readonly SortedDictionary<int, ParameterExpression> _variables = [];

    public ParameterExpression Values { get; } = Expression.Parameter(typeof(double[]), "values");

    /// <summary>The delegate's own failure flag: operations that can fail set it, and a set flag makes the result NaN.</summary>
    public ParameterExpression Failure { get; } = Expression.Variable(typeof(EvalFailure), "failure");

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
        var result = Expression.Variable(typeof(double), "result");
        Expression evaluate = body;
        if (locals.Length > 0)
        {
            // Any NaN among the variables gives up at once: the undefined marker is a NaN, and so is a NaN value (whose
            // fate, masked by max or a comparison or not, the tree decides). One sum tests them all (inf + -inf is NaN
            // too, which only gives up on a case the tree then evaluates). One length check covers every read, so the
            // JIT drops the per-read bounds checks (the slots are constants).
            var sum = Expression.Variable(typeof(double), "sum");
            var reads = emitter._variables.Select(p => (Expression)Expression.Assign(p.Value, Expression.ArrayIndex(emitter.Values, Expression.Constant(p.Key))));
            var total = locals.Skip(1).Aggregate((Expression)locals[0], (acc, local) => Expression.Add(acc, local));
            var anyNaN = Expression.Block(Expression.Assign(sum, total), Expression.NotEqual(sum, sum));
            evaluate = Expression.Condition(
                Expression.LessThanOrEqual(Expression.ArrayLength(emitter.Values), Expression.Constant(emitter._variables.Keys.Max())),
                Expression.Constant(double.NaN),
                Expression.Block([sum], [.. reads, Expression.Condition(anyNaN, Expression.Constant(double.NaN), body)]));
        }

        var flagged = Expression.Condition(
            Expression.Equal(emitter.Failure, Expression.Constant(EvalFailure.None)), result, Expression.Constant(double.NaN));
        var lambda = Expression.Lambda<FastEvaluator>(
            Expression.Block(
                [.. locals, emitter.Failure, result],
                [Expression.Assign(emitter.Failure, Expression.Constant(EvalFailure.None)), Expression.Assign(result, evaluate), flagged]),
            "CompiledExpression",
            [emitter.Values]);
        return lambda.Compile();
    }
}
