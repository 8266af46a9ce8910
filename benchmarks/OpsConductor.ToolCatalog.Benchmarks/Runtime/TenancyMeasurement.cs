using System.Diagnostics;
using System.Globalization;
using OpsConductor.ToolCatalog.Benchmarks.Selection;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Tests.Support;
using static OpsConductor.ToolCatalog.Benchmarks.MeasurementText;

namespace OpsConductor.ToolCatalog.Benchmarks.Runtime;

/// <summary>
/// Many tenants in one process (issue 19, decision 1901): a global catalog of generated tools (3 capabilities × 3
/// patterns each, capability names spread over 60), and N tenants each with its own tools (2 of them shadows of global
/// tools) and 2 disabled global tools, served by one global runtime's views (<see cref="IToolCatalog.ForTenant"/>).
/// <list type="number">
/// <item>Memory: the global snapshot, one tenant's catalog as a runtime of that tenant copies it, and all the views
/// (retained bytes after a full collection, <see cref="GC.GetTotalMemory"/>), per view and as a ratio of the global snapshot.</item>
/// <item>Lookup (100 names per call, the tenant's visible tools: inherited and own) and selection (one capability per
/// call, cycling over all) on a view against the same on a runtime of that one tenant, interleaved rounds, medians and
/// the median of per-round ratios. A block (one scenario's calls in a round) lasts tens of milliseconds, so that warming
/// the caches with the scenario's data at its start is a small part of it: the view's data is not the one-tenant runtime's,
/// while the baseline and its control share theirs, so with short blocks (200 selections, about 1 ms) the view paid that
/// warm-up in every block and measured 5–15 % slower than it is.</item>
/// <item>A global change: from the commit until every view serves it (awaiting each view's WaitForRevisionAsync), and
/// the time the runtime spent re-laying the views; p50 and max over the changes.</item>
/// </list>
/// <c>-- tenancy [--tenants 1000] [--own 20] [--global 200] [--calls 20000] [--rounds 21] [--changes 20] [--clock wall|thread]</c>
/// </summary>
internal static class TenancyMeasurement
{
    private const int Capabilities = 60;

