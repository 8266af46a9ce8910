using ArchUnitNET.Domain;
using ArchUnitNET.Fluent.Slices;
using ArchUnitNET.Loader;
using ArchUnitNET.NUnit;
using System.Runtime.CompilerServices;
using OpsConductor.ToolCatalog.LocalPostgres;
using OpsConductor.ToolCatalog.Runtime;

namespace OpsConductor.ToolCatalog.Tests.Shape;

/// <summary>
/// The library's shape, checked on the compiled assembly: namespaces follow the data flow without cycles, and every
/// exception type the library defines derives from <see cref="ToolCatalogException"/>.
/// </summary>
public sealed class LibraryShapeTests
{
    private static readonly System.Reflection.Assembly Library = typeof(IToolCatalog).Assembly;

    private static readonly Lazy<Architecture> LibraryArchitecture =
        new(() => new ArchLoader().LoadAssemblies(Library).Build());

    [Test]
    public void No_two_namespaces_of_the_library_depend_on_each_other_even_through_others()
    {
        // Each namespace is its own slice ("(**)"), so Storage and Storage.Json count as two.
        SliceRuleDefinition.Slices()
            .Matching("OpsConductor.ToolCatalog.(**)")
            .Should()
            .BeFreeOfCycles()
            .Check(LibraryArchitecture.Value);
    }

    [Test]
    public void The_cycle_rule_sees_the_namespaces_it_checks()
    {
        // Guards the rule above against passing vacuously (a pattern that matches nothing has no cycles).
        var slices = SliceRuleDefinition.Slices()
            .Matching("OpsConductor.ToolCatalog.(**)")
            .GetObjects(LibraryArchitecture.Value)
            .Select(slice => slice.Description)
            .ToList();

        Assert.That(slices, Has.Count.GreaterThanOrEqualTo(10));
        Assert.That(slices, Has.Some.Contains("Runtime").And.Some.Contains("Yaml").And.Some.Contains("Findings"));
    }

    [Test]
    public void Every_exception_type_of_the_library_derives_from_ToolCatalogException()
    {
        var strays = Library.GetTypes()
            .Where(type => typeof(Exception).IsAssignableFrom(type) && type != typeof(ToolCatalogException))
            .Where(type => !typeof(ToolCatalogException).IsAssignableFrom(type))
            .Select(type => type.FullName)
            .ToList();

        Assert.That(strays, Is.Empty, "Exception types that do not derive from ToolCatalogException.");
        Assert.That(typeof(ToolCatalogException).Namespace, Is.EqualTo("OpsConductor.ToolCatalog"));
    }

    [TestCase(typeof(IToolCatalog))]
    [TestCase(typeof(LocalPostgresServer))]
    public void Internals_are_visible_to_test_and_benchmark_projects_only(System.Type fromAssembly)
    {
        // The command-line tool is a host like any other: it uses the public surface (PublicAPI.*.txt), never internals.
        var friends = fromAssembly.Assembly.GetCustomAttributes(typeof(InternalsVisibleToAttribute), inherit: false)
            .Cast<InternalsVisibleToAttribute>()
            .Select(attribute => attribute.AssemblyName)
            .ToList();

        Assert.That(friends, Is.Not.Empty);
        Assert.That(friends, Has.All.Matches<string>(name => name.EndsWith(".Tests", StringComparison.Ordinal) || name.EndsWith(".Benchmarks", StringComparison.Ordinal)));
    }
}
