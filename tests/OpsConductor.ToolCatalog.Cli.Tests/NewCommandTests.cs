using OpsConductor.ToolCatalog.Cli.Wizard;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Tests.Support;
using OpsConductor.ToolCatalog.Validation;
using OpsConductor.ToolCatalog.Yaml;
using Spectre.Console.Testing;

namespace OpsConductor.ToolCatalog.Cli.Tests;

/// <summary><c>toolcatalog new</c>: the wizard driven through Spectre.Console's test console, and the flags.</summary>
[Parallelizable(ParallelScope.Self)]
public sealed class NewCommandTests
{
    private static (ValidationReport Report, ToolDefinition? Tool) ReadStrict(string file)
    {
        var document = new ToolYamlReader().ReadFile(file);
        return (new ToolValidator(ValidationOptions.StrictOriginal).Validate(document), document.Tools.SingleOrDefault());
    }

    [Test]
    public async Task The_wizard_walks_through_every_field_checks_expressions_as_typed_and_writes_strictly_valid_yaml()
    {
        var file = Path.Combine(CliTestData.NewFolder("wizard"), "nginx-ctl.yaml");
        using var console = new TestConsole().Interactive().Width(200);
        var input = console.Input;
        input.PushKey(ConsoleKey.Enter);                            // template: linux (the first)
        input.PushTextWithEnter("nginx ctl");                       // an invalid name first...
        input.PushTextWithEnter("nginx-ctl");                       // ...then a valid one
        input.PushTextWithEnter("");                                // version: 1.0
        input.PushTextWithEnter("Control nginx on web servers");    // description
        input.PushKey(ConsoleKey.DownArrow);                        // category: the second choice (network)
        input.PushKey(ConsoleKey.Enter);
        input.PushKey(ConsoleKey.Enter);                            // accuracy_level: real-time
        input.PushKey(ConsoleKey.Enter);                            // freshness: live
        input.PushKey(ConsoleKey.Enter);                            // data_source: direct
        input.PushTextWithEnter("");                                // execution_location: automation-service
        input.PushTextWithEnter("service_control");                 // capability
        input.PushTextWithEnter("Start, reload and inspect nginx"); // its description
        input.PushTextWithEnter("reload_config");                   // pattern
        input.PushTextWithEnter("");                                // its description: the capability's
        input.PushTextWithEnter("reload nginx, apply the new config");
        input.PushTextWithEnter("300 + * N");                       // a broken expression...
        input.PushTextWithEnter("300 + 50 * N");                    // ...then a valid one (800 for N = 10)
        input.PushTextWithEnter("ceil(N / 20)");                    // cost
        input.PushTextWithEnter("0.2");                             // complexity
        input.PushKey(ConsoleKey.Enter);                            // scope: batch
        input.PushKey(ConsoleKey.Enter);                            // completeness: complete
        input.PushTextWithEnter("Needs sudo, Fails when the config is invalid");
        input.PushTextWithEnter("");                                // max_cost: 20
        input.PushTextWithEnter("y");                               // requires approval
        input.PushTextWithEnter("");                                // production safe: yes
        input.PushTextWithEnter("");                                // max_execution_time: 120
        input.PushTextWithEnter("N >");                             // a broken condition...
        input.PushTextWithEnter("N > 30");                          // ...then a valid one
        input.PushTextWithEnter("30");                              // max_N_immediate
        input.PushTextWithEnter("1.5");                             // speed out of range...
        input.PushTextWithEnter("0.9");                             // ...then valid
        input.PushTextWithEnter("");                                // accuracy
        input.PushTextWithEnter("");                                // cost
        input.PushTextWithEnter("");                                // complexity
        input.PushTextWithEnter("");                                // completeness
        input.PushTextWithEnter("");                                // keep the template's inputs (hosts)
        input.PushTextWithEnter("y");                               // add an input
        input.PushTextWithEnter("config_path");
        input.PushKey(ConsoleKey.Enter);                            // type: string
        input.PushTextWithEnter("The configuration file to test before reloading");
        input.PushTextWithEnter("n");                               // optional
        input.PushTextWithEnter("");                                // no more inputs
        input.PushTextWithEnter("");                                // keep the template's outputs
        input.PushTextWithEnter("");                                // no more outputs
        input.PushTextWithEnter("");                                // no other pattern
        input.PushTextWithEnter("");                                // no other capability
        input.PushTextWithEnter("");                                // keep the template's dependencies
        input.PushTextWithEnter("y");                               // add a dependency
        input.PushTextWithEnter("nginx");
        input.PushKey(ConsoleKey.DownArrow);                        // type: the second choice after package (service)
        input.PushKey(ConsoleKey.Enter);
        input.PushTextWithEnter("");                                // required
        input.PushTextWithEnter("");                                // no more dependencies
        input.PushTextWithEnter("linux, nginx, web");               // tags
        input.PushTextWithEnter(file);                              // write to
        input.PushTextWithEnter("");                                // do not import

        var result = await CliHarness.RunAsync(["new"], terminal: console);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error + console.Output);
        var shown = console.Output;
        Assert.That(shown, Does.Contain("'nginx ctl' is not a tool name"));
        Assert.That(shown, Does.Contain("'300 + * N' is not a valid expression"));
        Assert.That(shown, Does.Contain("= 800 for N = 10"));
        Assert.That(shown, Does.Contain("'N >' is not a valid condition"));
        Assert.That(shown, Does.Contain("= false for N = 10"));
        Assert.That(shown, Does.Contain("speed must be between 0 and 1"));
        Assert.That(shown, Does.Contain("Valid in strict mode"));
        Assert.That(result.Output, Does.Contain($"Wrote {file}"));

