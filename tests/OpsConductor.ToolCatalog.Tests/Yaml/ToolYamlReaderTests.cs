using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Tests.Support;
using OpsConductor.ToolCatalog.Validation;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Tests.Yaml;

public sealed class ToolYamlReaderTests
{
    private static readonly ToolYamlReader Reader = new();

    [Test]
    public void A_canonical_file_is_read_field_by_field_into_the_model()
    {
        var tool = Reader.ReadFile(Path.Combine(Compat.EarlyTools, "linux", "grep.yaml")).ThrowIfUnreadable().Tools.Single();

        Assert.That((tool.Name, tool.Version, tool.Platform, tool.Category), Is.EqualTo(("grep", "1.0", "linux", "system")));
        Assert.That(tool.Defaults, Is.EqualTo(new ToolDefaults { AccuracyLevel = "real-time", Freshness = "live", DataSource = "filesystem" }));
        var pattern = tool.FindCapability("text_search")!.FindPattern("search_files")!;
        Assert.That(pattern.TimeEstimateMs, Is.EqualTo("500 + 0.1 * file_size_kb"));
        Assert.That(pattern.CostEstimate, Is.EqualTo("1"));
        Assert.That(pattern.ComplexityScore, Is.EqualTo(0.2));
        Assert.That((pattern.Scope, pattern.Completeness), Is.EqualTo(("batch", "partial")));
        Assert.That(pattern.TypicalUseCases, Is.EqualTo(new[] { "search for", "find text", "grep", "filter logs" }));
        Assert.That(pattern.Policy, Is.EqualTo(new PolicyDefinition { MaxCost = 5, RequiresApproval = false, ProductionSafe = true, MaxExecutionTimeSeconds = 30 }));
        Assert.That(pattern.PreferenceMatch, Is.EqualTo(new PreferenceMatch { Speed = 0.85, Accuracy = 1.0, Cost = 0.95, Complexity = 0.9, Completeness = 0.8 }));
        Assert.That(pattern.RequiredInputs.Select(i => (i.Name, i.Type, i.Validation)), Is.EqualTo(new[] { ("pattern", "string", ".*"), ("target", "string", ".*") }));
        Assert.That(pattern.ExpectedOutputs.Select(o => o.Name), Is.EqualTo(new[] { "matches", "match_count" }));
        Assert.That(tool.Dependencies.Single(), Is.EqualTo(new DependencySpec { Name = "filesystem_access", Type = "permission", Required = true }));
        Assert.That(tool.Tags, Is.EqualTo(new[] { "text", "search", "linux" }));
        var example = tool.Examples.Single();
        Assert.That((example.Name, example.ExpectedTimeMs, example.ExpectedCost), Is.EqualTo(("Search error logs", (double?)800, (double?)1)));
        Assert.That(example.Inputs["case_insensitive"], Is.EqualTo(DataValue.False));
    }

    [Test]
    public void Execution_location_status_enabled_and_unknown_keys_are_kept()
    {
        var tool = Reader.ReadFile(Path.Combine(TestPaths.CompatTools, "prometheus.yaml")).Tools.Single();

        Assert.That(tool.ExecutionLocation, Is.EqualTo("automation-service"));
        Assert.That((tool.Status, tool.Enabled), Is.EqualTo((ToolStatus.Active, true)));
        Assert.That(tool.Extensions["created_by"], Is.EqualTo(DataValue.FromString("Tool Generator")));
        var pattern = tool.FindCapability("system_monitoring")!.FindPattern("get_metrics")!;
        Assert.That(pattern.Examples.Single().AsMap()["input"], Is.EqualTo(DataValue.FromString("{{metric_type: \"cpu\"}}")));
        Assert.That(pattern.ExpectedOutputs[0].Required, Is.True);
    }

    [Test]
    public void List_form_reads_into_the_same_model_as_the_canonical_form()
    {
        const string listForm = """
            tool_name: t
            version: "1.0"
            capabilities:
              - capability_name: text_search
                description: d
                patterns:
                  - pattern_name: search
                    description: p
                    time_estimate_ms: 10
                    extra: kept
              - name: second
                patterns:
                  - name: only
                    time_estimate_ms: "5"
            """;
        const string canonical = """
            tool_name: t
            version: "1.0"
            capabilities:
              text_search:
                description: d
                patterns:
                  search:
                    description: p
                    time_estimate_ms: "10"
                    extra: kept
              second:
                patterns:
                  only:
                    time_estimate_ms: "5"
            """;

        var fromList = Reader.Read(listForm, "list.yaml");
        var fromDict = Reader.Read(canonical, "dict.yaml");

        Assert.That(fromList.Shape, Is.EqualTo(ToolFileShape.ListForm));
        Assert.That(fromDict.Shape, Is.EqualTo(ToolFileShape.Canonical));
        Assert.That(fromList.Tools.Single(), Is.EqualTo(fromDict.Tools.Single()));
        Assert.That(fromList.Tools[0].Capabilities[0].Patterns[0].Extensions["extra"], Is.EqualTo(DataValue.FromString("kept")));
    }

