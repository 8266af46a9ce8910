using Bunit;
using OpsConductor.ToolCatalog.Admin.Catalog;
using OpsConductor.ToolCatalog.Admin.Components.Layout;

namespace OpsConductor.ToolCatalog.Admin.Tests.Layout;

/// <summary>What a tenant's session shows that a global one does not: the tenant in the header, no link to the global
/// catalog's own pages, and each tool's origin (own, shadow, inherited).</summary>
[TestFixture]
public sealed class TenantComponentTests
{
    private BunitContext _context = null!;

    [SetUp]
    public void CreateContext() => _context = new BunitContext();

    [TearDown]
    public void DisposeContext() => _context.Dispose();

    [Test]
    public void A_tenants_navigation_names_the_tenant_and_leaves_out_the_global_catalogs_pages()
    {
        var nav = _context.Render<AdminNav>(p => p.Add(n => n.Tenant, "acme").Add(n => n.TenantName, "Acme <Inc>"));

        Assert.Multiple(() =>
        {
            Assert.That(nav.Find("[data-testid='tenant']").TextContent, Is.EqualTo("Tenant acme · Acme <Inc>"), "the name is text, not markup");
            Assert.That(nav.FindAll("[data-testid='nav-telemetry']"), Is.Empty);
            Assert.That(nav.FindAll("[data-testid='nav-experiments']"), Is.Empty);
            Assert.That(nav.FindAll("[data-testid='nav-audit']"), Has.Count.EqualTo(1));
            Assert.That(nav.FindAll("[data-testid='nav-playground']"), Has.Count.EqualTo(1));
        });
    }

    [Test]
    public void A_global_principals_navigation_is_unchanged_and_names_no_tenant()
    {
        var nav = _context.Render<AdminNav>();

        Assert.Multiple(() =>
        {
            Assert.That(nav.FindAll("[data-testid='tenant']"), Is.Empty);
            Assert.That(nav.FindAll("[data-testid='nav-telemetry']"), Has.Count.EqualTo(1));
            Assert.That(nav.FindAll("[data-testid='nav-experiments']"), Has.Count.EqualTo(1));
        });
    }

    [TestCase("Own", "own")]
    [TestCase("Shadow", "shadow")]
    [TestCase("Inherited", "inherited")]
    public void A_tools_origin_in_a_tenants_catalog_is_labelled(string name, string label)
    {
        var origin = Enum.Parse<ToolOrigin>(name);
        var badge = _context.Render<OriginBadge>(p => p.Add(b => b.Origin, origin.Label())).Find("[data-testid='origin']");

        Assert.That(badge.TextContent, Is.EqualTo(label));
        Assert.That(badge.ClassList, Does.Contain(label));
    }

    [Test]
    public void A_tool_of_the_global_catalog_seen_by_a_global_principal_has_no_origin_label() =>
        Assert.That(_context.Render<OriginBadge>(p => p.Add(b => b.Origin, ToolOrigin.Global.Label())).FindAll("[data-testid='origin']"), Is.Empty);
}
