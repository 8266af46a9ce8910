using OpsConductor.ToolCatalog.Tests.Support;
using OpsConductor.ToolCatalog.Validation;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Tests.Validation;

/// <summary>Strict mode against what the original validate_tool.py said for each of the 223 corpus files.</summary>
public sealed class StrictModeCompatibilityTests
{
    private static readonly ToolYamlReader Reader = new();
    private static readonly ToolValidator Strict = new(ValidationOptions.StrictOriginal);

    private static IEnumerable<TestCaseData> CorpusFiles() =>
        Compat.ToolFiles().Select(f => new TestCaseData(f).SetName($"Strict_mode_matches_the_original_for_{f}"));

    [TestCaseSource(nameof(CorpusFiles))]
    public void Strict_mode_gives_the_original_verdict_and_every_original_error_and_warning(string relative)
    {
        var expected = Compat.Verdicts[relative];
        var report = Strict.Validate(Reader.ReadFile(Compat.ToolPath(relative)));

        var errors = report.Errors.Select(e => e.Message).ToList();
        var warnings = report.Warnings.Select(w => w.Message).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(report.IsValid, Is.EqualTo(expected.Valid),
                $"verdict for {relative}; our errors:\n  {string.Join("\n  ", report.Errors)}");
            foreach (var error in expected.Errors)
            {
                Assert.That(errors, Does.Contain(error), $"original error missing for {relative}");
            }

            foreach (var warning in expected.Warnings)
            {
                Assert.That(warnings, Does.Contain(warning), $"original warning missing for {relative}");
            }
        });
    }

    [Test]
    public void The_corpus_has_223_files_with_verdicts_and_strict_mode_finds_exactly_the_6_the_original_accepted()
    {
        var files = Compat.ToolFiles().ToList();
        Assert.That(files, Has.Count.EqualTo(223));
        Assert.That(files, Is.EquivalentTo(Compat.Verdicts.Keys));

        var valid = files.Where(f => Strict.Validate(Reader.ReadFile(Compat.ToolPath(f))).IsValid).ToList();
        Assert.That(valid, Is.EquivalentTo(Compat.Verdicts.Where(v => v.Value.Valid).Select(v => v.Key)));
        Assert.That(valid, Has.Count.EqualTo(6));
    }
}
