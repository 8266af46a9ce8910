using System.CommandLine;
using System.Globalization;
using System.Text;
using OpsConductor.ToolCatalog.Cli.Wizard;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Validation;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary>
/// <c>toolcatalog new</c>: creates a tool. At a terminal, an interactive wizard (<see cref="ToolWizard"/>); otherwise (or
/// with <c>--non-interactive</c>) from flags — <c>--from-template</c>, <c>--name</c>, <c>--description</c> and
/// <c>--capability</c> are required, everything else starts from the platform template — never waiting for input. The
/// tool is written as canonical YAML (<c>--output FILE</c>, else standard output) and/or imported (<c>--import</c>), and
/// always validates in strict mode first.
/// </summary>
internal static class NewCommand
{
    private static readonly ValidationOptions Vocabulary = ValidationOptions.StrictOriginal;

    public static Command Create(CliContext context)
    {
        var o = new Flags();
        var command = new Command("new", "Create a tool: an interactive wizard at a terminal, or from flags (--from-template linux --name X --description … --capability …) in scripts. The result validates in strict mode.");
        foreach (var option in o.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (result, cancellationToken) =>
        {
            ToolDefinition tool;
            string? outputPath;
            bool import;
            if (context.IsInteractive && context.Terminal is not null && !result.GetValue(o.NonInteractive))
            {
                var answers = new ToolWizard(context.Terminal, context.TimeProvider).Run(new WizardDefaults
                {
                    Template = result.GetValue(o.Template),
                    Name = result.GetValue(o.Name),
                    OutputPath = result.GetValue(o.Output),
                    Import = result.GetValue(o.Import),
                });
                (tool, outputPath, import) = (answers.Tool, answers.OutputPath, answers.Import);
            }
            else
            {
                var problems = new List<string>();
                var built = FromFlags(result, o, context.TimeProvider, problems);
                if (built is null)
                {
                    foreach (var problem in problems)
                    {
                        await context.Error.WriteLineAsync($"error: {problem}");
                    }

                    await context.Error.WriteLineAsync("Nothing was created. 'toolcatalog new --help' lists every flag; at a terminal, 'toolcatalog new' alone starts the wizard.");
                    return ExitCodes.Usage;
                }

                (tool, outputPath, import) = (built, result.GetValue(o.Output), result.GetValue(o.Import));
            }

            var yaml = ToolYamlWriter.Write(tool);
            var report = new ToolValidator(ValidationOptions.StrictOriginal).Validate(new ToolYamlReader().Read(yaml, tool.Name + ".yaml"));
            if (!report.IsValid)
            {
                foreach (var finding in report.Errors)
                {
                    await context.Error.WriteLineAsync(ValidateCommand.FormatFinding(finding));
                }

                await context.Error.WriteLineAsync("error: the tool does not validate in strict mode (above); nothing was written.");
                return ExitCodes.Failure;
            }

            if (outputPath is null || outputPath == "-")
            {
                if (!import || outputPath == "-")
                {
                    await context.Output.WriteAsync(yaml);
                }
            }
            else
            {
                var full = context.ResolvePath(outputPath);
                if (Directory.Exists(full))
                {
                    await context.Error.WriteLineAsync($"error: --output: '{outputPath}' is a folder; give the file to write, such as {Path.Join(outputPath, "tool.yaml")}.");
                    return ExitCodes.Usage;
                }

                if (File.Exists(full) && !result.GetValue(o.Force))
                {
                    await context.Error.WriteLineAsync($"error: '{outputPath}' exists; choose another file or pass --force to replace it.");
                    return ExitCodes.Failure;
                }

                try
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                    await File.WriteAllTextAsync(full, yaml, new UTF8Encoding(false), cancellationToken);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    await context.Error.WriteLineAsync($"error: '{outputPath}' could not be written: {e.Message}");
                    return ExitCodes.Failure;
                }

                await context.Output.WriteLineAsync($"Wrote {outputPath} ({tool.Name} {tool.Version}; valid in strict mode). 'toolcatalog import {outputPath}' adds it to the catalog.");
            }

            if (!import)
            {
                return ExitCodes.Success;
            }

            return await StoreCommandSupport.RunAsync(context, result.GetValue(o.Connection), async (store, _) =>
            {
                var imported = await store.ImportAsync([tool], new ImportOptions { Change = StoreCommandSupport.Change(result, o.Reason) }, cancellationToken);
                var item = imported.Items[0];
                switch (item.Outcome)
                {
                    case ImportOutcome.NewTool:
                    case ImportOutcome.NewVersion:
                        await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                            $"Imported {tool.Name} {tool.Version} ({(item.Outcome == ImportOutcome.NewTool ? "new tool" : "new version, now the latest")}); the catalog is at revision {imported.Revision}."));
                        await StoreCommandSupport.WriteDatabaseLineAsync(context, store);
                        return ExitCodes.Success;
                    case ImportOutcome.Unchanged:
                        await context.Output.WriteLineAsync($"{tool.Name} {tool.Version} is already in the catalog with this content; nothing changed.");
                        await StoreCommandSupport.WriteDatabaseLineAsync(context, store);
                        return ExitCodes.Success;
                    default:
                        await context.Error.WriteLineAsync($"error: {tool.Name} {tool.Version} was not imported: {item.Message ?? item.Outcome.ToString()}");
                        return ExitCodes.Failure;
                }
            }, cancellationToken);
        });
        return command;
    }

    /// <summary>Builds the tool from flags; null (with every problem listed) when a required flag is missing or a value is wrong.</summary>
    private static ToolDefinition? FromFlags(ParseResult result, Flags o, TimeProvider timeProvider, List<string> problems)
    {
        var templateName = result.GetValue(o.Template);
        var template = ToolTemplates.Find(templateName);
        if (templateName is null)
        {
            problems.Add($"--from-template is required without a terminal: one of {string.Join(", ", ToolTemplates.Names)}.");
        }

        var name = Required(result, o.Name, "the tool's name (letters, digits, _ and -)", problems);
        var description = Required(result, o.Description, "what the tool does", problems);
        var capability = Required(result, o.Capability, "the capability the tool offers, such as service_restart", problems);
        if (template is null || name is null || description is null || capability is null)
        {
            return null;
        }

        Check(ToolAnswers.CheckToolName(name), "--name", problems);
        var version = result.GetValue(o.Version) ?? "1.0";
        Check(ToolAnswers.CheckVersion(version), "--version", problems);
        Check(ToolAnswers.CheckName(capability, "capability"), "--capability", problems);
        var category = result.GetValue(o.Category) ?? template.Category;
        Check(ToolAnswers.CheckChoice(category, Vocabulary.Categories.Allowed, "the category"), "--category", problems);
        var pattern = result.GetValue(o.Pattern) ?? "default";
        Check(ToolAnswers.CheckName(pattern, "pattern"), "--pattern", problems);
        var time = result.GetValue(o.Time) ?? template.TimeEstimate;
        Check(ToolAnswers.CheckEstimate(time, out _), "--time", problems);
        var cost = result.GetValue(o.Cost) ?? template.CostEstimate;
        Check(ToolAnswers.CheckEstimate(cost, out _), "--cost", problems);
        var complexity = result.GetValue(o.Complexity) ?? template.Complexity;
        Check(ToolAnswers.CheckScore(complexity, "the complexity"), "--complexity", problems);
        var scope = result.GetValue(o.Scope) ?? template.Scope;
        Check(ToolAnswers.CheckChoice(scope, Vocabulary.Scopes.Allowed, "the scope"), "--scope", problems);
        var completeness = result.GetValue(o.Completeness) ?? template.Completeness;
        Check(ToolAnswers.CheckChoice(completeness, Vocabulary.CompletenessValues.Allowed, "the completeness"), "--completeness", problems);
        var background = result.GetValue(o.BackgroundIf) ?? template.RequiresBackgroundIf;
        if (background == "-")
        {
            background = null;
        }

        if (background is not null)
        {
            Check(ToolAnswers.CheckCondition(background, out _), "--background-if", problems);
        }

        var preferences = new PreferenceMatch
        {
            Speed = Score(result, o.Speed, template.Preferences.Speed, problems),
            Accuracy = Score(result, o.Accuracy, template.Preferences.Accuracy, problems),
            Cost = Score(result, o.CostScore, template.Preferences.Cost, problems),
            Complexity = Score(result, o.Simplicity, template.Preferences.Complexity, problems),
            Completeness = Score(result, o.CompletenessScore, template.Preferences.Completeness, problems),
        };
        var maxCost = result.GetValue(o.MaxCost) ?? template.MaxCost;
        Check(maxCost >= 0 ? null : "max_cost must not be negative", "--max-cost", problems);
        var maxTime = result.GetValue(o.MaxExecutionTime) ?? template.MaxExecutionTimeSeconds;
        Check(maxTime > 0 ? null : "max_execution_time must be positive", "--max-execution-time", problems);
        var maxN = result.GetValue(o.MaxNImmediate) ?? template.MaxNImmediate;
        Check(maxN is null or >= 0 ? null : "max_N_immediate must not be negative", "--max-n-immediate", problems);

        var inputs = Fields(result.GetValue(o.Inputs), "--input", "input", problems, (n, t, d) => new InputSpec { Name = n, Type = t, Description = d }) ?? [.. template.Inputs];
        var optional = Fields(result.GetValue(o.OptionalInputs), "--optional-input", "input", problems, (n, t, d) => new InputSpec { Name = n, Type = t, Description = d }) ?? [];
        var outputs = Fields(result.GetValue(o.OutputFields), "--output-field", "output", problems, (n, t, d) => new OutputSpec { Name = n, Type = t, Description = d }) ?? [.. template.Outputs];
        if (problems.Count > 0)
        {
            return null;
        }

        var capabilityDescription = result.GetValue(o.CapabilityDescription) ?? description;
        var useCases = result.GetValue(o.UseCases) is { Length: > 0 } given ? given : [capabilityDescription];
        var patternDefinition = ToolFactory.Pattern(
            pattern,
            result.GetValue(o.PatternDescription) ?? capabilityDescription,
            useCases,
            time,
            cost,
            complexity,
            scope,
            completeness,
            result.GetValue(o.Limitations) ?? [],
            new PolicyDefinition
            {
                MaxCost = maxCost,
                RequiresApproval = result.GetValue(o.RequiresApproval) ?? template.RequiresApproval,
                ProductionSafe = result.GetValue(o.ProductionSafe) ?? template.ProductionSafe,
                MaxExecutionTimeSeconds = maxTime,
                RequiresBackgroundIf = background,
                MaxNImmediate = maxN,
            },
            preferences,
            inputs,
            optional,
            outputs);
        return ToolFactory.Create(
            name,
            version,
            description,
            template.Platform,
            category,
            template.AccuracyLevel,
            template.Freshness,
            template.DataSource,
            result.GetValue(o.ExecutionLocation) ?? template.ExecutionLocation,
            [new CapabilityDefinition { Name = capability, Description = capabilityDescription, Patterns = [patternDefinition] }],
            template.Dependencies,
            result.GetValue(o.Tags) is { Length: > 0 } tags ? tags : template.Tags,
            timeProvider);
    }

    private static string? Required(ParseResult result, Option<string?> option, string what, List<string> problems)
    {
        var value = result.GetValue(option);
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"{option.Name} is required without a terminal: {what}.");
            return null;
        }

        return value.Trim();
    }

    private static void Check(string? problem, string flag, List<string> problems)
    {
        if (problem is not null)
        {
            problems.Add($"{flag}: {problem}.");
        }
    }

    private static double Score(ParseResult result, Option<double?> option, double fallback, List<string> problems)
    {
        var value = result.GetValue(option) ?? fallback;
        Check(ToolAnswers.CheckScore(value, "the score"), option.Name, problems);
        return value;
    }

    private static List<T>? Fields<T>(string[]? values, string flag, string what, List<string> problems, Func<string, string, string?, T> create)
    {
        if (values is null || values.Length == 0)
        {
            return null;
        }

        var list = new List<T>();
        foreach (var value in values)
        {
            var problem = ToolAnswers.ParseField(value, Vocabulary.InputTypes.Allowed, what, out var name, out var type, out var description);
            Check(problem, flag, problems);
            if (problem is null)
            {
                list.Add(create(name, type, description));
            }
        }

        return list;
    }

    /// <summary>The flags of <c>toolcatalog new</c>.</summary>
    private sealed class Flags
    {
        public Option<string?> Template { get; } = new Option<string?>("--from-template", "-t")
        {
            Description = $"The platform template the answers start from: {string.Join(", ", ToolTemplates.Names)} (required without a terminal).",
        }.AcceptOnlyFromAmong([.. ToolTemplates.Names]);

        public Option<string?> Name { get; } = new("--name", "-n") { Description = "The tool's name: letters, digits, _ and - (required without a terminal)." };

        public Option<string?> Version { get; } = new("--version") { Description = "The version (default 1.0)." };

        public Option<string?> Description { get; } = new("--description", "-d") { Description = "What the tool does (required without a terminal)." };

        public Option<string?> Category { get; } = new("--category") { Description = "The category (default: the template's): system, network, automation, monitoring, security, database, cloud or container." };

        public Option<string?> ExecutionLocation { get; } = new("--execution-location") { Description = "The service that executes the tool (default: the template's)." };

        public Option<string?> Capability { get; } = new("--capability") { Description = "The capability the tool offers, such as service_restart (required without a terminal; the wizard can add several)." };

        public Option<string?> CapabilityDescription { get; } = new("--capability-description") { Description = "What the capability is (default: the tool's description)." };

        public Option<string?> Pattern { get; } = new("--pattern") { Description = "The pattern's name (default: default)." };

        public Option<string?> PatternDescription { get; } = new("--pattern-description") { Description = "What the pattern does (default: the capability's description)." };

        public Option<string[]> UseCases { get; } = new("--use-case") { Description = "A typical request the pattern answers (repeatable; default: the capability's description)." };

        public Option<string?> Time { get; } = new("--time") { Description = "The time estimate in ms, an expression such as \"1500 + 350 * N\" (default: the template's)." };

        public Option<string?> Cost { get; } = new("--cost") { Description = "The cost estimate, an expression such as \"ceil(N / 10)\" (default: the template's)." };

        public Option<double?> Complexity { get; } = new("--complexity") { Description = "0 (simple) to 1 (complex) (default: the template's)." };

        public Option<string?> Scope { get; } = new("--scope") { Description = "single_item, batch or exhaustive (default: the template's)." };

        public Option<string?> Completeness { get; } = new("--completeness") { Description = "complete, partial or summary (default: the template's)." };

        public Option<string[]> Limitations { get; } = new("--limitation") { Description = "A known limitation (repeatable)." };

        public Option<double?> MaxCost { get; } = new("--max-cost") { Description = "policy.max_cost: the highest estimated cost it may run at (default: the template's)." };

        public Option<bool?> RequiresApproval { get; } = new("--requires-approval") { Description = "policy.requires_approval: true or false (default: the template's)." };

        public Option<bool?> ProductionSafe { get; } = new("--production-safe") { Description = "policy.production_safe: true or false (default: the template's, true)." };

        public Option<int?> MaxExecutionTime { get; } = new("--max-execution-time") { Description = "policy.max_execution_time in seconds (default: the template's)." };

        public Option<string?> BackgroundIf { get; } = new("--background-if") { Description = "policy.requires_background_if, a condition such as \"N > 50\"; - for none (default: the template's)." };

        public Option<long?> MaxNImmediate { get; } = new("--max-n-immediate") { Description = "policy.max_N_immediate (default: the template's)." };

        public Option<double?> Speed { get; } = new("--speed") { Description = "preference_match.speed, 0 to 1." };

        public Option<double?> Accuracy { get; } = new("--accuracy") { Description = "preference_match.accuracy, 0 to 1." };

        public Option<double?> CostScore { get; } = new("--cost-score") { Description = "preference_match.cost, 0 to 1 (1 = very cheap)." };

        public Option<double?> Simplicity { get; } = new("--simplicity") { Description = "preference_match.complexity, 0 to 1 (1 = very simple)." };

        public Option<double?> CompletenessScore { get; } = new("--completeness-score") { Description = "preference_match.completeness, 0 to 1." };

        public Option<string[]> Inputs { get; } = new("--input") { Description = "A required input, name:type:description (repeatable; replaces the template's inputs)." };

        public Option<string[]> OptionalInputs { get; } = new("--optional-input") { Description = "An optional input, name:type:description (repeatable)." };

        public Option<string[]> OutputFields { get; } = new("--output-field") { Description = "An expected output, name:type:description (repeatable; replaces the template's outputs)." };

        public Option<string[]> Tags { get; } = new("--tag") { Description = "A tag (repeatable; replaces the template's tags)." };

        public Option<string?> Output { get; } = new("--output", "-o") { Description = "Write the YAML to this file (- for standard output; without --output and --import the YAML goes to standard output)." };

        public Option<bool> Force { get; } = new("--force") { Description = "Replace the --output file when it exists." };

        public Option<bool> Import { get; } = new("--import") { Description = "Import the tool into the catalog (as a new tool, or a new version of an existing one)." };

        public Option<bool> NonInteractive { get; } = new("--non-interactive") { Description = "Never prompt, even at a terminal: take every answer from flags." };

        public Option<string?> Connection { get; } = StoreCommandSupport.ConnectionOption();

        public Option<string?> Reason { get; } = StoreCommandSupport.ReasonOption();

        public IEnumerable<Option> All =>
        [
            Template, Name, Version, Description, Category, ExecutionLocation, Capability, CapabilityDescription, Pattern, PatternDescription,
            UseCases, Time, Cost, Complexity, Scope, Completeness, Limitations, MaxCost, RequiresApproval, ProductionSafe, MaxExecutionTime,
            BackgroundIf, MaxNImmediate, Speed, Accuracy, CostScore, Simplicity, CompletenessScore, Inputs, OptionalInputs, OutputFields, Tags,
            Output, Force, Import, NonInteractive, Connection, Reason,
        ];
    }
}
