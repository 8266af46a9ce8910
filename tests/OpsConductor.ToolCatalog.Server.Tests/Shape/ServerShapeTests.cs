using System.Runtime.CompilerServices;
using ArchUnitNET.Domain;
using ArchUnitNET.Fluent.Slices;
using ArchUnitNET.Loader;
using ArchUnitNET.NUnit;
using OpsConductor.ToolCatalog.AspNetCore;

namespace OpsConductor.ToolCatalog.Server.Tests.Shape;

/// <summary>The server package's shape, as the library's (LibraryShapeTests): no namespace cycles, one exception root, internals for tests only.</summary>
[TestFixture]
public sealed class ServerShapeTests
{
    private static readonly System.Reflection.Assembly Server = typeof(ToolCatalogServerOptions).Assembly;

    private static readonly Lazy<Architecture> ServerArchitecture =
        new(() => new ArchLoader().LoadAssemblies(Server).Build());

    [Test]
    public void No_two_namespaces_of_the_server_depend_on_each_other_even_through_others()
    {
        SliceRuleDefinition.Slices()
            .Matching("OpsConductor.ToolCatalog.AspNetCore.(**)")
            .Should()
            .BeFreeOfCycles()
            .Check(ServerArchitecture.Value);
    }

    [Test]
    public void The_cycle_rule_sees_the_namespaces_it_checks()
    {
        var slices = SliceRuleDefinition.Slices()
            .Matching("OpsConductor.ToolCatalog.AspNetCore.(**)")
            .GetObjects(ServerArchitecture.Value)
            .Select(slice => slice.Description)
            .ToList();

        Assert.That(slices, Has.Some.Contains("Endpoints").And.Some.Contains("Http").And.Some.Contains("Security"));
    }

    [Test]
    public void Every_exception_type_of_the_server_derives_from_ToolCatalogException()
    {
        var strays = Server.GetTypes()
            .Where(type => typeof(Exception).IsAssignableFrom(type) && !typeof(ToolCatalogException).IsAssignableFrom(type))
            .Select(type => type.FullName)
            .ToList();

        Assert.That(strays, Is.Empty);
    }

    [Test]
    public void Internals_are_visible_to_test_projects_only()
    {
        var friends = Server.GetCustomAttributes(typeof(InternalsVisibleToAttribute), inherit: false)
            .Cast<InternalsVisibleToAttribute>()
            .Select(attribute => attribute.AssemblyName)
            .ToList();

        Assert.That(friends, Has.All.Matches<string>(name => name.EndsWith(".Tests", StringComparison.Ordinal)));
    }

    [Test]
    public void The_admin_UI_compiles_none_of_the_servers_code_into_itself_and_reaches_it_through_public_API_only()
    {
        var admin = typeof(OpsConductor.ToolCatalog.Admin.ToolCatalogAdmin).Assembly;

        var borrowed = admin.GetTypes()
            .Where(type => type.Namespace?.StartsWith("OpsConductor.ToolCatalog.AspNetCore", StringComparison.Ordinal) == true)
            .Select(type => type.FullName)
            .ToList();
        var friends = Server.GetCustomAttributes(typeof(InternalsVisibleToAttribute), inherit: false)
            .Cast<InternalsVisibleToAttribute>()
            .Select(attribute => attribute.AssemblyName);

        Assert.That(borrowed, Is.Empty, "source files of the server linked into the admin UI");
        Assert.That(friends, Does.Not.Contain(admin.GetName().Name));
    }
}