    [Test]
    public void A_profiles_file_gives_one_tool_per_entry_named_by_its_key_and_versioned_by_the_file()
    {
        var document = Reader.ReadFile(Path.Combine(Compat.Profiles, "tool_optimization_profiles.a40b1d34.yaml"));

        Assert.That(document.Shape, Is.EqualTo(ToolFileShape.Profiles));
        Assert.That(document.Tools.Select(t => t.Name), Is.EqualTo(new[]
        {
            "asset-query", "asset-direct-poll", "info_display", "systemctl", "ps", "journalctl", "config_manager", "asset-credentials-read", "file-operations",
        }));
        Assert.That(document.Tools.Select(t => t.Version).Distinct(), Is.EqualTo(new[] { "1.1" }));
        var poll = document.Tools[1].FindCapability("live_asset_query")!.FindPattern("parallel_poll")!;
        Assert.That(poll.Policy.RequiresBackgroundIf, Is.EqualTo("N > 50"));
        Assert.That(poll.Policy.MaxNImmediate, Is.EqualTo(50));
        var lookup = document.Tools[0].FindCapability("asset_query")!.FindPattern("single_lookup")!;
        Assert.That(lookup.TimeEstimateMs, Is.EqualTo("80"), "a number given for an expression is kept as its text");
        Assert.That(document.Tools[0].Defaults.Freshness, Is.EqualTo("recent (5-15 min stale)"));
        Assert.That(lookup.Freshness, Is.Null, "the reader keeps what the file says; WithDefaults applies the tool defaults");
        Assert.That(lookup.WithDefaults(document.Tools[0].Defaults).Freshness, Is.EqualTo("recent (5-15 min stale)"));
    }

    [Test]
    public void A_version_inside_a_profiles_entry_overrides_the_files_version_and_round_trips()
    {
        const string yaml = """
            version: "1.1"
            tools:
              ps:
                version: "2.0"
                description: "Processes"
                capabilities: {system_monitoring: {patterns: {list: {description: "d", time_estimate_ms: 200}}}}
              df:
                description: "Disks"
                capabilities: {disk_usage: {patterns: {usage: {description: "d", time_estimate_ms: 100}}}}
            """;

        var tools = Reader.Read(yaml, "profiles.yaml").Tools;

        Assert.That(tools.Select(t => (t.Name, t.Version)), Is.EqualTo(new[] { ("ps", "2.0"), ("df", "1.1") }));
        foreach (var tool in tools)
        {
            RoundTripTests.AssertRoundTrips(tool);
        }
    }

    [Test]
    public void Values_that_do_not_fit_their_property_are_kept_in_the_extensions_and_written_back()
    {
        const string yaml = """
            tool_name: t
            version: "1.0"
            enabled: "maybe"
            capabilities:
              c:
                patterns:
                  p:
                    time_estimate_ms: "1"
                    complexity_score: "high"
                    policy: {requires_approval: "yes please", max_cost: -1}
                    required_inputs: [just-a-name]
            """;

        var tool = Reader.Read(yaml, "odd.yaml").Tools.Single();
        var pattern = tool.Capabilities[0].Patterns[0];

        Assert.That(tool.Enabled, Is.True);
        Assert.That(tool.Extensions["enabled"], Is.EqualTo(DataValue.FromString("maybe")));
        Assert.That(pattern.ComplexityScore, Is.EqualTo(0.5));
        Assert.That(pattern.Extensions["complexity_score"], Is.EqualTo(DataValue.FromString("high")));
        Assert.That(pattern.Policy.Extensions["requires_approval"], Is.EqualTo(DataValue.FromString("yes please")));
        Assert.That(pattern.Policy.MaxCost, Is.EqualTo(-1));
        Assert.That(pattern.Extensions["required_inputs"], Is.EqualTo(DataValue.FromList([DataValue.FromString("just-a-name")])));

        var reread = RoundTripTests.AssertRoundTrips(tool);
        var report = new ToolValidator().Validate(reread);
        Assert.That(report.Errors.Select(e => e.Code), Is.SupersetOf(new[]
        {
            ValidationCodes.ToolEnabled, ValidationCodes.PatternComplexityNotNumber, ValidationCodes.PatternPolicyBoolean,
            ValidationCodes.PatternPolicyNumber, ValidationCodes.InputNotMapping,
        }));
    }

