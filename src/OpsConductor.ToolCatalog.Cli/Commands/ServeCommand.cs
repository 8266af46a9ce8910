using System.CommandLine;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary>
/// <c>toolcatalog serve [--urls URL[;URL…]] [--connection …]</c>: the management server, ready-made. Resolves the
/// database as every store command does (the private server by default), migrates it, and runs an ASP.NET Core host over
/// it with the REST API, the OpenAPI document and its reference page, health and metrics
/// (<c>MapToolCatalogServer</c>) and the admin UI at <c>/admin</c> (<c>MapToolCatalogAdmin</c>); prints where it listens and how to get a key; stops on Ctrl+C (exit 0).
/// </summary>
internal static class ServeCommand
{
    /// <summary>Where the server listens unless <c>--urls</c> says otherwise: loopback only.</summary>
    internal const string DefaultUrls = "http://127.0.0.1:8080";

    public static Command Create(CliContext context)
    {
        var urls = new Option<string>("--urls")
        {
            Description = $"Where to listen: one or more http:// or https:// addresses separated by ';' (default {DefaultUrls}; port 0 picks a free port; https needs a certificate in Kestrel's configuration, see docs/api.md).",
            DefaultValueFactory = _ => DefaultUrls,
        };
        urls.Validators.Add(r =>
        {
            if (CheckUrls(r.GetValueOrDefault<string>()) is { } error)
            {
                r.AddError(error);
            }
        });
        var connection = StoreCommandSupport.ConnectionOption();
        var command = new Command(
            "serve",
            "Run the management server over the catalog database: the REST API (/api/v1), the admin UI (/admin), its OpenAPI document and reference page (/api/docs), health (/health/live, /health/ready) and metrics (/metrics). Ends on Ctrl+C.")
        {
            urls, connection,
        };
        command.SetAction((result, cancellationToken) => StoreCommandSupport.RunAsync(context, result.GetValue(connection), async (store, origin) =>
        {
            await context.Output.WriteLineAsync("OpsConductor tool catalog: management server");
            await context.Output.WriteLineAsync($"Database: {StoreCommandSupport.DatabaseLocation(store)} ({origin.Describe()}).");
            var migration = await store.MigrateAsync(cancellationToken);
            await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Schema: version {migration.SchemaVersion}{(migration.Applied.Count > 0 ? $" (applied {string.Join(", ", migration.Applied)})" : ", up to date")}."));

            var app = Build(store, result.GetValue(urls)!);
            await using (app)
            {
                try
                {
                    await app.StartAsync(cancellationToken);
                }
                catch (IOException e)
                {
                    // Kestrel could not bind (the port is taken, the address is not this machine's).
                    await context.Error.WriteLineAsync($"error: --urls: cannot listen on {result.GetValue(urls)}: {e.Message}");
                    return ExitCodes.Failure;
                }
                catch (InvalidOperationException e) when (e.Message.Contains("certificate", StringComparison.OrdinalIgnoreCase))
                {
                    await context.Error.WriteLineAsync($"error: --urls: an https address needs a certificate (Kestrel:Certificates:Default in the configuration, see docs/api.md): {e.Message}");
                    return ExitCodes.Failure;
                }

                await WriteWelcomeAsync(context, app);
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, app.Lifetime.ApplicationStopping);
                try
                {
                    await Task.Delay(Timeout.Infinite, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl+C (or the host stopping itself): the normal end.
                }

                await context.Output.WriteLineAsync("Stopping: finishing the requests in flight...");
                await context.Output.FlushAsync(CancellationToken.None);
                await app.StopAsync(CancellationToken.None);
                await context.Output.WriteLineAsync("Stopped.");
            }

            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    /// <summary>
    /// The host: Kestrel on <paramref name="urls"/>, the catalog over the store's data source (so the runtime, the API's
    /// writes and the command share one pool), the server with everything mapped. Logs warnings and errors, one line
    /// each, on standard error; the CLI handles Ctrl+C itself (no console lifetime).
    /// </summary>
    internal static WebApplication Build(ToolCatalogStore store, string urls)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = "toolcatalog",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.UseUrls(urls);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // The host's own start failure is reported by the command in words (exit 1), not logged as well.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.Logging.AddConsole(static o => o.FormatterName = OneLineLogFormatter.Name)
            .AddConsoleFormatter<OneLineLogFormatter, ConsoleFormatterOptions>();
        builder.Services.Configure<ConsoleLoggerOptions>(static o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddSingleton<IHostLifetime, CommandLifetime>();
        builder.Services.Configure<HostOptions>(static o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));

        builder.Services.AddSingleton(store.DataSource);
        builder.Services.AddToolCatalog(static o => o.Mode = CatalogMode.Database);
        builder.Services.AddToolCatalogServer();
        builder.Services.AddToolCatalogAdmin();

        var app = builder.Build();
        app.UseToolCatalogServer(); // security headers, sign-in, rate limits, authorization
        app.MapToolCatalogServer();
        app.MapToolCatalogAdmin();
        return app;
    }

    /// <summary>Where it listens, the pages to open, how to get a key.</summary>
    private static async Task WriteWelcomeAsync(CliContext context, WebApplication app)
    {
        var output = context.Output;
        var catalog = app.Services.GetRequiredService<IToolCatalog>().Current;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Catalog: revision {catalog.Revision}, {catalog.ToolCount} tools."));
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        foreach (var address in addresses)
        {
            await output.WriteLineAsync($"Listening on {address}");
        }

        var first = addresses.FirstOrDefault()?.TrimEnd('/') ?? DefaultUrls;
        await output.WriteLineAsync($"  API:           {first}{ToolCatalogEndpointRouteBuilderExtensions.ApiPrefix}");
        await output.WriteLineAsync($"  Admin UI:      {first}{OpsConductor.ToolCatalog.Admin.ToolCatalogAdmin.Path} (sign in with an API key)");
        await output.WriteLineAsync($"  API reference: {first}{ToolCatalogServerEndpointRouteBuilderExtensions.ApiDocsPath} (OpenAPI: {first}{ToolCatalogServerEndpointRouteBuilderExtensions.OpenApiDocumentPath})");
        await output.WriteLineAsync($"  Health:        {first}{ToolCatalogServerEndpointRouteBuilderExtensions.ReadyPath}");
        await output.WriteLineAsync($"  Metrics:       {first}{ToolCatalogServerEndpointRouteBuilderExtensions.MetricsPath}");
        await output.WriteLineAsync(
            $"Every API call needs a key: '{QuickstartCommand.CommandPrefix(context)} keys create --name NAME --role admin' prints one; send it as 'Authorization: Bearer KEY'.");
        await output.WriteLineAsync("Press Ctrl+C to stop.");
        await output.FlushAsync(CancellationToken.None);
    }

    /// <summary>
    /// Null when <paramref name="urls"/> is a list of addresses Kestrel can listen on (<c>http</c> or <c>https</c>,
    /// a host, a port, no path), else the error naming the option and the address.
    /// </summary>
    internal static string? CheckUrls(string? urls)
    {
        var parts = (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
        {
            return "--urls is empty: give at least one address, such as http://127.0.0.1:8080.";
        }

        foreach (var part in parts)
        {
            BindingAddress address;
            try
            {
                address = BindingAddress.Parse(part);
            }
            catch (FormatException)
            {
                return $"--urls: '{part}' is not an address to listen on; use scheme://host:port, such as http://127.0.0.1:8080.";
            }

            if (address.IsUnixPipe || address.IsNamedPipe)
            {
                continue;
            }

            if (address.Scheme is not ("http" or "https"))
            {
                return $"--urls: '{part}' has the scheme '{address.Scheme}'; only http and https are served.";
            }

            if (string.IsNullOrEmpty(address.Host) || address.Port is < 0 or > 65535)
            {
                return $"--urls: '{part}' needs a host and a port between 0 and 65535, such as http://127.0.0.1:8080.";
            }

            if (address.PathBase.Length > 0)
            {
                return $"--urls: '{part}' has a path ('{address.PathBase}'); the server listens at the root, give scheme://host:port only.";
            }
        }

        return null;
    }

    /// <summary>
    /// Log lines as <c>warn: category: message (ExceptionType: message)</c>: one line each, never a stack trace (the
    /// server's logs reach whoever runs the command).
    /// </summary>
    private sealed class OneLineLogFormatter() : ConsoleFormatter(Name)
    {
        public new const string Name = "toolcatalog";

        public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
        {
            var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
            var level = logEntry.LogLevel switch
            {
                LogLevel.Critical => "crit",
                LogLevel.Error => "fail",
                LogLevel.Warning => "warn",
                LogLevel.Information => "info",
                _ => "dbug",
            };
            var exception = logEntry.Exception is { } e ? $" ({e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")})" : "";
            textWriter.WriteLine($"{level}: {logEntry.Category}: {message.ReplaceLineEndings(" ")}{exception}");
        }
    }

    /// <summary>A host lifetime that leaves Ctrl+C and SIGTERM to the CLI (Program.cs cancels the command's token).</summary>
    private sealed class CommandLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
