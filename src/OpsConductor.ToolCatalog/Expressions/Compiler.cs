using OpsConductor.ToolCatalog.Compatibility;

namespace OpsConductor.ToolCatalog.Expressions;

/// <summary>
/// Turns a checked syntax tree into evaluation nodes: variables become slots, constant sub-expressions are folded,
/// and common shapes get fused nodes (<c>a + b*x</c>, <c>x / c</c>, <c>node * c</c>, …). Every rewrite is exact in IEEE
/// arithmetic (commuting an addition or a multiplication, <c>x - c</c> as <c>x + (-c)</c>, <c>-(b*x)</c> as
/// <c>(-b)*x</c>); nothing is re-associated, so results are the same bits as evaluating the tree as written.
/// </summary>
internal static class Compiler
{
    public static EvalNode Compile(SyntaxNode node, VariableTable table) => node switch
    {
        NumberNode n => new ConstNode(n.Value),
        VariableNode v => new VarNode(table.GetOrAddSlot(v.Name), v.Column),
        UnaryNode u => Unary(u, Compile(u.Operand, table)),
        BinaryNode b => Binary(b, Compile(b.Left, table), Compile(b.Right, table)),
        CallNode c => Call(c, [.. c.Arguments.Select(a => Compile(a, table))]),
        CompareNode c => Compare(c, [.. c.Operands.Select(o => Compile(o, table))]),
        BooleanNode b => Boolean(b, [.. b.Values.Select(v => Compile(v, table))]),
        _ => throw new InvalidOperationException($"Unknown syntax node {node.GetType().Name}."),
    };

    private static EvalNode Unary(UnaryNode node, EvalNode operand)
    {
        switch (node.Operator)
        {
            case UnaryOperator.Plus:
                return operand;
            case UnaryOperator.Not:
                return operand is ConstNode k ? new ConstNode(k.Value == 0 ? 1 : 0) : new NotNode(operand);
            default:
                return operand switch
                {
                    ConstNode c => new ConstNode(-c.Value),
                    VarNode v => new ScaleNode(v.Slot, v.Column, -1),
                    ScaleNode s => new ScaleNode(s.Slot, s.Column, -s.Scale),
                    _ => new NegateNode(operand),
                };
        }
    }

    private static EvalNode Binary(BinaryNode node, EvalNode left, EvalNode right)
    {
        if (left is ConstNode && right is ConstNode && TryFold(Generic(node, left, right), out var folded))
        {
            return folded;
        }

        var leftConst = (left as ConstNode)?.Value;
        var rightConst = (right as ConstNode)?.Value;
        switch (node.Operator)
        {
            case BinaryOperator.Add:
                if (leftConst is { } a && AsLinear(right) is { } r)
                {
                    return new AffineNode(r.Slot, r.Column, a, r.Scale);
                }

                if (rightConst is { } a2 && AsLinear(left) is { } l)
                {
                    return new AffineNode(l.Slot, l.Column, a2, l.Scale);
                }

                if (leftConst is { } c1)
                {
                    return new AddConstNode(right, c1);
                }

                if (rightConst is { } c2)
                {
                    return new AddConstNode(left, c2);
                }

                break;
            case BinaryOperator.Subtract:
                if (rightConst is { } s1 && AsLinear(left) is { } sl)
                {
                    return new AffineNode(sl.Slot, sl.Column, -s1, sl.Scale);
                }

                if (leftConst is { } s2 && AsLinear(right) is { } sr)
                {
                    return new AffineNode(sr.Slot, sr.Column, s2, -sr.Scale);
                }

                if (rightConst is { } s3)
                {
                    return new AddConstNode(left, -s3);
                }

                if (leftConst is { } s4)
                {
                    return new ConstMinusNode(s4, right);
                }

                break;
            case BinaryOperator.Multiply:
                if (leftConst is { } m1 && right is VarNode mv)
                {
                    return new ScaleNode(mv.Slot, mv.Column, m1);
                }

                if (rightConst is { } m2 && left is VarNode mv2)
                {
                    return new ScaleNode(mv2.Slot, mv2.Column, m2);
                }

                if (leftConst is { } m3)
                {
                    return new MultiplyConstNode(right, m3);
                }

                if (rightConst is { } m4)
                {
                    return new MultiplyConstNode(left, m4);
                }

                break;
            case BinaryOperator.Divide when rightConst is { } d && d != 0:
                return left is VarNode dv ? new VarDivideByConstNode(dv.Slot, dv.Column, d) : new DivideByConstNode(left, d);
        }

        return Generic(node, left, right);
    }

    /// <summary>A variable or a scaled variable, as (slot, scale): the <c>b*x</c> half of an affine shape.</summary>
    private static (int Slot, int Column, double Scale)? AsLinear(EvalNode node) => node switch
    {
        VarNode v => (v.Slot, v.Column, 1.0),
        ScaleNode s => (s.Slot, s.Column, s.Scale),
        _ => null,
    };

    private static EvalNode Generic(BinaryNode node, EvalNode left, EvalNode right) => node.Operator switch
    {
        BinaryOperator.Add => new AddNode(left, right),
        BinaryOperator.Subtract => new SubtractNode(left, right),
        BinaryOperator.Multiply => new MultiplyNode(left, right),
        _ => new CheckedBinaryNode(left, right, node.Column, node.Operator),
    };

    private static EvalNode Call(CallNode node, EvalNode[] arguments)
    {
        var column = node.Column;
        EvalNode call = node.Function switch
        {
            MathFunction.Log when arguments.Length == 2 => new LogBaseNode(arguments[0], arguments[1], column),
            MathFunction.Min when arguments.Length == 2 => new Min2Node(arguments[0], arguments[1]),
            MathFunction.Max when arguments.Length == 2 => new Max2Node(arguments[0], arguments[1]),
            MathFunction.Min or MathFunction.Max => new MinMaxNode(arguments, isMax: node.Function == MathFunction.Max),
            _ => new FunctionNode(arguments[0], column, node.Function),
        };
        return arguments.All(a => a is ConstNode) && TryFold(call, out var folded) ? folded : call;
    }

    private static EvalNode Compare(CompareNode node, EvalNode[] operands)
    {
        EvalNode compare = operands.Length == 2
            ? new ComparePairNode(operands[0], node.Operators[0], operands[1])
            : new CompareChainNode(operands, node.Operators);
        return operands.All(o => o is ConstNode) && TryFold(compare, out var folded) ? folded : compare;
    }

    private static EvalNode Boolean(BooleanNode node, EvalNode[] operands)
    {
        EvalNode boolean = new AndOrNode(operands, node.IsAnd);
        return operands.All(o => o is ConstNode) && TryFold(boolean, out var folded) ? folded : boolean;
    }

    /// <summary>Evaluates a node whose operands are all constant; an error (say <c>1/0</c>) is left for evaluation to report.</summary>
    private static bool TryFold(EvalNode node, out EvalNode folded)
    {
        var state = default(EvalState);
        var value = node.Eval([], ref state);
        folded = state.Failure == EvalFailure.None ? new ConstNode(value) : node;
        return state.Failure == EvalFailure.None;
    }
}
