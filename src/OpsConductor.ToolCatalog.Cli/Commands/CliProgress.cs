using OpsConductor.ToolCatalog.Files;
using Spectre.Console;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary>
/// Progress bars for long imports and exports: Spectre.Console bars on a terminal, nothing at all otherwise (piped
/// output stays plain). The work reports <see cref="CatalogFileProgress"/>; reading and exporting show a bar, writing to
/// the catalog (one transaction, no finer progress known) a spinner.
/// </summary>
internal static class CliProgress
{
    /// <summary>Runs <paramref name="work"/>, with bars when a person is at a terminal and <paramref name="worthShowing"/>.</summary>
    public static async Task<T> RunAsync<T>(CliContext context, bool worthShowing, Func<IProgress<CatalogFileProgress>?, Task<T>> work)
    {
        if (!context.IsInteractive || context.Terminal is null || !worthShowing)
        {
            return await work(null);
        }

        return await context.Terminal.Progress()
            .AutoClear(true)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async progressContext =>
            {
                var tasks = new Dictionary<CatalogFileStage, ProgressTask>();
                var reporter = new Reporter(update =>
                {
                    if (update.Stage == CatalogFileStage.Done)
                    {
                        foreach (var task in tasks.Values)
                        {
                            task.Value = task.MaxValue;
                            task.IsIndeterminate = false;
                            task.StopTask();
                        }

                        return;
                    }

                    if (!tasks.TryGetValue(update.Stage, out var current))
                    {
                        foreach (var earlier in tasks.Values)
                        {
                            earlier.Value = earlier.MaxValue;
                            earlier.StopTask();
                        }

                        current = progressContext.AddTask(Describe(update.Stage), maxValue: Math.Max(1, update.Total));
                        current.IsIndeterminate = update.Stage == CatalogFileStage.Writing;
                        tasks[update.Stage] = current;
                    }

                    current.MaxValue = Math.Max(1, update.Total);
                    current.Value = update.Done;
                });
                return await work(reporter);
            });
    }

    private static string Describe(CatalogFileStage stage) => stage switch
    {
        CatalogFileStage.Reading => "Reading and validating files",
        CatalogFileStage.Writing => "Writing to the catalog",
        CatalogFileStage.Exporting => "Writing files",
        _ => "Done",
    };

    /// <summary>Reports synchronously on the caller's thread (unlike <see cref="Progress{T}"/>, which posts).</summary>
    private sealed class Reporter(Action<CatalogFileProgress> report) : IProgress<CatalogFileProgress>
    {
        public void Report(CatalogFileProgress value) => report(value);
    }
}
