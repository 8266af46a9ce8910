using System.Collections.Frozen;

namespace OpsConductor.ToolCatalog.Model;

/// <summary>
/// The tool file format's field names and the facts several places need about them, in one table: the YAML reader
/// and writer, the JSON mapping (<c>Storage/Json</c>), the validator, the editor and the storage checks all take the
/// names from here. Each name is spelled once, as a constant (usable in <c>switch</c> cases and patterns); each level of
/// the format (<see cref="ToolLevel"/>, <see cref="DefaultsLevel"/>, <see cref="CapabilityLevel"/>, <see cref="PatternLevel"/>,
/// <see cref="PolicyLevel"/>, <see cref="PreferencesLevel"/>, <see cref="InputLevel"/>, <see cref="OutputLevel"/>, <see cref="DependencyLevel"/>,
/// <see cref="ExampleLevel"/>) lists its fields in the model's declaration order (the order the writers follow), each
/// with the model property it maps to, whether the format requires it, and the catalog column's length.
/// </summary>
/// <remarks>
/// Adding a field: a constant and a row here, the model property, and the reader's and writer's conversion for it;
/// the JSON columns name it from the row, and the validator and the editor know it from the level.
/// <c>FieldTableTests</c> fail until every place agrees.
/// </remarks>
internal static class ToolFields
{
    // ---- Tool ----
    public const string ToolName = "tool_name";
    public const string Version = "version";
    public const string Description = "description";
    public const string Platform = "platform";
    public const string Category = "category";
    public const string Status = "status";
    public const string Enabled = "enabled";
    public const string ExecutionLocation = "execution_location";
    public const string Defaults = "defaults";
    public const string Capabilities = "capabilities";
    public const string Dependencies = "dependencies";
    public const string Metadata = "metadata";
    public const string Examples = "examples";
    public const string CreatedBy = "created_by";

    // ---- Defaults (and the pattern's own copies) ----
    public const string AccuracyLevel = "accuracy_level";
    public const string Freshness = "freshness";
    public const string DataSource = "data_source";
    public const string Scope = "scope";
    public const string Completeness = "completeness";

    // ---- Capability ----
    public const string Patterns = "patterns";

    // ---- Pattern ----
    public const string TypicalUseCases = "typical_use_cases";
    public const string TimeEstimateMs = "time_estimate_ms";
    public const string CostEstimate = "cost_estimate";
    public const string ComplexityScore = "complexity_score";
    public const string Limitations = "limitations";
    public const string Policy = "policy";
    public const string PreferenceMatch = "preference_match";
    public const string RequiredInputs = "required_inputs";
    public const string OptionalInputs = "optional_inputs";
    public const string ExpectedOutputs = "expected_outputs";
    public const string OutputSchema = "output_schema";
    public const string ApiParameters = "api_parameters";
    public const string ExampleRequest = "example_request";

    // ---- Policy ----
    public const string MaxCost = "max_cost";
    public const string RequiresApproval = "requires_approval";
    public const string ProductionSafe = "production_safe";
    public const string MaxExecutionTime = "max_execution_time";
    public const string RequiresBackgroundIf = "requires_background_if";
    public const string MaxNImmediate = "max_N_immediate";
    public const string AllowedEnvironments = "allowed_environments";

    // ---- Preference match ----
    public const string Speed = "speed";
    public const string Accuracy = "accuracy";
    public const string Cost = "cost";
    public const string Complexity = "complexity";

    // ---- Inputs, outputs, dependencies ----
    public const string Name = "name";
    public const string Type = "type";
    public const string Validation = "validation";
    public const string AllowedValues = "allowed_values";
    public const string Default = "default";
    public const string Required = "required";

    // ---- Tool examples ----
    public const string Inputs = "inputs";
    public const string ExpectedOutput = "expected_output";
    public const string ExpectedTimeMs = "expected_time_ms";
    public const string ExpectedCost = "expected_cost";

    /// <summary>The key under which the JSON form keeps a part's <c>Extensions</c> (the YAML form merges them into the part).</summary>
    public const string Extensions = "extensions";

    // ---- Column lengths (the seed schema's) ----
    public const int NameLength = 100;
    public const int VersionLength = 20;
    public const int PlatformLength = 50;
    public const int CategoryLength = 50;
    public const int VocabularyLength = 50;
    public const int DataSourceLength = 100;
    public const int ExecutionLocationLength = 100;

