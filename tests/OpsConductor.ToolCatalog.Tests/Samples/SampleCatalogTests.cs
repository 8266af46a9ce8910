using System.Text.RegularExpressions;
using OpsConductor.ToolCatalog.Files;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Quality;
using OpsConductor.ToolCatalog.Tests.Support;
using OpsConductor.ToolCatalog.Tests.Yaml;
using OpsConductor.ToolCatalog.Validation;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Tests.Samples;

/// <summary>The sample catalog under samples/tools: real tools, valid in strict and lenient mode, complete patterns.</summary>
public sealed partial class SampleCatalogTests
{
    private static readonly HashSet<string> DefaultVariables = new(StringComparer.Ordinal) { "N", "pages", "p95_latency", "cost", "time_ms" };
    private static readonly HashSet<string> Functions = new(StringComparer.Ordinal)
    {
        "log", "log10", "log2", "sqrt", "min", "max", "abs", "ceil", "floor", "exp", "pi", "e", "and", "or", "not",
    };

    private static readonly ToolYamlReader Reader = new();

    private static IEnumerable<TestCaseData> SampleFiles() =>
        ToolYamlReader.EnumerateYamlFiles(TestPaths.SampleTools)
            .Select(f => Path.GetRelativePath(TestPaths.SampleTools, f).Replace('\\', '/'))
            .Select(f => new TestCaseData(f).SetName($"Sample_{f}"));

