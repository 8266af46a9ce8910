namespace OpsConductor.ToolCatalog.Expressions;

/// <summary>Which of the two expression languages a text is checked against.</summary>
public enum ExpressionLanguage
{
    /// <summary>Arithmetic estimates (<c>time_estimate_ms</c>, <c>cost_estimate</c>): the original evaluator's language.</summary>
    Estimate = 0,

    /// <summary>Policy conditions (<c>requires_background_if</c>): estimates plus comparisons, <c>and</c>, <c>or</c>, <c>not</c>.</summary>
    Condition = 1,
}
