using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Tests.Support;
using OpsConductor.ToolCatalog.Validation;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Tests.Validation;

public sealed class ToolValidatorTests
{
    private const string Valid = """
        tool_name: "grep"
        version: "1.0"
        description: "Search text"
        platform: "linux"
        category: "system"
        defaults:
          accuracy_level: "real-time"
          freshness: "live"
          data_source: "filesystem"
        capabilities:
          text_search:
            description: "Search text"
            patterns:
              search_files:
                description: "Search files"
                typical_use_cases: ["find text"]
                time_estimate_ms: "500 + 0.1 * file_size_kb"
                cost_estimate: "1"
                complexity_score: 0.2
                scope: "batch"
                completeness: "partial"
                policy:
                  max_cost: 5
                  requires_approval: false
                  production_safe: true
                  requires_background_if: "N > 50"
                preference_match:
                  speed: 0.9
                  accuracy: 1.0
                  cost: 0.9
                  complexity: 0.9
                  completeness: 0.8
                required_inputs:
                  - name: "file_size_kb"
                    type: "integer"
                    description: "Size of the file"
                expected_outputs:
                  - name: "matches"
                    type: "array"
                    description: "Matching lines"
        dependencies:
          - name: "grep"
            type: "package"
            required: true
        """;

    private const string PatternPath = "capabilities.text_search.patterns.search_files";

    private static readonly ToolYamlReader Reader = new();
    private static readonly ToolValidator Lenient = new();
    private static readonly ToolValidator Strict = new(ValidationOptions.StrictOriginal);

    private static ValidationReport Check(ToolValidator validator, string yaml) => validator.Validate(Reader.Read(yaml, "tool.yaml"));

    private static string Mutate(string from, string to)
    {
        var mutated = Valid.Replace(from, to, StringComparison.Ordinal);
        Assert.That(mutated, Is.Not.EqualTo(Valid), "the mutation must apply");
        return mutated;
    }

    [Test]
    public void The_reference_tool_is_valid_with_only_the_modelling_warnings_for_its_missing_limitations_and_examples()
    {
        // Lenient mode checks the modelling rules (docs/catalog-guide.md) by default: this tool lists no limitations and no
        // examples, which they report as warnings; strict mode reproduces the original validator and does not check them.
        Assert.That(Check(Lenient, Valid).IsValid, Is.True);
        Assert.That(Check(Lenient, Valid).Findings.Select(f => (f.Code, f.Severity, f.Path)), Is.EqualTo(new[]
        {
            (ValidationCodes.PatternMissingLimitations, ValidationSeverity.Warning, PatternPath + ".limitations"),
            (ValidationCodes.ToolMissingExamples, ValidationSeverity.Warning, "examples"),
        }));
        Assert.That(Check(Strict, Valid).Findings, Is.Empty);
        Assert.That(Check(Lenient, Valid).Shape, Is.EqualTo(ToolFileShape.Canonical));
    }

