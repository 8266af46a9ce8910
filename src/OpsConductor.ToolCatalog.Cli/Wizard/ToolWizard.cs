using System.Globalization;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Validation;
using OpsConductor.ToolCatalog.Yaml;
using Spectre.Console;

namespace OpsConductor.ToolCatalog.Cli.Wizard;

/// <summary>What the wizard starts from: values given as flags, used as the prompts' defaults.</summary>
internal sealed record WizardDefaults
{
    public string? Template { get; init; }

    public string? Name { get; init; }

    public string? OutputPath { get; init; }

    public bool Import { get; init; }
}

/// <summary>What the wizard produced: the tool, and where the user wants it.</summary>
internal sealed record WizardResult(ToolDefinition Tool, string? OutputPath, bool Import);

/// <summary>
/// The interactive tool generator: walks through every field of a tool with Spectre.Console prompts — platform template,
/// name, version, description, category, defaults, capabilities and their patterns (estimates checked as they are
/// entered and shown for a sample context, policy, preference scores, inputs and outputs), dependencies and tags — then
/// shows the YAML with its strict-validation verdict and asks where to put it. Every answer is checked by
/// <see cref="ToolAnswers"/>, so the result validates in strict mode.
/// </summary>
internal sealed class ToolWizard(IAnsiConsole console, TimeProvider timeProvider)
{
    private static readonly ValidationOptions Vocabulary = ValidationOptions.StrictOriginal;

    public WizardResult Run(WizardDefaults defaults)
    {
        console.MarkupLine("[bold]New tool[/] — every answer has a default in brackets: press Enter to keep it.");
        var template = ToolTemplates.Find(defaults.Template) ?? ToolTemplates.Find(Choose(
            "Platform template",
            [.. ToolTemplates.All.Select(t => t.Platform)],
            null,
            p => $"{p}: {ToolTemplates.Find(p)!.Summary}"))!;

        var name = Ask("Tool name", defaults.Name, ToolAnswers.CheckToolName);
        var version = Ask("Version", "1.0", ToolAnswers.CheckVersion);
        var description = Ask("What does the tool do?", null, t => ToolAnswers.CheckText(t, "a description"));
        var category = Choose("Category", Vocabulary.Categories.Allowed, template.Category);
        var accuracy = Choose("Accuracy level of its data (defaults.accuracy_level)", Vocabulary.AccuracyLevels.Allowed, template.AccuracyLevel);
        var freshness = Choose("Freshness of its data (defaults.freshness)", Vocabulary.FreshnessValues.Allowed, template.Freshness);
        var dataSource = Choose("Where its data comes from (defaults.data_source)", Vocabulary.DataSources.Allowed, template.DataSource);
        var location = Ask("Service that executes it (execution_location)", template.ExecutionLocation, t => ToolAnswers.CheckText(t, "an execution location"));

        var capabilities = new List<CapabilityDefinition>();
        do
        {
            capabilities.Add(AskCapability(template, capabilities.Select(c => c.Name).ToHashSet(StringComparer.Ordinal)));
        }
        while (Confirm("Add another capability?", false));

        var dependencies = new List<DependencySpec>();
        if (template.Dependencies.Count > 0 && Confirm($"Keep the template's dependencies ({string.Join(", ", template.Dependencies.Select(d => d.Name))})?", true))
        {
            dependencies.AddRange(template.Dependencies);
        }

        while (Confirm("Add a dependency?", false))
        {
            dependencies.Add(new DependencySpec
            {
                Name = Ask("  Dependency name", null, t => ToolAnswers.CheckName(t, "dependency")),
                Type = Choose("  Dependency type", Vocabulary.DependencyTypes.Allowed, "package"),
                Required = Confirm("  Required?", true),
            });
        }

        var tags = ToolAnswers.SplitList(Ask("Tags (comma-separated)", string.Join(", ", template.Tags), _ => null));
        var tool = ToolFactory.Create(name, version, description, template.Platform, category, accuracy, freshness, dataSource, location,
            capabilities, dependencies, tags, timeProvider);

        var yaml = ToolYamlWriter.Write(tool);
        console.WriteLine();
        console.Write(new Panel(new Text(yaml)).Header($"{name}.yaml").Expand());
        var report = new ToolValidator(ValidationOptions.StrictOriginal).Validate(new ToolYamlReader().Read(yaml, name + ".yaml"));
        console.MarkupLine(report.IsValid
            ? $"[green]Valid in strict mode[/] ({report.Warnings.Count.ToString(CultureInfo.InvariantCulture)} warnings)."
            : $"[red]Not valid in strict mode:[/] {Markup.Escape(string.Join("; ", report.Errors.Select(e => e.ToString())))}");

        var output = Ask("Write it to (a file path; '-' for none)", defaults.OutputPath ?? $"{name}.yaml", _ => null);
        var import = Confirm("Import it into the catalog now?", defaults.Import);
        return new WizardResult(tool, output == "-" ? null : output, import);
    }

