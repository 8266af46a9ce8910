using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Admin.Editor;

/// <summary>
/// The editor's form: one mutable field per field of the tool format that a person types, bound to the page's inputs.
/// A draft is made from a <see cref="ToolDefinition"/> and turned back into one; every part keeps the definition it came
/// from and changes only the fields the form shows, so keys the form has no input for (extensions, metadata other than
/// tags, examples' inputs, …) survive a round trip unchanged and stay editable in the YAML view.
/// </summary>
internal sealed class ToolDraft
{
    private ToolDefinition _base = new() { Name = "", Version = "" };

    public string Name { get; set; } = "";

    public string Version { get; set; } = "";

    public string Description { get; set; } = "";

    public string Platform { get; set; } = "";

    public string Category { get; set; } = "";

    /// <summary><c>metadata.tags</c>, comma separated.</summary>
    public string Tags { get; set; } = "";

    public string ExecutionLocation { get; set; } = "";

    public string DefaultAccuracyLevel { get; set; } = "";

    public string DefaultFreshness { get; set; } = "";

    public string DefaultDataSource { get; set; } = "";

    public List<CapabilityDraft> Capabilities { get; } = [];

    public List<ExampleDraft> Examples { get; } = [];

    public static ToolDraft From(ToolDefinition tool)
    {
        ArgumentNullException.ThrowIfNull(tool);
        var draft = new ToolDraft
        {
            _base = tool,
            Name = tool.Name,
            Version = tool.Version,
            Description = tool.Description,
            Platform = tool.Platform,
            Category = tool.Category,
            Tags = string.Join(", ", tool.Tags),
            ExecutionLocation = tool.ExecutionLocation ?? "",
            DefaultAccuracyLevel = tool.Defaults.AccuracyLevel ?? "",
            DefaultFreshness = tool.Defaults.Freshness ?? "",
            DefaultDataSource = tool.Defaults.DataSource ?? "",
        };
        draft.Capabilities.AddRange(tool.Capabilities.ToImmutableArray().Select(CapabilityDraft.From));
        draft.Examples.AddRange(tool.Examples.ToImmutableArray().Select(ExampleDraft.From));
        return draft;
    }

    public ToolDefinition ToTool()
    {
        var tags = DraftText.Items(Tags, ',');
        var metadata = Tags == string.Join(", ", _base.Tags) ? _base.Metadata
            : tags.Count > 0
            ? _base.Metadata.With("tags", DataValue.FromList(tags.Select(DataValue.FromString).ToEquatableArray()))
            : _base.Metadata.Without("tags");
        return _base with
        {
            Name = Name.Trim(),
            Version = Version.Trim(),
            Description = Description,
            Platform = Platform.Trim(),
            Category = Category.Trim(),
            Metadata = metadata,
            ExecutionLocation = DraftText.Keep(_base.ExecutionLocation, ExecutionLocation),
            Defaults = _base.Defaults with
            {
                AccuracyLevel = DraftText.Keep(_base.Defaults.AccuracyLevel, DefaultAccuracyLevel),
                Freshness = DraftText.Keep(_base.Defaults.Freshness, DefaultFreshness),
                DataSource = DraftText.Keep(_base.Defaults.DataSource, DefaultDataSource),
            },
            Capabilities = Capabilities.Select(static c => c.ToCapability()).ToEquatableArray(),
            Examples = Examples.Select(static e => e.ToExample()).ToEquatableArray(),
        };
    }

    /// <summary>Adds a capability with one pattern, ready to fill in.</summary>
    public CapabilityDraft AddCapability()
    {
        var capability = new CapabilityDraft { Name = $"capability_{Capabilities.Count + 1}" };
        capability.AddPattern();
        Capabilities.Add(capability);
        return capability;
    }
}

/// <summary>A capability of the form (see <see cref="ToolDraft"/>).</summary>
internal sealed class CapabilityDraft
{
    private CapabilityDefinition _base = new() { Name = "" };

    public string Name { get; set; } = "";

    public string Description { get; set; } = "";

    public List<PatternDraft> Patterns { get; } = [];

    public static CapabilityDraft From(CapabilityDefinition capability)
    {
        var draft = new CapabilityDraft { _base = capability, Name = capability.Name, Description = capability.Description };
        draft.Patterns.AddRange(capability.Patterns.ToImmutableArray().Select(PatternDraft.From));
        return draft;
    }

    public CapabilityDefinition ToCapability() => _base with
    {
        Name = Name.Trim(),
        Description = Description,
        Patterns = Patterns.Select(static p => p.ToPattern()).ToEquatableArray(),
    };

