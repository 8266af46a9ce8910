using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using OpsConductor.ToolCatalog.Compatibility;

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
    private readonly int _stepSlot;
    private readonly double _stepDivisor;
    private readonly double _stepScale;
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
                if (AsStep(root) is { } step)
                {
                    // offset + k*ceil(y/d), computed as written; a missing offset adds 0 (turning a -0.0 into 0.0).
                    _shape = Shape.Step;
                    (_stepSlot, _stepDivisor, _stepScale, _offset) = step;
                }
                else if (root is AddNode add && AsStepAndAffine(add.Left, add.Right) is { } sum)
                {
                    // k*ceil(y/d) + (offset + s*x): IEEE addition commutes exactly, so either order of the sum is this.
                    _shape = Shape.StepAffine;
                    (_stepSlot, _stepDivisor, _stepScale, _slot, _offset, _scale) = sum;
                }

                break;
        }
    }

    /// <summary>
    /// <c>ceil(y / d)</c>, <c>k * ceil(y / d)</c> and either plus a constant, for a variable y and non-zero constants: the
    /// corpus's second most common shape after the affine one (batches of hosts, packets, …).
    /// </summary>
    private static (int Slot, double Divisor, double Scale, double Offset)? AsStep(EvalNode node)
    {
        var offset = 0.0;
        if (node is AddConstNode add)
        {
            (node, offset) = (add.Operand, add.Constant);
        }

        return AsStepTerm(node) is { } term ? (term.Slot, term.Divisor, term.Scale, offset) : null;
    }

    private static (int Slot, double Divisor, double Scale)? AsStepTerm(EvalNode node)
    {
        var scale = 1.0;
        if (node is MultiplyConstNode multiply)
        {
            (node, scale) = (multiply.Operand, multiply.Constant);
        }

        return node is FunctionNode { Function: MathFunction.Ceil } ceil
            ? ceil.Operand switch
            {
                VarDivideByConstNode divide => (divide.Slot, divide.Constant, scale),
                VarNode variable => (variable.Slot, 1.0, scale),
                _ => null,
            }
            : null;
    }

    /// <summary><c>k * ceil(y / d) + (a + b*x)</c> in either order (the issue's <c>300 * ceil(N / 100) + 5 * N</c>).</summary>
    private static (int StepSlot, double Divisor, double StepScale, int Slot, double Offset, double Scale)? AsStepAndAffine(EvalNode left, EvalNode right)
    {
        if (AsStepTerm(left) is not { } step)
        {
            (left, right) = (right, left);
            if (AsStepTerm(left) is not { } swapped)
            {
                return null;
            }

            step = swapped;
        }

        return right switch
        {
            VarNode v => (step.Slot, step.Divisor, step.Scale, v.Slot, 0, 1),
            ScaleNode s => (step.Slot, step.Divisor, step.Scale, s.Slot, 0, s.Scale),
            AffineNode a => (step.Slot, step.Divisor, step.Scale, a.Slot, a.Offset, a.Scale),
            _ => null,
        };
    }

    /// <summary>How <see cref="TryRun"/> evaluates: the inline shapes need no call; the tree may be compiled to a delegate.</summary>
    private enum Shape : byte
    {
        Affine,
        Constant,
        Step,
        StepAffine,
        Tree,
    }

    public string Text { get; }

    public VariableTable Table { get; }

    public IReadOnlyList<string> Variables { get; }

    public int Depth { get; }

    public bool IsConstant => Variables.Count == 0;

    /// <summary>
    /// For the affine and step-affine shapes, <c>[k * ceil(y / d) +] (offset + scale * x)</c>: the table (else null) and
    /// the parameters, so that <see cref="EstimateExpression"/> can test "right table and inline shape" with one
    /// comparison on its hot path. <c>HasStep</c> says whether the ceiling term is there.
    /// </summary>
    public InlineForm Inline => _shape switch
    {
        Shape.Affine => new(Table, _offset, _scale, _slot, HasStep: false, 0, 1, 0),
        Shape.StepAffine => new(Table, _offset, _scale, _slot, HasStep: true, _stepScale, _stepDivisor, _stepSlot),
        _ => default,
    };

    internal readonly record struct InlineForm(
        VariableTable? Table, double Offset, double Scale, int Slot, bool HasStep, double StepScale, double StepDivisor, int StepSlot);

    /// <summary>Parses, checks and compiles; throws <see cref="CompileFailure"/> on the first problem.</summary>
    public static CompiledExpression Create(string text, VariableTable table, ExpressionLanguage language, ExpressionOptions options) =>
        TryCreate(text, table, language, options, out var compiled, out var error) ? compiled : throw new CompileFailure(error);

    /// <summary>Parses, checks and compiles: true with the expression, or false with the first problem (no exception).</summary>
    public static bool TryCreate(
        string text, VariableTable table, ExpressionLanguage language, ExpressionOptions options,
        [NotNullWhen(true)] out CompiledExpression? compiled, [NotNullWhen(false)] out ExpressionError? error)
    {
        if (!Parser.TryParse(text, language, options, out var parsed, out error))
        {
            compiled = null;
            return false;
        }

        compiled = new CompiledExpression(text, table, parsed, Compiler.Compile(parsed.Root, table), options.CompileAfterEvaluations);
        return true;
    }

    /// <summary>
    /// The hot path: true with a finite result when evaluation succeeds; false when anything failed, in which case
    /// <see cref="Explain"/> says what. The inline shapes run in the caller's code; other expressions call the compiled
    /// fast path once there is one, otherwise the node tree. Every failure arrives here as a value that is not finite (a
    /// missing variable reads as a NaN and propagates; the delegate and the tree return NaN), so one check decides.
    /// </summary>
    /// <remarks>
    /// Nothing here takes the address of a local: a <c>ref</c> or <c>out</c> local would live on the stack of every caller
    /// this is inlined into and be written on each evaluation.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryRun(double[] values, out double result)
    {
        // A switch (a jump table, or with dynamic PGO the hottest shape tested first) rather than a chain of tests.
        double r;
        switch (_shape)
        {
            case Shape.Affine:
                r = _offset + (_scale * ExpressionContext.RawLoad(values, _slot));
                break;
            case Shape.Constant:
                r = _offset;
                break;
            case Shape.StepAffine:
                // ceil of a non-finite quotient is non-finite, and stays so through k* and +: the tree then names the error.
                r = (_stepScale * Math.Ceiling(ExpressionContext.RawLoad(values, _stepSlot) / _stepDivisor))
                    + (_offset + (_scale * ExpressionContext.RawLoad(values, _slot)));
                break;
            case Shape.Step:
                r = _offset + (_stepScale * Math.Ceiling(ExpressionContext.RawLoad(values, _stepSlot) / _stepDivisor));
                break;
            default:
                r = _delegate is { } fast ? fast(values) : RunTree(values);
                break;
        }

        result = r;
        return double.IsFinite(r);
    }

    /// <summary>The node tree, counting towards compilation: the value, or NaN when a failure was recorded.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private double RunTree(double[] values)
    {
        var state = default(EvalState);
        var result = Run(values, ref state);
        return state.Failure == EvalFailure.None ? result : double.NaN;
    }

    /// <summary>
    /// The slow path after <see cref="TryRun"/> returned false: evaluates the node tree, which records the first
    /// failure in Python's order with its column. The tree can succeed where the fast path gave up (a missing variable
    /// that short-circuiting never reads), so the result may still be a value (with no error).
    /// </summary>
    /// <remarks>
    /// Returned as a pair rather than through <c>out</c> parameters, so that the callers' own <c>out</c> locals, into
    /// which <see cref="TryRun"/> is inlined, never have their address taken and stay in registers on the hot path.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public (double Value, ExpressionError? Error) Explain(double[] values)
    {
        var state = default(EvalState);
        var result = Run(values, ref state, count: false);
        return state.Failure == EvalFailure.None && double.IsFinite(result) ? (result, null) : (double.NaN, CreateError(in state, result));
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
                if (count && _shape == Shape.Tree)
                {
                    CountEvaluation();
                }

                return _root.Eval(values, ref state);
        }
    }

    /// <summary>The compiled fast path alone, for tests: false when it is absent or its result is not finite (a failure).</summary>
    internal bool TryRunFast(double[] values, out double result)
    {
        if (_delegate is not { } fast)
        {
            result = double.NaN;
            return false;
        }

        result = fast(values);
        return double.IsFinite(result);
    }

    /// <summary>Whether evaluation runs inline in the caller (constant, affine and ceiling-step shapes), for tests.</summary>
    internal bool IsInlineShape => _shape != Shape.Tree;

    /// <summary>The compiled delegate once there is one (only ever for the tree shape), else null.</summary>
    internal FastEvaluator? FastPath => _delegate;

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
    public double[] ValuesOf(ExpressionContext? context)
    {
        // The table is read first so that this object's null check is the read itself, not a separate instruction.
        var table = Table;
        if (context is null || !ReferenceEquals(context.Variables, table))
        {
            ThrowBadContext(context);
        }

        return context.Values;
    }

    // Not marked NoInlining: the JIT sees that it never returns, keeps the call out of the hot path and does not preserve
    // the caller's registers across it.
    [DoesNotReturn]
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
        static string F(double x) => PythonRepr.Float(x);
        static string Base(double x) => x < 0 || double.IsNegative(x) ? $"({PythonRepr.Float(x)})" : PythonRepr.Float(x);
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