    [TestCase("tools/windows/copy_item.yaml", ToolFileShape.ToolWrapper, ValidationCodes.ShapeToolWrapper, "`tool:` wrapper")]
    [TestCase("tools/windows/add_content.yaml", ToolFileShape.NameStub, ValidationCodes.ShapeNameStub, "`name:` stub (name, version, description, platform, category, tags, metadata)")]
    [TestCase("tools/templates/tool_template.yaml", ToolFileShape.Template, ValidationCodes.ShapeTemplate, "placeholder '<TOOL_NAME>'")]
    [TestCase("tools/network/vapix/device-config/axis_vapix_network_settings.yaml", ToolFileShape.Unknown, ValidationCodes.ShapeUnknown, "not a tool file")]
    public void Non_tool_shapes_are_not_read_as_tools_and_the_error_names_the_shape(string relative, ToolFileShape shape, string code, string words)
    {
        var document = Reader.ReadFile(Path.Combine(TestPaths.OpsConductorCompat, relative));

        Assert.That(document.Shape, Is.EqualTo(shape));
        Assert.That(document.Tools, Is.Empty);
        var error = document.ParseErrors.Single();
        Assert.That(error.Code, Is.EqualTo(code));
        Assert.That(error.Message, Does.Contain(words).And.Contain("tool_name, version, description, platform, category"));
        Assert.That(error.Line, Is.Not.Null);
        Assert.Throws<ToolYamlException>(() => document.ThrowIfUnreadable());
    }

    [Test]
    public void An_empty_file_is_reported_as_empty()
    {
        var document = Reader.Read("# only a comment\n", "empty.yaml");
        Assert.That(document.Shape, Is.EqualTo(ToolFileShape.Empty));
        Assert.That(document.ParseErrors.Single().Code, Is.EqualTo(ValidationCodes.EmptyDocument));
    }

    [Test]
    public void A_missing_file_is_an_unreadable_document_not_an_exception()
    {
        var document = Reader.ReadFile(Path.Combine(TestPaths.RepositoryRoot, "no", "such.yaml"));
        Assert.That(document.Shape, Is.EqualTo(ToolFileShape.Unreadable));
        Assert.That(document.ParseErrors.Single().Code, Is.EqualTo(ValidationCodes.FileUnreadable));
        var exception = Assert.Throws<ToolYamlException>(() => document.ThrowIfUnreadable())!;
        Assert.That((exception.Code, exception.File), Is.EqualTo((ValidationCodes.FileUnreadable, document.Source)));
    }

    [Test]
    public void Reading_a_folder_is_recursive_yaml_and_yml_only_and_in_ordinal_order()
    {
        var folder = Directory.CreateTempSubdirectory("toolcatalog-folder-");
        try
        {
            Directory.CreateDirectory(Path.Combine(folder.FullName, "b"));
            File.WriteAllText(Path.Combine(folder.FullName, "b", "z.yml"), "tool_name: z\n");
            File.WriteAllText(Path.Combine(folder.FullName, "a.YAML"), "tool_name: a\n");
            File.WriteAllText(Path.Combine(folder.FullName, "notes.txt"), "not yaml");

            var documents = Reader.ReadFolder(folder.FullName);

            Assert.That(documents.Select(d => Path.GetFileName(d.Source)), Is.EqualTo(new[] { "a.YAML", "z.yml" }));
            Assert.Throws<DirectoryNotFoundException>(() => Reader.ReadFolder(Path.Combine(folder.FullName, "missing")));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [TestCase("enabled: yes", "the string \"yes\"", "the boolean true")]
    [TestCase("mode: 0777", "the number 777", "the integer 511")]
    [TestCase("n: 1_000", "the string \"1_000\"", "the integer 1000")]
    [TestCase("t: 1:30", "the string \"1:30\"", "the integer 90")]
    [TestCase("d: 2025-01-15", "the string \"2025-01-15\"", "a timestamp")]
    [TestCase("e: 1e3", "the number 1000.0", "a string")]
    public void Plain_scalars_that_YAML_1_1_reads_differently_get_a_warning(string yaml, string here, string there)
    {
        var warning = Reader.Read(yaml, "y11.yaml").ParseWarnings.Single();

        Assert.That(warning.Code, Is.EqualTo(ValidationCodes.Yaml11Difference));
        Assert.That(warning.Severity, Is.EqualTo(ValidationSeverity.Warning));
        Assert.That(warning.Message, Does.Contain(here).And.Contain(there).And.Contain("PyYAML"));
    }

    [TestCase("a: true")]
    [TestCase("a: 0.5")]
    [TestCase("a: 12")]
    [TestCase("a: null")]
    [TestCase("a: \"yes\"")]
    [TestCase("a: grep")]
    public void Scalars_both_YAML_versions_read_alike_get_no_warning(string yaml) =>
        Assert.That(Reader.Read(yaml, "y.yaml").ParseWarnings, Is.Empty);
}
