using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace OpsConductor.ToolCatalog.Expressions;

/// <summary>The checked result of parsing: the syntax tree and its static facts.</summary>
internal sealed record ParsedExpression(SyntaxNode Root, IReadOnlyList<string> Variables, int Depth);

/// <summary>
/// A recursive-descent parser for Python's expression grammar, producing a tree of the language's own nodes only.
/// </summary>
/// <remarks>
/// <para>
/// It reads the whole of Python's expression syntax (attribute access, subscripts, strings, lambdas, comprehensions,
/// bitwise operators, …) so that, like the original, a syntax error anywhere is reported as a syntax error, and any
/// construct outside the whitelist is reported by name ("Function print not allowed", "AST node type Attribute not
/// allowed"). Such constructs never reach the tree: the parser records the leftmost one in <c>_notAllowed</c> and
/// returns a placeholder, and goes on so that a later syntax error still wins. A few constructs (lambda, comprehensions,
/// <c>:=</c>, <c>await</c>, <c>yield</c>) are refused at once, like syntax errors.
/// </para>
/// <para>
/// Errors are values, not exceptions. A syntax error (or a construct refused at once) is recorded in <c>_error</c> by
/// <see cref="Fail"/>, which returns a placeholder; the caller returns it at once. From then on <see cref="Current"/> (and
/// <see cref="Peek"/>) is the end-of-input token, so no loop goes round again (each one stops at the end of input, or
/// reaches its own error check and returns), nothing recurses further, and only the first error is kept: the one the
/// parser meets first, reading left to right, which is the one the compiler used to throw.
/// </para>
/// <para>
/// Recursion is bounded: unary operators, <c>**</c> chains, binary operators, comparison and boolean chains and
/// conditional-expression chains are parsed with loops, so the parser only recurses into brackets, whose nesting the
/// lexer limits to 200. The depth limit is checked on the finished tree (each node carries its height).
/// </para>
/// </remarks>
internal sealed class Parser
{
    private const int MaxRecursion = Lexer.MaxBracketNesting + 8;

    private static readonly string AllowedFunctions = "log, log10, log2, sqrt, min, max, abs, ceil, floor, exp";

    private readonly string _text;
    private readonly List<Token> _tokens;
    private readonly ExpressionLanguage _language;
    private readonly List<string> _variables = [];
    private ExpressionError? _notAllowed;
    private ExpressionError? _wrongArguments;
    private ExpressionError? _error;
    private int _index;
    private int _recursion;

    private Parser(string text, List<Token> tokens, ExpressionLanguage language)
    {
        _text = text;
        _tokens = tokens;
        _language = language;
    }

    /// <summary>The current token; after the first error, the end-of-input token (see the remarks).</summary>
    private Token Current => _error is null ? _tokens[_index] : _tokens[^1];

    /// <summary>Parses and checks <paramref name="text"/>; throws <see cref="CompileFailure"/> with the first problem.</summary>
    public static ParsedExpression Parse(string text, ExpressionLanguage language, ExpressionOptions options) =>
        TryParse(text, language, options, out var parsed, out var error) ? parsed : throw new CompileFailure(error);

    /// <summary>
    /// Parses and checks <paramref name="text"/>: true with the tree, or false with the first problem, in this order: too
    /// long; a syntax error (the tokenizer's, then the parser's, including a construct refused at once); the leftmost
    /// construct outside the language; too deep; the leftmost wrong number of arguments.
    /// </summary>
    public static bool TryParse(
        string text, ExpressionLanguage language, ExpressionOptions options,
        [NotNullWhen(true)] out ParsedExpression? parsed, [NotNullWhen(false)] out ExpressionError? error)
    {
        parsed = null;
        if (text.Length > options.MaxLength)
        {
            error = new ExpressionError(
                string.Create(CultureInfo.InvariantCulture, $"Expression too long: {text.Length} characters (max length: {options.MaxLength})"),
                options.MaxLength + 1) { Kind = ExpressionErrorKind.TooLong };
            return false;
        }

        if (!Lexer.TryTokenize(text, out var tokens, out error))
        {
            return false;
        }

        var parser = new Parser(text, tokens, language);
        var root = parser.ParseTop();
        error = parser._error ?? parser._notAllowed;
        if (error is null && root.Height > options.MaxDepth)
        {
            var column = FirstNodeAtDepth(root, 0, options.MaxDepth + 1)?.Column ?? root.Column;
            error = new ExpressionError(
                string.Create(CultureInfo.InvariantCulture, $"Expression too deeply nested (max depth: {options.MaxDepth})"),
                column) { Kind = ExpressionErrorKind.TooDeep };
        }

        error ??= parser._wrongArguments;
        if (error is not null)
        {
            return false;
        }

        parsed = new ParsedExpression(root, parser._variables, root.Height);
        return true;
    }

