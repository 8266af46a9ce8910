using Npgsql;
using OpsConductor.ToolCatalog.LocalPostgres;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Cli.Configuration;

/// <summary>Where the connection string of a database verb came from.</summary>
internal enum ConnectionSource
{
    /// <summary><c>--connection</c>.</summary>
    Option,

    /// <summary><c>TOOLCATALOG_CONNECTION</c>.</summary>
    Environment,

    /// <summary>The configuration file's <c>connection</c>.</summary>
    ConfigFile,

    /// <summary>The private PostgreSQL server the command starts (or reuses) itself.</summary>
    Embedded,
}

/// <summary>A connection string and where it came from.</summary>
internal sealed record CatalogConnection(string ConnectionString, ConnectionSource Source, string Origin)
{
    /// <summary>
    /// The connection the database verbs use: <c>--connection</c>, else <c>TOOLCATALOG_CONNECTION</c>, else the
    /// configuration file's <c>connection</c>, else the private server (started or reused, its database created and
    /// migrated: see <see cref="EmbeddedDatabase"/>).
    /// </summary>
    /// <exception cref="CliException">The configuration is unusable.</exception>
    /// <exception cref="LocalPostgresException">The private server could not be started.</exception>
    public static async Task<CatalogConnection> ResolveAsync(CliContext context, string? option, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(option))
        {
            ConnectionStrings.Require(option, "--connection");
            return new(option, ConnectionSource.Option, "--connection");
        }

        var fromEnvironment = context.GetEnvironmentVariable(CliSettings.ConnectionVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            ConnectionStrings.Require(fromEnvironment, "$" + CliSettings.ConnectionVariable);
            return new(fromEnvironment, ConnectionSource.Environment, CliSettings.ConnectionVariable);
        }

        var settings = CliSettings.Load(context);
        if (settings.Connection is not null)
        {
            ConnectionStrings.Require(settings.Connection, "the configuration file " + settings.ConfigFile);
            return new(settings.Connection, ConnectionSource.ConfigFile, settings.ConfigFile!);
        }

        var instance = EmbeddedDatabase.InstanceDirectory(context, settings);
        var connectionString = await EmbeddedDatabase.EnsureAsync(context, instance, cancellationToken);
        return new(connectionString, ConnectionSource.Embedded, instance);
    }

    /// <summary>Describes where the connection came from, for status output (no secrets).</summary>
    public string Describe() => Source switch
    {
        ConnectionSource.Option => "the server given with --connection",
        ConnectionSource.Environment => $"the server in ${CliSettings.ConnectionVariable}",
        ConnectionSource.ConfigFile => $"the server in the configuration file {Origin}",
        _ => $"the private PostgreSQL server in {Origin}",
    };
}

/// <summary>
/// The private PostgreSQL server the command uses when no connection string is given: a persistent
/// <see cref="LocalPostgresServer"/> instance in <c>&lt;data folder&gt;/pg</c> (see
/// <see cref="CliSettings.ResolveDataDirectory"/>), listening on a free loopback port with password authentication (the
/// generated secret is kept in <c>instance.json</c>, mode 0600), run as <c>postgres</c>/<c>nobody</c> when the command
/// runs as root. The first use initialises it; later uses find it running (or start it again); <c>toolcatalog db stop</c>
/// stops it. Its catalog lives in the database <see cref="DatabaseName"/>, created and migrated on use.
/// </summary>
internal static class EmbeddedDatabase
{
    public const string DatabaseName = "toolcatalog";

    public static string InstanceDirectory(CliContext context, CliSettings settings) =>
        Path.Combine(settings.ResolveDataDirectory(context), "pg");

    /// <summary>The launcher options: the program folders of <c>TOOLCATALOG_PG_BIN</c> (colon-separated) when set.</summary>
    public static LocalPostgresOptions Options(CliContext context)
    {
        var folders = context.GetEnvironmentVariable(CliSettings.PostgresBinVariable);
        return string.IsNullOrWhiteSpace(folders)
            ? new LocalPostgresOptions()
            : new LocalPostgresOptions { SearchDirectories = [.. folders.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] };
    }

    /// <summary>Starts or reuses the server, creates the catalog database and migrates it; returns its connection string.
    /// Says on the error stream when it initialises or starts the server, and then which server and database
    /// (<c>host:port/database</c>, never the secret) it started (reuse is silent).</summary>
    public static async Task<string> EnsureAsync(CliContext context, string instance, CancellationToken cancellationToken)
    {
        var before = await LocalPostgresServer.GetStatusAsync(instance, cancellationToken);
        if (!before.IsInitialized)
        {
            await context.Error.WriteLineAsync($"Setting up a private PostgreSQL server in {instance} (first use; '{Commands.QuickstartCommand.CommandPrefix(context)} db stop' stops it)...");
        }
        else if (!before.IsRunning)
        {
            await context.Error.WriteLineAsync($"Starting the private PostgreSQL server in {instance}...");
        }

        string connectionString;
        await using (var server = await LocalPostgresServer.StartPersistentAsync(instance, Options(context), cancellationToken))
        {
            await EnsureDatabaseAsync(server, cancellationToken);
            connectionString = ConnectionStringFor(server);
        }

        if (!before.IsRunning)
        {
            // Standard error, so that the command's own output (JSON included) stays clean.
            await context.Error.WriteLineAsync(
                $"Started the private PostgreSQL server: the catalog is {Commands.StoreCommandSupport.DatabaseLocation(connectionString)} (data in {instance}). "
                + $"It keeps running for the next commands; '{Commands.QuickstartCommand.CommandPrefix(context)} db stop' stops it.");
        }

        var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (dataSource)
        {
            var migration = await new ToolCatalogStore(dataSource).MigrateAsync(cancellationToken);
            if (migration.Applied.Count > 0)
            {
                await context.Error.WriteLineAsync($"Catalog schema created (version {migration.SchemaVersion}) in database '{DatabaseName}'.");
            }
        }

        return connectionString;
    }

    /// <summary>The catalog database's connection string (with the secret: never print it unasked).</summary>
    public static string ConnectionStringFor(LocalPostgresServer server) =>
        new NpgsqlConnectionStringBuilder(server.GetConnectionString(DatabaseName)) { MaxAutoPrepare = 32, AutoPrepareMinUsages = 2 }.ConnectionString;

    /// <summary>A connection string as shown to people: the password replaced by <c>***</c>.</summary>
    public static string Redact(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            if (!string.IsNullOrEmpty(builder.Password))
            {
                builder.Password = "***";
            }

            return builder.ConnectionString;
        }
        catch (ArgumentException)
        {
            return "(not a valid connection string)";
        }
    }

    private static async Task EnsureDatabaseAsync(LocalPostgresServer server, CancellationToken cancellationToken)
    {
        var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server.ConnectionString) { Pooling = false }.ConnectionString);
        await using (admin)
        {
            await admin.OpenAsync(cancellationToken);
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", admin) { Parameters = { new() { Value = DatabaseName } } };
            if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
            {
                return;
            }

            try
            {
                // The name is a constant of ours, not input: CREATE DATABASE takes no parameters.
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{DatabaseName}\"", admin);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
            {
                // Another process created it first: 42P04 once its CREATE DATABASE has committed, 23505 (on
                // pg_database's name index) when both ran at the same moment.
            }
        }
    }
}