    private CapabilityDefinition AskCapability(ToolTemplate template, HashSet<string> taken)
    {
        console.WriteLine();
        var name = Ask("Capability name (the one operation it names, such as service_restart; see docs/catalog-guide.md)", null,
            t => ToolAnswers.CheckName(t, "capability") ?? (taken.Contains(t) ? $"the tool already has the capability '{t}'" : null));
        var description = Ask($"  What is '{name}'?", null, t => ToolAnswers.CheckText(t, "a capability description"));
        var patterns = new List<PatternDefinition>();
        do
        {
            patterns.Add(AskPattern(template, name, description, patterns.Select(p => p.Name).ToHashSet(StringComparer.Ordinal)));
        }
        while (patterns.Count < 5 && Confirm($"Add another way (pattern) of doing '{name}'?", false));

        return new CapabilityDefinition { Name = name, Description = description, Patterns = [.. patterns] };
    }

    private PatternDefinition AskPattern(ToolTemplate template, string capability, string capabilityDescription, HashSet<string> taken)
    {
        console.WriteLine();
        var name = Ask($"  Pattern name (one way of doing {capability}, such as restart_service)", taken.Count == 0 ? "default" : null,
            t => ToolAnswers.CheckName(t, "pattern") ?? (taken.Contains(t) ? $"'{capability}' already has the pattern '{t}'" : null));
        var description = Ask("    What does it do, exactly?", capabilityDescription, t => ToolAnswers.CheckText(t, "a pattern description"));
        var useCases = ToolAnswers.SplitList(Ask("    Typical requests it answers (comma-separated)", null,
            t => ToolAnswers.SplitList(t).Count == 0 ? "give at least one, such as: restart nginx, bring the service back up" : null));
        var time = AskExpression("    Time estimate in ms (an expression of the request, N = number of targets)", template.TimeEstimate);
        var cost = AskExpression("    Cost estimate (an expression)", template.CostEstimate);
        var complexity = AskNumber("    Complexity, 0 (simple) to 1 (complex)", template.Complexity, v => ToolAnswers.CheckScore(v, "complexity"));
        var scope = Choose("    Scope", Vocabulary.Scopes.Allowed, template.Scope);
        var completeness = Choose("    Completeness of its answer", Vocabulary.CompletenessValues.Allowed, template.Completeness);
        var limitationsAnswer = Ask("    Limitations (comma-separated, '-' for none)", "-", _ => null);
        var limitations = limitationsAnswer == "-" ? [] : ToolAnswers.SplitList(limitationsAnswer);

        console.MarkupLine("    [bold]Policy[/]");
        var maxCost = AskNumber("      Highest cost it may run at (max_cost)", template.MaxCost, v => v >= 0 ? null : "max_cost must not be negative");
        var approval = Confirm("      Must a person approve each run?", template.RequiresApproval);
        var safe = Confirm("      Safe to run in production?", template.ProductionSafe);
        var maxTime = AskNumber("      Longest run in seconds (max_execution_time)", template.MaxExecutionTimeSeconds, v => v > 0 ? null : "max_execution_time must be positive");
        var background = Ask("      Run in the background when (a condition such as N > 50; '-' for never)", template.RequiresBackgroundIf ?? "-", t =>
        {
            if (t == "-")
            {
                return null;
            }

            var problem = ToolAnswers.CheckCondition(t, out var preview);
            if (problem is null)
            {
                console.MarkupLine($"        [grey]{Markup.Escape(preview!)}[/]");
            }

            return problem;
        });
        var maxN = Ask("      Largest N to run immediately (max_N_immediate; '-' for no limit)",
            template.MaxNImmediate?.ToString(CultureInfo.InvariantCulture) ?? "-",
            t => t == "-" || (long.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0) ? null : "a whole number ≥ 0, or '-'");

        console.MarkupLine("    [bold]Preference scores[/], 0 to 1 (1 = very fast, accurate, cheap, simple, comprehensive)");
        var preferences = new PreferenceMatch
        {
            Speed = AskNumber("      speed", template.Preferences.Speed, v => ToolAnswers.CheckScore(v, "speed")),
            Accuracy = AskNumber("      accuracy", template.Preferences.Accuracy, v => ToolAnswers.CheckScore(v, "accuracy")),
            Cost = AskNumber("      cost", template.Preferences.Cost, v => ToolAnswers.CheckScore(v, "cost")),
            Complexity = AskNumber("      complexity", template.Preferences.Complexity, v => ToolAnswers.CheckScore(v, "complexity")),
            Completeness = AskNumber("      completeness", template.Preferences.Completeness, v => ToolAnswers.CheckScore(v, "completeness")),
        };

        var required = new List<InputSpec>();
        var optional = new List<InputSpec>();
        if (Confirm($"    Keep the template's inputs ({string.Join(", ", template.Inputs.Select(i => i.Name))})?", true))
        {
            required.AddRange(template.Inputs);
        }

        while (Confirm("    Add an input?", false))
        {
            var input = new InputSpec
            {
                Name = Ask("      Input name", null, t => ToolAnswers.CheckName(t, "input")),
                Type = Choose("      Input type", Vocabulary.InputTypes.Allowed, "string"),
                Description = Ask("      What is it?", null, t => ToolAnswers.CheckText(t, "an input description")),
            };
            (Confirm("      Required?", true) ? required : optional).Add(input);
        }

        var outputs = new List<OutputSpec>();
        if (Confirm($"    Keep the template's outputs ({string.Join(", ", template.Outputs.Select(o => o.Name))})?", true))
        {
            outputs.AddRange(template.Outputs);
        }

        while (outputs.Count == 0 || Confirm("    Add an output?", false))
        {
            outputs.Add(new OutputSpec
            {
                Name = Ask("      Output name", null, t => ToolAnswers.CheckName(t, "output")),
                Type = Choose("      Output type", Vocabulary.InputTypes.Allowed, "string"),
                Description = Ask("      What is it?", null, t => ToolAnswers.CheckText(t, "an output description")),
            });
        }

        return ToolFactory.Pattern(name, description, useCases, time, cost, complexity, scope, completeness, limitations,
            new PolicyDefinition
            {
                MaxCost = maxCost,
                RequiresApproval = approval,
                ProductionSafe = safe,
                MaxExecutionTimeSeconds = maxTime,
                RequiresBackgroundIf = background == "-" ? null : background,
                MaxNImmediate = maxN == "-" ? null : long.Parse(maxN, CultureInfo.InvariantCulture),
            },
            preferences, required, optional, outputs);
    }

