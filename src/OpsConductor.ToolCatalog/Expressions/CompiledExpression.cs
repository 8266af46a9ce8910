using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace OpsConductor.ToolCatalog.Expressions;

/// <summary>
/// What <see cref="EstimateExpression"/> and <see cref="ConditionExpression"/> share: the checked, compiled form of one
/// expression, its static facts, and the hot evaluation path with its fast shapes.
/// </summary>
internal sealed class CompiledExpression
{
    private readonly Shape _shape;
    private readonly EvalNode _root;
    private readonly int _slot;
    private readonly int _column;
    private readonly double _offset;
    private readonly double _scale;
    private readonly int _compileAfter;
    private FastEvaluator? _delegate;
    private int _evaluations;
    private int _compileRequested;

    private CompiledExpression(string text, VariableTable table, ParsedExpression parsed, EvalNode root, int compileAfter)
    {
        _compileAfter = compileAfter;
        Text = text;
        Table = table;
        Variables = parsed.Variables;
        Depth = parsed.Depth;
        _root = root;
        switch (root)
        {
            case ConstNode c:
                _shape = Shape.Constant;
                _offset = c.Value;
                break;
            // x and b*x run as 0 + 1*x and 0 + b*x: the same value, except that a result of -0.0 becomes 0.0.
            case VarNode v:
                _shape = Shape.Affine;
                (_slot, _column, _offset, _scale) = (v.Slot, v.Column, 0, 1);
                break;
            case ScaleNode s:
                _shape = Shape.Affine;
                (_slot, _column, _offset, _scale) = (s.Slot, s.Column, 0, s.Scale);
                break;
            case AffineNode a:
                _shape = Shape.Affine;
                (_slot, _column, _offset, _scale) = (a.Slot, a.Column, a.Offset, a.Scale);
                break;
            default:
                _shape = Shape.Tree;
                break;
        }
    }

    private enum Shape : byte
    {
        Affine,
        Constant,
        Tree,
    }

    public string Text { get; }

    public VariableTable Table { get; }

    public IReadOnlyList<string> Variables { get; }

    public int Depth { get; }

    public bool IsConstant => Variables.Count == 0;

    /// <summary>Parses, checks and compiles; throws <see cref="CompileFailure"/> on the first problem.</summary>
    public static CompiledExpression Create(string text, VariableTable table, ExpressionLanguage language, ExpressionOptions options)
    {
        var parsed = Parser.Parse(text, language, options);
        return new CompiledExpression(text, table, parsed, Compiler.Compile(parsed.Root, table), options.CompileAfterEvaluations);
    }

    public static bool TryCreate(
        string text, VariableTable table, ExpressionLanguage language, ExpressionOptions options,
        [NotNullWhen(true)] out CompiledExpression? compiled, [NotNullWhen(false)] out ExpressionError? error)
    {
        try
        {
            compiled = Create(text, table, language, options);
            error = null;
            return true;
        }
        catch (CompileFailure failure)
        {
            compiled = null;
            error = failure.Error;
            return false;
        }
    }