    /// <summary>The top level of a per-tool file (<see cref="ToolDefinition"/>).</summary>
    public static readonly FieldLevel ToolLevel = new(
        "tool",
        typeof(ToolDefinition),
        [
            new(ToolName, nameof(ToolDefinition.Name), FieldUse.Required, NameLength),
            new(Version, nameof(ToolDefinition.Version), FieldUse.Required, VersionLength),
            new(Description, nameof(ToolDefinition.Description), FieldUse.Required),
            new(Platform, nameof(ToolDefinition.Platform), FieldUse.Required, PlatformLength),
            new(Category, nameof(ToolDefinition.Category), FieldUse.Required, CategoryLength),
            new(Status, nameof(ToolDefinition.Status)),
            new(Enabled, nameof(ToolDefinition.Enabled)),
            new(Defaults, nameof(ToolDefinition.Defaults)),
            new(Capabilities, nameof(ToolDefinition.Capabilities)),
            new(Dependencies, nameof(ToolDefinition.Dependencies)),
            new(Metadata, nameof(ToolDefinition.Metadata)),
            new(ExecutionLocation, nameof(ToolDefinition.ExecutionLocation), MaxLength: ExecutionLocationLength),
            new(Examples, nameof(ToolDefinition.Examples)),
        ],
        tolerated: [CreatedBy]);

    /// <summary>A tool's <c>defaults</c> (<see cref="ToolDefaults"/>).</summary>
    public static readonly FieldLevel DefaultsLevel = new(
        "defaults",
        typeof(ToolDefaults),
        [
            new(AccuracyLevel, nameof(ToolDefaults.AccuracyLevel), FieldUse.Recommended),
            new(Freshness, nameof(ToolDefaults.Freshness), FieldUse.Recommended),
            new(DataSource, nameof(ToolDefaults.DataSource), FieldUse.Recommended),
            new(Scope, nameof(ToolDefaults.Scope)),
            new(Completeness, nameof(ToolDefaults.Completeness)),
        ]);

    /// <summary>One capability, keyed by its name (<see cref="CapabilityDefinition"/>).</summary>
    public static readonly FieldLevel CapabilityLevel = new(
        "capability",
        typeof(CapabilityDefinition),
        [
            new(Description, nameof(CapabilityDefinition.Description), FieldUse.Required),
            new(Patterns, nameof(CapabilityDefinition.Patterns), FieldUse.Required),
        ],
        keyProperty: nameof(CapabilityDefinition.Name));

    /// <summary>One pattern, keyed by its name (<see cref="PatternDefinition"/>).</summary>
    public static readonly FieldLevel PatternLevel = new(
        "pattern",
        typeof(PatternDefinition),
        [
            new(Description, nameof(PatternDefinition.Description), FieldUse.Required),
            new(TypicalUseCases, nameof(PatternDefinition.TypicalUseCases), FieldUse.Required),
            new(TimeEstimateMs, nameof(PatternDefinition.TimeEstimateMs), FieldUse.Required),
            new(CostEstimate, nameof(PatternDefinition.CostEstimate), FieldUse.Required),
            new(ComplexityScore, nameof(PatternDefinition.ComplexityScore), FieldUse.Required),
            new(Scope, nameof(PatternDefinition.Scope), FieldUse.Required, VocabularyLength),
            new(Completeness, nameof(PatternDefinition.Completeness), FieldUse.Required, VocabularyLength),
            new(AccuracyLevel, nameof(PatternDefinition.AccuracyLevel), MaxLength: VocabularyLength),
            new(Freshness, nameof(PatternDefinition.Freshness), MaxLength: VocabularyLength),
            new(DataSource, nameof(PatternDefinition.DataSource), MaxLength: DataSourceLength),
            new(Limitations, nameof(PatternDefinition.Limitations)),
            new(Policy, nameof(PatternDefinition.Policy), FieldUse.Required),
            new(PreferenceMatch, nameof(PatternDefinition.PreferenceMatch), FieldUse.Required),
            new(RequiredInputs, nameof(PatternDefinition.RequiredInputs), FieldUse.Required),
            new(OptionalInputs, nameof(PatternDefinition.OptionalInputs)),
            new(ExpectedOutputs, nameof(PatternDefinition.ExpectedOutputs), FieldUse.Required),
            new(Examples, nameof(PatternDefinition.Examples)),
        ],
        tolerated: [OutputSchema, ApiParameters, ExampleRequest],
        keyProperty: nameof(PatternDefinition.Name));

