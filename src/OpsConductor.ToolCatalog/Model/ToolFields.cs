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
/// Adding a field: a constant and a row here (its form says how it is read and written), and the model property. The YAML
/// reader and writer and the JSON document work from the rows alone; the validator and the editor know the field from
/// its level. A field of a level the catalog stores in columns (tool, capability, pattern) also needs its column.
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

    /// <summary>The tool's state: changed in place, not by a new version, and left out of a version's content hash.</summary>
    public static readonly FrozenSet<string> StateFields = new[] { Status, Enabled }.ToFrozenSet(StringComparer.Ordinal);

    // ---- Column lengths (the seed schema's) ----
    public const int NameLength = 100;
    public const int VersionLength = 20;
    public const int PlatformLength = 50;
    public const int CategoryLength = 50;
    public const int VocabularyLength = 50;
    public const int DataSourceLength = 100;
    public const int ExecutionLocationLength = 100;

    // The levels are declared innermost first: a level's rows name the levels nested in it, and static fields
    // initialise in declaration order.

    /// <summary>An item of a tool's <c>examples</c> (<see cref="ToolExample"/>).</summary>
    public static readonly FieldLevel ExampleLevel = FieldLevel.Of<ToolExample>(
        "example",
        static _ => new ToolExample(),
        static m => m.Extensions,
        static (m, e) => m with { Extensions = e },
        [
            Row<ToolExample, string?>(Name, nameof(ToolExample.Name), FieldForm.Text, m => m.Name, (m, v) => m with { Name = v }),
            Row<ToolExample, string?>(Description, nameof(ToolExample.Description), FieldForm.Text, m => m.Description, (m, v) => m with { Description = v }),
            Row<ToolExample, DataMap>(Inputs, nameof(ToolExample.Inputs), FieldForm.DataMap, m => m.Inputs, (m, v) => m with { Inputs = v }, write: FieldWrite.Always),
            Row<ToolExample, DataValue?>(ExpectedOutput, nameof(ToolExample.ExpectedOutput), FieldForm.Data, m => m.ExpectedOutput, (m, v) => m with { ExpectedOutput = v }),
            Row<ToolExample, double?>(ExpectedTimeMs, nameof(ToolExample.ExpectedTimeMs), FieldForm.NullableNumber, m => m.ExpectedTimeMs, (m, v) => m with { ExpectedTimeMs = v }),
            Row<ToolExample, double?>(ExpectedCost, nameof(ToolExample.ExpectedCost), FieldForm.NullableNumber, m => m.ExpectedCost, (m, v) => m with { ExpectedCost = v }),
        ]);

    /// <summary>An item of <c>dependencies</c> (<see cref="DependencySpec"/>).</summary>
    public static readonly FieldLevel DependencyLevel = FieldLevel.Of<DependencySpec>(
        "dependency",
        static name => new DependencySpec { Name = name },
        static m => m.Extensions,
        static (m, e) => m with { Extensions = e },
        [
            Row<DependencySpec, string>(Name, nameof(DependencySpec.Name), FieldForm.Key, m => m.Name, (m, v) => m with { Name = v }, FieldUse.Required),
            Row<DependencySpec, string>(Type, nameof(DependencySpec.Type), FieldForm.Text, m => m.Type, (m, v) => m with { Type = v }, FieldUse.Required, write: FieldWrite.Always),
            Row<DependencySpec, bool>(Required, nameof(DependencySpec.Required), FieldForm.Boolean, m => m.Required, (m, v) => m with { Required = v }, write: FieldWrite.Always),
            Row<DependencySpec, string?>(Version, nameof(DependencySpec.Version), FieldForm.Text, m => m.Version, (m, v) => m with { Version = v }),
        ],
        key: LevelKey.NameField);

    /// <summary>An item of <c>expected_outputs</c> (<see cref="OutputSpec"/>).</summary>
    public static readonly FieldLevel OutputLevel = FieldLevel.Of<OutputSpec>(
        "output",
        static name => new OutputSpec { Name = name },
        static m => m.Extensions,
        static (m, e) => m with { Extensions = e },
        [
            Row<OutputSpec, string>(Name, nameof(OutputSpec.Name), FieldForm.Key, m => m.Name, (m, v) => m with { Name = v }, FieldUse.Required),
            Row<OutputSpec, string>(Type, nameof(OutputSpec.Type), FieldForm.Text, m => m.Type, (m, v) => m with { Type = v }, FieldUse.Required, write: FieldWrite.Always),
            Row<OutputSpec, string?>(Description, nameof(OutputSpec.Description), FieldForm.Text, m => m.Description, (m, v) => m with { Description = v }),
            Row<OutputSpec, bool?>(Required, nameof(OutputSpec.Required), FieldForm.Boolean, m => m.Required, (m, v) => m with { Required = v }),
        ],
        key: LevelKey.NameField);

    /// <summary>An item of <c>required_inputs</c> or <c>optional_inputs</c> (<see cref="InputSpec"/>).</summary>
    public static readonly FieldLevel InputLevel = FieldLevel.Of<InputSpec>(
        "input",
        static name => new InputSpec { Name = name },
        static m => m.Extensions,
        static (m, e) => m with { Extensions = e },
        [
            Row<InputSpec, string>(Name, nameof(InputSpec.Name), FieldForm.Key, m => m.Name, (m, v) => m with { Name = v }, FieldUse.Required),
            Row<InputSpec, string>(Type, nameof(InputSpec.Type), FieldForm.Text, m => m.Type, (m, v) => m with { Type = v }, FieldUse.Required, write: FieldWrite.Always),
            Row<InputSpec, string?>(Description, nameof(InputSpec.Description), FieldForm.Text, m => m.Description, (m, v) => m with { Description = v }),
            Row<InputSpec, string?>(Validation, nameof(InputSpec.Validation), FieldForm.Text, m => m.Validation, (m, v) => m with { Validation = v }),
            Row<InputSpec, EquatableArray<DataValue>>(Examples, nameof(InputSpec.Examples), FieldForm.DataList, m => m.Examples, (m, v) => m with { Examples = v }),
            Row<InputSpec, EquatableArray<DataValue>>(AllowedValues, nameof(InputSpec.AllowedValues), FieldForm.DataList, m => m.AllowedValues, (m, v) => m with { AllowedValues = v }),
            Row<InputSpec, DataValue?>(Default, nameof(InputSpec.Default), FieldForm.Data, m => m.Default, (m, v) => m with { Default = v }),
            Row<InputSpec, bool?>(Required, nameof(InputSpec.Required), FieldForm.Boolean, m => m.Required, (m, v) => m with { Required = v }),
        ],
        key: LevelKey.NameField);

    /// <summary>A pattern's <c>preference_match</c> (<see cref="Model.PreferenceMatch"/>).</summary>
    public static readonly FieldLevel PreferencesLevel = FieldLevel.Of<Model.PreferenceMatch>(
        PreferenceMatch,
        static _ => new Model.PreferenceMatch(),
        static m => m.Extensions,
        static (m, e) => m with { Extensions = e },
        [
            Row<Model.PreferenceMatch, double>(Speed, nameof(Model.PreferenceMatch.Speed), FieldForm.Number, m => m.Speed, (m, v) => m with { Speed = v }, FieldUse.Required, write: FieldWrite.Always),
            Row<Model.PreferenceMatch, double>(Accuracy, nameof(Model.PreferenceMatch.Accuracy), FieldForm.Number, m => m.Accuracy, (m, v) => m with { Accuracy = v }, FieldUse.Required, write: FieldWrite.Always),
            Row<Model.PreferenceMatch, double>(Cost, nameof(Model.PreferenceMatch.Cost), FieldForm.Number, m => m.Cost, (m, v) => m with { Cost = v }, FieldUse.Required, write: FieldWrite.Always),
            Row<Model.PreferenceMatch, double>(Complexity, nameof(Model.PreferenceMatch.Complexity), FieldForm.Number, m => m.Complexity, (m, v) => m with { Complexity = v }, FieldUse.Required, write: FieldWrite.Always),
            Row<Model.PreferenceMatch, double>(Completeness, nameof(Model.PreferenceMatch.Completeness), FieldForm.Number, m => m.Completeness, (m, v) => m with { Completeness = v }, FieldUse.Required, write: FieldWrite.Always),
        ]);

    /// <summary>A pattern's <c>policy</c> (<see cref="PolicyDefinition"/>).</summary>
    public static readonly FieldLevel PolicyLevel = FieldLevel.Of<PolicyDefinition>(
        "policy",
        static _ => new PolicyDefinition(),
        static m => m.Extensions,
        static (m, e) => m with { Extensions = e },
        [
            Row<PolicyDefinition, double?>(MaxCost, nameof(PolicyDefinition.MaxCost), FieldForm.NullableNumber, m => m.MaxCost, (m, v) => m with { MaxCost = v }),
            Row<PolicyDefinition, bool>(RequiresApproval, nameof(PolicyDefinition.RequiresApproval), FieldForm.Boolean, m => m.RequiresApproval, (m, v) => m with { RequiresApproval = v }, write: FieldWrite.Always),
            Row<PolicyDefinition, bool>(ProductionSafe, nameof(PolicyDefinition.ProductionSafe), FieldForm.Boolean, m => m.ProductionSafe, (m, v) => m with { ProductionSafe = v }, write: FieldWrite.Always),
            Row<PolicyDefinition, double?>(MaxExecutionTime, nameof(PolicyDefinition.MaxExecutionTimeSeconds), FieldForm.NullableNumber, m => m.MaxExecutionTimeSeconds, (m, v) => m with { MaxExecutionTimeSeconds = v }),
            Row<PolicyDefinition, string?>(RequiresBackgroundIf, nameof(PolicyDefinition.RequiresBackgroundIf), FieldForm.Condition, m => m.RequiresBackgroundIf, (m, v) => m with { RequiresBackgroundIf = v }),
            Row<PolicyDefinition, long?>(MaxNImmediate, nameof(PolicyDefinition.MaxNImmediate), FieldForm.Integer, m => m.MaxNImmediate, (m, v) => m with { MaxNImmediate = v }),
            Row<PolicyDefinition, EquatableArray<string>>(AllowedEnvironments, nameof(PolicyDefinition.AllowedEnvironments), FieldForm.Strings, m => m.AllowedEnvironments, (m, v) => m with { AllowedEnvironments = v }),
        ]);

    /// <summary>One pattern, keyed by its name (<see cref="PatternDefinition"/>).</summary>
    public static readonly FieldLevel PatternLevel = FieldLevel.Of<PatternDefinition>(
        "pattern",
        static name => new PatternDefinition { Name = name, TimeEstimateMs = "" },
        static m => m.Extensions,
        static (m, e) => m with { Extensions = e },
        [
            Row<PatternDefinition, string>(Description, nameof(PatternDefinition.Description), FieldForm.Text, m => m.Description, (m, v) => m with { Description = v }, FieldUse.Required, write: FieldWrite.Always),
            Row<PatternDefinition, EquatableArray<string>>(TypicalUseCases, nameof(PatternDefinition.TypicalUseCases), FieldForm.Strings, m => m.TypicalUseCases, (m, v) => m with { TypicalUseCases = v }, FieldUse.Required, write: FieldWrite.Always),
            Row<PatternDefinition, string>(TimeEstimateMs, nameof(PatternDefinition.TimeEstimateMs), FieldForm.Expression, m => m.TimeEstimateMs, (m, v) => m with { TimeEstimateMs = v }, FieldUse.Required, write: FieldWrite.Always),
            Row<PatternDefinition, string>(CostEstimate, nameof(PatternDefinition.CostEstimate), FieldForm.Expression, m => m.CostEstimate, (m, v) => m with { CostEstimate = v }, FieldUse.Required, write: FieldWrite.Always),
            Row<PatternDefinition, double>(ComplexityScore, nameof(PatternDefinition.ComplexityScore), FieldForm.Number, m => m.ComplexityScore, (m, v) => m with { ComplexityScore = v }, FieldUse.Required, write: FieldWrite.Always),
            Row<PatternDefinition, string?>(Scope, nameof(PatternDefinition.Scope), FieldForm.Text, m => m.Scope, (m, v) => m with { Scope = v }, FieldUse.Required, VocabularyLength),
            Row<PatternDefinition, string?>(Completeness, nameof(PatternDefinition.Completeness), FieldForm.Text, m => m.Completeness, (m, v) => m with { Completeness = v }, FieldUse.Required, VocabularyLength),
            Row<PatternDefinition, string?>(AccuracyLevel, nameof(PatternDefinition.AccuracyLevel), FieldForm.Text, m => m.AccuracyLevel, (m, v) => m with { AccuracyLevel = v }, maxLength: VocabularyLength),
            Row<PatternDefinition, string?>(Freshness, nameof(PatternDefinition.Freshness), FieldForm.Text, m => m.Freshness, (m, v) => m with { Freshness = v }, maxLength: VocabularyLength),
            Row<PatternDefinition, string?>(DataSource, nameof(PatternDefinition.DataSource), FieldForm.Text, m => m.DataSource, (m, v) => m with { DataSource = v }, maxLength: DataSourceLength),
            Row<PatternDefinition, EquatableArray<string>>(Limitations, nameof(PatternDefinition.Limitations), FieldForm.Strings, m => m.Limitations, (m, v) => m with { Limitations = v }),
            Row<PatternDefinition, PolicyDefinition>(Policy, nameof(PatternDefinition.Policy), FieldForm.Part, m => m.Policy, (m, v) => m with { Policy = v }, FieldUse.Required, write: FieldWrite.Always, nested: PolicyLevel),
            Row<PatternDefinition, Model.PreferenceMatch>(PreferenceMatch, nameof(PatternDefinition.PreferenceMatch), FieldForm.Part, m => m.PreferenceMatch, (m, v) => m with { PreferenceMatch = v }, FieldUse.Required, write: FieldWrite.Always, nested: PreferencesLevel),
            Row<PatternDefinition, EquatableArray<InputSpec>>(RequiredInputs, nameof(PatternDefinition.RequiredInputs), FieldForm.Items, m => m.RequiredInputs, (m, v) => m with { RequiredInputs = v }, FieldUse.Required, write: FieldWrite.Always, nested: InputLevel),
            Row<PatternDefinition, EquatableArray<InputSpec>>(OptionalInputs, nameof(PatternDefinition.OptionalInputs), FieldForm.Items, m => m.OptionalInputs, (m, v) => m with { OptionalInputs = v }, nested: InputLevel),
            Row<PatternDefinition, EquatableArray<OutputSpec>>(ExpectedOutputs, nameof(PatternDefinition.ExpectedOutputs), FieldForm.Items, m => m.ExpectedOutputs, (m, v) => m with { ExpectedOutputs = v }, FieldUse.Required, write: FieldWrite.Always, nested: OutputLevel),
            Row<PatternDefinition, EquatableArray<DataValue>>(Examples, nameof(PatternDefinition.Examples), FieldForm.DataList, m => m.Examples, (m, v) => m with { Examples = v }),
        ],
        tolerated: [OutputSchema, ApiParameters, ExampleRequest],
        key: LevelKey.MappingKey,
        name: static m => m.Name);

    /// <summary>One capability, keyed by its name (<see cref="CapabilityDefinition"/>).</summary>
    public static readonly FieldLevel CapabilityLevel = FieldLevel.Of<CapabilityDefinition>(
        "capability",
        static name => new CapabilityDefinition { Name = name },
        static m => m.Extensions,
        static (m, e) => m with { Extensions = e },
        [
            Row<CapabilityDefinition, string>(Description, nameof(CapabilityDefinition.Description), FieldForm.Text, m => m.Description, (m, v) => m with { Description = v }, FieldUse.Required, write: FieldWrite.Always),
            Row<CapabilityDefinition, EquatableArray<PatternDefinition>>(Patterns, nameof(CapabilityDefinition.Patterns), FieldForm.Keyed, m => m.Patterns, (m, v) => m with { Patterns = v }, FieldUse.Required, write: FieldWrite.Always, nested: PatternLevel),
        ],
        key: LevelKey.MappingKey,
        name: static m => m.Name);

    /// <summary>A tool's <c>defaults</c> (<see cref="ToolDefaults"/>).</summary>
    public static readonly FieldLevel DefaultsLevel = FieldLevel.Of<ToolDefaults>(
        "defaults",
        static _ => new ToolDefaults(),
        static m => m.Extensions,
        static (m, e) => m with { Extensions = e },
        [
            Row<ToolDefaults, string?>(AccuracyLevel, nameof(ToolDefaults.AccuracyLevel), FieldForm.Text, m => m.AccuracyLevel, (m, v) => m with { AccuracyLevel = v }, FieldUse.Recommended),
            Row<ToolDefaults, string?>(Freshness, nameof(ToolDefaults.Freshness), FieldForm.Text, m => m.Freshness, (m, v) => m with { Freshness = v }, FieldUse.Recommended),
            Row<ToolDefaults, string?>(DataSource, nameof(ToolDefaults.DataSource), FieldForm.Text, m => m.DataSource, (m, v) => m with { DataSource = v }, FieldUse.Recommended),
            Row<ToolDefaults, string?>(Scope, nameof(ToolDefaults.Scope), FieldForm.Text, m => m.Scope, (m, v) => m with { Scope = v }),
            Row<ToolDefaults, string?>(Completeness, nameof(ToolDefaults.Completeness), FieldForm.Text, m => m.Completeness, (m, v) => m with { Completeness = v }),
        ]);

    /// <summary>The top level of a per-tool file (<see cref="ToolDefinition"/>). Rows follow the model's declaration
    /// order (the stored JSON document's order); the YAML file follows the template, which places
    /// <c>execution_location</c> after <c>enabled</c> (<see cref="ToolField.YamlAfter"/>).</summary>
    public static readonly FieldLevel ToolLevel = FieldLevel.Of<ToolDefinition>(
        "tool",
        static name => new ToolDefinition { Name = name, Version = "" },
        static m => m.Extensions,
        static (m, e) => m with { Extensions = e },
        [
            Row<ToolDefinition, string>(ToolName, nameof(ToolDefinition.Name), FieldForm.Text, m => m.Name, (m, v) => m with { Name = v }, FieldUse.Required, NameLength, FieldWrite.Always),
            Row<ToolDefinition, string>(Version, nameof(ToolDefinition.Version), FieldForm.Text, m => m.Version, (m, v) => m with { Version = v }, FieldUse.Required, VersionLength, FieldWrite.Always),
            Row<ToolDefinition, string>(Description, nameof(ToolDefinition.Description), FieldForm.Text, m => m.Description, (m, v) => m with { Description = v }, FieldUse.Required, write: FieldWrite.Always),
            Row<ToolDefinition, string>(Platform, nameof(ToolDefinition.Platform), FieldForm.Text, m => m.Platform, (m, v) => m with { Platform = v }, FieldUse.Required, PlatformLength, FieldWrite.Always),
            Row<ToolDefinition, string>(Category, nameof(ToolDefinition.Category), FieldForm.Text, m => m.Category, (m, v) => m with { Category = v }, FieldUse.Required, CategoryLength, FieldWrite.Always),
            Row<ToolDefinition, ToolStatus>(Status, nameof(ToolDefinition.Status), FieldForm.Status, m => m.Status, (m, v) => m with { Status = v }, write: FieldWrite.UnlessDefault),
            Row<ToolDefinition, bool>(Enabled, nameof(ToolDefinition.Enabled), FieldForm.Boolean, m => m.Enabled, (m, v) => m with { Enabled = v }, write: FieldWrite.UnlessDefault),
            Row<ToolDefinition, ToolDefaults>(Defaults, nameof(ToolDefinition.Defaults), FieldForm.Part, m => m.Defaults, (m, v) => m with { Defaults = v }, write: FieldWrite.Always, nested: DefaultsLevel),
            Row<ToolDefinition, EquatableArray<CapabilityDefinition>>(Capabilities, nameof(ToolDefinition.Capabilities), FieldForm.Keyed, m => m.Capabilities, (m, v) => m with { Capabilities = v }, write: FieldWrite.Always, nested: CapabilityLevel),
            Row<ToolDefinition, EquatableArray<DependencySpec>>(Dependencies, nameof(ToolDefinition.Dependencies), FieldForm.Items, m => m.Dependencies, (m, v) => m with { Dependencies = v }, nested: DependencyLevel),
            Row<ToolDefinition, DataMap>(Metadata, nameof(ToolDefinition.Metadata), FieldForm.DataMap, m => m.Metadata, (m, v) => m with { Metadata = v }),
            Row<ToolDefinition, string?>(ExecutionLocation, nameof(ToolDefinition.ExecutionLocation), FieldForm.Text, m => m.ExecutionLocation, (m, v) => m with { ExecutionLocation = v }, maxLength: ExecutionLocationLength, yamlAfter: Enabled),
            Row<ToolDefinition, EquatableArray<ToolExample>>(Examples, nameof(ToolDefinition.Examples), FieldForm.Items, m => m.Examples, (m, v) => m with { Examples = v }, nested: ExampleLevel),
        ],
        tolerated: [CreatedBy]);
    /// <summary>A row whose value is property <paramref name="property"/> of <typeparamref name="TModel"/>, read with
    /// <paramref name="get"/> and set (on a copy) with <paramref name="set"/>.</summary>
    private static ToolField Row<TModel, TValue>(
        string name, string property, FieldForm form, Func<TModel, TValue> get, Func<TModel, TValue, TModel> set,
        FieldUse use = FieldUse.Optional, int maxLength = 0, FieldWrite write = FieldWrite.WhenSet, FieldLevel? nested = null,
        string? yamlAfter = null)
        where TModel : class =>
        new(name, property, use, maxLength)
        {
            Form = form,
            Write = write,
            Nested = nested,
            YamlAfter = yamlAfter,
            ValueType = typeof(TValue),
            Get = m => get((TModel)m),
            Set = (m, v) => set((TModel)m, (TValue)v!),
        };

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