        var (report, tool) = ReadStrict(file);
        Assert.That(report.IsValid, Is.True, string.Join("\n", report.Errors));
        Assert.That(tool!.Name, Is.EqualTo("nginx-ctl"));
        Assert.That(tool.Category, Is.EqualTo("network"));
        var pattern = tool.Capabilities.Single().Patterns.Single();
        Assert.That(pattern.Name, Is.EqualTo("reload_config"));
        Assert.That(pattern.Description, Is.EqualTo("Start, reload and inspect nginx"));
        Assert.That(pattern.TypicalUseCases, Is.EqualTo(new[] { "reload nginx", "apply the new config" }));
        Assert.That(pattern.TimeEstimateMs, Is.EqualTo("300 + 50 * N"));
        Assert.That(pattern.CostEstimate, Is.EqualTo("ceil(N / 20)"));
        Assert.That(pattern.ComplexityScore, Is.EqualTo(0.2));
        Assert.That(pattern.Limitations, Is.EqualTo(new[] { "Needs sudo", "Fails when the config is invalid" }));
        Assert.That(pattern.Policy, Is.EqualTo(new PolicyDefinition
        {
            MaxCost = 20, RequiresApproval = true, ProductionSafe = true, MaxExecutionTimeSeconds = 120, RequiresBackgroundIf = "N > 30", MaxNImmediate = 30,
        }));
        Assert.That(pattern.PreferenceMatch.Speed, Is.EqualTo(0.9));
        Assert.That(pattern.RequiredInputs.Select(i => i.Name), Is.EqualTo(new[] { "hosts" }));
        Assert.That(pattern.OptionalInputs.Select(i => i.Name), Is.EqualTo(new[] { "config_path" }));
        Assert.That(pattern.ExpectedOutputs.Select(o => o.Name), Is.EqualTo(new[] { "results" }));
        Assert.That(tool.Dependencies.Select(d => (d.Name, d.Type)), Is.EqualTo(new[] { ("ssh_access", "network"), ("nginx", "service") }));
        Assert.That(tool.Tags, Is.EqualTo(new[] { "linux", "nginx", "web" }));
    }

    [TestCaseSource(typeof(ToolTemplates), nameof(ToolTemplates.Names))]
    public async Task Every_template_gives_a_strictly_valid_tool_from_the_required_flags_alone(string template)
    {
        var file = Path.Combine(CliTestData.NewFolder("template-" + template), "tool.yaml");

        var result = await CliHarness.RunAsync("new", "--from-template", template, "--name", "my-" + template, "--description", "A tool", "--capability", "do_things", "--output", file);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        var (report, tool) = ReadStrict(file);
        Assert.That(report.IsValid, Is.True, string.Join("\n", report.Errors));
        Assert.That(report.Warnings, Is.Empty, string.Join("\n", report.Warnings));
        Assert.That(tool!.Platform, Is.EqualTo(template));
    }

    [Test]
    public async Task Flags_set_each_field_and_the_output_can_go_to_standard_output()
    {
        var result = await CliHarness.RunAsync("new", "--from-template", "windows", "--name", "Get-DiskSpace", "--description", "Free disk space per volume",
            "--capability", "disk_usage", "--pattern", "volumes", "--use-case", "how full is C:", "--time", "2000 + 300 * N", "--cost", "N",
            "--complexity", "0.2", "--scope", "exhaustive", "--max-cost", "100", "--requires-approval", "true", "--background-if", "-",
            "--input", "computer_name:array:Windows hosts", "--optional-input", "drive:string:Only this drive letter",
            "--output-field", "volumes:array:Per volume: size and free space", "--tag", "windows", "--tag", "storage", "--category", "monitoring");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        var document = new ToolYamlReader().Read(result.Output, "stdout.yaml");
        Assert.That(new ToolValidator(ValidationOptions.StrictOriginal).Validate(document).IsValid, Is.True);
        var tool = document.Tools.Single();
        var pattern = tool.Capabilities.Single().Patterns.Single();
        Assert.That((tool.Name, tool.Category, tool.Platform), Is.EqualTo(("Get-DiskSpace", "monitoring", "windows")));
        Assert.That((pattern.Name, pattern.TimeEstimateMs, pattern.CostEstimate, pattern.Scope), Is.EqualTo(("volumes", "2000 + 300 * N", "N", "exhaustive")));
        Assert.That(pattern.Policy.RequiresApproval, Is.True);
        Assert.That(pattern.Policy.RequiresBackgroundIf, Is.Null);
        Assert.That(pattern.OptionalInputs.Single().Name, Is.EqualTo("drive"));
        Assert.That(tool.Tags, Is.EqualTo(new[] { "windows", "storage" }));
    }

    [Test]
    public async Task Without_a_terminal_missing_answers_are_usage_errors_naming_each_flag()
    {
        var result = await CliHarness.RunAsync("new", "--name", "x");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("--from-template is required").And.Contain("--description is required").And.Contain("--capability is required"));
        Assert.That(result.Error, Does.Not.Contain("--name is required"));
    }

    [Test]
    public async Task Wrong_values_from_flags_are_usage_errors_naming_the_flag()
    {
        var result = await CliHarness.RunAsync("new", "--from-template", "linux", "--name", "bad name", "--description", "d", "--capability", "c",
            "--time", "500 +", "--category", "toys", "--speed", "2", "--input", "hosts:list:Hosts");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("--name: 'bad name' is not a tool name"));
        Assert.That(result.Error, Does.Contain("--time: '500 +' is not a valid expression"));
        Assert.That(result.Error, Does.Contain("--category: the category must be one of system, network"));
        Assert.That(result.Error, Does.Contain("--speed: the score must be between 0 and 1"));
        Assert.That(result.Error, Does.Contain("--input: the input 'hosts:list:Hosts' has the type 'list'"));
    }

    [Test]
    public async Task An_existing_output_file_is_kept_unless_forced()
    {
        var file = Path.Combine(CliTestData.NewFolder("new-exists"), "t.yaml");
        await File.WriteAllTextAsync(file, "mine");
        string[] args = ["new", "--from-template", "custom", "--name", "t", "--description", "d", "--capability", "c", "--output", file];

        var refused = await CliHarness.RunAsync(args);
        var kept = await File.ReadAllTextAsync(file);
        var forced = await CliHarness.RunAsync([.. args, "--force"]);

        Assert.That(refused.ExitCode, Is.EqualTo(1));
        Assert.That(refused.Error, Does.Contain("exists").And.Contain("--force"));
        Assert.That(kept, Is.EqualTo("mine"));
        Assert.That(forced.ExitCode, Is.EqualTo(0), forced.Error);
        Assert.That(ReadStrict(file).Report.IsValid, Is.True);
    }

    [Test]
    public async Task Import_puts_the_new_tool_in_the_catalog_and_again_as_a_new_version()
    {
        await using var db = await TestDatabase.CreateAsync();
        var env = new Dictionary<string, string> { ["TOOLCATALOG_CONNECTION"] = db.ConnectionString };
        string[] args = ["new", "--from-template", "network", "--name", "probe", "--description", "Probe targets", "--capability", "network_connectivity", "--import"];

        var first = await CliHarness.RunAsync(env, args);
        var second = await CliHarness.RunAsync(env, [.. args, "--version", "1.1", "--time", "2000 + 20 * N"]);

        Assert.That(first.ExitCode, Is.EqualTo(0), first.Error);
        Assert.That(first.Output, Does.Contain("Imported probe 1.0 (new tool)"));
        Assert.That(second.Output, Does.Contain("Imported probe 1.1 (new version, now the latest)"));
        var stored = (await db.CreateStore().GetAsync("probe"))!.Definition;
        Assert.That(stored.Capabilities[0].Patterns[0].TimeEstimateMs, Is.EqualTo("2000 + 20 * N"));
    }
}