    private string AskExpression(string prompt, string defaultValue) => Ask(prompt, defaultValue, t =>
    {
        var problem = ToolAnswers.CheckEstimate(t, out var preview);
        if (problem is null)
        {
            console.MarkupLine($"        [grey]{Markup.Escape(preview!)}[/]");
        }

        return problem;
    });

    private string Ask(string prompt, string? defaultValue, Func<string, string?> check)
    {
        var text = new TextPrompt<string>(Markup.Escape(prompt)) { AllowEmpty = false };
        if (defaultValue is not null)
        {
            text.DefaultValue(defaultValue);
        }

        text.Validate(value => check(value.Trim()) is { } problem ? ValidationResult.Error(Markup.Escape(problem)) : ValidationResult.Success());
        return console.Prompt(text).Trim();
    }

    private double AskNumber(string prompt, double defaultValue, Func<double, string?> check)
    {
        var text = new TextPrompt<double>(Markup.Escape(prompt)) { Culture = CultureInfo.InvariantCulture };
        text.DefaultValue(defaultValue);
        text.Validate(value => check(value) is { } problem ? ValidationResult.Error(Markup.Escape(problem)) : ValidationResult.Success());
        return console.Prompt(text);
    }

    private string Choose(string title, IReadOnlyList<string> choices, string? first, Func<string, string>? describe = null)
    {
        var ordered = first is null ? choices.ToList() : [first, .. choices.Where(c => c != first)];
        var prompt = new SelectionPrompt<string>()
            .Title(Markup.Escape(title) + (first is null ? "" : $" [grey](default {Markup.Escape(first)})[/]"))
            .PageSize(Math.Max(3, ordered.Count))
            .AddChoices(ordered);
        if (describe is not null)
        {
            prompt.UseConverter(describe);
        }

        var chosen = console.Prompt(prompt);
        console.MarkupLine($"{Markup.Escape(title)}: [blue]{Markup.Escape(chosen)}[/]");
        return chosen;
    }