/// <summary>How a field's value is written in the file, and so how the reader converts it and the writer emits it.</summary>
internal enum FieldForm
{
    /// <summary>A scalar's text (a number or boolean keeps its text); an explicit null leaves the model's default.</summary>
    Text,

    /// <summary>The name of a named list item (<c>name</c>): read before the other keys, an item without one is not read.</summary>
    Key,

    /// <summary>A string only (a condition expression); an explicit null leaves the default.</summary>
    Condition,

    /// <summary>An estimate expression: a string as it is, a number as its text.</summary>
    Expression,

    /// <summary>A number (<see cref="double"/>).</summary>
    Number,

    /// <summary>A number or null (<see cref="Nullable{Double}"/>); a whole number is written as an integer.</summary>
    NullableNumber,

    /// <summary>An integer or null (<see cref="Nullable{Int64}"/>).</summary>
    Integer,

    /// <summary>A boolean (<see cref="bool"/> or <see cref="Nullable{Boolean}"/>).</summary>
    Boolean,

    /// <summary>A list of strings.</summary>
    Strings,

    /// <summary>Any value, free-form (<see cref="DataValue"/>).</summary>
    Data,

    /// <summary>A list of free-form values.</summary>
    DataList,

    /// <summary>A mapping of free-form values (<see cref="Model.DataMap"/>).</summary>
    DataMap,