    [TestCase("platform: \"linux\"", "platform: \"solaris\"", ValidationCodes.ToolPlatform, ValidationSeverity.Error, "platform", 4, "allowed: linux, windows, network, scheduler, custom, multi-platform")]
    [TestCase("platform: \"linux\"", "platform: \"cloud\"", ValidationCodes.ToolPlatform, ValidationSeverity.Warning, "platform", 4, "accepted because the original system used it")]
    [TestCase("category: \"system\"", "category: \"filesystem\"", ValidationCodes.ToolCategory, ValidationSeverity.Warning, "category", 5, "outside the vocabulary")]
    [TestCase("version: \"1.0\"", "version: 1.0", ValidationCodes.ToolVersionNotString, ValidationSeverity.Error, "version", 2, "quoted string")]
    [TestCase("version: \"1.0\"", "version: \"v1\"", ValidationCodes.ToolVersionForm, ValidationSeverity.Error, "version", 2, "MAJOR.MINOR[.PATCH][-PRERELEASE]")]
    [TestCase("tool_name: \"grep\"", "tool_name: \"grep tool\"", ValidationCodes.ToolName, ValidationSeverity.Error, "tool_name", 1, "a letter, then letters, digits")]
    [TestCase("description: \"Search text\"\nplatform", "description: 42\nplatform", ValidationCodes.ToolNotAString, ValidationSeverity.Error, "description", 3, "must be text")]
    [TestCase("data_source: \"filesystem\"", "data_source: \"carrier-pigeon\"", ValidationCodes.ToolDataSource, ValidationSeverity.Warning, "defaults.data_source", 9, "not allowed")]
    [TestCase("complexity_score: 0.2", "complexity_score: \"0.2\"", ValidationCodes.PatternComplexityNotNumber, ValidationSeverity.Error, PatternPath + ".complexity_score", 19, "not a string or a boolean")]
    [TestCase("complexity_score: 0.2", "complexity_score: true", ValidationCodes.PatternComplexityNotNumber, ValidationSeverity.Error, PatternPath + ".complexity_score", 19, "the boolean true")]
    [TestCase("complexity_score: 0.2", "complexity_score: 1.5", ValidationCodes.PatternComplexityRange, ValidationSeverity.Error, PatternPath + ".complexity_score", 19, "between 0.0 (simple) and 1.0 (complex)")]
    [TestCase("speed: 0.9", "speed: \"0.9\"", ValidationCodes.PatternPreferenceNotNumber, ValidationSeverity.Error, PatternPath + ".preference_match.speed", 28, "not a string or a boolean")]
    [TestCase("speed: 0.9", "speed: -0.1", ValidationCodes.PatternPreferenceRange, ValidationSeverity.Error, PatternPath + ".preference_match.speed", 28, "between 0.0 and 1.0")]
    [TestCase("requires_approval: false", "requires_approval: \"no\"", ValidationCodes.PatternPolicyBoolean, ValidationSeverity.Error, PatternPath + ".policy.requires_approval", 24, "true or false")]
    [TestCase("max_cost: 5", "max_cost: -1", ValidationCodes.PatternPolicyNumber, ValidationSeverity.Error, PatternPath + ".policy.max_cost", 23, "non-negative number")]
    [TestCase("requires_background_if: \"N > 50\"", "requires_background_if: 50", ValidationCodes.PatternExpression, ValidationSeverity.Error, PatternPath + ".policy.requires_background_if", 26, "condition string")]
    [TestCase("time_estimate_ms: \"500 + 0.1 * file_size_kb\"", "time_estimate_ms: \" \"", ValidationCodes.PatternExpression, ValidationSeverity.Error, PatternPath + ".time_estimate_ms", 17, "is empty")]
    [TestCase("time_estimate_ms: \"500 + 0.1 * file_size_kb\"", "time_estimate_ms: [500]", ValidationCodes.PatternExpression, ValidationSeverity.Error, PatternPath + ".time_estimate_ms", 17, "(or a number)")]
    [TestCase("scope: \"batch\"", "scope: \"multiple_items\"", ValidationCodes.PatternScope, ValidationSeverity.Warning, PatternPath + ".scope", 20, "outside the vocabulary")]
    [TestCase("scope: \"batch\"", "scope: \"everything\"", ValidationCodes.PatternScope, ValidationSeverity.Error, PatternPath + ".scope", 20, "allowed: single_item, batch, exhaustive")]
    [TestCase("typical_use_cases: [\"find text\"]", "typical_use_cases: [\"find text\", 2]", ValidationCodes.PatternStringList, ValidationSeverity.Error, PatternPath + ".typical_use_cases", 16, "list of strings")]
    [TestCase("type: \"integer\"", "type: \"text\"", ValidationCodes.InputType, ValidationSeverity.Error, PatternPath + ".required_inputs[0].type", 35, "allowed: string, integer, boolean, array, object")]
    [TestCase("type: \"integer\"", "type: \"float\"", ValidationCodes.InputType, ValidationSeverity.Warning, PatternPath + ".required_inputs[0].type", 35, "outside the vocabulary")]
    [TestCase("- name: \"file_size_kb\"", "- name: \"\"", ValidationCodes.InputName, ValidationSeverity.Error, PatternPath + ".required_inputs[0].name", 34, "has no name")]
    [TestCase("description: \"Size of the file\"", "description: \"Size of the file\"\n            validation: \"[unclosed\"", ValidationCodes.InputValidation, ValidationSeverity.Warning, PatternPath + ".required_inputs[0].validation", 37, "not a valid regular expression")]
    [TestCase("- name: \"matches\"", "- title: \"matches\"", ValidationCodes.OutputItem, ValidationSeverity.Error, PatternPath + ".expected_outputs[0]", 38, "with a name")]
    [TestCase("type: \"package\"", "type: \"magic\"", ValidationCodes.DependencyType, ValidationSeverity.Error, "dependencies[0].type", 43, "allowed: service, package, permission, network")]
    [TestCase("    required: true", "    required: \"yes\"", ValidationCodes.DependencyRequired, ValidationSeverity.Error, "dependencies[0].required", 44, "true or false")]
    [TestCase("dependencies:", "status: \"retired\"\ndependencies:", ValidationCodes.ToolStatus, ValidationSeverity.Error, "status", 41, "active, deprecated, disabled, testing, draft")]
    [TestCase("dependencies:", "enabled: \"on\"\ndependencies:", ValidationCodes.ToolEnabled, ValidationSeverity.Error, "enabled", 41, "true or false")]
    [TestCase("dependencies:", "owner: \"ops\"\ndependencies:", ValidationCodes.ToolUnknownKey, ValidationSeverity.Warning, "owner", 41, "kept as extension data")]
    [TestCase("dependencies:", "examples: [{expected_time_ms: \"fast\"}]\ndependencies:", ValidationCodes.ToolExamples, ValidationSeverity.Error, "examples[0].expected_time_ms", 41, "non-negative number")]
    [TestCase("  text_search:", "  \"text search\":", ValidationCodes.CapabilityName, ValidationSeverity.Error, "capabilities.text search", 11, "name pattern")]
    [TestCase("      search_files:", "      search-files!:", ValidationCodes.PatternName, ValidationSeverity.Error, "capabilities.text_search.patterns.search-files!", 14, "name pattern")]
    [TestCase("    description: \"Search text\"\n    patterns", "    patterns", ValidationCodes.CapabilityMissingDescription, ValidationSeverity.Warning, "capabilities.text_search.description", 12, "no description")]
    public void A_broken_rule_is_reported_with_its_code_severity_path_and_line(
        string from, string to, string code, ValidationSeverity severity, string path, int line, string words)
    {
        var report = Check(Lenient, Mutate(from, to));

        var finding = report.Findings.FirstOrDefault(f => f.Code == code);
        Assert.That(finding, Is.Not.Null, string.Join("\n", report.Findings));
        Assert.That((finding!.Severity, finding.Path, finding.Line, finding.File), Is.EqualTo((severity, path, (int?)line, "tool.yaml")));
        Assert.That(finding.Message, Does.Contain(words));
        Assert.That(report.IsValid, Is.EqualTo(report.Findings.All(f => f.Severity == ValidationSeverity.Warning)));
    }

