using OpsConductor.ToolCatalog.Admin.Catalog;
using OpsConductor.ToolCatalog.Admin.Security;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Tests.Support;

namespace OpsConductor.ToolCatalog.Server.Tests.Admin;

/// <summary>The admin UI's logic that needs no browser: the tools page's search and facets, the version diff, sign-in's return URL.</summary>
[TestFixture]
public sealed class AdminCatalogLogicTests
{
    // Generated tools: platform = index % 5 (linux, windows, network, database, cloud); tags generated and group-(index % 10).
    private static readonly List<ToolDefinition> Tools = GeneratedTools.CreateMany(10, capabilities: 1, patterns: 1, prefix: "facet");

    [Test]
    public void A_facets_counts_keep_the_other_filters_but_not_its_own()
    {
        var query = new ToolQuery().With(ToolFacet.Platform, "linux");

        var result = query.Run(Tools);

        Assert.Multiple(() =>
        {
            Assert.That(result.Matched, Is.EqualTo(2), "facet-00000 and facet-00005 are linux");
            Assert.That(result.Page.Select(t => t.Name), Is.EqualTo(new[] { "facet-00000", "facet-00005" }));
            Assert.That(result.Facets[ToolFacet.Platform].Single(f => f.Value == "windows").Count, Is.EqualTo(2), "the platform facet ignores the platform filter");
            Assert.That(result.Facets[ToolFacet.Tag].Single(f => f.Value == "generated").Count, Is.EqualTo(2), "the tag facet keeps the platform filter");
            Assert.That(result.Facets[ToolFacet.Tag].Any(f => f.Value == "group-1"), Is.False, "facet-00001 is not linux");
        });
    }

    [Test]
    public void Search_text_matches_names_descriptions_and_tags_case_insensitively()
    {
        Assert.Multiple(() =>
        {
            Assert.That(new ToolQuery { Text = "FACET-00003" }.Run(Tools).Matched, Is.EqualTo(1));
            Assert.That(new ToolQuery { Text = "group-7" }.Run(Tools).Matched, Is.EqualTo(1));
            Assert.That(new ToolQuery { Text = "generated tool number" }.Run(Tools).Matched, Is.EqualTo(10));
            Assert.That(new ToolQuery { Text = "nothing like it" }.Run(Tools).Matched, Is.Zero);
        });
    }

    [Test]
    public void Paging_splits_the_matches_and_a_page_past_the_end_shows_the_last()
    {
        var result = new ToolQuery { PageSize = 4, PageIndex = 9 }.Run(Tools);

        Assert.Multiple(() =>
        {
            Assert.That(result.PageCount, Is.EqualTo(3));
            Assert.That(result.PageIndex, Is.EqualTo(2));
            Assert.That(result.Page.Select(t => t.Name), Is.EqualTo(new[] { "facet-00008", "facet-00009" }));
        });
    }

    [Test]
    public void A_disabled_tool_has_the_status_disabled_whatever_its_lifecycle_status()
    {
        var disabled = Tools[0] with { Enabled = false };

        Assert.That(ToolQuery.ValuesOf(disabled, ToolFacet.Status), Is.EqualTo(new[] { "disabled" }));
    }

    [Test]
    public void The_diff_pairs_changed_lines_and_keeps_the_common_ones()
    {
        var rows = LineDiff.Compare("name: a\nversion: 1\ndescription: old\nplatform: linux\n", "name: a\nversion: 2\ndescription: old\nplatform: linux\nextra: yes\n");

        Assert.That(rows, Is.EqualTo(new[]
        {
            new DiffRow("name: a", "name: a", DiffKind.Same),
            new DiffRow("version: 1", "version: 2", DiffKind.Changed),
            new DiffRow("description: old", "description: old", DiffKind.Same),
            new DiffRow("platform: linux", "platform: linux", DiffKind.Same),
            new DiffRow(null, "extra: yes", DiffKind.Added),
        }));
    }

    [Test]
    public void The_diff_of_equal_texts_has_no_differences()
    {
        var rows = LineDiff.Compare("a\nb\n", "a\nb");

        Assert.That(rows.Select(r => r.Kind), Is.EqualTo(new[] { DiffKind.Same, DiffKind.Same }));
    }

    [TestCase("/admin/tools/x", "/admin/tools/x")]
    [TestCase("/admin", "/admin")]
    [TestCase("https://evil.example/admin", "/admin")]
    [TestCase("//evil.example/admin", "/admin")]
    [TestCase("/administrator", "/admin")]
    [TestCase("/admin/signin?x=1", "/admin")]
    [TestCase("/admin/\\evil", "/admin")]
    [TestCase(null, "/admin")]
    public void Sign_in_returns_only_to_a_page_of_the_admin_UI(string? returnUrl, string expected)
    {
        Assert.That(AdminSignInEndpoints.LocalUrl(returnUrl), Is.EqualTo(expected));
    }
}