    /// <summary>A tool's lifecycle status, as its wire name.</summary>
    Status,

    /// <summary>A mapping read as the nested level (<see cref="ToolField.Nested"/>).</summary>
    Part,

    /// <summary>A list of mappings, each read as the nested level.</summary>
    Items,

    /// <summary>A mapping of mappings keyed by each item's name (capabilities, patterns), each read as the nested level.</summary>
    Keyed,
}

/// <summary>When the writers emit a field.</summary>
internal enum FieldWrite
{
    /// <summary>Unless it is null or an empty list or map.</summary>
    WhenSet,

    /// <summary>Always, empty or not.</summary>
    Always,

    /// <summary>Unless it equals the value of a new model part (<c>status: active</c>, <c>enabled: true</c>).</summary>
    UnlessDefault,
}

/// <summary>How an item of a level is named.</summary>
internal enum LevelKey
{
    /// <summary>Not named (a part, or an unnamed list item).</summary>
    None,

    /// <summary>By its <c>name</c> field (inputs, outputs, dependencies).</summary>
    NameField,

    /// <summary>By the key it is listed under (capabilities, patterns).</summary>
    MappingKey,
}

/// <summary>One field of a level: its name in the file, the model property it maps to, its rules, and how it is read and
/// written. The reader, the writers and the JSON document work from these rows alone: a field added here (with its model
/// property) is read, written, stored in the JSON columns, validated as known and offered by the editor.</summary>
/// <param name="Name">The key in the YAML file and the JSON form.</param>
/// <param name="Property">The model property (on <see cref="FieldLevel.ModelType"/>) holding it.</param>
/// <param name="Use">Required, recommended or optional.</param>
/// <param name="MaxLength">The most characters the catalog's column holds; 0 when the column is unbounded.</param>
internal sealed record ToolField(string Name, string Property, FieldUse Use = FieldUse.Optional, int MaxLength = 0)
{
    /// <summary>How the value is written in the file.</summary>
    public FieldForm Form { get; init; }