    [Test]
    public void A_missing_field_the_corpus_commonly_lacks_is_a_lenient_warning_but_a_strict_error_with_the_original_message()
    {
        var yaml = Valid[..Valid.IndexOf("        expected_outputs:", StringComparison.Ordinal)] + Valid[Valid.IndexOf("dependencies:", StringComparison.Ordinal)..];

        var lenient = Check(Lenient, yaml);
        var strict = Check(Strict, yaml);

        Assert.That(lenient.IsValid, Is.True);
        Assert.That(ModellingCodes.Without(lenient.Warnings).Single().Code, Is.EqualTo(ValidationCodes.PatternMissingField));
        Assert.That(ModellingCodes.Without(lenient.Warnings).Single().Path, Is.EqualTo(PatternPath + ".expected_outputs"));
        Assert.That(strict.IsValid, Is.False);
        Assert.That(strict.Errors.Single().Message, Is.EqualTo("Capability 'text_search', Pattern 'search_files': Missing required field 'expected_outputs'"));
    }

    [Test]
    public void A_missing_time_estimate_is_an_error_in_both_modes()
    {
        var yaml = Mutate("        time_estimate_ms: \"500 + 0.1 * file_size_kb\"\n", "");
        Assert.That(Check(Lenient, yaml).Errors.Single().Path, Is.EqualTo(PatternPath + ".time_estimate_ms"));
        Assert.That(Check(Strict, yaml).IsValid, Is.False);
    }

