using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OpsConductor.ToolCatalog.Files;
using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Quality;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Validation;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary>
/// <c>toolcatalog lint [PATH] [--format text|json] [--min-score N]</c>: the catalog's quality by the modelling rules of
/// docs/catalog-guide.md (<see cref="CatalogQuality"/>). PATH is a tool file or a folder of them; without it, the
/// configured catalog's latest tool versions are read from the database. Exit 0 when the catalog scores at least
/// <c>--min-score</c> and no file has a validation error, 1 otherwise, 2 on a usage error.
/// </summary>
internal static class LintCommand
{
    /// <summary>How many tools the text report lists (the worst first).</summary>
    private const int WorstShown = 15;

    public static Command Create(CliContext context)
    {
        var path = new Argument<string?>("path")
        {
            Description = "A tool file or a folder of them (searched recursively for *.yaml and *.yml). Without it, the configured catalog in the database is linted.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var connection = StoreCommandSupport.ConnectionOption();
        var format = new Option<string>("--format", "-f")
        {
            Description = "Output format: text (the worst tools and their reasons) or json (score, then every tool with its reasons).",
            DefaultValueFactory = _ => "text",
        };
        format.AcceptOnlyFromAmong("text", "json");
        var minScore = new Option<double>("--min-score")
        {
            Description = "Fail (exit 1) when the catalog's score is below this (0 to 100; default 0).",
            DefaultValueFactory = _ => 0,
        };
        minScore.Validators.Add(r =>
        {
            if (r.TryGetValue<double>(out var value) && !(value >= 0 && value <= 100))
            {
                r.AddError("--min-score must be a number from 0 to 100.");
            }
        });

        var command = new Command("lint", "Score the catalog's modelling (docs/catalog-guide.md): generic or undocumented capabilities, estimates that ignore N, unprovided variables, preference scores that contradict the estimates, missing use cases, limitations or examples.")
        {
            path, connection, format, minScore,
        };
        command.SetAction((ParseResult result, CancellationToken cancellationToken) =>
        {
            var given = result.GetValue(path);
            var options = (Format: result.GetValue(format) ?? "text", MinScore: result.GetValue(minScore));
            return given is null
                ? StoreCommandSupport.RunAsync(context, result, connection, async store =>
                    await ReportAsync(context, await store.ExportAsync(null, false, cancellationToken), 0, options.Format, options.MinScore), cancellationToken)
                : LintFilesAsync(context, given, options.Format, options.MinScore, cancellationToken);
        });
        return command;
    }

    private static async Task<int> LintFilesAsync(CliContext context, string path, string format, double minScore, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path, context.WorkingDirectory);
        List<(string Display, string Full)> files;
        if (File.Exists(full))
        {
            files = [(path, full)];
        }
        else if (Directory.Exists(full))
        {
            var found = YamlFolder.Walk(full);
            foreach (var skipped in found.Skipped)
            {
                await context.Error.WriteLineAsync($"skipped {Path.Join(path, Path.GetRelativePath(full, skipped.Path))}: {skipped.Reason}");
            }

            files = [.. found.Files.Select(f => (Path.Join(path, Path.GetRelativePath(full, f)), f))];
            if (files.Count == 0)
            {
                await context.Error.WriteLineAsync($"error: the folder '{path}' holds no *.yaml or *.yml file. Nothing was linted. Run 'toolcatalog lint --help' for usage.");
                return ExitCodes.Usage;
            }
        }
        else
        {
            await context.Error.WriteLineAsync($"error: the path '{path}' does not exist. Nothing was linted. Run 'toolcatalog lint --help' for usage.");
            return ExitCodes.Usage;
        }

        var reader = new ToolYamlReader();
        // Only the files' errors matter here: the modelling rules are scored below over all the tools at once.
        var validator = new ToolValidator(ValidationOptions.Lenient with { ModellingRules = false });
        var tools = new List<ToolDefinition>();
        var errors = 0;
        foreach (var (display, file) in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var document = reader.ReadFile(file);
            var report = validator.Validate(document);
            foreach (var error in report.Errors)
            {
                errors++;
                await context.Error.WriteLineAsync($"{display}: {ValidateCommand.FormatFinding(error)}");
            }

            if (report.IsValid)
            {
                tools.AddRange(document.Tools);
            }
        }

        return await ReportAsync(context, tools, errors, format, minScore);
    }

    private static async Task<int> ReportAsync(CliContext context, IReadOnlyList<ToolDefinition> tools, int errors, string format, double minScore)
    {
        var quality = CatalogQuality.Score(tools);
        var passed = errors == 0 && quality.Score >= minScore;
        if (format == "json")
        {
            await context.Output.WriteLineAsync(JsonSerializer.Serialize(new
            {
                score = quality.Score,
                min_score = minScore,
                passed,
                errors,
                tools = quality.Tools.Select(t => new
                {
                    name = t.Name,
                    score = t.Score,
                    reasons = t.Reasons.Select(r => new { code = r.Code, place = r.Place, message = r.Message, points = r.Points }),
                }),
            }, CliJson.Options));
            return passed ? ExitCodes.Success : ExitCodes.Failure;
        }

        var worst = quality.Tools.Where(t => t.Reasons.Count > 0).OrderBy(t => t.Score).ThenBy(t => t.Name, StringComparer.Ordinal).Take(WorstShown).ToList();
        if (worst.Count > 0)
        {
            await TextTable.WriteAsync(context.Output, ["TOOL", "SCORE", "CODE", "POINTS", "PLACE"],
                worst.SelectMany(t => t.Reasons.Select((r, i) => new[] { i == 0 ? t.Name : "", i == 0 ? Number(t.Score) : "", r.Code, Number(r.Points), r.Place })));
            await context.Output.WriteLineAsync("");
            foreach (var reason in worst[0].Reasons.DistinctBy(r => r.Code))
            {
                await context.Output.WriteLineAsync($"{reason.Code}: {ValidationCodes.All[reason.Code]}");
            }

            await context.Output.WriteLineAsync("");
        }

        var flawed = quality.Tools.Count(t => t.Reasons.Count > 0);
        await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Catalog score: {Number(quality.Score)}/100 over {quality.Tools.Count} {(quality.Tools.Count == 1 ? "tool" : "tools")} ({flawed} with reasons{(flawed > worst.Count ? $", the worst {worst.Count} shown; --format json lists all" : "")}); minimum {Number(minScore)}{(errors > 0 ? $"; {errors} validation {(errors == 1 ? "error" : "errors")} (files with errors are not scored)" : "")}: {(passed ? "passed" : "failed")}."));
        return passed ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