    /// <summary>When the writers emit it.</summary>
    public FieldWrite Write { get; init; }

    /// <summary>The level of a <see cref="FieldForm.Part"/>, <see cref="FieldForm.Items"/> or <see cref="FieldForm.Keyed"/> value.</summary>
    public FieldLevel? Nested { get; init; }

    /// <summary>The field after which the YAML writer places this one, when the template's order differs from the model's.</summary>
    public string? YamlAfter { get; init; }

    /// <summary>The property's type.</summary>
    public System.Type ValueType { get; init; } = typeof(object);

    /// <summary>Reads the property of a model part.</summary>
    public Func<object, object?> Get { get; init; } = static _ => null;

    /// <summary>A copy of a model part with the property set.</summary>
    public Func<object, object?, object> Set { get; init; } = static (m, _) => m;

    /// <summary>Whether the writers leave <paramref name="value"/> out (<see cref="Write"/>), given the level's new part's value.</summary>
    public bool Omits(object? value, object? defaultValue) => Write switch
    {
        FieldWrite.Always => false,
        FieldWrite.UnlessDefault => Equals(value, defaultValue),
        _ => value switch
        {
            null => true,
            IEquatableArray { Count: 0 } => true,
            DataMap { IsEmpty: true } => true,
            _ => false,
        },
    };
}