    [Test]
    public void Strict_mode_accepts_a_numeric_string_score_as_the_original_did_but_still_reports_this_catalogs_rule()
    {
        var report = Check(Strict, Mutate("complexity_score: 0.2", "complexity_score: \"0.2\""));
        Assert.That(report.Errors.Single().Code, Is.EqualTo(ValidationCodes.PatternComplexityNotNumber));
        Assert.That(report.Errors.Single().Message, Does.Not.Contain("Capability 'text_search'"), "not the original's message: the original accepted it");
    }

    [Test]
    public void Strict_mode_renders_values_in_messages_as_python_did()
    {
        var report = Check(Strict, Mutate("platform: \"linux\"", "platform: 1.0e+20"));
        Assert.That(report.Errors.Select(e => e.Message), Does.Contain(
            "Invalid platform '1e+20'. Must be one of: linux, windows, network, scheduler, custom, multi-platform"));
        report = Check(Strict, Mutate("platform: \"linux\"", "platform: null"));
        Assert.That(report.Errors.Select(e => e.Message), Does.Contain("Field 'platform' cannot be empty").And.Contain(
            "Invalid platform 'None'. Must be one of: linux, windows, network, scheduler, custom, multi-platform"));
    }

    [Test]
    public void More_than_five_patterns_in_a_capability_is_a_warning()
    {
        var patterns = string.Concat(Enumerable.Range(1, 6).Select(i => $"      p{i}:\n        description: \"d\"\n        time_estimate_ms: \"1\"\n"));
        var yaml = $"tool_name: \"t\"\nversion: \"1.0\"\ndescription: \"d\"\nplatform: \"linux\"\ncategory: \"system\"\ndefaults: {{}}\ncapabilities:\n  c:\n    description: \"d\"\n    patterns:\n{patterns}";

        var warning = Check(Lenient, yaml).Findings.Single(f => f.Code == ValidationCodes.CapabilityTooManyPatterns);

        Assert.That(warning.Severity, Is.EqualTo(ValidationSeverity.Warning));
        Assert.That(warning.Message, Does.Contain("6 patterns").And.Contain("Too many patterns (6). Max 5 per capability."));
    }

    [Test]
    public void An_input_declared_twice_across_required_and_optional_is_an_error_naming_both_lines()
    {
        var yaml = Mutate("        expected_outputs:", "        optional_inputs:\n          - name: \"file_size_kb\"\n            type: \"integer\"\n        expected_outputs:");

        var error = Check(Lenient, yaml).Errors.Single();

        Assert.That(error.Code, Is.EqualTo(ValidationCodes.PatternDuplicateInput));
        Assert.That(error.Path, Is.EqualTo(PatternPath + ".optional_inputs[0].name"));
        Assert.That(error.Message, Does.Contain("line 34 and line 38"));
    }

    [Test]
    public void A_default_outside_the_allowed_values_is_a_warning()
    {
        var yaml = Mutate("description: \"Size of the file\"", "description: \"Size\"\n            allowed_values: [1, 2]\n            default: 3");
        var warning = ModellingCodes.Without(Check(Lenient, yaml).Warnings).Single();
        Assert.That(warning.Code, Is.EqualTo(ValidationCodes.NotAllowedValue));
        Assert.That(warning.Message, Does.Contain("'3'").And.Contain("1, 2"));
    }