    /// <summary>A pattern's <c>policy</c> (<see cref="PolicyDefinition"/>).</summary>
    public static readonly FieldLevel PolicyLevel = new(
        "policy",
        typeof(PolicyDefinition),
        [
            new(MaxCost, nameof(PolicyDefinition.MaxCost)),
            new(RequiresApproval, nameof(PolicyDefinition.RequiresApproval)),
            new(ProductionSafe, nameof(PolicyDefinition.ProductionSafe)),
            new(MaxExecutionTime, nameof(PolicyDefinition.MaxExecutionTimeSeconds)),
            new(RequiresBackgroundIf, nameof(PolicyDefinition.RequiresBackgroundIf)),
            new(MaxNImmediate, nameof(PolicyDefinition.MaxNImmediate)),
            new(AllowedEnvironments, nameof(PolicyDefinition.AllowedEnvironments)),
        ]);

    /// <summary>A pattern's <c>preference_match</c> (<see cref="Model.PreferenceMatch"/>).</summary>
    public static readonly FieldLevel PreferencesLevel = new(
        PreferenceMatch,
        typeof(Model.PreferenceMatch),
        [
            new(Speed, nameof(Model.PreferenceMatch.Speed), FieldUse.Required),
            new(Accuracy, nameof(Model.PreferenceMatch.Accuracy), FieldUse.Required),
            new(Cost, nameof(Model.PreferenceMatch.Cost), FieldUse.Required),
            new(Complexity, nameof(Model.PreferenceMatch.Complexity), FieldUse.Required),
            new(Completeness, nameof(Model.PreferenceMatch.Completeness), FieldUse.Required),
        ]);

    /// <summary>An item of <c>required_inputs</c> or <c>optional_inputs</c> (<see cref="InputSpec"/>).</summary>
    public static readonly FieldLevel InputLevel = new(
        "input",
        typeof(InputSpec),
        [
            new(Name, nameof(InputSpec.Name), FieldUse.Required),
            new(Type, nameof(InputSpec.Type), FieldUse.Required),
            new(Description, nameof(InputSpec.Description)),
            new(Validation, nameof(InputSpec.Validation)),
            new(Examples, nameof(InputSpec.Examples)),
            new(AllowedValues, nameof(InputSpec.AllowedValues)),
            new(Default, nameof(InputSpec.Default)),
            new(Required, nameof(InputSpec.Required)),
        ]);

    /// <summary>An item of <c>expected_outputs</c> (<see cref="OutputSpec"/>).</summary>
    public static readonly FieldLevel OutputLevel = new(
        "output",
        typeof(OutputSpec),
        [
            new(Name, nameof(OutputSpec.Name), FieldUse.Required),
            new(Type, nameof(OutputSpec.Type), FieldUse.Required),
            new(Description, nameof(OutputSpec.Description)),
            new(Required, nameof(OutputSpec.Required)),
        ]);

    /// <summary>An item of <c>dependencies</c> (<see cref="DependencySpec"/>).</summary>
    public static readonly FieldLevel DependencyLevel = new(
        "dependency",
        typeof(DependencySpec),
        [
            new(Name, nameof(DependencySpec.Name), FieldUse.Required),
            new(Type, nameof(DependencySpec.Type), FieldUse.Required),
            new(Required, nameof(DependencySpec.Required)),
            new(Version, nameof(DependencySpec.Version)),
        ]);

    /// <summary>An item of a tool's <c>examples</c> (<see cref="ToolExample"/>).</summary>
    public static readonly FieldLevel ExampleLevel = new(
        "example",
        typeof(ToolExample),
        [
            new(Name, nameof(ToolExample.Name)),
            new(Description, nameof(ToolExample.Description)),
            new(Inputs, nameof(ToolExample.Inputs)),
            new(ExpectedOutput, nameof(ToolExample.ExpectedOutput)),
            new(ExpectedTimeMs, nameof(ToolExample.ExpectedTimeMs)),
            new(ExpectedCost, nameof(ToolExample.ExpectedCost)),
        ]);