/// <summary>The fields of one level of the format, and the keys it tolerates without interpreting them.</summary>
internal sealed class FieldLevel
{
    private readonly FrozenDictionary<string, ToolField> _byName;
    private readonly FrozenDictionary<string, ToolField> _byProperty;

    private FieldLevel(
        string label, System.Type modelType, ToolField[] fields, string[]? tolerated, LevelKey key,
        Func<string, object> create, Func<object, DataMap> extensions, Func<object, DataMap, object> withExtensions,
        Func<IEnumerable<object>, object> toArray, Func<object, string>? name)
    {
        Label = label;
        ModelType = modelType;
        Fields = fields;
        Key = key;
        KeyProperty = key == LevelKey.MappingKey ? "Name" : null;
        Create = create;
        ExtensionsOf = extensions;
        WithExtensions = withExtensions;
        ToArray = toArray;
        NameOf = name ?? (static _ => "");
        _byName = fields.ToFrozenDictionary(f => f.Name, StringComparer.Ordinal);
        _byProperty = fields.ToFrozenDictionary(f => f.Property, StringComparer.Ordinal);
        Names = [.. fields.Select(f => f.Name)];
        Tolerated = (tolerated ?? []).ToFrozenSet(StringComparer.Ordinal);
        Known = Names.Concat(Tolerated).ToFrozenSet(StringComparer.Ordinal);
        RequiredNames = [.. fields.Where(f => f.Use == FieldUse.Required).Select(f => f.Name)];
        RecommendedNames = [.. fields.Where(f => f.Use == FieldUse.Recommended).Select(f => f.Name)];
        var fresh = create("");
        Defaults = [.. fields.Select(f => f.Get(fresh))];
        YamlOrder = OrderForYaml(fields);
    }

