using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OpsConductor.ToolCatalog.Files;
using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Validation;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary>
/// <c>toolcatalog validate PATH... [--strict] [--format text|json]</c>: validates tool files and folders
/// (recursively, regular <c>*.yaml</c> and <c>*.yml</c> files, templates included; FIFOs, sockets, devices and
/// symbolic links inside folders are skipped and listed on the error stream). Exit 0 when every file is valid, 1 when
/// any is invalid, 2 on a usage error, which includes a path that does not exist and a folder with no YAML
/// file in it (nothing is validated then).
/// </summary>
internal static class ValidateCommand
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Command Create(CliContext context)
    {
        var paths = new Argument<string[]>("path")
        {
            Description = "Tool files or folders to validate (folders are searched recursively for *.yaml and *.yml).",
            Arity = ArgumentArity.OneOrMore,
        };
        var strict = new Option<bool>("--strict")
        {
            Description = "Reproduce the original validate_tool.py: its required fields are errors and its messages are used verbatim.",
        };
        var format = new Option<string>("--format")
        {
            Description = "Output format: text (one line per file, then its findings) or json.",
            DefaultValueFactory = _ => "text",
        };
        format.AcceptOnlyFromAmong("text", "json");

        var command = new Command("validate", "Validate tool YAML files (canonical, list form or profiles) and report every problem with its place.");
        command.Arguments.Add(paths);
        command.Options.Add(strict);
        command.Options.Add(format);
        command.SetAction((ParseResult result, CancellationToken cancellationToken) => RunAsync(
            context, result.GetValue(paths) ?? [], result.GetValue(strict), result.GetValue(format) ?? "text", cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string[] paths, bool strict, string format, CancellationToken cancellationToken)
    {
        var files = new List<(string Display, string FullPath)>();
        var skipped = new List<(string Display, string Reason)>();
        var usageErrors = new List<string>();
        foreach (var path in paths)
        {
            var full = Path.GetFullPath(path, context.WorkingDirectory);
            if (File.Exists(full))
            {
                files.Add((path, full));
            }
            else if (Directory.Exists(full))
            {
                var found = YamlFolder.Walk(full);
                skipped.AddRange(found.Skipped.Select(s => (Path.Join(path, Path.GetRelativePath(full, s.Path)), s.Reason)));
                if (found.Files.Count == 0)
                {
                    usageErrors.Add($"the folder '{path}' holds no *.yaml or *.yml file{(found.Skipped.Count > 0 ? $" ({found.Skipped.Count} skipped: see below)" : "")}");
                }

                files.AddRange(found.Files.Select(f => (Path.Join(path, Path.GetRelativePath(full, f)), f)));
            }
            else
            {
                usageErrors.Add($"the path '{path}' does not exist");
            }
        }

        if (usageErrors.Count > 0)
        {
            foreach (var error in usageErrors)
            {
                await context.Error.WriteLineAsync($"error: {error}");
            }

            await WriteSkippedAsync(context.Error, skipped);
            await context.Error.WriteLineAsync("Nothing was validated. Run 'toolcatalog validate --help' for usage.");
            return ExitCodes.Usage;
        }

        var reader = new ToolYamlReader();
        var validator = new ToolValidator(strict ? ValidationOptions.StrictOriginal : ValidationOptions.Lenient);
        var results = new List<(string Display, ToolDocument Document, ValidationReport Report)>(files.Count);
        foreach (var (display, full) in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var document = reader.ReadFile(full);
            results.Add((display, document, validator.Validate(document)));
        }

        // The same tool version in two files is refused by import; validate says so too (one set of rules).
        var duplicates = CatalogFiles.FindDuplicates([.. results.Select(r => (r.Display, r.Report.IsValid ? r.Document.Tools : (IReadOnlyList<ToolDefinition>)[]))]);
        foreach (var (index, findings) in duplicates)
        {
            var (display, document, report) = results[index];
            results[index] = (display, document, report with { Findings = [.. report.Findings, .. findings] });
        }

        await WriteSkippedAsync(context.Error, skipped);
        var mode = strict ? "strict" : "lenient";
        if (format == "json")
        {
            await WriteJsonAsync(context.Output, results, mode);
        }
        else
        {
            await WriteTextAsync(context.Output, results, mode);
        }

        return results.All(r => r.Report.IsValid) ? ExitCodes.Success : ExitCodes.Failure;
    }

    /// <summary>Says which entries of the folders were left out and why (FIFOs, sockets, devices, symbolic links).</summary>
    private static async Task WriteSkippedAsync(TextWriter error, List<(string Display, string Reason)> skipped)
    {
        foreach (var (display, reason) in skipped)
        {
            await error.WriteLineAsync($"skipped {display}: {reason}");
        }
    }

    private static async Task WriteTextAsync(TextWriter output, List<(string Display, ToolDocument Document, ValidationReport Report)> results, string mode)
    {
        foreach (var (display, _, report) in results)
        {
            await output.WriteLineAsync($"{(report.IsValid ? "✓" : "✗")} {display}");
            foreach (var finding in report.Findings)
            {
                await output.WriteLineAsync("  " + FormatFinding(finding));
            }
        }

        var valid = results.Count(r => r.Report.IsValid);
        var errors = results.Sum(r => r.Report.Errors.Count);
        var warnings = results.Sum(r => r.Report.Warnings.Count);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{results.Count} {Plural(results.Count, "file")}: {valid} valid, {results.Count - valid} invalid; {errors} {Plural(errors, "error")}, {warnings} {Plural(warnings, "warning")} ({mode} mode)"));
    }

    /// <summary><c>error CODE path (line L, col C): message</c>; the path and position are left out when unknown.</summary>
    internal static string FormatFinding(ValidationFinding finding)
    {
        var text = (finding.IsError ? "error " : "warning ") + finding.Code;
        if (finding.Path.Length > 0)
        {
            text += " " + finding.Path;
        }

        if (finding.Line is { } line)
        {
            text += finding.Column is { } column
                ? string.Create(CultureInfo.InvariantCulture, $" (line {line}, col {column})")
                : string.Create(CultureInfo.InvariantCulture, $" (line {line})");
        }

        return text + ": " + finding.Message;
    }

    private static async Task WriteJsonAsync(TextWriter output, List<(string Display, ToolDocument Document, ValidationReport Report)> results, string mode)
    {
        var files = results.Select(r => new FileResult(
            r.Display,
            ShapeName(r.Document.Shape),
            r.Report.IsValid,
            [.. r.Document.Tools.Select(t => t.Name)],
            [.. r.Report.Errors.Select(ToJson)],
            [.. r.Report.Warnings.Select(ToJson)])).ToList();
        var summary = new Summary(files.Count, files.Count(f => f.Valid), files.Count(f => !f.Valid), files.Sum(f => f.Errors.Count), files.Sum(f => f.Warnings.Count));
        await output.WriteLineAsync(JsonSerializer.Serialize(new JsonReport(mode, files, summary), Json));
    }

    private static FindingResult ToJson(ValidationFinding finding) =>
        new(finding.Code, finding.Path, finding.Line, finding.Column, finding.Message);

    private static string ShapeName(ToolFileShape shape) => shape switch
    {
        ToolFileShape.ListForm => "list_form",
        ToolFileShape.ToolWrapper => "tool_wrapper",
        ToolFileShape.NameStub => "name_stub",
        _ => shape.ToString().ToLowerInvariant(),
    };

    private static string Plural(int count, string word) => count == 1 ? word : word + "s";

    private sealed record JsonReport(string Mode, IReadOnlyList<FileResult> Files, Summary Summary);

    private sealed record FileResult(string File, string Shape, bool Valid, IReadOnlyList<string> Tools, IReadOnlyList<FindingResult> Errors, IReadOnlyList<FindingResult> Warnings);

    private sealed record FindingResult(string Code, string Path, int? Line, int? Column, string Message);

    private sealed record Summary(int Files, int Valid, int Invalid, int Errors, int Warnings);
}
