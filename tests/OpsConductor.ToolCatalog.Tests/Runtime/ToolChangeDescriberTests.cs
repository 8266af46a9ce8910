using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Runtime;
using static OpsConductor.ToolCatalog.Tests.Runtime.RuntimeHarness;

namespace OpsConductor.ToolCatalog.Tests.Runtime;

public sealed class ToolChangeDescriberTests
{
    private static CatalogToolChange? Change(ToolDefinition? before, ToolDefinition? after, bool compareContent = false)
    {
        var previous = CatalogSnapshot.Create(before is null ? [] : [before], 1, CatalogSource.Database, DateTimeOffset.UnixEpoch);
        var current = CatalogSnapshot.Create(after is null ? [] : [after], 2, CatalogSource.Database, DateTimeOffset.UnixEpoch);
        var name = (before ?? after)!.Name;
        return ToolChangeDescriber.Classify(name, previous.FindTool(name), current.FindTool(name), compareContent);
    }

    [Test]
    public void Each_kind_of_change_is_named_as_an_operator_would_say_it()
    {
        var v1 = Tool("grep", "1.9");
        var v2 = Tool("grep", "1.10");

        Assert.That(Change(null, v1)!.Description, Is.EqualTo("added version 1.9"));
        Assert.That(Change(null, v1 with { Enabled = false, Status = ToolStatus.Testing })!.Description, Is.EqualTo("added version 1.9, disabled, status testing"));
        Assert.That(Change(v1, null)!.Description, Is.EqualTo("removed (was version 1.9)"));
        Assert.That(Change(v1, v2)!.Description, Is.EqualTo("published version 1.9 → 1.10"), "1.10 comes after 1.9");
        Assert.That(Change(v2, v1)!.Description, Is.EqualTo("rolled back version 1.10 → 1.9"));
        Assert.That(Change(v1, v1 with { Enabled = false })!.Description, Is.EqualTo("disabled (version 1.9)"));
        Assert.That(Change(v1 with { Enabled = false }, v1)!.Description, Is.EqualTo("enabled (version 1.9)"));
        Assert.That(Change(v1, v1 with { Status = ToolStatus.Deprecated })!.Description, Is.EqualTo("status active → deprecated (version 1.9)"));
        Assert.That(Change(v1 with { Enabled = false }, v2)!.Description, Is.EqualTo("published version 1.9 → 1.10, enabled"));
    }

    [Test]
    public void Equal_versions_are_no_change_unless_content_is_compared_and_differs()
    {
        var v1 = Tool("grep");
        var edited = v1 with { Description = "edited in place" };

        Assert.That(Change(v1, v1 with { }), Is.Null);
        Assert.That(Change(v1, edited), Is.Null, "database versions are immutable: version and state say everything");
        Assert.That(Change(v1, edited, compareContent: true)!.Kind, Is.EqualTo(ToolChangeKind.ContentChanged));
        Assert.That(Change(v1, edited, compareContent: true)!.Description, Is.EqualTo("content changed (version 1.0)"));
    }
}