    /// <summary>
    /// The hot path: true with a finite result when evaluation succeeds; false when anything failed, in which case
    /// <see cref="Explain"/> says what. Uses the compiled fast path once there is one, otherwise the shapes and the tree.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryRun(double[] values, out double result)
    {
        // Results go to locals first and to the out parameter once: reading an out parameter back is a memory round trip.
        double r;
        bool ok;
        var shape = _shape;
        if (shape == Shape.Affine)
        {
            // A missing variable reads as a NaN, so a + b*x is not finite and the tree explains why.
            r = _offset + (_scale * PythonMath.RawLoad(values, _slot));
            ok = double.IsFinite(r);
        }
        else if (shape == Shape.Constant)
        {
            r = _offset;
            ok = double.IsFinite(r);
        }
        else if (_delegate is { } fast)
        {
            var failure = EvalFailure.None;
            r = fast(values, ref failure);
            ok = failure == EvalFailure.None & double.IsFinite(r);
        }
        else
        {
            ok = TryRunTree(values, out var tree);
            r = tree;
        }

        result = r;
        return ok;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryRunTree(double[] values, out double result)
    {
        var state = default(EvalState);
        result = Run(values, ref state);
        return state.Failure == EvalFailure.None && double.IsFinite(result);
    }

    /// <summary>
    /// The slow path after <see cref="TryRun"/> returned false: evaluates the node tree, which records the first
    /// failure in Python's order with its column. The tree can succeed where the fast path gave up (a missing variable
    /// that short-circuiting never reads), so this may still return a value.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public bool Explain(double[] values, out double result, [NotNullWhen(false)] out ExpressionError? error)
    {
        var state = default(EvalState);
        result = Run(values, ref state, count: false);
        if (state.Failure == EvalFailure.None && double.IsFinite(result))
        {
            error = null;
            return true;
        }

        error = CreateError(in state, result);
        result = double.NaN;
        return false;
    }

    /// <summary>Evaluates the shapes or the node tree (never the fast path), recording the first failure in <paramref name="state"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Run(double[] values, ref EvalState state, bool count = true)
    {
        switch (_shape)
        {
            case Shape.Constant:
                return _offset;
            case Shape.Affine:
                return _offset + (_scale * VarNode.Load(values, _slot, _column, ref state));
            default:
                if (count)
                {
                    CountEvaluation();
                }

                return _root.Eval(values, ref state);
        }
    }

    /// <summary>The compiled fast path alone, for tests: false when it is absent or flagged a failure.</summary>
    internal bool TryRunFast(double[] values, out double result)
    {
        if (_delegate is not { } fast)
        {
            result = double.NaN;
            return false;
        }

        var failure = EvalFailure.None;
        result = fast(values, ref failure);
        return failure == EvalFailure.None;
    }

    /// <summary>Whether evaluation runs a compiled delegate rather than walking the node tree (simple shapes need neither).</summary>
    internal bool IsDelegateCompiled => _delegate is not null;

    /// <summary>The exception that stopped a background compilation, if one did (evaluation then stays on the node tree).</summary>
    internal Exception? CompilationFailure { get; private set; }

    /// <summary>
    /// Compiles the node tree to a delegate now, on this thread (normally it happens in the background once the
    /// expression has been evaluated <see cref="ExpressionOptions.CompileAfterEvaluations"/> times). Returns false for
    /// the simple shapes, which need no delegate, and where the runtime cannot generate code.
    /// </summary>
    internal bool CompileToDelegate()
    {
        if (_shape != Shape.Tree || !RuntimeFeature.IsDynamicCodeCompiled)
        {
            return false;
        }

        if (_delegate is null)
        {
            // Published once, fully built; readers see either null (and use the tree) or the finished delegate.
            Volatile.Write(ref _delegate, FastEmitter.Compile(_root));
        }

        return true;
    }

    /// <summary>The background compilation, once it has been started (tests await it).</summary>
    internal Task? BackgroundCompilation { get; private set; }

    private void CountEvaluation()
    {
        if (_compileAfter > 0 && ++_evaluations >= _compileAfter && _compileRequested == 0
            && Interlocked.Exchange(ref _compileRequested, 1) == 0)
        {
            BackgroundCompilation = Task.Factory.StartNew(
                static expression => ((CompiledExpression)expression!).CompileInBackground(), this,
                CancellationToken.None, TaskCreationOptions.DenyChildAttach, TaskScheduler.Default);
        }
    }

    private void CompileInBackground()
    {
        try
        {
            CompileToDelegate();
        }
#pragma warning disable CA1031 // An optimisation that fails must not take the process down; the tree keeps evaluating correctly.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            CompilationFailure = exception;
        }
    }