    [Test]
    public void Vocabularies_are_configurable()
    {
        var options = ValidationOptions.Lenient with { Platforms = ValidationOptions.Lenient.Platforms.WithAllowed("solaris") };
        Assert.That(ModellingCodes.Without(new ToolValidator(options).Validate(Reader.Read(Mutate("platform: \"linux\"", "platform: \"solaris\""), "t.yaml")).Findings), Is.Empty);

        var strict = ValidationOptions.StrictOriginal with { Categories = new Vocabulary(["system"]) };
        var report = new ToolValidator(strict).Validate(Reader.Read(Mutate("category: \"system\"", "category: \"network\""), "t.yaml"));
        Assert.That(report.Errors.Single().Message, Is.EqualTo("Invalid category 'network'. Must be one of: system"));
    }

    [Test]
    public void Lenient_mode_reads_list_form_by_its_own_rules()
    {
        const string yaml = """
            tool_name: "t"
            version: "1.0"
            description: "d"
            platform: "linux"
            category: "system"
            defaults: {}
            capabilities:
              - capability_name: "a"
                description: "d"
                patterns:
                  - pattern_name: "p"
                    description: "d"
                    time_estimate_ms: "1"
                  - description: "no name"
                    time_estimate_ms: "1"
              - capability_name: "a"
                patterns: []
              - "just text"
            """;

        var report = Check(Lenient, yaml);

        Assert.That(report.Shape, Is.EqualTo(ToolFileShape.ListForm));
        Assert.That(report.Errors.Select(e => (e.Code, e.Path, e.Line)), Is.EquivalentTo(new[]
        {
            (ValidationCodes.PatternItemName, "capabilities[0].patterns[1]", (int?)14),
            (ValidationCodes.CapabilityDuplicate, "capabilities[1]", (int?)16),
            (ValidationCodes.CapabilityNotMapping, "capabilities[2]", (int?)18),
        }));
        Assert.That(Check(Strict, yaml).Errors.Select(e => e.Message), Does.Contain("'capabilities' must be a dictionary"));
    }

    [Test]
    public void Profiles_files_are_checked_by_the_original_pydantic_rules()
    {
        const string yaml = """
            version: "1.1"
            tools:
              asset-query:
                description: "Query assets"
                capabilities:
                  asset_query:
                    patterns:
                      p1: {description: "d", time_estimate_ms: 80, preference_match: {speed: 1.2}}
                      p2: {description: "d"}
                      p3: {description: "d", time_estimate_ms: "1", complexity_score: "low"}
                      p4: {description: "d", time_estimate_ms: "1", policy: {max_N_immediate: 1.5}}
                      p5: {description: "d", time_estimate_ms: "1"}
                      p6: {description: "d", time_estimate_ms: "1"}
              no_description:
                capabilities: {}
            """;

        var report = Check(Lenient, yaml);
        var tools = "tools.asset-query.capabilities.asset_query.patterns";

        Assert.That(report.Shape, Is.EqualTo(ToolFileShape.Profiles));
        Assert.That(report.Errors.Select(e => (e.Code, e.Path)), Is.EquivalentTo(new[]
        {
            (ValidationCodes.ProfileTooManyPatterns, tools),
            (ValidationCodes.PatternPreferenceRange, tools + ".p1.preference_match.speed"),
            (ValidationCodes.ProfileTimeEstimateMissing, tools + ".p2.time_estimate_ms"),
            (ValidationCodes.PatternComplexityNotNumber, tools + ".p3.complexity_score"),
            (ValidationCodes.PatternPolicyNumber, tools + ".p4.policy.max_N_immediate"),
            (ValidationCodes.ProfileToolDescription, "tools.no_description.description"),
        }));
        Assert.That(report.Errors[0].Message, Does.Contain("Too many patterns (6). Max 5 per capability."));
    }

