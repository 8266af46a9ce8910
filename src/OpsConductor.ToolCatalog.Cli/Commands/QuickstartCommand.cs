using System.CommandLine;
using System.Globalization;
using OpsConductor.ToolCatalog.Cli.Configuration;
using OpsConductor.ToolCatalog.Files;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary>
/// <c>toolcatalog quickstart [--samples DIR]</c>, the main job in one command: start or reuse the private PostgreSQL
/// server (or use the configured one), create the schema, import the sample catalog when the catalog is empty, print a
/// summary and an example selection with its explanation, and the next commands to try.
/// </summary>
internal static class QuickstartCommand
{
    /// <summary>The example: restart a service on 40 production hosts, as fast as possible.</summary>
    internal static readonly SelectionRequest Example = new()
    {
        Capabilities = ["service_restart"],
        Variables = new Dictionary<string, double>(StringComparer.Ordinal) { ["N"] = 40 },
        ExplicitMode = "fast",
        Environment = "production",
    };

    /// <summary>The example's arguments, after the command (see <see cref="CommandPrefix"/>).</summary>
    internal const string ExampleArguments = "select service_restart --var N=40 --mode fast --environment production";

    /// <summary>The project a clone runs the command from.</summary>
    internal const string ProjectPath = "src/OpsConductor.ToolCatalog.Cli";

    public static Command Create(CliContext context)
    {
        var samples = new Option<string?>("--samples") { Description = "The folder of tool YAML to import into an empty catalog (default: the sample catalog shipped with the program, samples/tools)." };
        var connection = StoreCommandSupport.ConnectionOption();
        var command = new Command("quickstart", "Start (or reuse) the catalog database, import the sample tools into an empty catalog, and show the catalog and an example selection.")
        {
            samples, connection,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var started = context.TimeProvider.GetTimestamp();
            var samplesFolder = FindSamples(context, result.GetValue(samples));
            if (samplesFolder is null)
            {
                await context.Error.WriteLineAsync(result.GetValue(samples) is { } given
                    ? $"error: the samples folder '{given}' does not exist."
                    : "error: the sample catalog (samples/tools) was not found next to the program or above the current folder. Pass --samples DIR with a folder of tool YAML files.");
                return ExitCodes.Usage;
            }

            await context.Output.WriteLineAsync("OpsConductor tool catalog: quickstart");
            return await StoreCommandSupport.RunAsync(context, result.GetValue(connection), async (store, origin) =>
            {
                await context.Output.WriteLineAsync($"Database: {StoreCommandSupport.DatabaseLocation(store)} ({origin.Describe()}).");
                var migration = await store.MigrateAsync(cancellationToken);
                await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Schema: version {migration.SchemaVersion}{(migration.Applied.Count > 0 ? $" (applied {string.Join(", ", migration.Applied)})" : ", up to date")}."));

                var state = await store.LoadCatalogAsync(cancellationToken);
                if (state.Tools.Count == 0)
                {
                    var files = new CatalogFiles();
                    var set = files.Load(samplesFolder);
                    var imported = await CatalogFiles.ImportAsync(store, set, new CatalogImportOptions
                    {
                        Change = new ChangeContext { Actor = StoreCommandSupport.Actor, Reason = "toolcatalog quickstart: sample catalog", UserAgent = "toolcatalog-cli" },
                    }, null, cancellationToken);
                    if (!imported.Succeeded)
                    {
                        await ImportCommand.WriteTextAsync(context.Error, imported, verbose: true);
                        await context.Error.WriteLineAsync($"error: the sample catalog in {samplesFolder} could not be imported (above). Check the files with '{CommandPrefix(context)} validate {Quote(samplesFolder)}'.");
                        return ExitCodes.Failure;
                    }

                    await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"Samples: imported {imported.Count(ImportOutcome.NewTool)} tools from {Shorten(context, samplesFolder)} (one transaction, audited)."));
                    state = await store.LoadCatalogAsync(cancellationToken);
                }
                else
                {
                    await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"Samples: not imported again; the catalog already holds {state.Tools.Count} tools."));
                }

                await context.Output.WriteLineAsync();
                await WriteSummaryAsync(context.Output, state);

                await context.Output.WriteLineAsync();
                await context.Output.WriteLineAsync("Example: which tool should restart a service on 40 production hosts, fastest first?");
                var command = CommandPrefix(context);
                await context.Output.WriteLineAsync($"$ {command} {ExampleArguments}");
                var snapshot = CatalogSnapshot.Create(state.Tools.Select(t => t.Definition), state.Revision, CatalogSource.Database, context.TimeProvider.GetUtcNow());
                var selector = new ToolSelector();
                var evaluation = selector.Evaluate(snapshot, Example);
                ToolSelectionResult? selected = evaluation.Ranked.Count > 0 ? selector.Select(snapshot, Example) : null;
                await SelectCommand.WriteTextAsync(context.Output, Example, evaluation, selected, string.Create(CultureInfo.InvariantCulture, $"database, revision {state.Revision}"));
                if (selected is null)
                {
                    await context.Output.WriteLineAsync($"(This catalog has no viable service_restart pattern for this request; try '{command} list' to see what it holds.)");
                }

