using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;

namespace OpsConductor.ToolCatalog.Expressions;

/// <summary>
/// Python's tokenizer, for the part of Python an expression can be written in: numbers exactly as Python reads them
/// (<c>1_000</c>, <c>.5</c>, <c>1e3</c>, <c>0x1F</c>, and the same errors for <c>0123</c>, <c>1_</c>, <c>1e</c>), names,
/// keywords, string literals (recognised so they can be refused by name), every operator, comments, line continuation
/// and implicit line joining inside brackets. Anything else is a syntax error naming its column.
/// </summary>
/// <remarks>
/// Errors are values, not exceptions: every step returns false once it has recorded the error in <c>_error</c>, and
/// every caller returns at once, so tokenizing stops exactly where the first problem is found.
/// <para>Deliberate differences from Python: leading whitespace is accepted (Python raises IndentationError), and names are
/// ASCII (Python also accepts Unicode letters). Bracket nesting is limited to 200 levels as in CPython
/// ("too many nested parentheses"), which also bounds the parser's recursion.</para>
/// </remarks>
internal sealed class Lexer
{
    public const int MaxBracketNesting = 200;

    private readonly string _text;
    private readonly List<Token> _tokens = [];
    private readonly char[] _openBrackets = new char[MaxBracketNesting];
    private readonly int[] _openPositions = new int[MaxBracketNesting];
    private int _level;
    private int _pos;
    private ExpressionError? _error;

    private Lexer(string text) => _text = text;

    private char Cur => _pos < _text.Length ? _text[_pos] : '\0';

    /// <summary>The tokens of <paramref name="text"/>, ending with <see cref="TokenKind.End"/>; or false with the first syntax error.</summary>
    public static bool TryTokenize(string text, [NotNullWhen(true)] out List<Token>? tokens, [NotNullWhen(false)] out ExpressionError? error)
    {
        var lexer = new Lexer(text);
        var nul = text.IndexOf('\0', StringComparison.Ordinal);
        if (nul >= 0 ? lexer.Fail(nul, "the text contains a null character (U+0000)") : lexer.Run())
        {
            tokens = lexer._tokens;
            error = null;
            return true;
        }

        tokens = null;
        error = lexer._error!;
        return false;
    }

    /// <summary>Records the first syntax error; returns false so that the caller can return it.</summary>
    private bool Fail(int position, string detail)
    {
        _error ??= CompileFailure.SyntaxError(position, detail);
        return false;
    }

    private char At(int index) => index < _text.Length ? _text[index] : '\0';

    private bool Run()
    {
        if (!SkipBlank(acrossLines: true))
        {
            return false;
        }

        while (true)
        {
            if (!SkipBlank(acrossLines: _level > 0))
            {
                return false;
            }

            if (_pos >= _text.Length)
            {
                break;
            }

            var c = _text[_pos];
            if (c is '\n' or '\r')
            {
                // A line break outside brackets ends the expression: only blank lines and comments may follow.
                if (!SkipBlank(acrossLines: true))
                {
                    return false;
                }

                if (_pos < _text.Length)
                {
                    return Fail(_pos, "an expression must be on one line (wrap it in parentheses to continue it on the next line)");
                }

                break;
            }

            var lexed = IsDigit(c) || (c == '.' && IsDigit(At(_pos + 1))) ? LexNumber()
                : IsNameStart(c) ? LexNameOrString()
                : c is '\'' or '"' ? LexString(_pos)
                : LexOperator(c);
            if (!lexed)
            {
                return false;
            }
        }

        if (_level > 0)
        {
            return Fail(_openPositions[_level - 1], $"'{_openBrackets[_level - 1]}' was never closed");
        }

        _tokens.Add(new Token(TokenKind.End, _text.Length, 0));
        return true;
    }

