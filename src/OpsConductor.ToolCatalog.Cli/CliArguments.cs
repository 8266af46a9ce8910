using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using OpsConductor.ToolCatalog.Cli.Configuration;

namespace OpsConductor.ToolCatalog.Cli;

/// <summary>
/// The checks every command's arguments get at the command-line boundary, before a verb runs: a tool name, a version,
/// a path or a connection string that can never be right is a usage error (exit code 2) whose message names the
/// argument or option and the rule, never an exception from deeper down. <see cref="Apply(RootCommand)"/> attaches them by the
/// argument's or option's name to every command of the tree, so a verb added later gets them too.
/// </summary>
/// <remarks>
/// Names and versions are only checked for what no stored tool can have (empty, blank, surrounding white space,
/// control characters, longer than the database column): a name or version that merely does not follow the
/// documented form is looked up and reported as not found, so that a tool stored through the library's API under such
/// a name can still be shown and deleted.
/// </remarks>
internal static class CliArguments
{
    /// <summary>Attaches the checks to every argument and option of <paramref name="root"/>'s commands (not to the root's own options).</summary>
    public static void Apply(RootCommand root)
    {
        foreach (var command in root.Subcommands)
        {
            Apply(command);
        }
    }

    private static void Apply(Command command)
    {
        foreach (var argument in command.Arguments)
        {
            switch (argument.Name)
            {
                case "name":
                    argument.Validators.Add(r => CheckEach(r, r.Tokens, argument.Name, "the tool name", CheckName));
                    break;
                case "path" or "dir" or "file":
                    argument.Validators.Add(r => CheckEach(r, r.Tokens, argument.Name, "the path", CheckPath));
                    break;
            }
        }

        foreach (var option in command.Options)
        {
            switch (option.Name)
            {
                case "--name" or "--tool":
                    option.Validators.Add(r => CheckEach(r, r.Tokens, option.Name, "the tool name", CheckName));
                    break;
                case "--version" or "--to":
                    option.Validators.Add(r => CheckEach(r, r.Tokens, option.Name, "the version", CheckVersion));
                    break;
                case "--output" or "--profiles" or "--tools" or "--file":
                    option.Validators.Add(r => CheckEach(r, r.Tokens, option.Name, "the path", CheckPath));
                    break;
                case "--connection":
                    // Never echoed: a connection string may hold a password.
                    option.Validators.Add(r => CheckEach(r, r.Tokens, option.Name, "the connection string", CheckConnection, echo: false));
                    break;
            }
        }

        foreach (var subcommand in command.Subcommands)
        {
            Apply(subcommand);
        }
    }

    private static void CheckEach(SymbolResult result, IReadOnlyList<Token> tokens, string symbol, string what, Func<string, string?> check, bool echo = true)
    {
        foreach (var token in tokens)
        {
            if (check(token.Value) is { } problem)
            {
                result.AddError(echo ? $"{symbol}: {what} {Quote(token.Value)} {problem}." : $"{symbol}: {what} {problem}.");
                return;
            }
        }
    }

    /// <summary>
    /// The option's value when its token converted to <typeparamref name="T"/>; false when it did not, so a range validator
    /// checks only a value that parsed (the parser reports the unparsable token itself, naming the option, as a usage
    /// error; <c>GetValueOrDefault</c> would throw instead, and the error would reach the user as a stack trace).
    /// </summary>
    internal static bool TryGetValue<T>(this OptionResult result, out T? value)
    {
        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default;
            return false;
        }
    }

    /// <summary>Why <paramref name="name"/> can never name a stored tool, or null.</summary>
    internal static string? CheckName(string name) =>
        CheckText(name, MaxNameLength);

    /// <summary>Why <paramref name="version"/> can never be a stored version, or null.</summary>
    internal static string? CheckVersion(string version) =>
        CheckText(version, MaxVersionLength);

    /// <summary>Why <paramref name="path"/> cannot be a path: empty or blank (which would mean the current folder), or a control character.</summary>
    internal static string? CheckPath(string path)
    {
        if (path.Length == 0)
        {
            return "is empty; give a file or folder (use '.' for the current folder)";
        }

        if (string.IsNullOrWhiteSpace(path))
        {
            return "is only white space; give a file or folder (use '.' for the current folder)";
        }

        return path.Any(char.IsControl) ? "contains a control character; give a file or folder name without one" : null;
    }

    /// <summary>Why <paramref name="connectionString"/> is not a usable connection string (see <see cref="ConnectionStrings.Check"/>).</summary>
    internal static string? CheckConnection(string connectionString) =>
        string.IsNullOrWhiteSpace(connectionString)
            ? "is empty; give a PostgreSQL connection string such as \"Host=localhost;Username=postgres;Database=toolcatalog\", or leave --connection out to use the default"
            : ConnectionStrings.Check(connectionString) is { } problem ? "is not valid: " + problem : null;

    /// <summary>The tool_name column's size (VARCHAR(100)).</summary>
    private const int MaxNameLength = 100;

    /// <summary>The version column's size (VARCHAR(20)).</summary>
    private const int MaxVersionLength = 20;

    private static string? CheckText(string value, int maxLength)
    {
        if (value.Length == 0)
        {
            return "is empty";
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            return "is only white space";
        }

        if (value.Any(char.IsControl))
        {
            return "contains a control character, which no stored name or version has";
        }

        if (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))
        {
            return "starts or ends with white space, which no stored name or version has";
        }

        return value.Length > maxLength
            ? string.Create(CultureInfo.InvariantCulture, $"is {value.Length} characters long; the catalog stores at most {maxLength}")
            : null;
    }

    /// <summary>The value as shown in a message: quoted, control characters made visible, long values cut.</summary>
    private static string Quote(string value)
    {
        var shown = TerminalText.Neutralize(value.Length > 60 ? value[..60] + "…" : value);
        return $"'{shown}'";
    }
}
