namespace OpsConductor.ToolCatalog.Expressions;

/// <summary>The kinds of token Python's tokenizer produces that an expression can contain.</summary>
internal enum TokenKind : byte
{
    End,
    Number,
    Imaginary,
    Name,
    String,
    LeftParen,
    RightParen,
    LeftBracket,
    RightBracket,
    LeftBrace,
    RightBrace,
    Comma,
    Colon,
    Semicolon,
    Dot,
    Ellipsis,
    Arrow,
    ColonEqual,
    Equal,
    AugmentedAssign,
    Plus,
    Minus,
    Star,
    Slash,
    DoubleSlash,
    Percent,
    DoubleStar,
    At,
    Ampersand,
    Pipe,
    Caret,
    Tilde,
    LeftShift,
    RightShift,
    Less,
    Greater,
    LessEqual,
    GreaterEqual,
    EqualEqual,
    NotEqual,
}

/// <summary>Python keywords, which are never variable names.</summary>
internal enum Keyword : byte
{
    None = 0,
    False,
    NoneValue,
    True,
    And,
    As,
    Assert,
    Async,
    Await,
    Break,
    Class,
    Continue,
    Def,
    Del,
    Elif,
    Else,
    Except,
    Finally,
    For,
    From,
    Global,
    If,
    Import,
    In,
    Is,
    Lambda,
    Nonlocal,
    Not,
    Or,
    Pass,
    Raise,
    Return,
    Try,
    While,
    With,
    Yield,
}

/// <summary>One token: its kind, where it is, and for numbers its value.</summary>
internal readonly record struct Token(TokenKind Kind, int Start, int Length, double Number = 0, Keyword Keyword = Keyword.None)
{
    /// <summary>The 1-based column of the token's first character.</summary>
    public int Column => Start + 1;

    public bool Is(Keyword keyword) => Kind == TokenKind.Name && Keyword == keyword;
}
