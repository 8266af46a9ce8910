using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>
/// One tenant's overlay, compiled: its own latest tools (own tools and shadows of global ones) and the global names it
/// disabled for itself, at the revision it was read. Immutable, and independent of the global snapshot it is laid over
/// (<see cref="CatalogSnapshot.Layer"/>): a global change keeps it, compiled tools included; only a change of the
/// tenant's replaces it. Its size is proportional to the overlay, never to the global catalog.
/// </summary>
internal sealed class TenantOverlay
{
    private const int FilterBits = 1024;
    private readonly ulong[] _filter = new ulong[FilterBits / 64];

    private TenantOverlay(string tenant, long revision, DateTimeOffset loadedAt, ExpressionCompiler compiler,
        FrozenDictionary<string, CatalogTool?> entries, CatalogTool[] own, FrozenDictionary<string, CompiledPattern[]> ownBuckets)
    {
        Tenant = tenant;
        Revision = revision;
        LoadedAt = loadedAt;
        Compiler = compiler;
        Entries = entries;
        Own = own;
        OwnBuckets = ownBuckets;
        foreach (var name in entries.Keys)
        {
            var bit = Bit(name);
            _filter[bit >> 6] |= 1UL << (bit & 63);
        }
    }

    /// <summary>The tenant's id.</summary>
    public string Tenant { get; }

    /// <summary>The catalog revision the overlay was read at.</summary>
    public long Revision { get; }

    /// <summary>When it was read.</summary>
    public DateTimeOffset LoadedAt { get; }

    /// <summary>The compiler its tools were compiled with: the global snapshot's (so they share its expression cache).</summary>
    public ExpressionCompiler Compiler { get; }

    /// <summary>Every name the overlay decides: its own tools and shadows (the tool), and the disabled global names it does not shadow (null).</summary>
    public FrozenDictionary<string, CatalogTool?> Entries { get; }

    /// <summary>Its own tools and shadows, in catalog order.</summary>
    public CatalogTool[] Own { get; }

    /// <summary>The patterns of its selectable own tools, by capability, in enumeration order.</summary>
    public FrozenDictionary<string, CompiledPattern[]> OwnBuckets { get; }

    /// <summary>An empty overlay (a tenant with nothing of its own: it sees the global catalog as is).</summary>
    public static TenantOverlay Empty(string tenant, long revision, DateTimeOffset loadedAt, ExpressionCompiler compiler) =>
        Create(tenant, revision, loadedAt, [], [], compiler, null);

    /// <summary>
    /// Compiles an overlay. Tools whose definition equals the one <paramref name="previous"/> held (same compiler) are kept
    /// as compiled, so a reload of one changed tool recompiles that tool only.
    /// </summary>
    public static TenantOverlay Create(string tenant, long revision, DateTimeOffset loadedAt, IEnumerable<ToolDefinition> own,
        IEnumerable<string> disabled, ExpressionCompiler compiler, TenantOverlay? previous)
    {
        var entries = new Dictionary<string, CatalogTool?>(StringComparer.Ordinal);
        foreach (var name in disabled)
        {
            entries[name] = null;
        }

        var reuse = previous is not null && ReferenceEquals(previous.Compiler, compiler);
        var tools = new List<CatalogTool>();
        foreach (var definition in own)
        {
            var tool = reuse && previous!.Entries.TryGetValue(definition.Name, out var held) && held is not null && held.Definition.Equals(definition)
                ? held
                : new CatalogTool(definition, 0, compiler);
            entries[definition.Name] = tool;
            tools.Add(tool);
        }

        var ordered = tools.ToArray();
        Array.Sort(ordered, CatalogTool.CompareOrder);
        var buckets = new Dictionary<string, List<CompiledPattern>>(StringComparer.Ordinal);
        foreach (var tool in ordered)
        {
            if (!tool.IsSelectable)
            {
                continue;
            }

            foreach (var pattern in tool.Patterns)
            {
                if (!buckets.TryGetValue(pattern.CapabilityName, out var bucket))
                {
                    buckets[pattern.CapabilityName] = bucket = [];
                }

                bucket.Add(pattern);
            }
        }

        var ownBuckets = buckets.ToFrozenDictionary(b => b.Key, b =>
        {
            var array = b.Value.ToArray();
            Array.Sort(array, CompiledPattern.CompareOrder);
            return array;
        }, StringComparer.Ordinal);
        return new TenantOverlay(tenant, revision, loadedAt, compiler, entries.ToFrozenDictionary(StringComparer.Ordinal), ordered, ownBuckets);
    }

    /// <summary>Whether the overlay decides <paramref name="name"/> (own tool, shadow or disabled): a bit test first, so
    /// the common miss (an inherited name) costs no hashing of the name.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGet(string name, out CatalogTool? tool)
    {
        var bit = Bit(name);
        if ((_filter[bit >> 6] & (1UL << (bit & 63))) == 0)
        {
            tool = null;
            return false;
        }

        return Entries.TryGetValue(name, out tool);
    }

    /// <summary>Whether the overlay hides the global tool <paramref name="name"/> (it shadows or disabled it).</summary>
    public bool Hides(string name) => TryGet(name, out _);

    /// <summary>
    /// A cheap position in the name filter (no full hash): the length and six characters, the first two, the middle one
    /// and the last three, where names of one catalog usually differ (a shared prefix, a numbered or named end).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Bit(string name)
    {
        var length = name.Length;
        if (length < 3)
        {
            return length == 0 ? 0 : (name[0] + (length * 131)) & (FilterBits - 1);
        }

        var mixed = (uint)length * 0x9E3779B1u;
        mixed = (mixed ^ name[0]) * 0x85EBCA6Bu;
        mixed = (mixed ^ name[1]) * 0xC2B2AE35u;
        mixed = (mixed ^ name[length >> 1]) * 0x27D4EB2Fu;
        mixed = (mixed ^ name[length - 3]) * 0x165667B1u;
        mixed = (mixed ^ name[length - 2]) * 0x9E3779B1u;
        mixed = (mixed ^ name[length - 1]) * 0x85EBCA6Bu;
        return (int)((mixed ^ (mixed >> 15)) & (FilterBits - 1));
    }
}