    [Test]
    public void The_whole_shipped_catalog_loads_as_import_reads_it_with_no_error_and_no_warning_the_modelling_rules_included()
    {
        // Import validates in lenient mode, which checks the modelling rules by default (docs/validation.md); across the
        // whole catalog as well as per file (the speed and cost rules compare the patterns of one capability).
        var loader = new CatalogFiles();
        var files = loader.Load(TestPaths.SampleTools);
        var findings = files.Files.SelectMany(f => f.Findings.Select(x => $"{f.DisplayPath}: {x}")).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(loader.Validation.ModellingRules, Is.True);
            Assert.That(files.Tools, Has.Count.GreaterThanOrEqualTo(200));
            Assert.That(findings, Is.Empty, string.Join("\n", findings));
            Assert.That(files.WarningCount, Is.Zero);
            Assert.That(ModellingRules.Check(files.Tools, CatalogConventions.Default), Is.Empty, "the rules over the whole catalog at once");
        });
    }

    [TestCaseSource(nameof(SampleFiles))]
    public void Every_sample_is_valid_in_strict_mode_without_a_single_warning_and_reads_back_equal_after_a_write(string relative)
    {
        var document = Reader.ReadFile(Path.Combine(TestPaths.SampleTools, relative));

        Assert.That(document.Shape, Is.EqualTo(ToolFileShape.Canonical));
        var strict = new ToolValidator(ValidationOptions.StrictOriginal).Validate(document);
        Assert.That(strict.Findings, Is.Empty, string.Join("\n", strict.Findings));
        Assert.That(new ToolValidator().Validate(document).Findings, Is.Empty);

        var tool = document.Tools.Single();
        Assert.That(Path.GetFileNameWithoutExtension(relative), Is.EqualTo(tool.Name.ToLowerInvariant()), "file named after its tool");
        var folder = relative.Split('/')[0];
        if (SampleCatalog.AreaFolders.TryGetValue(folder, out var category))
        {
            Assert.That(tool.Category, Is.EqualTo(category), "an area folder holds the tools of its category");
        }
        else
        {
            Assert.That(folder, Is.EqualTo(tool.Platform), "a platform folder holds the tools of its platform");
        }

        var reread = RoundTripTests.AssertRoundTrips(tool);
        Assert.That(new ToolValidator(ValidationOptions.StrictOriginal).Validate(reread).Findings, Is.Empty, "the written form is strict-valid too");
    }

    [TestCaseSource(nameof(SampleFiles))]
    public void Every_sample_pattern_is_complete_and_its_expressions_use_only_default_variables_or_its_own_inputs(string relative)
    {
        var tool = Reader.ReadFile(Path.Combine(TestPaths.SampleTools, relative)).Tools.Single();

        Assert.That(tool.Capabilities, Is.Not.Empty);
        Assert.That(tool.Dependencies, Is.Not.Empty);
        Assert.That(tool.Examples, Is.Not.Empty);
        foreach (var capability in tool.Capabilities)
        {
            Assert.That(capability.Description, Is.Not.Empty);
            foreach (var pattern in capability.Patterns)
            {
                var where = $"{tool.Name}.{capability.Name}.{pattern.Name}";
                Assert.That(pattern.Description.Length, Is.GreaterThan(20), where);
                Assert.That(pattern.TypicalUseCases, Has.Count.GreaterThanOrEqualTo(2), where);
                Assert.That(pattern.RequiredInputs, Is.Not.Empty, where);
                Assert.That(pattern.ExpectedOutputs, Is.Not.Empty, where);
                Assert.That(pattern.Limitations, Is.Not.Empty, where);
                Assert.That(pattern.Policy.MaxCost, Is.Not.Null, where);
                Assert.That(pattern.Policy.MaxExecutionTimeSeconds, Is.Not.Null, where);
                var inputs = pattern.RequiredInputs.Concat(pattern.OptionalInputs).ToList();
                Assert.That(inputs.All(i => !string.IsNullOrEmpty(i.Description)), Is.True, where);
                Assert.That(inputs.Where(i => i.Type == "string" && i.AllowedValues.IsEmpty && i.Default is null).All(i => i.Validation is not null && !i.Examples.IsEmpty), Is.True,
                    $"{where}: every free-text input has a validation pattern and examples");

                foreach (var input in inputs.Where(i => i.Validation is not null))
                {
                    var rule = new Regex(input.Validation!, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
                    foreach (var example in input.Examples.Where(e => e.Kind is DataKind.String || e.IsNumber))
                    {
                        Assert.That(rule.IsMatch(example.ToString()), Is.True,
                            $"{where}: example {example} of input '{input.Name}' matches its validation {input.Validation}");
                    }
                }

                var numericDefaults = inputs.Where(i => i.Type == "integer" && i.Default is { IsNumber: true }).Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
                foreach (var (field, expression) in new[]
                         {
                             ("time_estimate_ms", pattern.TimeEstimateMs), ("cost_estimate", pattern.CostEstimate),
                             ("requires_background_if", pattern.Policy.RequiresBackgroundIf ?? "N"),
                         })
                {
                    foreach (var name in Identifiers(expression))
                    {
                        Assert.That(DefaultVariables.Contains(name) || Functions.Contains(name) || numericDefaults.Contains(name), Is.True,
                            $"{where}.{field} = \"{expression}\" uses '{name}', which is neither a default variable nor an integer input with a numeric default ({string.Join(", ", inputs.Select(i => i.Name))})");
                    }
                }
            }
        }
    }

    [Test]
    public void The_catalog_has_at_least_200_tools_and_at_least_20_in_each_of_the_five_platform_folders()
    {
        Assert.That(SampleCatalog.Tools, Has.Count.GreaterThanOrEqualTo(200));
        Assert.That(SampleCatalog.Tools.Select(t => t.Name), Is.Unique);
        foreach (var folder in SampleCatalog.PlatformFolders)
        {
            var tools = ToolYamlReader.EnumerateYamlFiles(Path.Combine(TestPaths.SampleTools, folder)).Count;
            Assert.That(tools, Is.GreaterThanOrEqualTo(20), folder);
        }

        foreach (var folder in SampleCatalog.AreaFolders.Keys)
        {
            Assert.That(ToolYamlReader.EnumerateYamlFiles(Path.Combine(TestPaths.SampleTools, folder)).Count, Is.GreaterThanOrEqualTo(10), folder);
        }

        Assert.That(SampleCatalog.Tools.Select(t => t.Name), Is.SupersetOf(new[]
        {
            "systemctl", "journalctl", "grep", "ps", "df", "ss", "free", "Get-Service", "Restart-Service", "Get-WinEvent", "Get-Process",
            "ping", "traceroute", "nmap", "dig", "curl", "crontab", "schtasks", "at", "systemd-timer",
            "asset-inventory", "ticket-webhook", "slack-notify", "vault-credentials", "config-deploy", "docker", "psql",
        }), "the original 29 samples are still there, reworked");
    }

    [Test]
    public void Tools_of_different_platforms_share_the_operations_they_have_in_common_so_selection_has_something_to_rank()
    {
        var byCapability = SampleCatalog.Tools
            .SelectMany(t => t.Capabilities.Select(c => (Capability: c.Name, Tool: t.Name)))
            .GroupBy(x => x.Capability)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Tool).Distinct().ToList());

        Assert.That(byCapability["service_restart"], Is.SupersetOf(new[] { "systemctl", "Restart-Service" }));
        Assert.That(byCapability["service_status"], Is.SupersetOf(new[] { "systemctl", "Get-Service" }));
        Assert.That(byCapability["host_reachability"], Is.SupersetOf(new[] { "ping", "Test-Connection" }));
        Assert.That(byCapability["port_check"], Is.SupersetOf(new[] { "nmap", "nc", "Test-NetConnection" }));
        Assert.That(byCapability["log_search"], Is.SupersetOf(new[] { "journalctl", "Get-WinEvent" }));
        Assert.That(byCapability["job_run_now"], Has.Count.GreaterThanOrEqualTo(10));
        Assert.That(byCapability["sql_query"], Is.SupersetOf(new[] { "psql", "mysql", "sqlcmd" }));
        var shared = byCapability.Count(kv => kv.Value.Count >= 2);
        Assert.That(shared, Is.GreaterThanOrEqualTo(50), "most everyday operations are offered by more than one tool");
    }

    [Test]
    public void Policies_use_background_conditions_immediate_limits_approval_and_production_safety_where_an_operator_would()
    {
        var patterns = SampleCatalog.Tools.SelectMany(t => t.Capabilities.SelectMany(c => c.Patterns.Select(p => (Tool: t.Name, Capability: c.Name, Pattern: p)))).ToList();

        Assert.That(patterns.Count(p => p.Pattern.Policy.RequiresBackgroundIf is not null), Is.GreaterThanOrEqualTo(100));
        Assert.That(patterns.Count(p => p.Pattern.Policy.MaxNImmediate is not null), Is.GreaterThanOrEqualTo(50));
        Assert.That(patterns.Where(p => !p.Pattern.Policy.ProductionSafe).Select(p => $"{p.Tool}.{p.Pattern.Name}"), Is.SupersetOf(new[]
        {
            "systemctl.stop", "Stop-Service.stop", "nmap.full_port_range", "docker.all_unused", "rsync.mirror", "shutdown.reboot_and_wait",
        }));
        Assert.That(patterns.Where(p => !p.Pattern.Policy.ProductionSafe).All(p => p.Pattern.Policy.RequiresApproval), Is.True,
            "anything unsafe in production needs approval");
        Assert.That(patterns.Where(p => p.Capability.EndsWith("_preview", StringComparison.Ordinal) || p.Capability.EndsWith("_status", StringComparison.Ordinal) || p.Capability.EndsWith("_list", StringComparison.Ordinal))
            .All(p => p.Pattern.Policy.ProductionSafe), Is.True, "reading and previewing is always production-safe");
        Assert.That(patterns.Count(p => p.Pattern.Policy.RequiresApproval), Is.GreaterThanOrEqualTo(80));
    }

    private static IEnumerable<string> Identifiers(string expression) =>
        Identifier().Matches(expression).Select(m => m.Value).Distinct();

    [GeneratedRegex(@"(?<![0-9.])[A-Za-z_][A-Za-z0-9_]*", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();
}