    /// <summary>Skips spaces, tabs, form feeds, comments and backslash continuations; and line breaks when <paramref name="acrossLines"/>.</summary>
    private bool SkipBlank(bool acrossLines)
    {
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c is ' ' or '\t' or '\f')
            {
                _pos++;
            }
            else if (c == '#')
            {
                while (_pos < _text.Length && _text[_pos] is not ('\n' or '\r'))
                {
                    _pos++;
                }
            }
            else if (c == '\\')
            {
                var next = At(_pos + 1);
                if (next == '\n')
                {
                    _pos += 2;
                }
                else if (next == '\r')
                {
                    _pos += At(_pos + 2) == '\n' ? 3 : 2;
                }
                else if (_pos + 1 >= _text.Length)
                {
                    return Fail(_pos, "unexpected end of expression after line continuation character '\\'");
                }
                else
                {
                    return Fail(_pos + 1, "unexpected character after line continuation character '\\'");
                }
            }
            else if (acrossLines && c is '\n' or '\r')
            {
                _pos++;
            }
            else
            {
                return true;
            }
        }

        return true;
    }

    private void Add(TokenKind kind, int start, double number = 0, Keyword keyword = Keyword.None) =>
        _tokens.Add(new Token(kind, start, _pos - start, number, keyword));

    private bool LexOperator(char c)
    {
        var start = _pos;
        var c1 = At(_pos + 1);
        var c2 = At(_pos + 2);
        switch (c)
        {
            case '(':
            case '[':
            case '{':
                if (_level >= MaxBracketNesting)
                {
                    return Fail(_pos, $"too many nested parentheses (at most {MaxBracketNesting})");
                }

                _openBrackets[_level] = c;
                _openPositions[_level] = _pos;
                _level++;
                _pos++;
                Add(c == '(' ? TokenKind.LeftParen : c == '[' ? TokenKind.LeftBracket : TokenKind.LeftBrace, start);
                return true;
            case ')':
            case ']':
            case '}':
                if (_level == 0)
                {
                    return Fail(_pos, $"unmatched '{c}'");
                }

                var open = _openBrackets[_level - 1];
                if ((open, c) is not (('(', ')') or ('[', ']') or ('{', '}')))
                {
                    return Fail(_pos, $"closing parenthesis '{c}' does not match opening parenthesis '{open}'");
                }

                _level--;
                _pos++;
                Add(c == ')' ? TokenKind.RightParen : c == ']' ? TokenKind.RightBracket : TokenKind.RightBrace, start);
                return true;
            case ',':
                Single(TokenKind.Comma);
                return true;
            case ';':
                Single(TokenKind.Semicolon);
                return true;
            case '~':
                Single(TokenKind.Tilde);
                return true;
            case ':':
                Pair(c1 == '=', TokenKind.ColonEqual, TokenKind.Colon);
                return true;
            case '.':
                if (c1 == '.' && c2 == '.')
                {
                    _pos += 3;
                    Add(TokenKind.Ellipsis, start);
                }
                else
                {
                    Single(TokenKind.Dot);
                }

                return true;
            case '+':
                Pair(c1 == '=', TokenKind.AugmentedAssign, TokenKind.Plus);
                return true;
            case '-':
                if (c1 == '>')
                {
                    _pos += 2;
                    Add(TokenKind.Arrow, start);
                }
                else
                {
                    Pair(c1 == '=', TokenKind.AugmentedAssign, TokenKind.Minus);
                }

                return true;
            case '*':
                Doubled('*', TokenKind.Star, TokenKind.DoubleStar, c1, c2);
                return true;
            case '/':
                Doubled('/', TokenKind.Slash, TokenKind.DoubleSlash, c1, c2);
                return true;
            case '<':
                Doubled('<', TokenKind.Less, TokenKind.LeftShift, c1, c2, TokenKind.LessEqual);
                return true;
            case '>':
                Doubled('>', TokenKind.Greater, TokenKind.RightShift, c1, c2, TokenKind.GreaterEqual);
                return true;
            case '%':
                Pair(c1 == '=', TokenKind.AugmentedAssign, TokenKind.Percent);
                return true;
            case '@':
                Pair(c1 == '=', TokenKind.AugmentedAssign, TokenKind.At);
                return true;
            case '&':
                Pair(c1 == '=', TokenKind.AugmentedAssign, TokenKind.Ampersand);
                return true;
            case '|':
                Pair(c1 == '=', TokenKind.AugmentedAssign, TokenKind.Pipe);
                return true;
            case '^':
                Pair(c1 == '=', TokenKind.AugmentedAssign, TokenKind.Caret);
                return true;
            case '=':
                Pair(c1 == '=', TokenKind.EqualEqual, TokenKind.Equal);
                return true;
            case '!':
                if (c1 == '=')
                {
                    _pos += 2;
                    Add(TokenKind.NotEqual, start);
                    return true;
                }

                return Fail(_pos, "unexpected character '!' (write != for 'not equal')");
            default:
                return Fail(_pos, DescribeBadCharacter(c));
        }
    }

    private static string DescribeBadCharacter(char c)
    {
        var code = ((int)c).ToString("X4", CultureInfo.InvariantCulture);
        if (char.IsControl(c) || char.IsWhiteSpace(c) || c > 127 && !char.IsLetterOrDigit(c) && !char.IsSymbol(c) && !char.IsPunctuation(c))
        {
            return $"invalid non-printable character U+{code}";
        }

        if (c > 127 && char.IsLetter(c))
        {
            return $"invalid character '{c}' (U+{code}): names may use only the ASCII letters, digits and _";
        }

        return $"invalid character '{c}' (U+{code})";
    }

    private void Single(TokenKind kind)
    {
        var start = _pos;
        _pos++;
        Add(kind, start);
    }

    private void Pair(bool isPair, TokenKind pair, TokenKind single)
    {
        var start = _pos;
        _pos += isPair ? 2 : 1;
        Add(isPair ? pair : single, start);
    }

    /// <summary><c>*</c>, <c>**</c>, <c>*=</c>, <c>**=</c> and the same shapes for <c>/</c>, <c>&lt;</c>, <c>&gt;</c>.</summary>
    private void Doubled(char c, TokenKind single, TokenKind doubled, char c1, char c2, TokenKind singleEqual = TokenKind.AugmentedAssign)
    {
        var start = _pos;
        if (c1 == c)
        {
            _pos += c2 == '=' ? 3 : 2;
            Add(c2 == '=' ? TokenKind.AugmentedAssign : doubled, start);
        }
        else
        {
            _pos += c1 == '=' ? 2 : 1;
            Add(c1 == '=' ? singleEqual : single, start);
        }
    }

    private bool LexNameOrString()
    {
        var start = _pos;
        while (_pos < _text.Length && IsNameChar(_text[_pos]))
        {
            _pos++;
        }

        if (_pos < _text.Length && _text[_pos] > 127 && char.IsLetterOrDigit(_text[_pos]))
        {
            return Fail(_pos, DescribeBadCharacter(_text[_pos]));
        }

        var length = _pos - start;
        if (Cur is '\'' or '"' && length <= 2 && IsStringPrefix(_text.AsSpan(start, length)))
        {
            return LexString(start);
        }

        var keyword = KeywordOf(_text.AsSpan(start, length));
        Add(TokenKind.Name, start, 0, keyword);
        return true;
    }

    private static bool IsStringPrefix(ReadOnlySpan<char> prefix)
    {
        Span<char> lower = stackalloc char[2];
        var n = prefix.ToLowerInvariant(lower);
        return lower[..n] is "r" or "u" or "b" or "f" or "br" or "rb" or "fr" or "rf";
    }

    private bool LexString(int start)
    {
        var quote = _text[_pos];
        var triple = At(_pos + 1) == quote && At(_pos + 2) == quote;
        _pos += triple ? 3 : 1;
        while (true)
        {
            if (_pos >= _text.Length)
            {
                return Fail(start, triple ? "unterminated triple-quoted string literal" : "unterminated string literal");
            }

            var c = _text[_pos];
            if (c == '\\')
            {
                _pos += _pos + 2 < _text.Length && _text[_pos + 1] == '\r' && _text[_pos + 2] == '\n' ? 3 : 2;
                continue;
            }

            if (!triple && c is '\n' or '\r')
            {
                return Fail(start, "unterminated string literal");
            }

            if (c == quote && (!triple || (At(_pos + 1) == quote && At(_pos + 2) == quote)))
            {
                _pos += triple ? 3 : 1;
                Add(TokenKind.String, start);
                return true;
            }

            _pos++;
        }
    }

    private bool LexNumber()
    {
        var start = _pos;
        var radix = 10;
        var imaginary = false;
        bool valid;
        var c = Cur;
        if (c == '.')
        {
            _pos++;
            valid = Fraction(out imaginary);
        }
        else if (c == '0')
        {
            _pos++;
            c = Cur;
            if (c is 'x' or 'X')
            {
                radix = 16;
                _pos++;
                valid = RadixDigits(16, "hexadecimal");
            }
            else if (c is 'o' or 'O')
            {
                radix = 8;
                _pos++;
                valid = RadixDigits(8, "octal");
            }
            else if (c is 'b' or 'B')
            {
                radix = 2;
                _pos++;
                valid = RadixDigits(2, "binary");
            }
            else
            {
                while (true)
                {
                    if (Cur == '_')
                    {
                        _pos++;
                        if (!IsDigit(Cur))
                        {
                            return Fail(_pos, "invalid decimal literal");
                        }
                    }

                    if (Cur != '0')
                    {
                        break;
                    }

                    _pos++;
                }

                var nonZero = false;
                if (IsDigit(Cur))
                {
                    nonZero = true;
                    if (!DecimalTail())
                    {
                        return false;
                    }
                }

                valid = AfterIntegerPart(start, leadingZeros: nonZero, out imaginary);
            }
        }
        else
        {
            valid = DecimalTail() && AfterIntegerPart(start, leadingZeros: false, out imaginary);
        }

        if (!valid)
        {
            return false;
        }

        var literal = _text.AsSpan(start, _pos - start);
        if (imaginary)
        {
            Add(TokenKind.Imaginary, start);
            return true;
        }

        Add(TokenKind.Number, start, ParseNumber(literal, radix));
        return true;
    }

    /// <summary>After the integer digits: a fraction, an exponent, an imaginary suffix, or the end of the number.</summary>
    private bool AfterIntegerPart(int start, bool leadingZeros, out bool imaginary)
    {
        imaginary = false;
        var c = Cur;
        if (c == '.')
        {
            _pos++;
            return Fraction(out imaginary);
        }

        if (c is 'e' or 'E')
        {
            return Exponent(out imaginary);
        }

        if (c is 'j' or 'J')
        {
            _pos++;
            imaginary = true;
            return VerifyEndOfNumber("imaginary");
        }

        if (leadingZeros)
        {
            return Fail(start, "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers");
        }

        return VerifyEndOfNumber("decimal");
    }

    private bool Fraction(out bool imaginary)
    {
        imaginary = false;
        if (IsDigit(Cur) && !DecimalTail())
        {
            return false;
        }

        if (Cur is 'e' or 'E')
        {
            return Exponent(out imaginary);
        }

        if (Cur is 'j' or 'J')
        {
            _pos++;
            imaginary = true;
            return VerifyEndOfNumber("imaginary");
        }

        return VerifyEndOfNumber("decimal");
    }

    private bool Exponent(out bool imaginary)
    {
        imaginary = false;
        var e = _pos;
        _pos++;
        if (Cur is '+' or '-')
        {
            _pos++;
            if (!IsDigit(Cur))
            {
                return Fail(_pos, "invalid decimal literal");
            }
        }
        else if (!IsDigit(Cur))
        {
            // "1else": the 'e' starts a keyword, not an exponent.
            _pos = e;
            return VerifyEndOfNumber("decimal");
        }

        if (!DecimalTail())
        {
            return false;
        }

        if (Cur is 'j' or 'J')
        {
            _pos++;
            imaginary = true;
            return VerifyEndOfNumber("imaginary");
        }

        return VerifyEndOfNumber("decimal");
    }

    /// <summary>Digits with single underscores between them (CPython's <c>tok_decimal_tail</c>).</summary>
    private bool DecimalTail()
    {
        while (true)
        {
            while (IsDigit(Cur))
            {
                _pos++;
            }

            if (Cur != '_')
            {
                return true;
            }

            _pos++;
            if (!IsDigit(Cur))
            {
                return Fail(_pos, "invalid decimal literal");
            }
        }
    }

    private bool RadixDigits(int radix, string name)
    {
        do
        {
            if (Cur == '_')
            {
                _pos++;
            }

            if (!IsRadixDigit(Cur, radix))
            {
                if (radix != 16 && IsDigit(Cur))
                {
                    return Fail(_pos, $"invalid digit '{Cur}' in {name} literal");
                }

                return Fail(_pos, $"invalid {name} literal");
            }

            while (IsRadixDigit(Cur, radix))
            {
                _pos++;
            }
        }
        while (Cur == '_');

        if (radix != 16 && IsDigit(Cur))
        {
            return Fail(_pos, $"invalid digit '{Cur}' in {name} literal");
        }

        return VerifyEndOfNumber(name);
    }

    /// <summary>
    /// CPython's <c>verify_end_of_number</c>: a number may be followed directly by the keywords that can follow it in
    /// valid code (<c>1if x else 2</c>, <c>1or 2</c>); any other letter, digit or <c>_</c> makes the literal invalid.
    /// </summary>
    private bool VerifyEndOfNumber(string kind)
    {
        var c = Cur;
        var keywordFollows = c switch
        {
            'a' => Follows("nd"),
            'e' => Follows("lse"),
            'f' => Follows("or"),
            'i' => At(_pos + 1) is 'f' or 'n' or 's',
            'o' => Follows("r"),
            'n' => Follows("ot"),
            _ => false,
        };
        if (!keywordFollows && (IsNameChar(c) || c > 127))
        {
            return Fail(_pos, $"invalid {kind} literal");
        }

        return true;
    }

    private bool Follows(string rest) =>
        _pos + 1 + rest.Length <= _text.Length && _text.AsSpan(_pos + 1, rest.Length).SequenceEqual(rest);

    private static double ParseNumber(ReadOnlySpan<char> literal, int radix)
    {
        Span<char> buffer = literal.Length <= 256 ? stackalloc char[literal.Length] : new char[literal.Length];
        var n = 0;
        foreach (var ch in radix == 10 ? literal : literal[2..])
        {
            if (ch != '_')
            {
                buffer[n++] = ch;
            }
        }

        var digits = buffer[..n];
        if (radix == 10)
        {
            // .NET parses every decimal literal correctly rounded; values beyond the double range become infinity,
            // as Python's float literals do.
            return double.Parse(digits, NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        var value = BigInteger.Zero;
        foreach (var ch in digits)
        {
            value = value * radix + HexValue(ch);
        }

        // Round through the decimal text so that large values are rounded correctly.
        return double.Parse(value.ToString(CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => c - 'A' + 10,
    };

    private static bool IsDigit(char c) => c is >= '0' and <= '9';

    private static bool IsRadixDigit(char c, int radix) => radix switch
    {
        16 => char.IsAsciiHexDigit(c),
        8 => c is >= '0' and <= '7',
        _ => c is '0' or '1',
    };

    internal static bool IsNameStart(char c) => char.IsAsciiLetter(c) || c == '_';

    internal static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static Keyword KeywordOf(ReadOnlySpan<char> name) => name switch
    {
        "False" => Keyword.False,
        "None" => Keyword.NoneValue,
        "True" => Keyword.True,
        "and" => Keyword.And,
        "as" => Keyword.As,
        "assert" => Keyword.Assert,
        "async" => Keyword.Async,
        "await" => Keyword.Await,
        "break" => Keyword.Break,
        "class" => Keyword.Class,
        "continue" => Keyword.Continue,
        "def" => Keyword.Def,
        "del" => Keyword.Del,
        "elif" => Keyword.Elif,
        "else" => Keyword.Else,
        "except" => Keyword.Except,
        "finally" => Keyword.Finally,
        "for" => Keyword.For,
        "from" => Keyword.From,
        "global" => Keyword.Global,
        "if" => Keyword.If,
        "import" => Keyword.Import,
        "in" => Keyword.In,
        "is" => Keyword.Is,
        "lambda" => Keyword.Lambda,
        "nonlocal" => Keyword.Nonlocal,
        "not" => Keyword.Not,
        "or" => Keyword.Or,
        "pass" => Keyword.Pass,
        "raise" => Keyword.Raise,
        "return" => Keyword.Return,
        "try" => Keyword.Try,
        "while" => Keyword.While,
        "with" => Keyword.With,
        "yield" => Keyword.Yield,
        _ => Keyword.None,
    };
}