    /// <summary>The context's values, after checking the context belongs to this expression's table.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double[] ValuesOf(ExpressionContext context)
    {
        if (context is null || !ReferenceEquals(context.Variables, Table))
        {
            ThrowBadContext(context);
        }

        return context.Values;
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowBadContext(ExpressionContext? context)
    {
        ArgumentNullException.ThrowIfNull(context);
        throw new ArgumentException(
            $"The context was created over a different VariableTable than the one expression '{Text}' was compiled with; " +
            "create contexts from the table the expressions were compiled against.", nameof(context));
    }

    /// <summary>Describes why an evaluation failed: the recorded failure, else a final value that is not finite.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public ExpressionError CreateError(in EvalState state, double result)
    {
        static string F(double x) => PythonNumber.Format(x);
        static string Base(double x) => x < 0 || double.IsNegative(x) ? $"({PythonNumber.Format(x)})" : PythonNumber.Format(x);
        static string Name(MathFunction f) => f switch
        {
            MathFunction.Log => "log",
            MathFunction.Log10 => "log10",
            MathFunction.Log2 => "log2",
            MathFunction.Sqrt => "sqrt",
            MathFunction.Exp => "exp",
            MathFunction.Ceil => "ceil",
            MathFunction.Floor => "floor",
            _ => f.ToString(),
        };

        switch (state.Failure)
        {
            case EvalFailure.None when double.IsNaN(result):
                return new ExpressionError(
                    "Result is not a number (NaN): an operation on infinite or NaN values has no defined result",
                    0) { Kind = ExpressionErrorKind.NotANumber };
            case EvalFailure.None:
                return new ExpressionError(
                    $"Result is infinite ({F(result)}): the value overflows the range of a 64-bit float (about ±1.8e308)",
                    0) { Kind = ExpressionErrorKind.Overflow };
            case EvalFailure.UndefinedVariable:
                var name = Table.NameOf(state.Slot);
                return new ExpressionError($"Variable '{name}' not defined in context", state.Column, name)
                { Kind = ExpressionErrorKind.UndefinedVariable };
            case EvalFailure.DivisionByZero:
            case EvalFailure.FloorDivisionByZero:
                return new ExpressionError("Division by zero", state.Column) { Kind = ExpressionErrorKind.DivisionByZero };
            case EvalFailure.ZeroToNegativePower:
                return new ExpressionError(
                    $"Division by zero: 0.0 cannot be raised to a negative power ({Base(state.Left)} ** {F(state.Right)})",
                    state.Column) { Kind = ExpressionErrorKind.DivisionByZero };
            case EvalFailure.LogBaseOne:
                return new ExpressionError(
                    "Division by zero: float division by zero in log(x, 1), since log(1) is 0",
                    state.Column) { Kind = ExpressionErrorKind.DivisionByZero };
            case EvalFailure.ModuloByZero:
                return new ExpressionError("Modulo by zero", state.Column) { Kind = ExpressionErrorKind.ModuloByZero };
            case EvalFailure.ExponentTooLarge:
                return new ExpressionError(
                    $"Exponent too large: {F(state.Right)} (the exponent's absolute value may be at most 100)",
                    state.Column) { Kind = ExpressionErrorKind.ExponentTooLarge };
            case EvalFailure.ComplexResult:
                return new ExpressionError(
                    $"Complex result: {Base(state.Left)} ** {F(state.Right)} raises a negative number to a fractional power",
                    state.Column) { Kind = ExpressionErrorKind.ComplexResult };
            case EvalFailure.PowerOverflow:
                return new ExpressionError(
                    $"Numerical result out of range: {Base(state.Left)} ** {F(state.Right)} is too large for a 64-bit float",
                    state.Column) { Kind = ExpressionErrorKind.Overflow };
            case EvalFailure.MathDomain:
                var why = state.Function == MathFunction.Sqrt ? "the argument must not be negative" : "the argument must be positive";
                return new ExpressionError(
                    $"math domain error: {Name(state.Function)}({F(state.Left)}); {why}",
                    state.Column) { Kind = ExpressionErrorKind.MathDomain };
            case EvalFailure.MathRange:
                return new ExpressionError(
                    $"math range error: {Name(state.Function)}({F(state.Left)}) is too large for a 64-bit float",
                    state.Column) { Kind = ExpressionErrorKind.Overflow };
            case EvalFailure.IntegerFromInfinity:
                return new ExpressionError(
                    $"cannot convert float infinity to integer: {Name(state.Function)}({F(state.Left)})",
                    state.Column) { Kind = ExpressionErrorKind.Overflow };
            default:
                return new ExpressionError(
                    $"cannot convert float NaN to integer: {Name(state.Function)}({F(state.Left)})",
                    state.Column) { Kind = ExpressionErrorKind.MathDomain };
        }
    }
}