    [Test]
    public void Both_compat_profiles_files_are_valid_with_only_modelling_warnings_in_lenient_mode()
    {
        foreach (var document in Reader.ReadFolder(Compat.Profiles))
        {
            // The original's profiles break the catalog guide's modelling rules (generic and undocumented capability names,
            // preference scores that contradict the estimates, no limitations or examples): warnings, never errors.
            var lenient = Lenient.Validate(document);
            Assert.That(lenient.IsValid, Is.True, document.Source);
            Assert.That(lenient.Warnings, Is.Not.Empty, document.Source);
            Assert.That(ModellingCodes.Without(lenient.Findings), Is.Empty, document.Source);
            Assert.That(Strict.Validate(document).Findings, Is.Empty, document.Source);
        }
    }

    [Test]
    public void Lenient_mode_accepts_every_canonical_corpus_file_and_rejects_the_non_tool_shapes()
    {
        var byShape = Reader.ReadFolder(TestPaths.CompatTools)
            .Select(d => (d.Shape, Lenient.Validate(d)))
            .GroupBy(r => r.Shape)
            .ToDictionary(g => g.Key, g => g.Select(r => r.Item2).ToList());

        Assert.That(byShape[ToolFileShape.Canonical], Has.Count.EqualTo(183));
        Assert.That(byShape[ToolFileShape.Canonical].Where(r => !r.IsValid).SelectMany(r => r.Errors), Is.Empty);
        Assert.That(byShape[ToolFileShape.ListForm].Single().IsValid, Is.True);
        foreach (var shape in new[] { ToolFileShape.ToolWrapper, ToolFileShape.NameStub, ToolFileShape.Template, ToolFileShape.Unknown })
        {
            Assert.That(byShape[shape].All(r => !r.IsValid && r.Errors.Count == 1 && r.Errors[0].Code.StartsWith("SHAPE", StringComparison.Ordinal)), Is.True, shape.ToString());
        }

        var warnings = byShape[ToolFileShape.Canonical].SelectMany(r => r.Warnings).Select(w => w.Code).ToHashSet();
        Assert.That(warnings, Is.SupersetOf(new[] { ValidationCodes.PatternMissingField, ValidationCodes.ToolPlatform, ValidationCodes.ToolCategory, ValidationCodes.PatternScope }));
    }

    [Test]
    public void A_tool_built_in_code_is_validated_by_the_same_rules_without_positions()
    {
        var tool = Reader.Read(Valid, "t.yaml").Tools.Single();
        Assert.That(Lenient.Validate(tool).Findings.Select(f => f.Code), Is.EqualTo(new[] { ValidationCodes.PatternMissingLimitations, ValidationCodes.ToolMissingExamples }));
        Assert.That(Strict.Validate(tool).Findings, Is.Empty);

        var pattern = tool.Capabilities[0].Patterns[0] with { ComplexityScore = 2, PreferenceMatch = new PreferenceMatch { Speed = double.NaN } };
        var broken = tool with { Name = "bad name", Capabilities = [tool.Capabilities[0] with { Patterns = [pattern] }] };

        var report = Lenient.Validate(broken);

        Assert.That(report.File, Is.Null);
        Assert.That(report.Errors.Select(e => (e.Code, e.Path)), Is.EquivalentTo(new[]
        {
            (ValidationCodes.ToolName, "tool_name"),
            (ValidationCodes.PatternComplexityRange, PatternPath + ".complexity_score"),
            (ValidationCodes.PatternPreferenceRange, PatternPath + ".preference_match.speed"),
        }));
        Assert.That(report.Errors.All(e => e.Line is null), Is.True);
    }

    [Test]
    public void Parse_errors_are_part_of_the_report()
    {
        var report = Lenient.Validate(Reader.Read("a: [", "broken.yaml"));
        Assert.That(report.IsValid, Is.False);
        Assert.That(report.Shape, Is.EqualTo(ToolFileShape.Unreadable));
        Assert.That(report.Errors.Single().Code, Is.EqualTo(ValidationCodes.YamlSyntax));
    }
}
