using OpsConductor.ToolCatalog.Expressions;
using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Validation;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Tests.Validation;

/// <summary>
/// What import would refuse, or what would break every selection later, validation says first (issue 12): expressions
/// that can never be evaluated, values longer than their column, and control characters in any string.
/// </summary>
public sealed class HostileInputValidationTests
{
    private const string PatternPath = "capabilities.text_search.patterns.search_files";

    private const string Tool = """
        tool_name: "grep"
        version: "1.0"
        description: DESCRIPTION
        platform: "linux"
        category: "system"
        execution_location: LOCATION
        defaults: {accuracy_level: "real-time", freshness: "live", data_source: "filesystem"}
        capabilities:
          text_search:
            description: "Search text"
            patterns:
              search_files:
                description: "Search files"
                typical_use_cases: ["find text"]
                time_estimate_ms: TIME
                cost_estimate: "1"
                complexity_score: 0.2
                scope: "batch"
                completeness: "partial"
                accuracy_level: ACCURACY
                policy: {max_cost: 5, requires_approval: false, production_safe: true, requires_background_if: CONDITION}
                preference_match: {speed: 0.9, accuracy: 1.0, cost: 0.9, complexity: 0.9, completeness: 0.8}
                required_inputs:
                  - {name: "pattern", type: "string", description: "What to find"}
                expected_outputs:
                  - {name: "matches", type: "array", description: "Matching lines"}
        """;

    private static readonly ToolYamlReader Reader = new();

    private static ValidationReport Check(
        string time = "\"500 + 2 * N\"",
        string description = "\"Search text\"",
        string location = "\"automation-service\"",
        string accuracy = "\"real-time\"",
        string condition = "\"N > 50\"",
        ValidationOptions? options = null) =>
        new ToolValidator(options).Validate(Reader.Read(
            Tool.Replace("TIME", time).Replace("DESCRIPTION", description).Replace("LOCATION", location)
                .Replace("ACCURACY", accuracy).Replace("CONDITION", condition),
            "grep.yaml"));

    private static IEnumerable<ValidationOptions> BothModes() => [ValidationOptions.Lenient, ValidationOptions.StrictOriginal];

    [Test]
    public void The_template_tool_is_valid_so_that_each_test_below_changes_one_thing()
    {
        Assert.That(Check().Errors, Is.Empty);
    }

    [TestCaseSource(nameof(BothModes))]
    public void A_constant_estimate_that_can_never_be_evaluated_is_an_error_in_both_modes(ValidationOptions options)
    {
        var report = Check(time: "\"9**9**9**9\"", options: options);

        var finding = report.Errors.Single(f => f.Code == ValidationCodes.PatternExpressionAlwaysFails);
        Assert.Multiple(() =>
        {
            Assert.That(finding.Path, Is.EqualTo(PatternPath + ".time_estimate_ms"));
            Assert.That(finding.Line, Is.EqualTo(15));
            Assert.That(finding.Message, Does.Contain("can never be evaluated: at column"));
        });
    }

    [Test]
    public void A_failing_constant_part_of_an_expression_with_variables_is_found_at_its_column()
    {
        // `        time_estimate_ms: "N + 1/0"`: the opening quote is at column 27, the '/' is the 6th character inside.
        var finding = Check(time: "\"N + 1/0\"").Errors.Single(f => f.Code == ValidationCodes.PatternExpressionAlwaysFails);

        Assert.Multiple(() =>
        {
            Assert.That(finding.Column, Is.EqualTo(27 + 6));
            Assert.That(finding.Message, Does.Contain("at column 6 of 'N + 1/0'").And.Contain("division by zero").IgnoreCase);
        });
    }

    [TestCase("N > 50 and 1/0", Description = "the right of `and` is evaluated only when N > 50")]
    [TestCase("N > 50 or log(0) > 1", Description = "the right of `or` is evaluated only when N <= 50")]
    [TestCase("N < 5 < 1/0", Description = "a chain's third operand is evaluated only when N < 5")]
    public void A_failing_constant_that_only_some_inputs_reach_is_not_an_error(string condition)
    {
        Assert.That(Check(condition: $"\"{condition}\"").Errors, Is.Empty);
    }

