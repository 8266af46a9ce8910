using System.CommandLine;
using System.Text.Json;
using Npgsql;
using OpsConductor.ToolCatalog.Cli.Configuration;
using OpsConductor.ToolCatalog.LocalPostgres;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary>
/// <c>toolcatalog db start|stop|status</c>: the private PostgreSQL server the database verbs use when no connection
/// string is given (see <see cref="EmbeddedDatabase"/>).
/// </summary>
internal static class DbCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("db", "Start, stop or inspect the private PostgreSQL server that catalog commands use when no connection string is given.");
        command.Subcommands.Add(Start(context));
        command.Subcommands.Add(Stop(context));
        command.Subcommands.Add(Status(context));
        return command;
    }

    private static Command Start(CliContext context)
    {
        var showSecret = ShowSecretOption();
        var command = new Command("start", "Start the private server (initialising it and creating the catalog schema on first use); does nothing when it is running.") { showSecret };
        command.SetAction((result, cancellationToken) => Guard(context, async () =>
        {
            var settings = CliSettings.Load(context);
            var instance = EmbeddedDatabase.InstanceDirectory(context, settings);
            var wasRunning = (await LocalPostgresServer.GetStatusAsync(instance, cancellationToken)).IsRunning;
            var connectionString = await EmbeddedDatabase.EnsureAsync(context, instance, cancellationToken);
            var status = await LocalPostgresServer.GetStatusAsync(instance, cancellationToken);
            await context.Output.WriteLineAsync(wasRunning
                ? $"The private PostgreSQL server is already running (port {status.Port})."
                : $"The private PostgreSQL server is running (port {status.Port}).");
            await WriteStatusAsync(context, status, connectionString, result.GetValue(showSecret));
            await WriteOverrideNoteAsync(context, settings);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Stop(CliContext context)
    {
        var command = new Command("stop", "Stop the private server (its data is kept; the next catalog command starts it again).");
        command.SetAction((result, cancellationToken) => Guard(context, async () =>
        {
            var instance = EmbeddedDatabase.InstanceDirectory(context, CliSettings.Load(context));
            var stopped = await LocalPostgresServer.StopPersistentAsync(instance, EmbeddedDatabase.Options(context), cancellationToken);
            NpgsqlConnection.ClearAllPools();
            await context.Output.WriteLineAsync(stopped
                ? $"Stopped the private PostgreSQL server in {instance}."
                : $"The private PostgreSQL server in {instance} was not running; nothing to stop.");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Status(CliContext context)
    {
        var showSecret = ShowSecretOption();
        var format = StoreCommandSupport.FormatOption();
        var command = new Command("status", "Say where the private server is, whether it runs, and which database catalog commands use now.") { showSecret, format };
        command.SetAction((result, cancellationToken) => Guard(context, async () =>
        {
            var settings = CliSettings.Load(context);
            var instance = EmbeddedDatabase.InstanceDirectory(context, settings);
            var status = await LocalPostgresServer.GetStatusAsync(instance, cancellationToken);
            var connectionString = status.IsRunning ? ReadConnectionString(instance, status.Port) : null;
            if (result.GetValue(format) == "json")
            {
                await context.Output.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    instance_directory = status.InstanceDirectory,
                    data_directory = status.DataDirectory,
                    initialized = status.IsInitialized,
                    running = status.IsRunning,
                    port = status.Port,
                    process_id = status.ProcessId,
                    data_version = status.DataVersion,
                    server_version = status.ServerVersion,
                    service_account = status.ServiceAccount,
                    log_file = status.LogFile,
                    connection = connectionString is null ? null : result.GetValue(showSecret) ? connectionString : EmbeddedDatabase.Redact(connectionString),
                    catalog_commands_use = UsedConnection(context, settings),
                }, CliJson.Options));
                return ExitCodes.Success;
            }

            if (!status.IsInitialized)
            {
                await context.Output.WriteLineAsync($"No private PostgreSQL server yet in {instance}.");
                await context.Output.WriteLineAsync("It is set up on first use (any catalog command, or 'toolcatalog db start').");
            }
            else
            {
                await context.Output.WriteLineAsync(status.IsRunning
                    ? $"The private PostgreSQL server is running (port {status.Port}, process {status.ProcessId})."
                    : "The private PostgreSQL server is stopped (the next catalog command, or 'toolcatalog db start', starts it).");
                await WriteStatusAsync(context, status, connectionString, result.GetValue(showSecret));
            }

            await context.Output.WriteLineAsync($"Catalog commands use: {UsedConnection(context, settings)}.");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Option<bool> ShowSecretOption() => new("--show-secret")
    {
        Description = "Print the connection string with its password (to use the server from psql or another program).",
    };

    private static async Task WriteStatusAsync(CliContext context, LocalPostgresStatus status, string? connectionString, bool showSecret)
    {
        var rows = new List<string[]>
        {
            new[] { "instance folder", status.InstanceDirectory },
            new[] { "data folder", status.DataDirectory },
            new[] { "server", $"{status.ServerVersion ?? "?"} (data made by PostgreSQL {status.DataVersion ?? "?"})" },
        };
        if (status.ServiceAccount is not null)
        {
            rows.Add(["runs as", status.ServiceAccount]);
        }

        rows.Add(["log", status.LogFile]);
        rows.Add(["secret", Path.Combine(status.InstanceDirectory, "instance.json") + " (mode 0600)"]);
        if (connectionString is not null)
        {
            rows.Add(["connection", showSecret ? connectionString : EmbeddedDatabase.Redact(connectionString) + "   (--show-secret prints the password)"]);
        }

        foreach (var row in rows)
        {
            await context.Output.WriteLineAsync($"  {row[0],-16}{row[1]}");
        }
    }

    private static async Task WriteOverrideNoteAsync(CliContext context, CliSettings settings)
    {
        var used = UsedConnection(context, settings);
        if (!used.StartsWith("the private", StringComparison.Ordinal))
        {
            await context.Output.WriteLineAsync($"Note: catalog commands use {used}, not this server; unset it to use this one.");
        }
    }

    /// <summary>Which database the catalog verbs use right now, without starting anything.</summary>
    private static string UsedConnection(CliContext context, CliSettings settings)
    {
        if (!string.IsNullOrWhiteSpace(context.GetEnvironmentVariable(CliSettings.ConnectionVariable)))
        {
            return $"the server in ${CliSettings.ConnectionVariable}";
        }

        return settings.Connection is not null
            ? $"the server in the configuration file {settings.ConfigFile}"
            : $"the private PostgreSQL server (database '{EmbeddedDatabase.DatabaseName}')";
    }

    /// <summary>The catalog database's connection string of a running instance, read from its state file.</summary>
    private static string? ReadConnectionString(string instance, int? port)
    {
        var file = Path.Combine(instance, "instance.json");
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            var root = json.RootElement;
            return new NpgsqlConnectionStringBuilder
            {
                Host = "127.0.0.1",
                Port = port ?? root.GetProperty("port").GetInt32(),
                Username = root.GetProperty("username").GetString(),
                Password = root.GetProperty("password").GetString(),
                Database = EmbeddedDatabase.DatabaseName,
            }.ConnectionString;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    private static async Task<int> Guard(CliContext context, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (CliException e)
        {
            await context.Error.WriteLineAsync($"error: {e.Message}");
            return e.ExitCode;
        }
        catch (LocalPostgresException e)
        {
            await context.Error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (NpgsqlException e)
        {
            await context.Error.WriteLineAsync($"error: the private PostgreSQL server could not be used: {e.Message}. Its log file is shown by 'toolcatalog db status'.");
            return ExitCodes.Failure;
        }
    }
}