    /// <summary>The first node in pre-order at <paramref name="target"/> depth: where the original raised its depth error.</summary>
    private static SyntaxNode? FirstNodeAtDepth(SyntaxNode node, int depth, int target)
    {
        if (depth == target)
        {
            return node;
        }

        foreach (var child in node.Children)
        {
            if (child.Height + depth + 1 >= target && FirstNodeAtDepth(child, depth + 1, target) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    private SyntaxNode ParseTop()
    {
        if (Current.Kind == TokenKind.End)
        {
            return Fail(CompileFailure.SyntaxError(Current.Start, "the expression is empty"));
        }

        var root = ParseExpression();
        if (Current.Kind == TokenKind.Comma)
        {
            NotAllowed(Current, "AST node type Tuple not allowed: a comma outside a function call makes a tuple");
            while (Current.Kind == TokenKind.Comma)
            {
                _index++;
                if (Current.Kind == TokenKind.End)
                {
                    break;
                }

                ParseExpression();
            }
        }

        if (Current.Kind != TokenKind.End)
        {
            return Fail(Unexpected(Current, "an operator may be missing"));
        }

        return root;
    }

    // expression: disjunction ['if' disjunction 'else' expression] | lambda
    private SyntaxNode ParseExpression()
    {
        if (++_recursion > MaxRecursion)
        {
            return Fail(CompileFailure.SyntaxError(Current.Start, "too many nested parentheses"));
        }

        SyntaxNode? first = null;
        while (true)
        {
            if (Current.Is(Keyword.Lambda))
            {
                return Fail(NotAllowedError(Current, "AST node type Lambda not allowed: there are no functions to define"));
            }

            var value = ParseDisjunction();
            first ??= value;
            if (!Current.Is(Keyword.If))
            {
                break;
            }

            NotAllowed(Current, "AST node type IfExp not allowed: there are no conditional expressions (x if c else y)");
            _index++;
            ParseDisjunction();
            if (!Current.Is(Keyword.Else))
            {
                return Fail(Unexpected(Current, "'else' must follow the condition of 'x if c else y'"));
            }

            _index++;
        }

        _recursion--;
        return first;
    }

    private SyntaxNode ParseNamedExpression()
    {
        if (Current.Kind == TokenKind.Name && Peek(1).Kind == TokenKind.ColonEqual)
        {
            return Fail(NotAllowedError(Peek(1), "AST node type NamedExpr not allowed: ':=' assigns, and expressions cannot assign"));
        }

        return ParseExpression();
    }

    private Token Peek(int offset) => _error is null ? _tokens[Math.Min(_index + offset, _tokens.Count - 1)] : _tokens[^1];

    private SyntaxNode ParseDisjunction() => ParseBoolean(isAnd: false);

    private SyntaxNode ParseBoolean(bool isAnd)
    {
        var keyword = isAnd ? Keyword.And : Keyword.Or;
        var first = isAnd ? ParseInversion() : ParseBoolean(isAnd: true);
        if (!Current.Is(keyword))
        {
            return first;
        }

        var column = Current.Column;
        if (_language == ExpressionLanguage.Estimate)
        {
            NotAllowed(Current, $"AST node type BoolOp not allowed: '{(isAnd ? "and" : "or")}' belongs in policy conditions (requires_background_if), not in estimates");
        }

        var values = new List<SyntaxNode> { first };
        while (Current.Is(keyword))
        {
            _index++;
            values.Add(isAnd ? ParseInversion() : ParseBoolean(isAnd: true));
        }

        return new BooleanNode(column, isAnd, [.. values]);
    }

    private SyntaxNode ParseInversion()
    {
        List<int>? columns = null;
        while (Current.Is(Keyword.Not))
        {
            if (_language == ExpressionLanguage.Estimate)
            {
                NotAllowed(Current, "Operation Not not allowed: 'not' belongs in policy conditions (requires_background_if), not in estimates");
            }

            (columns ??= []).Add(Current.Column);
            _index++;
        }

        var node = ParseComparison();
        if (columns is not null)
        {
            for (var i = columns.Count - 1; i >= 0; i--)
            {
                node = new UnaryNode(columns[i], UnaryOperator.Not, node);
            }
        }

        return node;
    }

    private SyntaxNode ParseComparison()
    {
        var first = ParseBinaryChain();
        List<SyntaxNode>? operands = null;
        List<CompareOperator>? operators = null;
        List<int>? columns = null;
        while (true)
        {
            var token = Current;
            CompareOperator op;
            switch (token.Kind)
            {
                case TokenKind.Less:
                    op = CompareOperator.Less;
                    break;
                case TokenKind.LessEqual:
                    op = CompareOperator.LessEqual;
                    break;
                case TokenKind.Greater:
                    op = CompareOperator.Greater;
                    break;
                case TokenKind.GreaterEqual:
                    op = CompareOperator.GreaterEqual;
                    break;
                case TokenKind.EqualEqual:
                    op = CompareOperator.Equal;
                    break;
                case TokenKind.NotEqual:
                    op = CompareOperator.NotEqual;
                    break;
                case TokenKind.Name when token.Keyword is Keyword.In or Keyword.Is
                    || (token.Keyword == Keyword.Not && Peek(1).Is(Keyword.In)):
                    var word = token.Keyword == Keyword.Not ? "not in" : token.Keyword == Keyword.Is && Peek(1).Is(Keyword.Not) ? "is not" : Text(token);
                    NotAllowed(token, $"Comparison operator '{word}' not allowed: only <, <=, >, >=, == and != compare numbers");
                    _index += word.Contains(' ', StringComparison.Ordinal) ? 1 : 0;
                    op = CompareOperator.Equal;
                    break;
                default:
                    if (operands is null)
                    {
                        return first;
                    }

                    if (_language == ExpressionLanguage.Estimate)
                    {
                        NotAllowedAt(columns![0], "AST node type Compare not allowed: comparisons belong in policy conditions (requires_background_if), not in estimates");
                    }

                    return new CompareNode([.. operands], [.. operators!], [.. columns!]);
            }

            _index++;
            operands ??= [first];
            operators ??= [];
            columns ??= [];
            operators.Add(op);
            columns.Add(token.Column);
            operands.Add(ParseBinaryChain());
        }
    }

    private static int Precedence(TokenKind kind) => kind switch
    {
        TokenKind.Pipe => 1,
        TokenKind.Caret => 2,
        TokenKind.Ampersand => 3,
        TokenKind.LeftShift or TokenKind.RightShift => 4,
        TokenKind.Plus or TokenKind.Minus => 5,
        TokenKind.Star or TokenKind.Slash or TokenKind.DoubleSlash or TokenKind.Percent or TokenKind.At => 6,
        _ => 0,
    };

    /// <summary>The left-associative binary operators from <c>|</c> down to <c>*</c>, by operator precedence without recursion.</summary>
    private SyntaxNode ParseBinaryChain()
    {
        var first = ParseFactor();
        if (Precedence(Current.Kind) == 0)
        {
            return first;
        }

        var operands = new Stack<SyntaxNode>();
        var operators = new Stack<Token>();
        operands.Push(first);
        while (Precedence(Current.Kind) is var precedence and > 0)
        {
            var token = Current;
            var name = token.Kind switch
            {
                TokenKind.Pipe => "BitOr",
                TokenKind.Caret => "BitXor",
                TokenKind.Ampersand => "BitAnd",
                TokenKind.LeftShift => "LShift",
                TokenKind.RightShift => "RShift",
                TokenKind.At => "MatMult",
                _ => null,
            };
            if (name is not null)
            {
                NotAllowed(token, $"Operation {name} not allowed: '{Text(token)}' is not an arithmetic operator (allowed: + - * / // % **)");
            }

            while (operators.Count > 0 && Precedence(operators.Peek().Kind) >= precedence)
            {
                Reduce(operands, operators.Pop());
            }

            operators.Push(token);
            _index++;
            operands.Push(ParseFactor());
        }

        while (operators.Count > 0)
        {
            Reduce(operands, operators.Pop());
        }

        return operands.Pop();
    }

    private static void Reduce(Stack<SyntaxNode> operands, Token op)
    {
        var right = operands.Pop();
        var left = operands.Pop();
        BinaryOperator? binary = op.Kind switch
        {
            TokenKind.Plus => BinaryOperator.Add,
            TokenKind.Minus => BinaryOperator.Subtract,
            TokenKind.Star => BinaryOperator.Multiply,
            TokenKind.Slash => BinaryOperator.Divide,
            TokenKind.DoubleSlash => BinaryOperator.FloorDivide,
            TokenKind.Percent => BinaryOperator.Modulo,
            _ => null,
        };
        operands.Push(binary is { } b ? new BinaryNode(op.Column, b, left, right) : Placeholder(op));
    }

    // factor: ('+' | '-' | '~') factor | power;   power: primary ['**' factor]
    private SyntaxNode ParseFactor()
    {
        // Collected left to right, built right to left: prefixes[i] apply to primaries[i] ** (the rest).
        List<(List<Token>? Prefixes, SyntaxNode Primary, Token PowerToken)>? chain = null;
        while (true)
        {
            List<Token>? prefixes = null;
            while (Current.Kind is TokenKind.Plus or TokenKind.Minus or TokenKind.Tilde)
            {
                if (Current.Kind == TokenKind.Tilde)
                {
                    NotAllowed(Current, "Operation Invert not allowed: '~' is not an arithmetic operator (allowed: + - * / // % **)");
                }

                (prefixes ??= []).Add(Current);
                _index++;
            }

            if (Current.Is(Keyword.Await))
            {
                return Fail(NotAllowedError(Current, "AST node type Await not allowed"));
            }

            var primary = ParsePrimary();
            if (Current.Kind != TokenKind.DoubleStar)
            {
                var node = ApplyPrefixes(prefixes, primary);
                if (chain is null)
                {
                    return node;
                }

                for (var i = chain.Count - 1; i >= 0; i--)
                {
                    var (p, b, power) = chain[i];
                    node = ApplyPrefixes(p, new BinaryNode(power.Column, BinaryOperator.Power, b, node));
                }

                return node;
            }

            (chain ??= []).Add((prefixes, primary, Current));
            _index++;
        }
    }

    private static SyntaxNode ApplyPrefixes(List<Token>? prefixes, SyntaxNode node)
    {
        if (prefixes is null)
        {
            return node;
        }

        for (var i = prefixes.Count - 1; i >= 0; i--)
        {
            var token = prefixes[i];
            node = token.Kind switch
            {
                TokenKind.Minus => new UnaryNode(token.Column, UnaryOperator.Negate, node),
                TokenKind.Plus => new UnaryNode(token.Column, UnaryOperator.Plus, node),
                _ => Placeholder(token),
            };
        }

        return node;
    }

    // primary: atom ('.' NAME | '(' arguments ')' | '[' slices ']')*
    private SyntaxNode ParsePrimary()
    {
        var atomToken = Current;
        var node = ParseAtom();
        var isBareName = node is null;
        node ??= Placeholder(atomToken);
        var trailed = false;
        while (true)
        {
            var token = Current;
            if (token.Kind == TokenKind.Dot)
            {
                NotAllowed(token, "AST node type Attribute not allowed: there is no attribute access ('.name')");
                _index++;
                if (Current.Kind != TokenKind.Name || Current.Keyword != Keyword.None)
                {
                    return Fail(Unexpected(Current, "a name must follow '.'"));
                }

                _index++;
            }
            else if (token.Kind == TokenKind.LeftParen)
            {
                node = ParseCall(isBareName && !trailed ? atomToken : null, token);
            }
            else if (token.Kind == TokenKind.LeftBracket)
            {
                NotAllowed(token, "AST node type Subscript not allowed: there is no indexing ('[...]')");
                ParseSubscript();
                node = Placeholder(token);
            }
            else
            {
                break;
            }

            trailed = true;
        }

        if (isBareName && !trailed)
        {
            return NameValue(atomToken);
        }

        return node;
    }

    /// <summary>A name used as a value: a variable, the constants <c>pi</c> and <c>e</c>, or a function that was not called.</summary>
    private SyntaxNode NameValue(Token token)
    {
        var name = Text(token);
        switch (name)
        {
            case "pi":
                return new NumberNode(token.Column, Math.PI);
            case "e":
                return new NumberNode(token.Column, Math.E);
        }

        if (FunctionOf(name) is not null)
        {
            NotAllowed(token, $"Function {name} not allowed as a value: call it, e.g. {name}(N)");
            return Placeholder(token);
        }

        if (!_variables.Contains(name))
        {
            _variables.Add(name);
        }

        return new VariableNode(token.Column, name);
    }

    private static MathFunction? FunctionOf(string name) => name switch
    {
        "log" => MathFunction.Log,
        "log10" => MathFunction.Log10,
        "log2" => MathFunction.Log2,
        "sqrt" => MathFunction.Sqrt,
        "min" => MathFunction.Min,
        "max" => MathFunction.Max,
        "abs" => MathFunction.Abs,
        "ceil" => MathFunction.Ceil,
        "floor" => MathFunction.Floor,
        "exp" => MathFunction.Exp,
        _ => null,
    };

    private SyntaxNode ParseCall(Token? nameToken, Token open)
    {
        MathFunction? function = null;
        string? name = null;
        if (nameToken is { } n)
        {
            name = Text(n);
            function = FunctionOf(name);
            if (function is null)
            {
                NotAllowed(n, $"Function {name} not allowed (allowed functions: {AllowedFunctions})");
            }
        }
        else
        {
            NotAllowed(open, "Only simple function calls allowed: call a function by its name, e.g. log(N)");
        }

        _index++;
        var arguments = new List<SyntaxNode>();
        while (Current.Kind != TokenKind.RightParen)
        {
            var token = Current;
            if (token.Kind == TokenKind.Star)
            {
                NotAllowed(token, "AST node type Starred not allowed: there is no argument unpacking (*x)");
                _index++;
                ParseExpression();
            }
            else if (token.Kind == TokenKind.DoubleStar)
            {
                NotAllowed(token, "Keyword arguments not allowed: there is no keyword unpacking (**x)");
                _index++;
                ParseExpression();
            }
            else if (token.Kind == TokenKind.Name && token.Keyword == Keyword.None && Peek(1).Kind == TokenKind.Equal)
            {
                NotAllowed(token, $"Keyword arguments not allowed: '{Text(token)}=' (the original silently ignored them; pass arguments by position)");
                _index += 2;
                ParseExpression();
            }
            else
            {
                var argument = ParseNamedExpression();
                if (Current.Is(Keyword.For) || Current.Is(Keyword.Async))
                {
                    return Fail(NotAllowedError(Current, "AST node type GeneratorExp not allowed: there are no comprehensions"));
                }

                arguments.Add(argument);
            }

            if (Current.Kind == TokenKind.Comma)
            {
                _index++;
            }
            else if (Current.Kind != TokenKind.RightParen)
            {
                return Fail(Unexpected(Current, "',' or ')' must follow a function argument"));
            }
        }

        _index++;
        if (function is not { } f)
        {
            return Placeholder(open);
        }

        CheckArgumentCount(nameToken!.Value, name!, f, arguments.Count);
        return new CallNode(nameToken.Value.Column, f, [.. arguments]);
    }

    private void CheckArgumentCount(Token token, string name, MathFunction function, int count)
    {
        string? problem = function switch
        {
            MathFunction.Min or MathFunction.Max when count < 2 =>
                $"Function {name} takes at least 2 arguments, got {count}",
            MathFunction.Log when count is < 1 or > 2 =>
                $"Function log takes 1 or 2 arguments (log(x) or log(x, base)), got {count}",
            not (MathFunction.Min or MathFunction.Max or MathFunction.Log) when count != 1 =>
                $"Function {name} takes exactly 1 argument, got {count}",
            _ => null,
        };
        if (problem is not null && (_wrongArguments is null || token.Column < _wrongArguments.Column))
        {
            _wrongArguments = new ExpressionError(problem, token.Column) { Kind = ExpressionErrorKind.WrongArgumentCount };
        }
    }

    private void ParseSubscript()
    {
        _index++;
        var any = false;
        while (Current.Kind != TokenKind.RightBracket)
        {
            any = true;
            if (Current.Kind == TokenKind.Star)
            {
                _index++;
            }

            if (Current.Kind is not (TokenKind.Colon or TokenKind.Comma or TokenKind.RightBracket))
            {
                ParseNamedExpression();
            }

            for (var part = 0; part < 2 && Current.Kind == TokenKind.Colon; part++)
            {
                _index++;
                if (Current.Kind is not (TokenKind.Colon or TokenKind.Comma or TokenKind.RightBracket))
                {
                    ParseExpression();
                }
            }

            if (Current.Kind == TokenKind.Comma)
            {
                _index++;
            }
            else if (Current.Kind != TokenKind.RightBracket)
            {
                Fail(Unexpected(Current, "',' or ']' must follow an index"));
                return;
            }
        }

        if (!any)
        {
            Fail(Unexpected(Current, "an index must appear between '[' and ']'"));
            return;
        }

        _index++;
    }

    /// <summary>Parses an atom; returns null for a plain name, which <see cref="ParsePrimary"/> resolves.</summary>
    private SyntaxNode? ParseAtom()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Number:
                _index++;
                return new NumberNode(token.Column, token.Number);
            case TokenKind.Imaginary:
                NotAllowed(token, $"Complex numbers not allowed: '{Text(token)}' is an imaginary literal");
                _index++;
                return Placeholder(token);
            case TokenKind.String:
                NotAllowed(token, "String literals not allowed: estimates are numbers (write 5, not '5')");
                while (Current.Kind == TokenKind.String)
                {
                    _index++;
                }

                return Placeholder(token);
            case TokenKind.Ellipsis:
                NotAllowed(token, "Ellipsis (...) not allowed: only numbers, True and False are constants");
                _index++;
                return Placeholder(token);
            case TokenKind.Name:
                return ParseNameAtom(token);
            case TokenKind.LeftParen:
                return ParseParenthesized(token);
            case TokenKind.LeftBracket:
                ParseDisplay(token, TokenKind.RightBracket, "List", "ListComp");
                return Placeholder(token);
            case TokenKind.LeftBrace:
                ParseDisplay(token, TokenKind.RightBrace, null, null);
                return Placeholder(token);
            default:
                return Fail(Unexpected(token, "a number, a variable, a function call or '(' is expected here"));
        }
    }

    private NumberNode? ParseNameAtom(Token token)
    {
        switch (token.Keyword)
        {
            case Keyword.None:
                _index++;
                return null;
            case Keyword.True:
            case Keyword.False:
                _index++;
                return new NumberNode(token.Column, token.Keyword == Keyword.True ? 1 : 0);
            case Keyword.NoneValue:
                NotAllowed(token, "None not allowed: only numbers, True and False are constants");
                _index++;
                return Placeholder(token);
            default:
                return Fail(Unexpected(token, $"'{Text(token)}' is a reserved word"));
        }
    }

    private SyntaxNode ParseParenthesized(Token open)
    {
        _index++;
        if (Current.Kind == TokenKind.RightParen)
        {
            NotAllowed(open, "AST node type Tuple not allowed: '()' is an empty tuple");
            _index++;
            return Placeholder(open);
        }

        if (Current.Is(Keyword.Yield))
        {
            return Fail(NotAllowedError(Current, "AST node type Yield not allowed"));
        }

        var first = ParseElement();
        if (Current.Is(Keyword.For) || Current.Is(Keyword.Async))
        {
            return Fail(NotAllowedError(Current, "AST node type GeneratorExp not allowed: there are no comprehensions"));
        }

        if (Current.Kind == TokenKind.Comma)
        {
            NotAllowed(Current, "AST node type Tuple not allowed: a comma outside a function call makes a tuple");
            ParseElements(TokenKind.RightParen);
            first = Placeholder(open);
        }

        Expect(TokenKind.RightParen, "')' must close the '(' at column " + open.Column.ToString(CultureInfo.InvariantCulture));
        return first;
    }

    /// <summary>An element of a tuple, list or set display: an expression, possibly starred.</summary>
    private SyntaxNode ParseElement()
    {
        if (Current.Kind == TokenKind.Star)
        {
            NotAllowed(Current, "AST node type Starred not allowed: there is no unpacking (*x)");
            _index++;
            ParseBinaryChain();
            return Placeholder(Current);
        }

        return ParseNamedExpression();
    }

    /// <summary>After a first element: the remaining <c>, element</c> pairs, up to (not including) the closing bracket.</summary>
    private void ParseElements(TokenKind close)
    {
        while (Current.Kind == TokenKind.Comma)
        {
            _index++;
            if (Current.Kind == close)
            {
                return;
            }

            ParseElement();
        }
    }

    private void ParseDisplay(Token open, TokenKind close, string? listName, string? comprehensionName)
    {
        _index++;
        if (listName is not null)
        {
            NotAllowed(open, $"AST node type {listName} not allowed: there are no lists");
            if (Current.Kind != close)
            {
                ParseElement();
                if (Current.Is(Keyword.For) || Current.Is(Keyword.Async))
                {
                    Fail(NotAllowedError(Current, $"AST node type {comprehensionName} not allowed: there are no comprehensions"));
                    return;
                }

                ParseElements(close);
            }
        }
        else
        {
            NotAllowed(open, "AST node type Dict not allowed: there are no dictionaries or sets");
            while (Current.Kind != close)
            {
                if (Current.Kind == TokenKind.DoubleStar)
                {
                    _index++;
                    ParseBinaryChain();
                }
                else
                {
                    ParseElement();
                    if (Current.Kind == TokenKind.Colon)
                    {
                        _index++;
                        ParseExpression();
                    }
                }

                if (Current.Is(Keyword.For) || Current.Is(Keyword.Async))
                {
                    Fail(NotAllowedError(Current, "AST node type DictComp not allowed: there are no comprehensions"));
                    return;
                }

                if (Current.Kind != TokenKind.Comma)
                {
                    break;
                }

                _index++;
            }
        }

        Expect(close, $"'{(close == TokenKind.RightBracket ? ']' : '}')}' must close the '{Text(open)}' at column {open.Column.ToString(CultureInfo.InvariantCulture)}");
    }

    private void Expect(TokenKind kind, string what)
    {
        if (Current.Kind != kind)
        {
            Fail(Unexpected(Current, what));
            return;
        }

        _index++;
    }

    private string Text(Token token) => _text.Substring(token.Start, token.Length);

    private ExpressionError Unexpected(Token token, string hint)
    {
        if (token.Kind == TokenKind.End)
        {
            return CompileFailure.SyntaxError(token.Start, $"unexpected end of expression; {hint}");
        }

        var text = Text(token);
        if (text.Length > 20)
        {
            text = text[..20] + "…";
        }

        return CompileFailure.SyntaxError(token.Start, $"unexpected '{text}'; {hint}");
    }

    /// <summary>
    /// Records <paramref name="error"/> unless an error is already recorded, and returns a placeholder for the caller to
    /// return at once. From now on <see cref="Current"/> is the end-of-input token, so parsing winds down without
    /// consuming anything.
    /// </summary>
    private NumberNode Fail(ExpressionError error)
    {
        _error ??= error;
        return new NumberNode(error.Column, 0);
    }

    /// <summary>Stands in for a refused construct, so parsing can go on to find any syntax error after it.</summary>
    private static NumberNode Placeholder(Token token) => new(token.Column, 0);

    private static ExpressionError NotAllowedError(Token token, string message) =>
        new(message, token.Column) { Kind = ExpressionErrorKind.NotAllowed };

    private void NotAllowed(Token token, string message) => NotAllowedAt(token.Column, message);

    private void NotAllowedAt(int column, string message)
    {
        if (_notAllowed is null || column < _notAllowed.Column)
        {
            _notAllowed = new ExpressionError(message, column) { Kind = ExpressionErrorKind.NotAllowed };
        }
    }
}
