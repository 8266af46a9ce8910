using System.CommandLine;
using System.Globalization;
using OpsConductor.ToolCatalog.Compatibility;
using OpsConductor.ToolCatalog.Expressions;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary>
/// <c>toolcatalog estimate "EXPR" [--var NAME=VALUE]… [--condition]</c>: evaluates an estimate expression (or, with
/// <c>--condition</c>, a policy condition) the way the catalog does, and prints the value or the error with a caret
/// under its column.
/// </summary>
internal static class EstimateCommand
{
    public static Command Create(CliContext context)
    {
        var expression = new Argument<string>("expression")
        {
            Description = "The expression, e.g. \"300 * ceil(N / 100) + 5 * N\" (quote it for the shell).",
        };
        var variables = new Option<string[]>("--var")
        {
            Description = "A variable's value as NAME=NUMBER (repeatable). N, pages, p95_latency, cost and time_ms default to 0, 1, 100, 1 and 1000.",
            HelpName = "NAME=VALUE",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var condition = new Option<bool>("--condition")
        {
            Description = "Evaluate a policy condition (comparisons, and, or, not) and print true or false.",
        };
        var command = new Command("estimate", "Evaluate an estimate expression or a policy condition for given variable values.")
        {
            expression,
            variables,
            condition,
        };
        command.SetAction((ParseResult result, CancellationToken cancellationToken) =>
            RunAsync(context, result.GetValue(expression)!, result.GetValue(variables) ?? [], result.GetValue(condition)));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string text, string[] assignments, bool isCondition)
    {
        var table = VariableTable.CreateDefault();
        var values = new ExpressionContext(table);
        var given = new HashSet<string>(StringComparer.Ordinal);
        foreach (var assignment in assignments)
        {
            var problem = Assign(values, assignment, given);
            if (problem is not null)
            {
                await context.Error.WriteLineAsync($"error: {problem}");
                await context.Error.WriteLineAsync("Run 'toolcatalog estimate --help' for usage.");
                return ExitCodes.Usage;
            }
        }

        ExpressionError? error;
        string output;
        if (isCondition)
        {
            output = ConditionExpression.TryCompile(text, table, out var compiled, out error) && compiled.TryEvaluate(values, out var truth, out error)
                ? (truth ? "true" : "false")
                : "";
        }
        else
        {
            output = EstimateExpression.TryCompile(text, table, out var compiled, out error) && compiled.TryEvaluate(values, out var value, out error)
                ? PythonRepr.Float(value + 0.0)
                : "";
        }

        if (error is null)
        {
            await context.Output.WriteLineAsync(output);
            return ExitCodes.Success;
        }

        await WriteErrorAsync(context.Error, text, error, isCondition);
        return ExitCodes.Failure;
    }

    private static string? Assign(ExpressionContext values, string assignment, HashSet<string> given)
    {
        var equals = assignment.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            return $"--var '{assignment}' must be NAME=NUMBER, e.g. --var N=100";
        }

        var name = assignment[..equals].Trim();
        var number = assignment[(equals + 1)..].Trim();
        if (!VariableTable.IsValidName(name))
        {
            return $"--var '{assignment}': '{name}' is not a variable name (ASCII letters, digits and _, not starting with a digit)";
        }

        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            return $"--var '{assignment}': '{number}' is not a finite number";
        }

        if (!given.Add(name))
        {
            return $"--var {name} is given more than once";
        }

        values.Set(name, value);
        return null;
    }

    private static async Task WriteErrorAsync(TextWriter writer, string text, ExpressionError error, bool isCondition)
    {
        await writer.WriteLineAsync(error.Column > 0
            ? string.Create(CultureInfo.InvariantCulture, $"error: {error.Message} (column {error.Column})")
            : $"error: {error.Message}");
        if (error.Column > 0)
        {
            var offset = Math.Min(error.Column - 1, text.Length);
            var lineStart = offset == 0 ? 0 : text.LastIndexOfAny(['\n', '\r'], offset - 1) + 1;
            var lineEnd = text.IndexOfAny(['\n', '\r'], offset);
            var line = text[lineStart..(lineEnd < 0 ? text.Length : lineEnd)];
            var shown = new string([.. line.Select(c => char.IsControl(c) ? ' ' : c)]);
            await writer.WriteLineAsync("  " + shown);
            await writer.WriteLineAsync("  " + new string(' ', offset - lineStart) + "^");
        }

        if (error.Kind == ExpressionErrorKind.UndefinedVariable)
        {
            await writer.WriteLineAsync($"Give it a value with --var {error.MissingVariable}=<number>.");
        }
        else if (!isCondition && error.Kind == ExpressionErrorKind.NotAllowed && error.Message.Contains("policy conditions", StringComparison.Ordinal))
        {
            await writer.WriteLineAsync("To evaluate a policy condition, add --condition.");
        }
    }
}
