using System.CommandLine;
using Npgsql;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary>
/// What the database verbs share: the <c>--connection</c> option (else <c>TOOLCATALOG_CONNECTION</c>), the
/// <c>--reason</c> option, the actor (the OS user), opening the store, and turning the store's errors into messages
/// and exit codes.
/// </summary>
internal static class StoreCommandSupport
{
    public const string ConnectionVariable = "TOOLCATALOG_CONNECTION";

    public static Option<string?> ConnectionOption() => new("--connection", "-c")
    {
        Description = $"PostgreSQL connection string, such as \"Host=localhost;Username=postgres;Password=…;Database=toolcatalog\" (default: ${ConnectionVariable}).",
    };

    public static Option<string?> ReasonOption() => new("--reason")
    {
        Description = "Why the change is made (recorded in the audit log).",
    };

    public static Option<string?> VersionOption(string description) => new("--version", "-v") { Description = description };

    public static Option<string> FormatOption() => new Option<string>("--format", "-f")
    {
        Description = "Output format: text or json.",
        DefaultValueFactory = _ => "text",
    }.AcceptOnlyFromAmong("text", "json");

    /// <summary>Who the CLI writes as: the operating-system user running it.</summary>
    public static string Actor => string.IsNullOrWhiteSpace(Environment.UserName) ? "toolcatalog-cli" : Environment.UserName;

    public static ChangeContext Change(ParseResult result, Option<string?> reason) => new()
    {
        Actor = Actor,
        Reason = result.GetValue(reason),
        UserAgent = "toolcatalog-cli",
    };

    /// <summary>
    /// Runs <paramref name="body"/> against the store named by <c>--connection</c> or <c>TOOLCATALOG_CONNECTION</c>.
    /// Missing connection: usage error (2). Store errors (not found, conflict, refused) and connection failures: the
    /// message and exit code 1.
    /// </summary>
    public static async Task<int> RunAsync(
        CliContext context,
        ParseResult result,
        Option<string?> connectionOption,
        Func<ToolCatalogStore, Task<int>> body,
        CancellationToken cancellationToken)
    {
        var connectionString = result.GetValue(connectionOption);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            connectionString = context.GetEnvironmentVariable(ConnectionVariable);
        }

        if (string.IsNullOrWhiteSpace(connectionString))
        {
            await context.Error.WriteLineAsync(
                $"error: no database given. Pass --connection \"Host=…;Username=…;Password=…;Database=…\" or set {ConnectionVariable} "
                + "to a PostgreSQL connection string (run 'toolcatalog migrate' once to create the schema).");
            return ExitCodes.Usage;
        }

        NpgsqlDataSource dataSource;
        try
        {
            dataSource = NpgsqlDataSource.Create(connectionString);
        }
        catch (ArgumentException e)
        {
            await context.Error.WriteLineAsync($"error: the connection string is not valid: {e.Message}");
            return ExitCodes.Usage;
        }

        await using (dataSource)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return await body(new ToolCatalogStore(dataSource));
            }
            catch (ToolCatalogException e)
            {
                await context.Error.WriteLineAsync($"error: {e.Message}");
                return ExitCodes.Failure;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                await context.Error.WriteLineAsync($"error: the catalog schema is missing in this database ({e.MessageText}). Run 'toolcatalog migrate' first.");
                return ExitCodes.Failure;
            }
            catch (NpgsqlException e)
            {
                await context.Error.WriteLineAsync($"error: the database could not be used: {e.Message}. Check the connection string and that the server is running.");
                return ExitCodes.Failure;
            }
        }
    }
}