    public PatternDraft AddPattern()
    {
        var pattern = new PatternDraft { Name = $"pattern_{Patterns.Count + 1}", TimeEstimateMs = "1000", CostEstimate = "1" };
        Patterns.Add(pattern);
        return pattern;
    }
}

/// <summary>A pattern of the form: estimates, policy, preference scores, use cases, limitations, inputs and outputs.</summary>
internal sealed class PatternDraft
{
    private PatternDefinition _base = new() { Name = "", TimeEstimateMs = "" };

    public string Name { get; set; } = "";

    public string Description { get; set; } = "";

    /// <summary><c>typical_use_cases</c>, one a line.</summary>
    public string TypicalUseCases { get; set; } = "";

    public string TimeEstimateMs { get; set; } = "";

    public string CostEstimate { get; set; } = "1";

    public double ComplexityScore { get; set; } = 0.5;

    public string Scope { get; set; } = "";

    public string Completeness { get; set; } = "";

    /// <summary><c>limitations</c>, one a line.</summary>
    public string Limitations { get; set; } = "";

    public double? MaxCost { get; set; }

    public bool RequiresApproval { get; set; }

    public bool ProductionSafe { get; set; } = true;

    public double? MaxExecutionTimeSeconds { get; set; }

    public string RequiresBackgroundIf { get; set; } = "";

    public long? MaxNImmediate { get; set; }

    /// <summary><c>policy.allowed_environments</c>, comma separated.</summary>
    public string AllowedEnvironments { get; set; } = "";

    public double Speed { get; set; } = 0.5;

    public double Accuracy { get; set; } = 0.5;

    public double Cost { get; set; } = 0.5;

    public double Complexity { get; set; } = 0.5;

    public double CompletenessScore { get; set; } = 0.5;

    public List<InputDraft> RequiredInputs { get; } = [];

    public List<InputDraft> OptionalInputs { get; } = [];

    public List<OutputDraft> ExpectedOutputs { get; } = [];

    public static PatternDraft From(PatternDefinition pattern)
    {
        var draft = new PatternDraft
        {
            _base = pattern,
            Name = pattern.Name,
            Description = pattern.Description,
            TypicalUseCases = string.Join('\n', pattern.TypicalUseCases.ToImmutableArray()),
            TimeEstimateMs = pattern.TimeEstimateMs,
            CostEstimate = pattern.CostEstimate,
            ComplexityScore = pattern.ComplexityScore,
            Scope = pattern.Scope ?? "",
            Completeness = pattern.Completeness ?? "",
            Limitations = string.Join('\n', pattern.Limitations.ToImmutableArray()),
            MaxCost = pattern.Policy.MaxCost,
            RequiresApproval = pattern.Policy.RequiresApproval,
            ProductionSafe = pattern.Policy.ProductionSafe,
            MaxExecutionTimeSeconds = pattern.Policy.MaxExecutionTimeSeconds,
            RequiresBackgroundIf = pattern.Policy.RequiresBackgroundIf ?? "",
            MaxNImmediate = pattern.Policy.MaxNImmediate,
            AllowedEnvironments = string.Join(", ", pattern.Policy.AllowedEnvironments.ToImmutableArray()),
            Speed = pattern.PreferenceMatch.Speed,
            Accuracy = pattern.PreferenceMatch.Accuracy,
            Cost = pattern.PreferenceMatch.Cost,
            Complexity = pattern.PreferenceMatch.Complexity,
            CompletenessScore = pattern.PreferenceMatch.Completeness,
        };
        draft.RequiredInputs.AddRange(pattern.RequiredInputs.ToImmutableArray().Select(InputDraft.From));
        draft.OptionalInputs.AddRange(pattern.OptionalInputs.ToImmutableArray().Select(InputDraft.From));
        draft.ExpectedOutputs.AddRange(pattern.ExpectedOutputs.ToImmutableArray().Select(OutputDraft.From));
        return draft;
    }