    /// <summary>Every level, outermost first.</summary>
    public static IReadOnlyList<FieldLevel> Levels { get; } =
        [ToolLevel, DefaultsLevel, CapabilityLevel, PatternLevel, PolicyLevel, PreferencesLevel, InputLevel, OutputLevel, DependencyLevel, ExampleLevel];

    /// <summary>The level whose model type is <paramref name="modelType"/>, or null.</summary>
    public static FieldLevel? ForModel(System.Type modelType)
    {
        foreach (var level in Levels)
        {
            if (level.ModelType == modelType)
            {
                return level;
            }
        }

        return null;
    }
}

/// <summary>What the format asks of a field.</summary>
internal enum FieldUse
{
    /// <summary>May be left out; the model's default applies.</summary>
    Optional,

    /// <summary>The template and the original's validator require it (left out, it is reported).</summary>
    Required,

    /// <summary>May be left out, with a warning that it should be given.</summary>
    Recommended,
}

/// <summary>One field of a level: its name in the file, the model property it maps to, and its rules.</summary>
/// <param name="Name">The key in the YAML file and the JSON form.</param>
/// <param name="Property">The model property (on <see cref="FieldLevel.ModelType"/>) holding it.</param>
/// <param name="Use">Required, recommended or optional.</param>
/// <param name="MaxLength">The most characters the catalog's column holds; 0 when the column is unbounded.</param>
internal sealed record ToolField(string Name, string Property, FieldUse Use = FieldUse.Optional, int MaxLength = 0);

/// <summary>The fields of one level of the format, and the keys it tolerates without interpreting them.</summary>
internal sealed class FieldLevel
{
    private readonly FrozenDictionary<string, ToolField> _byName;
    private readonly FrozenDictionary<string, ToolField> _byProperty;

    public FieldLevel(string label, System.Type modelType, ToolField[] fields, string[]? tolerated = null, string? keyProperty = null)
    {
        Label = label;
        ModelType = modelType;
        Fields = fields;
        KeyProperty = keyProperty;
        _byName = fields.ToFrozenDictionary(f => f.Name, StringComparer.Ordinal);
        _byProperty = fields.ToFrozenDictionary(f => f.Property, StringComparer.Ordinal);
        Names = [.. fields.Select(f => f.Name)];
        Tolerated = (tolerated ?? []).ToFrozenSet(StringComparer.Ordinal);
        Known = Names.Concat(Tolerated).ToFrozenSet(StringComparer.Ordinal);
        RequiredNames = [.. fields.Where(f => f.Use == FieldUse.Required).Select(f => f.Name)];
        RecommendedNames = [.. fields.Where(f => f.Use == FieldUse.Recommended).Select(f => f.Name)];
    }

    /// <summary>How messages name the level ("pattern", "policy", …).</summary>
    public string Label { get; }

    /// <summary>The model type the level maps to.</summary>
    public System.Type ModelType { get; }

    /// <summary>The fields the model interprets, in the model's declaration order.</summary>
    public IReadOnlyList<ToolField> Fields { get; }

    /// <summary>The field names, in the model's order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The model property that holds the key an item is listed under (capability and pattern names), or null.</summary>
    public string? KeyProperty { get; }

    /// <summary>Keys the original corpus uses that the model does not interpret: kept as extension data without a warning.</summary>
    public FrozenSet<string> Tolerated { get; }

    /// <summary>Every key the validator accepts without an "unknown field" finding: the fields and the tolerated keys.</summary>
    public FrozenSet<string> Known { get; }

    /// <summary>The required fields, in the model's order.</summary>
    public IReadOnlyList<string> RequiredNames { get; }

    /// <summary>The recommended fields, in the model's order.</summary>
    public IReadOnlyList<string> RecommendedNames { get; }

    /// <summary>Whether <paramref name="name"/> is a field the model interprets at this level.</summary>
    public bool IsField(string name) => _byName.ContainsKey(name);

    /// <summary>The field named <paramref name="name"/>.</summary>
    public ToolField this[string name] => _byName[name];

    /// <summary>The field held by model property <paramref name="property"/>, or null.</summary>
    public ToolField? ForProperty(string property) => _byProperty.GetValueOrDefault(property);

    /// <inheritdoc />
    public override string ToString() => Label;
}
