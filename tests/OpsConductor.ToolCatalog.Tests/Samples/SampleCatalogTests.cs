using System.Text.RegularExpressions;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Tests.Support;
using OpsConductor.ToolCatalog.Tests.Yaml;
using OpsConductor.ToolCatalog.Validation;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Tests.Samples;

/// <summary>The sample catalog under samples/tools: real tools, valid in strict mode, with realistic expressions.</summary>
public sealed partial class SampleCatalogTests
{
    private static readonly string[] Folders = ["linux", "windows", "network", "scheduler", "custom"];
    private static readonly HashSet<string> DefaultVariables = new(StringComparer.Ordinal) { "N", "pages", "p95_latency", "cost", "time_ms" };
    private static readonly HashSet<string> Functions = new(StringComparer.Ordinal)
    {
        "log", "log10", "log2", "sqrt", "min", "max", "abs", "ceil", "floor", "exp", "pi", "e",
    };

    private static readonly ToolYamlReader Reader = new();
    private static readonly Lazy<IReadOnlyList<ToolDocument>> Documents = new(() => Reader.ReadFolder(TestPaths.SampleTools));

    private static IReadOnlyList<ToolDefinition> Tools => [.. Documents.Value.SelectMany(d => d.Tools)];

    private static IEnumerable<TestCaseData> SampleFiles() =>
        ToolYamlReader.EnumerateYamlFiles(TestPaths.SampleTools)
            .Select(f => Path.GetRelativePath(TestPaths.SampleTools, f).Replace('\\', '/'))
            .Select(f => new TestCaseData(f).SetName($"Sample_{f}"));

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
        Assert.That(relative.Split('/')[0], Is.EqualTo(tool.Platform), "the folder is the tool's platform");
        var reread = RoundTripTests.AssertRoundTrips(tool);
        Assert.That(new ToolValidator(ValidationOptions.StrictOriginal).Validate(reread).Findings, Is.Empty, "the written form is strict-valid too");
    }

    [TestCaseSource(nameof(SampleFiles))]
    public void Every_sample_pattern_is_complete_and_its_expressions_use_only_default_variables_or_its_own_inputs(string relative)
    {
        var tool = Reader.ReadFile(Path.Combine(TestPaths.SampleTools, relative)).Tools.Single();

        Assert.That(tool.Capabilities.Sum(c => c.Patterns.Count), Is.GreaterThanOrEqualTo(3), "several patterns per tool");
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
                Assert.That(pattern.RequiredInputs.Concat(pattern.OptionalInputs).All(i => !string.IsNullOrEmpty(i.Description)), Is.True, where);

                var inputs = pattern.RequiredInputs.Concat(pattern.OptionalInputs).Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
                var numericInputs = pattern.RequiredInputs.Concat(pattern.OptionalInputs).Where(i => i.Type == "integer").Select(i => i.Name).ToHashSet();
                foreach (var (field, expression) in new[]
                         {
                             ("time_estimate_ms", pattern.TimeEstimateMs), ("cost_estimate", pattern.CostEstimate),
                             ("requires_background_if", pattern.Policy.RequiresBackgroundIf ?? "N"),
                         })
                {
                    foreach (var name in Identifiers(expression))
                    {
                        Assert.That(DefaultVariables.Contains(name) || Functions.Contains(name) || numericInputs.Contains(name), Is.True,
                            $"{where}.{field} = \"{expression}\" uses '{name}', which is neither a default variable nor a declared integer input ({string.Join(", ", inputs)})");
                    }
                }
            }
        }
    }

    [Test]
    public void The_catalog_has_at_least_25_tools_in_the_five_platform_folders_with_the_required_ones()
    {
        Assert.That(Tools, Has.Count.GreaterThanOrEqualTo(25));
        Assert.That(Tools.Select(t => t.Name), Is.Unique);
        foreach (var folder in Folders)
        {
            Assert.That(ToolYamlReader.EnumerateYamlFiles(Path.Combine(TestPaths.SampleTools, folder)), Is.Not.Empty, folder);
        }

        Assert.That(Tools.Select(t => t.Name), Is.SupersetOf(new[]
        {
            "systemctl", "journalctl", "grep", "ps", "df", "ss", "free", "Get-Service", "Restart-Service", "Get-WinEvent", "Get-Process",
            "ping", "traceroute", "nmap", "dig", "curl", "crontab", "schtasks", "at", "systemd-timer",
            "asset-inventory", "ticket-webhook", "slack-notify",
        }));
    }

    [Test]
    public void Several_tools_share_capabilities_with_different_trade_offs_so_selection_has_something_to_rank()
    {
        var byCapability = Tools
            .SelectMany(t => t.Capabilities.Select(c => (Capability: c.Name, Tool: t.Name)))
            .GroupBy(x => x.Capability)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Tool).Distinct().ToList());

        Assert.That(byCapability["service_control"], Is.SupersetOf(new[] { "systemctl", "Restart-Service", "Get-Service" }));
        Assert.That(byCapability["network_connectivity"], Is.SupersetOf(new[] { "ping", "curl", "Test-Connection", "nmap" }));
        Assert.That(byCapability["system_monitoring"], Has.Count.GreaterThanOrEqualTo(3));
        Assert.That(byCapability["log_analysis"], Has.Count.GreaterThanOrEqualTo(2));
        Assert.That(byCapability["job_scheduling"], Has.Count.EqualTo(4));
        Assert.That(byCapability.Keys, Is.SupersetOf(new[]
        {
            "network_analysis", "file_reading", "file_writing", "asset_query", "credential_access", "docker_management", "database_query",
            "text_search", "dns_lookup", "port_scan", "disk_usage",
        }));
    }

    [Test]
    public void Policies_use_background_conditions_immediate_limits_approval_and_production_safety_where_an_operator_would()
    {
        var patterns = Tools.SelectMany(t => t.Capabilities.SelectMany(c => c.Patterns.Select(p => (Tool: t.Name, Pattern: p)))).ToList();

        Assert.That(patterns.Count(p => p.Pattern.Policy.RequiresBackgroundIf is not null), Is.GreaterThanOrEqualTo(10));
        Assert.That(patterns.Count(p => p.Pattern.Policy.MaxNImmediate is not null), Is.GreaterThanOrEqualTo(5));
        Assert.That(patterns.Where(p => !p.Pattern.Policy.ProductionSafe).Select(p => $"{p.Tool}.{p.Pattern.Name}"), Is.SupersetOf(new[]
        {
            "systemctl.stop_service", "nmap.full_port_range", "docker.prune_images", "Restart-Service.stop_service",
        }));
        Assert.That(patterns.Where(p => !p.Pattern.Policy.ProductionSafe).All(p => p.Pattern.Policy.RequiresApproval), Is.True,
            "anything unsafe in production needs approval");
        Assert.That(patterns.Count(p => p.Pattern.Policy.RequiresApproval), Is.GreaterThanOrEqualTo(15));
    }

    private static IEnumerable<string> Identifiers(string expression) =>
        Identifier().Matches(expression).Select(m => m.Value).Distinct();

    [GeneratedRegex(@"(?<![0-9.])[A-Za-z_][A-Za-z0-9_]*", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();
}