    public PatternDefinition ToPattern() => _base with
    {
        Name = Name.Trim(),
        Description = Description,
        TypicalUseCases = DraftText.Keep(_base.TypicalUseCases, TypicalUseCases, '\n'),
        TimeEstimateMs = TimeEstimateMs,
        CostEstimate = CostEstimate,
        ComplexityScore = ComplexityScore,
        Scope = DraftText.Keep(_base.Scope, Scope),
        Completeness = DraftText.Keep(_base.Completeness, Completeness),
        Limitations = DraftText.Keep(_base.Limitations, Limitations, '\n'),
        Policy = _base.Policy with
        {
            MaxCost = MaxCost,
            RequiresApproval = RequiresApproval,
            ProductionSafe = ProductionSafe,
            MaxExecutionTimeSeconds = MaxExecutionTimeSeconds,
            RequiresBackgroundIf = DraftText.Keep(_base.Policy.RequiresBackgroundIf, RequiresBackgroundIf),
            MaxNImmediate = MaxNImmediate,
            AllowedEnvironments = DraftText.Keep(_base.Policy.AllowedEnvironments, AllowedEnvironments, ','),
        },
        PreferenceMatch = _base.PreferenceMatch with
        {
            Speed = Speed,
            Accuracy = Accuracy,
            Cost = Cost,
            Complexity = Complexity,
            Completeness = CompletenessScore,
        },
        RequiredInputs = RequiredInputs.Select(static i => i.ToInput()).ToEquatableArray(),
        OptionalInputs = OptionalInputs.Select(static i => i.ToInput()).ToEquatableArray(),
        ExpectedOutputs = ExpectedOutputs.Select(static o => o.ToOutput()).ToEquatableArray(),
    };
}

/// <summary>An input of a pattern (<c>required_inputs</c> or <c>optional_inputs</c>).</summary>
internal sealed class InputDraft
{
    private InputSpec _base = new() { Name = "" };

    public string Name { get; set; } = "";

    public string Type { get; set; } = "string";

    public string Description { get; set; } = "";

    /// <summary>The regular expression a value must match (<c>validation</c>).</summary>
    public string Validation { get; set; } = "";

    public static InputDraft From(InputSpec input) => new()
    {
        _base = input,
        Name = input.Name,
        Type = input.Type,
        Description = input.Description ?? "",
        Validation = input.Validation ?? "",
    };

    public InputSpec ToInput() => _base with
    {
        Name = Name.Trim(),
        Type = Type.Trim(),
        Description = DraftText.Keep(_base.Description, Description),
        Validation = DraftText.Keep(_base.Validation, Validation),
    };
}

/// <summary>An output of a pattern (<c>expected_outputs</c>).</summary>
internal sealed class OutputDraft
{
    private OutputSpec _base = new() { Name = "" };

    public string Name { get; set; } = "";

    public string Type { get; set; } = "string";

    public string Description { get; set; } = "";

    public static OutputDraft From(OutputSpec output) => new() { _base = output, Name = output.Name, Type = output.Type, Description = output.Description ?? "" };

    public OutputSpec ToOutput() => _base with { Name = Name.Trim(), Type = Type.Trim(), Description = DraftText.Keep(_base.Description, Description) };
}

/// <summary>A tool-level example (<c>examples</c>); its inputs and expected output are edited in the YAML view.</summary>
internal sealed class ExampleDraft
{
    private ToolExample _base = new();

    public string Name { get; set; } = "";

    public string Description { get; set; } = "";

    public double? ExpectedTimeMs { get; set; }

    public double? ExpectedCost { get; set; }

    public static ExampleDraft From(ToolExample example) => new()
    {
        _base = example,
        Name = example.Name ?? "",
        Description = example.Description ?? "",
        ExpectedTimeMs = example.ExpectedTimeMs,
        ExpectedCost = example.ExpectedCost,
    };

    public ToolExample ToExample() => _base with
    {
        Name = DraftText.Keep(_base.Name, Name),
        Description = DraftText.Keep(_base.Description, Description),
        ExpectedTimeMs = ExpectedTimeMs,
        ExpectedCost = ExpectedCost,
    };
}

/// <summary>How the form's text boxes map to the format's values.</summary>
internal static class DraftText
{
    public static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>The value a text box gives an optional field: the original value while the box still shows it (so a round
    /// trip changes nothing), else the trimmed text, or null (absent) when blank.</summary>
    public static string? Keep(string? original, string text) => text == (original ?? "") ? original : NullIfBlank(text);

    /// <summary>The list a text box gives: the original while the box still shows it, else its items.</summary>
    public static EquatableArray<string> Keep(EquatableArray<string> original, string text, char separator)
    {
        var items = Items(text, separator);
        return items.SequenceEqual(original.ToImmutableArray(), StringComparer.Ordinal) ? original : items.ToEquatableArray();
    }

    /// <summary>The non-blank items of a list typed as text (comma separated, or one a line), trimmed.</summary>
    public static List<string> Items(string? text, char separator) =>
        (text ?? "").Split(separator).Select(static s => s.Trim()).Where(static s => s.Length > 0).ToList();
}
