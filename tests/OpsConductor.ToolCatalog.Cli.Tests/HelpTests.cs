using System.CommandLine;

namespace OpsConductor.ToolCatalog.Cli.Tests;

/// <summary>Every command, at every depth, answers <c>--help</c> with its description and usage, and exit code 0.</summary>
public sealed class HelpTests
{
    private static IEnumerable<TestCaseData> Commands()
    {
        var root = CliApp.BuildRootCommand(new CliContext { Output = TextWriter.Null, Error = TextWriter.Null });
        var stack = new Stack<(Command Command, string[] Path)>(root.Subcommands.Reverse().Select(c => (c, new[] { c.Name })));
        while (stack.Count > 0)
        {
            var (command, path) = stack.Pop();
            yield return new TestCaseData(path, command.Description ?? "").SetName("Help of " + string.Join(" ", path));
            foreach (var child in command.Subcommands.Reverse())
            {
                stack.Push((child, [.. path, child.Name]));
            }
        }
    }

    [Test]
    public void Every_verb_of_the_task_is_registered()
    {
        var names = Commands().Select(c => string.Join(" ", (string[])c.Arguments[0]!)).ToList();

        Assert.That(names, Is.SupersetOf(new[]
        {
            "quickstart", "validate", "migrate", "list", "show", "versions", "enable", "disable", "deprecate", "rollback", "delete",
            "import", "export", "select", "new", "bulk-update", "db", "db start", "db stop", "db status",
            "keys", "keys create", "keys list", "keys revoke", "telemetry", "telemetry ingest", "telemetry prune",
        }));
    }

    [TestCaseSource(nameof(Commands))]
    public async Task Help_describes_the_command_and_exits_0(string[] path, string description)
    {
        var result = await CliHarness.RunAsync([.. path, "--help"]);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(description, Is.Not.Empty, "every command needs a description");
        Assert.That(result.Output, Does.Contain(description[..Math.Min(40, description.Length)]));
        Assert.That(result.Output, Does.Contain("Usage:").And.Contain(string.Join(" ", path)));
        Assert.That(result.Error, Is.Empty);
    }
}
