using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Tests.Samples;

/// <summary>
/// The README's "Embedding it" example is the code of <c>samples/OrchestratorHost</c>, a project of the solution, so
/// the example compiles as written (every build of the solution compiles it) and runs as the sample does.
/// </summary>
public sealed class OrchestratorHostSampleTests
{
    private static string Read(params string[] path) =>
        File.ReadAllText(Path.Combine([TestPaths.RepositoryRoot, .. path])).ReplaceLineEndings("\n");

    [Test]
    public void The_readme_embedding_example_is_the_sample_programs_code_character_for_character()
    {
        var readme = Read("README.md");
        var section = readme[readme.IndexOf("\n## Embedding it\n", StringComparison.Ordinal)..];
        var start = section.IndexOf("```csharp\n", StringComparison.Ordinal) + "```csharp\n".Length;
        var example = section[start..section.IndexOf("\n```", start, StringComparison.Ordinal)];
        var program = Read("samples", "OrchestratorHost", "Program.cs");
        var regionStart = program.IndexOf("#region Embedding it\n", StringComparison.Ordinal) + "#region Embedding it\n".Length;
        var region = program[regionStart..program.IndexOf("#endregion", regionStart, StringComparison.Ordinal)].TrimEnd('\n');

        Assert.That(example, Is.EqualTo(region));
        Assert.That(program[program.IndexOf("#endregion", StringComparison.Ordinal)..].Trim(), Is.EqualTo("#endregion"), "the whole program is the example");
        Assert.That(example, Does.Contain("catch (ToolSelectionException"), "nothing to choose is an outcome the example handles");
    }

    [Test]
    public void The_sample_is_built_with_the_solution_and_serves_the_sample_tools_it_copies_next_to_it()
    {
        var solution = Read("OpsConductor.ToolCatalog.sln");
        var project = Read("samples", "OrchestratorHost", "OrchestratorHost.csproj");

        Assert.That(solution, Does.Contain(@"samples\OrchestratorHost\OrchestratorHost.csproj"));
        Assert.That(project, Does.Contain("Include=\"../tools/**/*.yaml\" LinkBase=\"tools\" CopyToOutputDirectory"), "YamlPath = <program folder>/tools must exist");
    }
}
