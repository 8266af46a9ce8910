using OpsConductor.ToolCatalog.Compatibility;

namespace OpsConductor.ToolCatalog.Expressions;

/// <summary>
/// Checks an expression without a <see cref="VariableTable"/> or a context: whether it compiles (and if not, why and
/// where), which variables it needs, whether it is constant, and how deep it nests. For validators and editors.
/// </summary>
public static class ExpressionAnalysis
{
    private static readonly VariableTable ConstantTable = VariableTable.CreateDefault();
    private static readonly ExpressionContext ConstantContext = new(ConstantTable);

    /// <summary>Analyses <paramref name="text"/> as an estimate (the default) or a condition, with the given limits.</summary>
    public static ExpressionFacts Analyze(string text, ExpressionLanguage language = ExpressionLanguage.Estimate, ExpressionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        options ??= ExpressionOptions.Default;
        options.Validate();
        if (!Parser.TryParse(text, language, options, out var parsed, out var parseError))
        {
            return new ExpressionFacts { Text = text, Language = language, Error = parseError };
        }

        var facts = new ExpressionFacts
        {
            Text = text,
            Language = language,
            Variables = parsed.Variables,
            Depth = parsed.Depth,
            IsConstant = parsed.Variables.Count == 0,
        };
        if (!facts.IsConstant)
        {
            return FindCertainFailure(parsed.Root, parsed.Root.WithVariables()) is { } failure
                ? facts with { FailsForEveryInput = CompiledExpression.Create(text, VariableTable.CreateDefault(), language, options).CreateError(in failure.State, failure.Value) }
                : facts;
        }

        // A constant expression has no variables, so compiling it adds nothing to the shared table, and evaluating it
        // reads nothing from the shared context.
        var compiled = CompiledExpression.Create(text, ConstantTable, language, options);
        var state = default(EvalState);
        var value = compiled.Run(ConstantContext.Values, ref state);
        if (state.Failure == EvalFailure.None && double.IsFinite(value))
        {
            return facts with { ConstantValue = language == ExpressionLanguage.Condition ? (value != 0 ? 1 : 0) : value };
        }

        var error = compiled.CreateError(in state, value);
        return facts with { ConstantError = error, FailsForEveryInput = error };
    }

    /// <summary>
    /// Constant folding for errors: the first constant sub-expression that can never be evaluated (<c>1/0</c>,
    /// <c>9**9**9**9</c>, <c>log(0)</c>) and that every evaluation reaches, so that the whole expression fails whatever the
    /// variables are. Operands that are evaluated only sometimes are not looked into: the right of <c>and</c>/<c>or</c>
    /// after the first, and a comparison chain's operands after the first two (Python short-circuits both).
    /// </summary>
    private static (EvalState State, double Value)? FindCertainFailure(SyntaxNode node, HashSet<SyntaxNode> withVariables)
    {
        if (!withVariables.Contains(node))
        {
            var state = default(EvalState);
            var value = Compiler.Compile(node, ConstantTable).Eval([], ref state);
            return state.Failure == EvalFailure.None ? null : (state, value);
        }

        var always = node switch
        {
            BooleanNode b => new ReadOnlySpan<SyntaxNode>(b.Values, 0, 1),
            CompareNode c => new ReadOnlySpan<SyntaxNode>(c.Operands, 0, Math.Min(2, c.Operands.Length)),
            _ => node.Children,
        };
        foreach (var child in always)
        {
            if (FindCertainFailure(child, withVariables) is { } failure)
            {
                return failure;
            }
        }

        return null;
    }
}
