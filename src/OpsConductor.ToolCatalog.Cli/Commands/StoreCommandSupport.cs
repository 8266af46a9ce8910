using System.CommandLine;
using System.Globalization;
using Npgsql;
using OpsConductor.ToolCatalog.Cli.Configuration;
using OpsConductor.ToolCatalog.LocalPostgres;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary>
/// What the database verbs share: the <c>--connection</c> option (else <c>TOOLCATALOG_CONNECTION</c>, the configuration
/// file, or the private server), the
/// <c>--reason</c> option, the actor (the OS user), opening the store, and turning the store's errors into messages
/// and exit codes.
/// </summary>
internal static class StoreCommandSupport
{
    public const string ConnectionVariable = CliSettings.ConnectionVariable;

    public static Option<string?> ConnectionOption() => new("--connection", "-c")
    {
        Description = $"PostgreSQL connection string, such as \"Host=localhost;Username=postgres;Password=…;Database=toolcatalog\" "
            + $"(default: ${ConnectionVariable}, else \"connection\" in the configuration file, else a private server started for you: see 'toolcatalog db status').",
    };

    public static Option<string?> ReasonOption() => new("--reason")
    {
        Description = "Why the change is made (recorded in the audit log).",
    };

    /// <summary>The name of <see cref="TenantOption"/>: a command that declares it reads and writes that tenant's catalog.</summary>
    public const string TenantOptionName = "--tenant";

    /// <summary><c>--tenant ID</c>: the command works on the tenant's catalog (the global one overlaid with the tenant's
    /// tools) instead of the global catalog; an id that breaks the rule is a usage error.</summary>
    public static Option<string?> TenantOption()
    {
        var option = new Option<string?>(TenantOptionName)
        {
            Description = "Work on this tenant's catalog (the global catalog overlaid with the tenant's own tools and shadows) instead of the global catalog.",
        };
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && !Tenancy.TenantId.IsValid(r.Tokens[0].Value))
            {
                r.AddError($"--tenant '{r.Tokens[0].Value}' is not a tenant id: {Tenancy.TenantId.Rule}.");
            }
        });
        return option;
    }

    /// <summary>The tenant the command was given (<see cref="TenantOption"/>), or null when it has no such option or none was given.</summary>
    public static string? TenantOf(ParseResult result) =>
        result.CommandResult.Command.Options.Any(o => o.Name == TenantOptionName) ? result.GetValue<string?>(TenantOptionName) : null;

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
    /// Where <paramref name="store"/> reads and writes, as <c>host:port/database</c> (never the password or any other
    /// part of the connection string), such as <c>127.0.0.1:54321/toolcatalog</c>. Every write verb says it
    /// (<see cref="WriteDatabaseLineAsync"/>, or a <c>database</c> field in JSON output).
    /// </summary>
    public static string DatabaseLocation(ToolCatalogStore store) => DatabaseLocation(store.DataSource.ConnectionString);

    /// <summary>As <see cref="DatabaseLocation(ToolCatalogStore)"/>, for a connection string: every host of a
    /// multi-host string with its port (the given one, else <c>Port</c>), then the database (else the user name, which
    /// is PostgreSQL's default database).</summary>
    internal static string DatabaseLocation(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var hosts = string.Join(',', (builder.Host ?? "localhost")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(host => host.Contains(':', StringComparison.Ordinal) ? host : $"{host}:{builder.Port.ToString(CultureInfo.InvariantCulture)}"));
        return $"{hosts}/{builder.Database ?? builder.Username ?? "(the user's default database)"}";
    }

    /// <summary>
    /// The closing line of every write verb's text output: <c>Database: host:port/database.</c> (see
    /// <see cref="DatabaseLocation(ToolCatalogStore)"/>), so that nobody has to guess which catalog a change went to.
    /// </summary>
    public static Task WriteDatabaseLineAsync(CliContext context, ToolCatalogStore store) =>
        context.Output.WriteLineAsync($"Database: {DatabaseLocation(store)}.");

    /// <summary>
    /// Runs <paramref name="body"/> against the catalog store the command should use (see
    /// <see cref="CatalogConnection.ResolveAsync"/>: <c>--connection</c>, <c>TOOLCATALOG_CONNECTION</c>, the
    /// configuration file, else the private server). Configuration problems: usage error (2). Store errors (not found,
    /// conflict, refused), connection failures and a private server that cannot start: the message, what to do, and
    /// exit code 1.
    /// </summary>
    public static Task<int> RunAsync(
        CliContext context,
        ParseResult result,
        Option<string?> connectionOption,
        Func<ToolCatalogStore, Task<int>> body,
        CancellationToken cancellationToken) =>
        RunAsync(context, result.GetValue(connectionOption), (store, _) => body(store), cancellationToken, TenantOf(result));

    /// <summary>As <see cref="RunAsync(CliContext, ParseResult, Option{string?}, Func{ToolCatalogStore, Task{int}}, CancellationToken)"/>,
    /// with the connection's origin passed to <paramref name="body"/>; with <paramref name="tenant"/> the store is scoped to it.</summary>
    public static async Task<int> RunAsync(
        CliContext context,
        string? connectionOption,
        Func<ToolCatalogStore, CatalogConnection, Task<int>> body,
        CancellationToken cancellationToken,
        string? tenant = null)
    {
        CatalogConnection connection;
        try
        {
            connection = await CatalogConnection.ResolveAsync(context, connectionOption, cancellationToken);
        }
        catch (CliException e)
        {
            await context.Error.WriteLineAsync($"error: {e.Message}");
            return e.ExitCode;
        }
        catch (LocalPostgresException e)
        {
            await context.Error.WriteLineAsync(
                $"error: no catalog database was given (--connection, ${ConnectionVariable} or the configuration file), and the private PostgreSQL server could not be used: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (NpgsqlException e)
        {
            await context.Error.WriteLineAsync(
                $"error: the private PostgreSQL server started but could not be used: {e.Message}. See 'toolcatalog db status' for its log file, or give a server with --connection.");
            return ExitCodes.Failure;
        }

        NpgsqlDataSource dataSource;
        try
        {
            dataSource = NpgsqlDataSource.Create(connection.ConnectionString);
        }
        catch (ArgumentException e)
        {
            await context.Error.WriteLineAsync($"error: the connection string from {connection.Origin} is not valid: {e.Message}");
            return ExitCodes.Usage;
        }

        await using (dataSource)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var secrets = SecretKeys.Open(context, connection);
                var store = new ToolCatalogStore(dataSource, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<ToolCatalogStore>.Instance, secrets);
                return await body(tenant is null ? store : store.ForTenant(tenant), connection);
            }
            catch (CliException e)
            {
                await context.Error.WriteLineAsync($"error: {e.Message}");
                return e.ExitCode;
            }
            catch (Exception e) when (e is ToolCatalogException or NpgsqlException)
            {
                await context.Error.WriteLineAsync($"error: {CliErrors.Describe(e, connection.Origin)}");
                return ExitCodes.Failure;
            }
        }
    }
}