    /// <summary>A level for model type <typeparamref name="T"/>: <paramref name="create"/> makes a new part (given its name,
    /// for named items), <paramref name="extensions"/> and <paramref name="withExtensions"/> get and set the keys the part
    /// does not interpret, and <paramref name="name"/> gives the key a <see cref="LevelKey.MappingKey"/> part is listed under.</summary>
    public static FieldLevel Of<T>(
        string label, Func<string, T> create, Func<T, DataMap> extensions, Func<T, DataMap, T> withExtensions, ToolField[] fields,
        string[]? tolerated = null, LevelKey key = LevelKey.None, Func<T, string>? name = null)
        where T : class =>
        new(label, typeof(T), fields, tolerated, key, n => create(n), m => extensions((T)m), (m, e) => withExtensions((T)m, e),
            static items => items.Cast<T>().ToEquatableArray(), name is null ? null : m => name((T)m));

    /// <summary>How an item of the level is named.</summary>
    public LevelKey Key { get; }

    /// <summary>Makes a new part with the model's defaults (named <c>name</c> for a named item).</summary>
    public Func<string, object> Create { get; }

    /// <summary>A part's <c>Extensions</c>: the keys it does not interpret.</summary>
    public Func<object, DataMap> ExtensionsOf { get; }

    /// <summary>The key a part of a <see cref="LevelKey.MappingKey"/> level is listed under.</summary>
    public Func<object, string> NameOf { get; }