                await context.Output.WriteLineAsync();
                await WriteNextStepsAsync(context, command, samplesFolder, origin);
                await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"(quickstart took {context.TimeProvider.GetElapsedTime(started).TotalSeconds:0.0} s)"));
                return ExitCodes.Success;
            }, cancellationToken);
        });
        return command;
    }

    /// <summary>Tools by platform, capability and pattern counts, and the revision.</summary>
    internal static async Task WriteSummaryAsync(TextWriter output, CatalogState state)
    {
        var tools = state.Tools.Select(t => t.Definition).ToList();
        var capabilities = tools.SelectMany(t => t.Capabilities.Select(c => c.Name)).Distinct(StringComparer.Ordinal).Count();
        var patterns = tools.Sum(t => t.Capabilities.Sum(c => c.Patterns.Count));
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Catalog at revision {state.Revision}: {tools.Count} tools, {capabilities} distinct capabilities, {patterns} patterns."));
        await TextTable.WriteAsync(
            output,
            ["PLATFORM", "TOOLS", "NAMES"],
            tools.GroupBy(t => string.IsNullOrEmpty(t.Platform) ? "(none)" : t.Platform, StringComparer.Ordinal)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new[] { g.Key, g.Count().ToString(CultureInfo.InvariantCulture), Names(g.Select(t => t.Name).Order(StringComparer.OrdinalIgnoreCase).ToList()) }));
    }

    /// <summary>The first <see cref="NamesShown"/> names, then how many more (the shipped catalog has dozens per platform).</summary>
    private static string Names(List<string> names) =>
        names.Count <= NamesShown
            ? string.Join(", ", names)
            : string.Join(", ", names.Take(NamesShown)) + string.Create(CultureInfo.InvariantCulture, $", … ({names.Count - NamesShown} more)");

    private const int NamesShown = 8;

    /// <summary>
    /// The next commands to try, each under its comment so that they can be pasted into a shell as they are: they start
    /// with <paramref name="command"/>, which runs where the user is (see <see cref="CommandPrefix"/>).
    /// </summary>
    private static async Task WriteNextStepsAsync(CliContext context, string command, string samplesFolder, CatalogConnection origin)
    {
        var output = context.Output;
        await output.WriteLineAsync(command == ToolName
            ? "Next, try:"
            : $"Next, try ('{ToolName}' is not installed, so these run it as '{command}'; docs/cli.md says how to install it):");
        List<(string Arguments, string What)> steps =
        [
            ("list --capability service_restart", "the tools offering a capability"),
            ("show systemctl", "one tool in full (YAML)"),
            ("select file_read --var lines=200 --query \"quickly\"", "another selection (the query picks the mode)"),
            ("new", "create a tool with the wizard (strictly valid YAML, optionally imported)"),
            ("bulk-update --filter platform=linux --set policy.requires_approval=true --dry-run", "preview a change across tools"),
            ("export ./catalog", "write the catalog as platform/tool.yaml files"),
            ($"validate {Quote(Shorten(context, samplesFolder))}", "check YAML files without a database"),
            ("serve", $"the management server: the REST API at {ServeCommand.DefaultUrls}/api/v1, its reference page at {ServeCommand.DefaultUrls}/api/docs (Ctrl+C stops it)"),
        ];
        if (origin.Source == ConnectionSource.Embedded)
        {
            steps.Add(("db status", "where the private PostgreSQL server is ('db stop' stops it)"));
        }

        foreach (var (arguments, what) in steps)
        {
            await output.WriteLineAsync($"  # {what}");
            await output.WriteLineAsync($"  {command} {arguments}");
        }
    }

    private const string ToolName = "toolcatalog";

    /// <summary>
    /// How the user runs this program from where they are, so that the commands quickstart suggests run as printed:
    /// <c>toolcatalog</c> when it is on <c>PATH</c> (installed as a .NET tool); else, inside a clone of the repository,
    /// <c>dotnet run --project &lt;the CLI project, relative to the working directory&gt; --</c>; else this very program
    /// (its apphost, or <c>dotnet &lt;its dll&gt;</c>).
    /// </summary>
    internal static string CommandPrefix(CliContext context)
    {
        var path = context.GetEnvironmentVariable("PATH") ?? "";
        if (path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Any(dir => File.Exists(Path.Combine(dir, ToolName))))
        {
            return ToolName;
        }

        for (var dir = new DirectoryInfo(context.WorkingDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OpsConductor.ToolCatalog.sln")) && Directory.Exists(Path.Combine(dir.FullName, ProjectPath)))
            {
                var project = Path.GetRelativePath(context.WorkingDirectory, Path.Combine(dir.FullName, ProjectPath));
                return $"dotnet run --project {Quote(project)} --";
            }
        }

        var apphost = Path.Combine(context.BaseDirectory, ToolName);
        return File.Exists(apphost) ? Quote(apphost) : $"dotnet {Quote(Path.Combine(context.BaseDirectory, ToolName + ".dll"))}";
    }

    /// <summary>A path as a shell word: single-quoted when it holds anything but letters, digits and <c>/._-+:@</c>.</summary>
    private static string Quote(string path) =>
        path.Length > 0 && path.All(c => char.IsAsciiLetterOrDigit(c) || "/._-+:@".Contains(c, StringComparison.Ordinal))
            ? path
            : "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>A path relative to the working directory when it lies inside it.</summary>
    private static string Shorten(CliContext context, string path)
    {
        var relative = Path.GetRelativePath(context.WorkingDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }

    /// <summary>The samples folder: <paramref name="given"/>, else <c>samples/tools</c> of the repository the working
    /// directory is in, else the copy shipped next to the program.</summary>
    internal static string? FindSamples(CliContext context, string? given)
    {
        if (given is not null)
        {
            var full = context.ResolvePath(given);
            return Directory.Exists(full) || File.Exists(full) ? full : null;
        }

        for (var dir = new DirectoryInfo(context.WorkingDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "tools");
            if (Directory.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "OpsConductor.ToolCatalog.sln")))
            {
                return candidate;
            }
        }

        var bundled = Path.Combine(context.BaseDirectory, "samples", "tools");
        if (Directory.Exists(bundled))
        {
            return bundled;
        }

        return null;
    }
}
