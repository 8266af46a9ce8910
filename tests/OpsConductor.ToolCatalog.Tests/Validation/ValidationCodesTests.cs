using System.Reflection;
using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Tests.Support;
using OpsConductor.ToolCatalog.Validation;

namespace OpsConductor.ToolCatalog.Tests.Validation;

public sealed class ValidationCodesTests
{
    private static IReadOnlyList<string> Constants() =>
        [.. typeof(ValidationCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)];

    [Test]
    public void Every_code_constant_is_unique_and_listed_with_a_summary()
    {
        var constants = Constants();
        Assert.That(constants, Is.Unique);
        Assert.That(ValidationCodes.All.Keys, Is.EquivalentTo(constants));
        Assert.That(ValidationCodes.All.Values, Has.All.Length.GreaterThan(10));
    }

    [Test]
    public void Every_code_is_documented_in_docs_validation_md()
    {
        var doc = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "docs", "validation.md"));
        foreach (var code in Constants())
        {
            Assert.That(doc, Does.Contain($"| `{code}` |"), code);
        }
    }
}
