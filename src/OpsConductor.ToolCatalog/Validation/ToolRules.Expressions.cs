using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Validation;

internal sealed partial class ToolRules
{
    // Expression syntax is not checked yet: the expression engine (issue 3) wires its parser in here.
    // Report problems with BeyondAt(ValidationCodes.PatternExpression, path, position, message) (add the
    // error's offset to position.Column for a plain or quoted one-line scalar).
    private partial void CheckExpressionSyntax(string text, string path, SourceMark position, ExpressionRole role, string where)
    {
        _ = (text, path, position, role, where);
        _ = (Action<string, string, SourceMark, string>)BeyondAt;
    }
}