    private bool Confirm(string prompt, bool defaultValue) =>
        console.Prompt(new ConfirmationPrompt(Markup.Escape(prompt)) { DefaultValue = defaultValue });
}

/// <summary>Builds the model from answers (wizard or flags), the same way for both.</summary>
internal static class ToolFactory
{
    public static ToolDefinition Create(
        string name, string version, string description, string platform, string category,
        string accuracyLevel, string freshness, string dataSource, string executionLocation,
        IReadOnlyList<CapabilityDefinition> capabilities, IReadOnlyList<DependencySpec> dependencies, IReadOnlyList<string> tags,
        TimeProvider timeProvider)
    {
        var metadata = new List<KeyValuePair<string, DataValue>>
        {
            new("author", string.IsNullOrWhiteSpace(Environment.UserName) ? "toolcatalog new" : Environment.UserName),
            new("created", timeProvider.GetUtcNow().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        };
        if (tags.Count > 0)
        {
            metadata.Add(new("tags", DataValue.FromList([.. tags.Select(DataValue.FromString)])));
        }

        return new ToolDefinition
        {
            Name = name,
            Version = version,
            Description = description,
            Platform = platform,
            Category = category,
            ExecutionLocation = executionLocation,
            Defaults = new ToolDefaults { AccuracyLevel = accuracyLevel, Freshness = freshness, DataSource = dataSource },
            Capabilities = [.. capabilities],
            Dependencies = [.. dependencies],
            Metadata = DataMap.Create(metadata),
        };
    }

    public static PatternDefinition Pattern(
        string name, string description, IReadOnlyList<string> useCases, string time, string cost, double complexity,
        string scope, string completeness, IReadOnlyList<string> limitations, PolicyDefinition policy, PreferenceMatch preferences,
        IReadOnlyList<InputSpec> required, IReadOnlyList<InputSpec> optional, IReadOnlyList<OutputSpec> outputs) => new()
        {
            Name = name,
            Description = description,
            TypicalUseCases = [.. useCases],
            TimeEstimateMs = time,
            CostEstimate = cost,
            ComplexityScore = complexity,
            Scope = scope,
            Completeness = completeness,
            Limitations = [.. limitations],
            Policy = policy,
            PreferenceMatch = preferences,
            RequiredInputs = [.. required],
            OptionalInputs = [.. optional],
            ExpectedOutputs = [.. outputs],
        };
}