    public static async Task<int> RunAsync(string[] args)
    {
        var tenants = Option(args, "--tenants", 1000);
        var ownCount = Option(args, "--own", 20);
        var globalCount = Option(args, "--global", 200);
        var calls = Option(args, "--calls", 20000);
        var rounds = Option(args, "--rounds", 21);
        var changes = Option(args, "--changes", 20);

        await using var db = await BenchDatabase.CreateAsync();
        Console.WriteLine($"Server: {db.ServerDescription}");
        var store = db.Store;
        var globals = Enumerable.Range(0, globalCount).Select(i => Spread(GeneratedTools.Create(i, 3, 3), i)).ToList();
        await store.ImportAsync(globals);
        var seeding = Stopwatch.StartNew();
        using (var gate = new SemaphoreSlim(4))
        {
            await Task.WhenAll(Enumerable.Range(0, tenants).Select(async t =>
            {
                await gate.WaitAsync();
                try
                {
                    await SeedTenantAsync(store, t, ownCount, globalCount);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Seeded {globalCount} global tools and {tenants} tenants × {ownCount} own tools (2 shadows) + 2 disabled globals in {seeding.Elapsed.TotalSeconds:0.0} s."));

        // 1. Memory.
        var before = GC.GetTotalMemory(true);
        var globalSnapshot = await CatalogSnapshot.LoadAsync(store);
        var globalBytes = GC.GetTotalMemory(true) - before;
        before = GC.GetTotalMemory(true);
        var copied = await CatalogSnapshot.LoadAsync(store.ForTenant(TenantName(0)));
        var copyBytes = GC.GetTotalMemory(true) - before;

        await using var runtime = new ToolCatalogRuntime(new ToolCatalogOptions { Mode = CatalogMode.Database }, db.DataSource);
        await runtime.StartAsync();
        before = GC.GetTotalMemory(true);
        var loadTime = Stopwatch.StartNew();
        var loaded = await runtime.LoadActiveTenantsAsync(CancellationToken.None);
        loadTime.Stop();
        var viewBytes = GC.GetTotalMemory(true) - before;
        var views = Enumerable.Range(0, tenants).Select(t => runtime.ForTenant(TenantName(t))).ToList();
        Check(loaded == tenants, "every tenant was loaded");

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Memory (retained after a full collection); {tenants} views loaded in one query in {loadTime.Elapsed.TotalMilliseconds:0} ms:"));
        Console.WriteLine("| what | bytes | ratio to the global snapshot |");
        Console.WriteLine("| --- | ---: | ---: |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| global snapshot ({globalSnapshot.ToolCount} tools) | {Bytes(globalBytes)} | 1.00 |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| one tenant's catalog copied (a runtime with Tenant set, {copied.ToolCount} tools) | {Bytes(copyBytes)} | {copyBytes / (double)globalBytes:0.000} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| all {tenants} views | {Bytes(viewBytes)} | {viewBytes / (double)globalBytes:0.000} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| per view | {Bytes(viewBytes / (double)tenants)} | {viewBytes / (double)tenants / globalBytes:0.000} |"));
        Console.WriteLine();
        GC.KeepAlive(globalSnapshot);
        GC.KeepAlive(copied);

        // 2. Lookup and selection: a view against a runtime of that one tenant.
        await using var one = new ToolCatalogRuntime(new ToolCatalogOptions { Mode = CatalogMode.Database, Tenant = TenantName(0) }, db.DataSource);
        await one.StartAsync();
        var view = views[0];
        Check(Shape(view.Current).SequenceEqual(Shape(one.Current)), "the view serves what the one-tenant runtime serves");
        // Fresh copies of the names, as a caller's come (from a request, not from the map): a name that is the very string
        // instance a map holds as its key compares by reference, which would favour the runtime whose snapshot the names
        // were taken from (the one-tenant runtime's) over the view (whose inherited names are the global snapshot's strings).
        var names = one.Current.Tools.Select(t => new string(t.Name.AsSpan())).OrderBy(n => unchecked((uint)n.GetHashCode(StringComparison.Ordinal))).ToArray();
        var selector = new ToolSelector();
        var requests = Enumerable.Range(0, Capabilities).Select(c => new SelectionRequest
        {
            Capabilities = [$"cap_{c:00}"],
            Variables = new Dictionary<string, double> { ["N"] = 10 },
        }).Where(r => one.Current.PatternsFor(r.Capabilities[0]).Length > 0).ToArray();
        foreach (var request in requests)
        {
            Check(selector.Select(view.Current, request).ToolName == selector.Select(one.Current, request).ToolName, "the view selects what the one-tenant runtime selects");
        }

        var boxed = new object();
        int lookupCursor = 0, controlCursor = 0, viewCursor = 0, oneSelect = 0, controlSelect = 0, viewSelect = 0, roundRobin = 0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Lookup (100 names per call; per name below) and selection, {rounds} rounds × {calls} calls, interleaved, timed by {Selection.RoundClock.Name} ({names.Length} visible tools, {requests.Length} capabilities):"));
        Table(rounds, calls, "LookupOneTenant", 100,
        [
            ("LookupOneTenant", () => Lookups(one, names, ref lookupCursor, boxed)),
            ("LookupOneTenantAgain (control: the baseline timed twice)", () => Lookups(one, names, ref controlCursor, boxed)),
            ("LookupView", () => Lookups(view, names, ref viewCursor, boxed)),
            ("LookupViewsRoundRobin", () => LookupsAcross(views, names, ref roundRobin, boxed)),
        ]);
        Table(rounds, calls / 10, "SelectOneTenant", 1,
        [
            ("SelectOneTenant", () => selector.Select(one.Current, requests[oneSelect++ % requests.Length])),
            ("SelectOneTenantAgain (control)", () => selector.Select(one.Current, requests[controlSelect++ % requests.Length])),
            ("SelectView", () => selector.Select(view.Current, requests[viewSelect++ % requests.Length])),
        ]);

        // 3. A global change reaching every view.
        var fromCommit = new List<double>(changes);
        var relay = new List<double>(changes);
        var globalOnly = new List<double>(changes);
        for (var c = 0; c < changes; c++)
        {
            var changed = globals[(c * 37) % globalCount];
            var write = await store.PublishAsync(changed with { Version = $"1.{c + 1}" });
            var committed = Stopwatch.GetTimestamp();
            await runtime.WaitForRevisionAsync(write.Revision).WaitAsync(TimeSpan.FromSeconds(30));
            globalOnly.Add(Stopwatch.GetElapsedTime(committed).TotalMilliseconds);
            await Task.WhenAll(views.Select(v => v.WaitForRevisionAsync(write.Revision))).WaitAsync(TimeSpan.FromSeconds(30));
            fromCommit.Add(Stopwatch.GetElapsedTime(committed).TotalMilliseconds);
            relay.Add(runtime.LastRelayDuration.TotalMilliseconds);
            Check(views.All(v => v.Revision >= write.Revision), "every view serves the change");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"A global change (publish of a global tool's new version), {changes} changes, {tenants} views:"));
        Console.WriteLine("| measure | p50 | max |");
        Console.WriteLine("| --- | ---: | ---: |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| commit → the global snapshot serves it | {Median(globalOnly):0.00} ms | {globalOnly.Max():0.00} ms |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| commit → all {tenants} views serve it | {Median(fromCommit):0.00} ms | {fromCommit.Max():0.00} ms |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| re-laying the {tenants} views (inside the above) | {Median(relay):0.00} ms | {relay.Max():0.00} ms |"));
        return 0;
    }

    private static string TenantName(int t) => string.Create(CultureInfo.InvariantCulture, $"t{t:0000}");

    /// <summary>A generated tool whose capabilities are spread over <see cref="Capabilities"/> names.</summary>
    private static ToolDefinition Spread(ToolDefinition tool, int index) => tool with
    {
        Capabilities = [.. tool.Capabilities.Select((c, k) => c with { Name = string.Create(CultureInfo.InvariantCulture, $"cap_{((index * 3) + k) % Capabilities:00}") })],
    };

    private static async Task SeedTenantAsync(OpsConductor.ToolCatalog.Storage.ToolCatalogStore store, int t, int ownCount, int globalCount)
    {
        var id = TenantName(t);
        await store.CreateTenantAsync(id, $"Tenant {t}");
        var scoped = store.ForTenant(id);
        var shadows = new[] { (t * 7) % globalCount, ((t * 7) + 101) % globalCount };
        var own = new List<ToolDefinition>(ownCount);
        foreach (var s in shadows)
        {
            own.Add(Spread(GeneratedTools.Create(s, 3, 3, version: "2.0"), s));
        }

        for (var k = own.Count; k < ownCount; k++)
        {
            own.Add(Spread(GeneratedTools.Create(k, 1, 2, prefix: id), t + k));
        }

        await scoped.ImportAsync(own);
        await scoped.DisableGlobalToolAsync(GeneratedTools.Create(((t * 7) + 3) % globalCount).Name);
        await scoped.DisableGlobalToolAsync(GeneratedTools.Create(((t * 7) + 57) % globalCount).Name);
    }

    private static object Lookups(IToolCatalog catalog, string[] names, ref int cursor, object result)
    {
        var snapshot = catalog.Current;
        var found = 0;
        for (var i = 0; i < 100; i++)
        {
            found += snapshot.TryGetTool(names[cursor++ % names.Length], out _) ? 1 : 0;
        }

        return found > 0 ? result : names;
    }

    private static object LookupsAcross(List<IToolCatalog> views, string[] names, ref int cursor, object result)
    {
        var found = 0;
        for (var i = 0; i < 100; i++)
        {
            var at = cursor++;
            found += views[at % views.Count].Current.TryGetTool(names[at % names.Length], out _) ? 1 : 0;
        }

        return found > 0 ? result : names;
    }

    private static IEnumerable<string> Shape(CatalogSnapshot snapshot) =>
    [
        .. snapshot.Tools.Select(t => $"{t.Name} {t.Definition.Version}"),
        .. snapshot.CapabilityNames.Order(StringComparer.Ordinal).Select(c => $"{c}: {string.Join(",", snapshot.PatternsFor(c).ToArray().Select(p => p.ToString()))}"),
    ];

    private static void Table(int rounds, int calls, string baseline, int perCall, (string Name, Func<object> Call)[] scenarios)
    {
        var (times, bytes) = InterleavedRounds.Measure(2, rounds, calls, [.. scenarios.Select(static s => s.Call)]);
        var b = Array.FindIndex(scenarios, s => s.Name == baseline);
        Console.WriteLine($"| scenario | median per {(perCall == 1 ? "call" : "lookup")} | ratio to {baseline} (median of per-round ratios) | allocated per call |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        for (var s = 0; s < scenarios.Length; s++)
        {
            var ratios = times[s].Zip(times[b], (x, y) => x / y).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {scenarios[s].Name} | {Time(Median(times[s]) / perCall)} | {Median(ratios):0.000} | {Bytes(bytes[s])} |"));
        }

        Console.WriteLine();
    }
}
