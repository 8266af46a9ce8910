using OpsConductor.ToolCatalog.Expressions;

namespace OpsConductor.ToolCatalog.Tests.Expressions;

/// <summary>
/// Compile errors flow as values (<see cref="Parser.TryParse"/>), not exceptions. These tests pin which error wins when
/// an expression has several (the order the throwing compiler had: too long, then the tokenizer's syntax error, then the
/// parser's syntax error or a construct refused at once, then the leftmost construct outside the language, then too deep,
/// then a wrong argument count), and check that the throwing wrapper and the public entry points report the same error.
/// </summary>
public sealed class CompileErrorPathTests
{
    [TestCase("print(1) + (", ExpressionLanguage.Estimate, 500, 20, ExpressionErrorKind.Syntax, 12, "Invalid expression syntax: '(' was never closed")]
    [TestCase("not N and N is 1 and (", ExpressionLanguage.Condition, 500, 20, ExpressionErrorKind.Syntax, 22, "Invalid expression syntax: '(' was never closed")]
    [TestCase("~N + min(N) + 0x", ExpressionLanguage.Condition, 500, 20, ExpressionErrorKind.Syntax, 17, "Invalid expression syntax: invalid hexadecimal literal")]
    [TestCase("print(1) + 2 3", ExpressionLanguage.Estimate, 500, 20, ExpressionErrorKind.Syntax, 14, "Invalid expression syntax: unexpected '3'; an operator may be missing")]
    [TestCase("print(1) if N > 2 else (N 3)", ExpressionLanguage.Condition, 500, 20, ExpressionErrorKind.Syntax, 27, "Invalid expression syntax: unexpected '3'; ')' must close the '(' at column 24")]
    [TestCase("max(N.x, lambda: 1)", ExpressionLanguage.Estimate, 500, 20, ExpressionErrorKind.NotAllowed, 10, "AST node type Lambda not allowed: there are no functions to define")]
    [TestCase("N.x + [y for y in z]", ExpressionLanguage.Estimate, 500, 20, ExpressionErrorKind.NotAllowed, 10, "AST node type ListComp not allowed: there are no comprehensions")]
    [TestCase("max(N := 1, 2)", ExpressionLanguage.Estimate, 500, 20, ExpressionErrorKind.NotAllowed, 7, "AST node type NamedExpr not allowed: ':=' assigns, and expressions cannot assign")]
    [TestCase("sqrt(1, 2) + print(3)", ExpressionLanguage.Estimate, 500, 20, ExpressionErrorKind.NotAllowed, 14, "Function print not allowed (allowed functions: log, log10, log2, sqrt, min, max, abs, ceil, floor, exp)")]
    [TestCase("sqrt(1, 2) + 1 * 2", ExpressionLanguage.Estimate, 500, 1, ExpressionErrorKind.TooDeep, 6, "Expression too deeply nested (max depth: 1)")]
    [TestCase("sqrt(1, 2) + 1 * 2", ExpressionLanguage.Estimate, 500, 20, ExpressionErrorKind.WrongArgumentCount, 1, "Function sqrt takes exactly 1 argument, got 2")]
    [TestCase("((((", ExpressionLanguage.Estimate, 3, 20, ExpressionErrorKind.TooLong, 4, "Expression too long: 4 characters (max length: 3)")]
    [TestCase("max(1 2)", ExpressionLanguage.Estimate, 500, 20, ExpressionErrorKind.Syntax, 7, "Invalid expression syntax: unexpected '2'; ',' or ')' must follow a function argument")]
    [TestCase("N[1 2]", ExpressionLanguage.Estimate, 500, 20, ExpressionErrorKind.Syntax, 5, "Invalid expression syntax: unexpected '2'; ',' or ']' must follow an index")]
    [TestCase("N[]", ExpressionLanguage.Estimate, 500, 20, ExpressionErrorKind.Syntax, 3, "Invalid expression syntax: unexpected ']'; an index must appear between '[' and ']'")]
    [TestCase("{1: 2 3}", ExpressionLanguage.Estimate, 500, 20, ExpressionErrorKind.Syntax, 7, "Invalid expression syntax: unexpected '3'; '}' must close the '{' at column 1")]
    [TestCase("(1 if 2)", ExpressionLanguage.Estimate, 500, 20, ExpressionErrorKind.Syntax, 8, "Invalid expression syntax: unexpected ')'; 'else' must follow the condition of 'x if c else y'")]
    [TestCase("N.", ExpressionLanguage.Estimate, 500, 20, ExpressionErrorKind.Syntax, 3, "Invalid expression syntax: unexpected end of expression; a name must follow '.'")]
    [TestCase("1 +", ExpressionLanguage.Estimate, 500, 20, ExpressionErrorKind.Syntax, 4, "Invalid expression syntax: unexpected end of expression; a number, a variable, a function call or '(' is expected here")]
    [TestCase("", ExpressionLanguage.Estimate, 500, 20, ExpressionErrorKind.Syntax, 1, "Invalid expression syntax: the expression is empty")]
    [TestCase("N +\n 1", ExpressionLanguage.Estimate, 500, 20, ExpressionErrorKind.Syntax, 6, "Invalid expression syntax: an expression must be on one line (wrap it in parentheses to continue it on the next line)")]
    public void The_first_error_wins_in_the_same_order_as_before(
        string text, ExpressionLanguage language, int maxLength, int maxDepth, ExpressionErrorKind kind, int column, string message)
    {
        var options = new ExpressionOptions { MaxLength = maxLength, MaxDepth = maxDepth };
        Assert.That(Parser.TryParse(text, language, options, out var parsed, out var error), Is.False);
        Assert.That(parsed, Is.Null);
        Assert.That(error, Is.EqualTo(new ExpressionError(message, column) { Kind = kind }));
        Assert.That(ExpressionAnalysis.Analyze(text, language, options).Error, Is.EqualTo(error));
        Assert.That(CompiledExpression.TryCreate(text, VariableTable.CreateDefault(), language, options, out _, out var created), Is.False);
        Assert.That(created, Is.EqualTo(error));
    }