    [TestCase("N > 50 and N / 0 > 1")]
    public void A_division_by_a_constant_zero_of_a_variable_is_left_to_evaluation(string condition)
    {
        // N / 0 is not constant: folding looks only at constant parts, so this stays a selection-time error.
        Assert.That(Check(condition: $"\"{condition}\"").Errors, Is.Empty);
    }

    [TestCase(".inf")]
    [TestCase(".nan")]
    [TestCase("1e999")]
    public void A_numeric_estimate_that_is_not_finite_is_an_error(string number)
    {
        var finding = Check(time: number).Errors.Single();

        Assert.That(finding.Code, Is.EqualTo(ValidationCodes.PatternExpressionAlwaysFails));
        Assert.That(finding.Message, Does.Contain("not a finite number"));
    }

    [Test]
    public void Expression_analysis_folds_constants_to_find_a_failure_every_input_reaches()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ExpressionAnalysis.Analyze("N * 9**9**9**9").FailsForEveryInput?.Column, Is.GreaterThan(4), "a column inside 9**9**9**9");
            Assert.That(ExpressionAnalysis.Analyze("min(N, log(0))").FailsForEveryInput?.Column, Is.EqualTo(8));
            Assert.That(ExpressionAnalysis.Analyze("1/0").FailsForEveryInput, Is.Not.Null);
            Assert.That(ExpressionAnalysis.Analyze("N > 1 and 1/0", ExpressionLanguage.Condition).FailsForEveryInput, Is.Null);
            Assert.That(ExpressionAnalysis.Analyze("N + 1e308 * 10").FailsForEveryInput, Is.Null, "an infinite part is not an error by itself");
            Assert.That(ExpressionAnalysis.Analyze("500 + 2 * N").FailsForEveryInput, Is.Null);
        });
    }

    [TestCase("\"\\e[31mred\\e[0m\"", "U+001B (ESC")]
    [TestCase("\"ring \\x07\"", "U+0007 (BEL)")]
    [TestCase("\"csi \\u009b2J\"", "U+009B (CSI")]
    [TestCase("\"del \\x7f\"", "U+007F (DEL)")]
    [TestCase("\"nul \\0 here\"", "NUL character (U+0000)")]
    public void A_control_character_escaped_in_a_string_is_an_error_at_the_string(string description, string expected)
    {
        foreach (var options in BothModes())
        {
            var finding = Check(description: description, options: options).Errors.Single(f => f.Code == ValidationCodes.ToolControlCharacter);

            Assert.That(finding.Path, Is.EqualTo("description"));
            Assert.That(finding.Line, Is.EqualTo(3));
            Assert.That(finding.Message, Does.Contain(expected));
        }
    }

    [Test]
    public void Tab_line_feed_and_carriage_return_are_allowed_in_text()
    {
        Assert.That(Check(description: "\"one\\ttwo\\nthree\\r\\n\"").Errors, Is.Empty);
    }

    [Test]
    public void A_control_character_in_a_key_or_a_nested_value_is_found_too()
    {
        var yaml = Tool.Replace("TIME", "\"1\"").Replace("DESCRIPTION", "\"d\"").Replace("LOCATION", "\"automation-service\"")
            .Replace("ACCURACY", "\"real-time\"").Replace("CONDITION", "\"N > 50\"")
            .Replace("typical_use_cases: [\"find text\"]", "typical_use_cases: [\"find \\atext\"]")
            + "\nmetadata: {\"ta\\bg\": \"x\"}\n";

        var findings = new ToolValidator().Validate(Reader.Read(yaml, "grep.yaml")).Errors.Where(f => f.Code == ValidationCodes.ToolControlCharacter).ToList();

        Assert.That(findings.Select(f => f.Path), Is.EquivalentTo(new[] { PatternPath + ".typical_use_cases[0]", "metadata.ta\\u0008g" }));
    }

    [Test]
    public void A_value_longer_than_its_database_column_is_an_error_naming_the_limit()
    {
        var report = Check(location: $"\"{new string('x', 500)}\"", accuracy: $"\"{new string('a', 300)}\"");

        var tooLong = report.Errors.Where(f => f.Code == ValidationCodes.ToolTooLongForStore).ToList();
        Assert.That(tooLong.Select(f => f.Path), Is.EquivalentTo(new[] { "execution_location", PatternPath + ".accuracy_level" }));
        Assert.That(tooLong.Single(f => f.Path == "execution_location").Message, Does.Contain("500 characters long; the catalog database stores at most 100"));
        Assert.That(tooLong.Single(f => f.Path != "execution_location").Message, Does.Contain("300 characters long; the catalog database stores at most 50"));
    }

    [Test]
    public void Every_limit_the_validator_checks_is_the_limit_the_store_checks()
    {
        // One table of limits: a tool at each limit validates and stores; one character more fails both, in the same field.
        var atLimit = Check(location: $"\"{new string('x', StorageRules.ExecutionLocationLength)}\"");
        var overLimit = Check(location: $"\"{new string('x', StorageRules.ExecutionLocationLength + 1)}\"");

        Assert.That(atLimit.Errors, Is.Empty);
        Assert.That(overLimit.Errors.Single().Path, Is.EqualTo("execution_location"));
    }

    [Test]
    public void A_tool_built_in_code_gets_the_same_text_rules()
    {
        var document = Reader.Read(Tool.Replace("TIME", "\"1\"").Replace("DESCRIPTION", "\"d\"").Replace("LOCATION", "\"automation-service\"")
            .Replace("ACCURACY", "\"real-time\"").Replace("CONDITION", "\"N > 50\""), "grep.yaml");
        var tool = document.Tools.Single() with { Description = "bell\u0007" };

        var report = new ToolValidator().Validate(tool);

        Assert.That(report.Errors.Select(f => f.Code), Does.Contain(ValidationCodes.ToolControlCharacter));
    }

    [TestCase("grep\n", Description = "a regex `$` would accept a final line feed")]
    [TestCase("grep ")]
    [TestCase("gr/ep")]
    [TestCase("..")]
    [TestCase("grеp", Description = "a Cyrillic е, a confusable")]
    public void A_tool_name_outside_the_name_pattern_is_an_error(string name)
    {
        var yaml = Tool.Replace("\"grep\"", "\"" + name.Replace("\n", "\\n", StringComparison.Ordinal) + "\"").Replace("TIME", "\"1\"").Replace("DESCRIPTION", "\"d\"")
            .Replace("LOCATION", "\"automation-service\"").Replace("ACCURACY", "\"real-time\"").Replace("CONDITION", "\"N > 50\"");

        var report = new ToolValidator().Validate(Reader.Read(yaml, "grep.yaml"));

        Assert.That(report.Errors.Select(f => f.Code), Does.Contain(ValidationCodes.ToolName));
    }

    [TestCase("1.0.0.0.0")]
    [TestCase("-1")]
    [TestCase("1.0\n")]
    [TestCase("1.0.0-rc.1.2.3.4.5.6.7")]
    public void A_version_outside_the_version_form_is_an_error(string version)
    {
        var yaml = Tool.Replace("\"1.0\"", "\"" + version.Replace("\n", "\\n", StringComparison.Ordinal) + "\"").Replace("TIME", "\"1\"").Replace("DESCRIPTION", "\"d\"")
            .Replace("LOCATION", "\"automation-service\"").Replace("ACCURACY", "\"real-time\"").Replace("CONDITION", "\"N > 50\"");

        var report = new ToolValidator().Validate(Reader.Read(yaml, "grep.yaml"));

        Assert.That(report.Errors.Select(f => f.Code), Does.Contain(ValidationCodes.ToolVersionForm));
    }

    [Test]
    public void A_profiles_file_whose_tool_the_store_would_refuse_is_refused_by_the_store_backstop()
    {
        var yaml = $$"""
            version: "1.0"
            tools:
              asset-query:
                description: "Query assets"
                capabilities:
                  asset_query:
                    patterns:
                      p1: {description: "d", time_estimate_ms: "1", accuracy_level: "{{new string('a', 300)}}"}
            """;

        var report = new ToolValidator().Validate(Reader.Read(yaml, "profiles.yaml"));

        var finding = report.Errors.Single();
        Assert.That(finding.Code, Is.EqualTo(ValidationCodes.ToolTooLongForStore));
        Assert.That(finding.Message, Does.Contain("pattern 'p1'").And.Contain("accuracy_level is 300 characters long; the catalog stores at most 50"));
    }
}
