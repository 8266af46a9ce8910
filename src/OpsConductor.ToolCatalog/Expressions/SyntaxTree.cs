namespace OpsConductor.ToolCatalog.Expressions;

/// <summary>The whitelisted functions, as the original's <c>ALLOWED_FUNCTIONS</c>.</summary>
internal enum MathFunction : byte
{
    Log,
    Log10,
    Log2,
    Sqrt,
    Min,
    Max,
    Abs,
    Ceil,
    Floor,
    Exp,
}

internal enum UnaryOperator : byte
{
    Negate,
    Plus,
    Not,
}

internal enum BinaryOperator : byte
{
    Add,
    Subtract,
    Multiply,
    Divide,
    FloorDivide,
    Modulo,
    Power,
}

internal enum CompareOperator : byte
{
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    Equal,
    NotEqual,
}

/// <summary>
/// A node of the checked syntax tree. Only the language's own node kinds exist: the parser refuses everything else
/// before a tree is built. <see cref="Height"/> is the original's depth measure: it grows through operator operands,
/// function arguments, comparison operands and boolean operands; a leaf is 0 and parentheses add nothing.
/// </summary>
internal abstract class SyntaxNode(int column, int height)
{
    /// <summary>1-based column of the token that identifies the node (the operator, the function name, the literal).</summary>
    public int Column { get; } = column;

    public int Height { get; } = height;

    /// <summary>The nodes of this tree that contain a variable (the others are constant sub-expressions).</summary>
    public HashSet<SyntaxNode> WithVariables()
    {
        var result = new HashSet<SyntaxNode>(ReferenceEqualityComparer.Instance);
        Collect(this, result);
        return result;

        static bool Collect(SyntaxNode node, HashSet<SyntaxNode> result)
        {
            var any = node is VariableNode;
            foreach (var child in node.Children)
            {
                any |= Collect(child, result);
            }

            if (any)
            {
                result.Add(node);
            }

            return any;
        }
    }

    /// <summary>Children in evaluation order (left to right).</summary>
    public abstract ReadOnlySpan<SyntaxNode> Children { get; }

    protected static int HeightOver(ReadOnlySpan<SyntaxNode> children)
    {
        if (children.IsEmpty)
        {
            return 0;
        }

        var max = 0;
        foreach (var child in children)
        {
            max = Math.Max(max, child.Height);
        }

        return max + 1;
    }
}

internal sealed class NumberNode(int column, double value) : SyntaxNode(column, 0)
{
    public double Value { get; } = value;

    public override ReadOnlySpan<SyntaxNode> Children => [];
}

internal sealed class VariableNode(int column, string name) : SyntaxNode(column, 0)
{
    public string Name { get; } = name;

    public override ReadOnlySpan<SyntaxNode> Children => [];
}

internal sealed class UnaryNode(int column, UnaryOperator op, SyntaxNode operand) : SyntaxNode(column, operand.Height + 1)
{
    private readonly SyntaxNode[] _children = [operand];

    public UnaryOperator Operator { get; } = op;

    public SyntaxNode Operand => _children[0];

    public override ReadOnlySpan<SyntaxNode> Children => _children;
}

internal sealed class BinaryNode(int column, BinaryOperator op, SyntaxNode left, SyntaxNode right)
    : SyntaxNode(column, Math.Max(left.Height, right.Height) + 1)
{
    private readonly SyntaxNode[] _children = [left, right];

    public BinaryOperator Operator { get; } = op;

    public SyntaxNode Left => _children[0];

    public SyntaxNode Right => _children[1];

    public override ReadOnlySpan<SyntaxNode> Children => _children;
}

internal sealed class CallNode(int column, MathFunction function, SyntaxNode[] arguments) : SyntaxNode(column, HeightOver(arguments))
{
    public MathFunction Function { get; } = function;

    public SyntaxNode[] Arguments { get; } = arguments;

    public override ReadOnlySpan<SyntaxNode> Children => Arguments;
}

/// <summary>A comparison chain <c>a &lt; b &lt;= c</c>, as Python's <c>Compare</c> node: operands[0] op[0] operands[1] op[1] …</summary>
internal sealed class CompareNode(SyntaxNode[] operands, CompareOperator[] operators, int[] operatorColumns)
    : SyntaxNode(operatorColumns[0], HeightOver(operands))
{
    public SyntaxNode[] Operands { get; } = operands;

    public CompareOperator[] Operators { get; } = operators;

    public int[] OperatorColumns { get; } = operatorColumns;

    public override ReadOnlySpan<SyntaxNode> Children => Operands;
}

/// <summary><c>a and b and c</c> or <c>a or b</c>, as Python's flat <c>BoolOp</c> node.</summary>
internal sealed class BooleanNode(int column, bool isAnd, SyntaxNode[] values) : SyntaxNode(column, HeightOver(values))
{
    public bool IsAnd { get; } = isAnd;

    public SyntaxNode[] Values { get; } = values;

    public override ReadOnlySpan<SyntaxNode> Children => Values;
}