    [Test]
    public void The_non_throwing_path_gives_the_error_the_throwing_wrapper_gives()
    {
        var random = new Random(20260312);
        var options = ExpressionOptions.Default;
        var kinds = new HashSet<ExpressionErrorKind>();
        for (var i = 0; i < 1500; i++)
        {
            var text = (i % 3) switch
            {
                0 => ExpressionFuzzTests.RandomCharacters(random),
                1 => ExpressionFuzzTests.Mutate(random, ExpressionFuzzTests.Seeds[random.Next(ExpressionFuzzTests.Seeds.Length)]),
                _ => ExpressionFuzzTests.Mutate(random, ExpressionFuzzTests.RandomExpression(random, 0)),
            };
            foreach (var language in new[] { ExpressionLanguage.Estimate, ExpressionLanguage.Condition })
            {
                var ok = Parser.TryParse(text, language, options, out var parsed, out var error);
                ExpressionError? thrown = null;
                ParsedExpression? returned = null;
                try
                {
                    returned = Parser.Parse(text, language, options);
                }
                catch (CompileFailure failure)
                {
                    thrown = failure.Error;
                }

                Assert.That(error, Is.EqualTo(thrown), text);
                Assert.That(ok, Is.EqualTo(thrown is null), text);
                Assert.That(parsed?.Depth, Is.EqualTo(returned?.Depth), text);
                Assert.That(parsed?.Variables, Is.EqualTo(returned?.Variables), text);
                if (error is not null)
                {
                    kinds.Add(error.Kind);
                }
            }
        }

        Assert.That(kinds, Is.SupersetOf(new[] { ExpressionErrorKind.Syntax, ExpressionErrorKind.NotAllowed, ExpressionErrorKind.WrongArgumentCount }));
    }
}
