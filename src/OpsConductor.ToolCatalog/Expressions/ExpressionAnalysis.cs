namespace OpsConductor.ToolCatalog.Expressions;

/// <summary>
/// Checks an expression without a <see cref="VariableTable"/> or a context: whether it compiles (and if not, why and
/// where), which variables it needs, whether it is constant, and how deep it nests. For validators and editors.
/// </summary>
internal static class ExpressionAnalysis
{
    private static readonly VariableTable ConstantTable = VariableTable.CreateDefault();
    private static readonly ExpressionContext ConstantContext = new(ConstantTable);

    /// <summary>Analyses <paramref name="text"/> as an estimate (the default) or a condition, with the given limits.</summary>
    public static ExpressionFacts Analyze(string text, ExpressionLanguage language = ExpressionLanguage.Estimate, ExpressionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        options ??= ExpressionOptions.Default;
        options.Validate();
        ParsedExpression parsed;
        try
        {
            parsed = Parser.Parse(text, language, options);
        }
        catch (CompileFailure failure)
        {
            return new ExpressionFacts { Text = text, Language = language, Error = failure.Error };
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
            return facts;
        }

        // A constant expression has no variables, so compiling it adds nothing to the shared table, and evaluating it
        // reads nothing from the shared context.
        var compiled = CompiledExpression.Create(text, ConstantTable, language, options);
        var state = default(EvalState);
        var value = compiled.Run(ConstantContext.Values, ref state);
        return state.Failure == EvalFailure.None && double.IsFinite(value)
            ? facts with { ConstantValue = language == ExpressionLanguage.Condition ? (value != 0 ? 1 : 0) : value }
            : facts with { ConstantError = compiled.CreateError(in state, value) };
    }
}