    /// <summary>A copy of a part with its <c>Extensions</c> replaced.</summary>
    public Func<object, DataMap, object> WithExtensions { get; }

    /// <summary>The parts as the model's list (an <see cref="EquatableArray{T}"/> of the level's type, boxed).</summary>
    public Func<IEnumerable<object>, object> ToArray { get; }

    /// <summary>Each field's value on a new part, in <see cref="Fields"/>' order (what <see cref="FieldWrite.UnlessDefault"/> compares with).</summary>
    public IReadOnlyList<object?> Defaults { get; }

    /// <summary>Indexes into <see cref="Fields"/> in the order the YAML writer emits them.</summary>
    public IReadOnlyList<int> YamlOrder { get; }

    private static int[] OrderForYaml(ToolField[] fields)
    {
        var order = new List<int>(fields.Length);
        for (var i = 0; i < fields.Length; i++)
        {
            if (fields[i].YamlAfter is not null)
            {
                continue;
            }

            order.Add(i);
            for (var j = 0; j < fields.Length; j++)
            {
                if (fields[j].YamlAfter == fields[i].Name)
                {
                    order.Add(j);
                }
            }
        }

        return order.Count == fields.Length
            ? [.. order]
            : throw new InvalidOperationException("A field's YamlAfter names no field of its level.");
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
