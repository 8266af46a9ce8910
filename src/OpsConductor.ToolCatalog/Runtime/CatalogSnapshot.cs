using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using OpsConductor.ToolCatalog.Expressions;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>
/// An immutable view of the whole catalog at one revision: every tool's latest version by name, an index from
/// capability to the compiled patterns of selectable tools, and the variable table their expressions were
/// compiled against. Readers never lock and never wait: a reload builds the next snapshot off to the side and
/// publishes it with one reference swap, and readers in flight keep the snapshot they started with.
/// </summary>
/// <remarks>
/// <para>Running experiments (database catalogs only) are held with both arms' versions compiled
/// (<see cref="Experiments"/>); the latest version of a tool under test carries its <see cref="CatalogTool.Experiment"/>,
/// and the capability buckets that arms' patterns serve are held a second time with those patterns merged in, so
/// selection serves an enrolled request the arm's version by reading one field per pattern (decision 1602).</para>
/// Enumeration order is the original's: tools in file order for YAML catalogs and by name (ordinal) for the
/// database, then capabilities and patterns in file order. That order decides score ties.
/// </remarks>
public sealed class CatalogSnapshot
{
    private readonly CopyOnWriteMap<CatalogTool> _tools;
    private readonly ShardedMap<CompiledPattern[]> _byCapability;
    private readonly ExpressionCompiler _compiler;
    private readonly long _nextOrder;
    private readonly RunningExperiment[] _experiments;
    private readonly FrozenDictionary<string, CompiledPattern[]>? _experimentBuckets;
    private CatalogTool[]? _ordered;
    private RelevanceIndex? _relevance;

    // A tenant's view (Layer): the global snapshot it shares, the tenant's overlay, and per capability the overlay touches
    // the merged buckets; null on an ordinary snapshot. A view's _tools is its own name table (the global one with the
    // overlay applied), holding the global snapshot's tool objects.
    private readonly CatalogSnapshot? _base;
    private readonly TenantOverlay? _overlay;
    private readonly Dictionary<string, LayerBucket>? _layer;
    private string[]? _layerCapabilities;

    private CatalogSnapshot(
        long revision,
        CatalogSource source,
        DateTimeOffset loadedAt,
        CopyOnWriteMap<CatalogTool> tools,
        ShardedMap<CompiledPattern[]> byCapability,
        ExpressionCompiler compiler,
        bool keepsFileOrder,
        long nextOrder,
        RunningExperiment[] experiments,
        FrozenDictionary<string, CompiledPattern[]>? experimentBuckets,
        RelevanceIndex? relevance = null)
    {
        Revision = revision;
        Source = source;
        LoadedAt = loadedAt;
        _tools = tools;
        _byCapability = byCapability;
        _compiler = compiler;
        KeepsFileOrder = keepsFileOrder;
        _nextOrder = nextOrder;
        _experiments = experiments;
        _experimentBuckets = experimentBuckets;
        _relevance = relevance;
    }

    /// <summary>
    /// The lexical relevance index (BM25) over the patterns of selectable tools, built the first time a request with a
    /// query reads it from a snapshot that has none (each pattern's terms are computed once per compiled pattern). Once
    /// built, it follows changes incrementally: <see cref="Apply"/> derives the next snapshot's index from this one
    /// (<see cref="RelevanceIndex.With"/>: the changed tools' postings and the corpus statistics), so a hot reload does not
    /// re-index the catalog. Building it lazily keeps it off the paths that never use it: a catalog whose requests carry
    /// no query never builds it. Two threads may build it at once; both results are equal and either is kept.
    /// </summary>
    internal RelevanceIndex Relevance => Volatile.Read(ref _relevance) ?? BuildAndKeepRelevance();

    /// <summary>Whether this snapshot holds its relevance index already (built by a query, or derived by <see cref="Apply"/>).</summary>
    internal bool HasRelevanceIndex => Volatile.Read(ref _relevance) is not null;

    private RelevanceIndex BuildAndKeepRelevance()
    {
        var built = _overlay is { } overlay
            ? _base!.Relevance.With(HiddenGlobalTools(_base, overlay).SelectMany(t => t.Patterns), overlay.OwnBuckets.Values.SelectMany(b => b))
            : BuildRelevance(_byCapability);
        return Interlocked.CompareExchange(ref _relevance, built, null) ?? built;
    }

    private static RelevanceIndex BuildRelevance(ShardedMap<CompiledPattern[]> byCapability)
    {
        var patterns = new List<CompiledPattern>();
        foreach (var capability in byCapability.Keys)
        {
            patterns.AddRange(byCapability.GetValueOrDefault(capability) ?? []);
        }

        return RelevanceIndex.Build(patterns);
    }

    /// <summary>An empty snapshot at revision 0 (nothing loaded yet).</summary>
    public static CatalogSnapshot Empty { get; } = Create([], 0, CatalogSource.None, DateTimeOffset.MinValue);

    /// <summary>The catalog revision this snapshot reflects (0 for YAML and in-memory catalogs).</summary>
    public long Revision { get; }

    /// <summary>Where the tools came from.</summary>
    public CatalogSource Source { get; }

    /// <summary>When this snapshot was built.</summary>
    public DateTimeOffset LoadedAt { get; }

    /// <summary>The variable table every expression of this snapshot was compiled against; give it to <see cref="ExpressionContext"/>.</summary>
    public VariableTable Variables => _compiler.Variables;

    /// <summary>The number of tools (selectable or not).</summary>
    public int ToolCount => _tools.Count;

    /// <summary>Whether tools keep the order they were given in (file catalogs) rather than name order (database).</summary>
    public bool KeepsFileOrder { get; }

    /// <summary>Finds a tool's latest version by exact name. No locks, no allocation.</summary>
    public bool TryGetTool(string name, [NotNullWhen(true)] out CatalogTool? tool) => _tools.TryGetValue(name, out tool);

    /// <summary>Finds a tool's latest version by exact name, or null.</summary>
    public CatalogTool? FindTool(string name) => TryGetTool(name, out var tool) ? tool : null;

    /// <summary>Every tool in catalog order (computed on first use, then kept).</summary>
    public IReadOnlyList<CatalogTool> Tools
    {
        get
        {
            var ordered = _ordered;
            if (ordered is null)
            {
                ordered = [.. _tools.Values];
                Array.Sort(ordered, CatalogTool.CompareOrder);
                _ordered = ordered;
            }

            return ordered;
        }
    }

    /// <summary>The capability names that selectable tools offer.</summary>
    public IEnumerable<string> CapabilityNames => _layer is null ? _byCapability.Keys : LayerCapabilities();

    /// <summary>
    /// The patterns of selectable tools (enabled and active) for one capability, in enumeration order, including
    /// patterns whose expressions do not compile (selection reports them as excluded). Empty when none.
    /// </summary>
    public ReadOnlySpan<CompiledPattern> PatternsFor(string capability) =>
        _layer is not null && _layer.TryGetValue(capability, out var merged) ? merged.Plain
        : _byCapability.TryGetValue(capability, out var patterns) ? patterns : [];

    /// <summary>The running experiments this snapshot applies (those whose arms' versions are both servable), by name; empty for YAML and in-memory catalogs.</summary>
    public IReadOnlyList<RunningExperiment> Experiments => _experiments;

    /// <summary>The running experiment on <paramref name="toolName"/>, or null.</summary>
    /// <param name="toolName">The tool's name.</param>
    /// <returns>The experiment, or null.</returns>
    public RunningExperiment? FindExperiment(string toolName)
    {
        foreach (var experiment in _experiments)
        {
            if (string.Equals(experiment.ToolName, toolName, StringComparison.Ordinal))
            {
                return experiment;
            }
        }

        return null;
    }

    /// <summary>
    /// The patterns selection enumerates for one capability: <see cref="PatternsFor"/>, plus, where a running experiment's
    /// arm versions serve the capability, those arms' patterns (next to the latest version's, in enumeration order; the
    /// enumerator keeps, per tool under test, the variant the request is assigned). No allocation, no lock.
    /// </summary>
    internal ReadOnlySpan<CompiledPattern> SelectionPatternsFor(string capability)
    {
        if (_layer is not null)
        {
            return _layer.TryGetValue(capability, out var layered) ? layered.Selection : _base!.SelectionPatternsFor(capability);
        }

        return _experimentBuckets is { } buckets && buckets.TryGetValue(capability, out var merged) ? merged : PatternsFor(capability);
    }

    /// <summary>The ids of the arm versions held compiled (the next load need not read them again).</summary>
    internal long[] KnownArmVersionIds()
    {
        ThrowIfLayered();
        var ids = new long[_experiments.Length * 2];
        for (var i = 0; i < _experiments.Length; i++)
        {
            ids[2 * i] = _experiments[i].Row.VersionAId;
            ids[(2 * i) + 1] = _experiments[i].Row.VersionBId;
        }

        return ids;
    }

    /// <summary>
    /// The running experiments of <paramref name="set"/> as this snapshot would hold them: an experiment read exactly as
    /// held is kept as is; others are built with their arms compiled (arm definitions from the set, or from the held arm
    /// of the same version id); an experiment whose arm version cannot be served (deleted, disabled) is left out.
    /// </summary>
    internal RunningExperiment[] ResolveExperiments(RunningExperimentSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        ThrowIfLayered();
        if (set.Experiments.Count == 0)
        {
            return [];
        }

        var result = new List<RunningExperiment>(set.Experiments.Count);
        foreach (var row in set.Experiments)
        {
            var held = Array.Find(_experiments, e => e.IsSameAs(row));
            if (held is not null)
            {
                result.Add(held);
                continue;
            }

            if (!row.UsableA || !row.UsableB || Definition(row.VersionAId) is not { } a || Definition(row.VersionBId) is not { } b)
            {
                continue;
            }

            result.Add(new RunningExperiment(row, a, b, _compiler));
        }

        return [.. result];

        ToolDefinition? Definition(long id)
        {
            if (set.Versions.TryGetValue(id, out var loaded))
            {
                return loaded;
            }

            foreach (var experiment in _experiments)
            {
                if (experiment.Row.VersionAId == id)
                {
                    return experiment.VersionA.Definition;
                }

                if (experiment.Row.VersionBId == id)
                {
                    return experiment.VersionB.Definition;
                }
            }

            return null;
        }
    }

    /// <summary>
    /// The catalog as a runtime serves it, read once from <paramref name="store"/>: every tool's latest version and the
    /// running experiments with both arms' versions compiled, at one revision (for one-shot selections, such as
    /// <c>toolcatalog select</c>; a process that selects repeatedly keeps a <see cref="ToolCatalogRuntime"/>, which
    /// follows changes).
    /// </summary>
    /// <param name="store">The store to read.</param>
    /// <param name="timeProvider">The clock for <see cref="LoadedAt"/>; the system clock when null.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>A snapshot from the database.</returns>
    public static async Task<CatalogSnapshot> LoadAsync(ToolCatalogStore store, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var (state, experiments) = await store.LoadCatalogWithExperimentsAsync([], cancellationToken).ConfigureAwait(false);
        var empty = Create([], 0, CatalogSource.None, DateTimeOffset.MinValue);
        var definitions = new ToolDefinition[state.Tools.Count];
        for (var i = 0; i < definitions.Length; i++)
        {
            definitions[i] = state.Tools[i].Definition;
        }

        return empty.Rebuild(definitions, state.Revision, CatalogSource.Database, (timeProvider ?? TimeProvider.System).GetUtcNow(),
            keepFileOrder: false, empty.ResolveExperiments(experiments));
    }

    /// <summary>
    /// Builds a snapshot from tools' latest versions. When <paramref name="keepFileOrder"/> is true the tools keep
    /// the order given (YAML catalogs); otherwise they are ordered by name (database catalogs). A name given twice
    /// keeps its last definition.
    /// </summary>
    public static CatalogSnapshot Create(
        IEnumerable<ToolDefinition> tools,
        long revision,
        CatalogSource source,
        DateTimeOffset loadedAt,
        bool keepFileOrder = false,
        VariableTable? variables = null)
    {
        ArgumentNullException.ThrowIfNull(tools);
        return Create(tools, revision, source, loadedAt, keepFileOrder, new ExpressionCompiler(variables ?? VariableTable.CreateDefault()), null);
    }

    /// <summary>
    /// A snapshot of a whole new set of tools that keeps this snapshot's <see cref="Variables"/> and compiled-expression
    /// cache (a full reload: request contexts built from <see cref="Variables"/> stay valid, and expressions already
    /// compiled are not compiled again).
    /// </summary>
    /// <param name="tools">The tools' latest versions.</param>
    /// <param name="revision">The revision they reflect.</param>
    /// <param name="source">Where they came from.</param>
    /// <param name="loadedAt">When they were read.</param>
    /// <param name="keepFileOrder">Whether tools keep the order given.</param>
    /// <param name="experiments">The running experiments (<see cref="ResolveExperiments"/> of this snapshot), or null for none.</param>
    internal CatalogSnapshot Rebuild(IEnumerable<ToolDefinition> tools, long revision, CatalogSource source, DateTimeOffset loadedAt, bool keepFileOrder, RunningExperiment[]? experiments = null) =>
        Create(tools, revision, source, loadedAt, keepFileOrder, _compiler, experiments);

    /// <summary>The compiler this snapshot's expressions were compiled with (kept by every snapshot derived from it).</summary>
    internal ExpressionCompiler Compiler => _compiler;

    /// <summary>Whether this is a tenant's view (<see cref="Layer"/>) rather than a snapshot of its own.</summary>
    internal bool IsLayered => _overlay is not null;

    /// <summary>The global snapshot a tenant's view lies over; this snapshot itself when it is not a view.</summary>
    internal CatalogSnapshot Global => _base ?? this;

    /// <summary>The tenant's overlay of a view; null otherwise.</summary>
    internal TenantOverlay? Overlay => _overlay;

    private static CatalogSnapshot Create(
        IEnumerable<ToolDefinition> tools,
        long revision,
        CatalogSource source,
        DateTimeOffset loadedAt,
        bool keepFileOrder,
        ExpressionCompiler compiler,
        RunningExperiment[]? experiments)
    {
        experiments ??= [];
        var byName = new Dictionary<string, CatalogTool>(StringComparer.Ordinal);
        long order = 0;
        foreach (var definition in tools)
        {
            ArgumentNullException.ThrowIfNull(definition);
            var existing = byName.GetValueOrDefault(definition.Name);
            var position = keepFileOrder ? existing?.Order ?? ++order : 0;
            byName[definition.Name] = new CatalogTool(definition, position, compiler, ExperimentOn(experiments, definition.Name));
        }

        var buckets = new Dictionary<string, List<CompiledPattern>>(StringComparer.Ordinal);
        foreach (var tool in byName.Values)
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

        var index = new List<KeyValuePair<string, CompiledPattern[]>>(buckets.Count);
        foreach (var (capability, bucket) in buckets)
        {
            var array = bucket.ToArray();
            Array.Sort(array, CompiledPattern.CompareOrder);
            index.Add(new(capability, array));
        }

        var map = CopyOnWriteMap<CatalogTool>.Create(byName);
        var capabilityIndex = ShardedMap<CompiledPattern[]>.Create(index);
        var experimentBuckets = BuildExperimentBuckets(experiments, map, capabilityIndex);
        return new CatalogSnapshot(revision, source, loadedAt, map, capabilityIndex, compiler, keepFileOrder, order + 1, experiments, experimentBuckets);
    }

    /// <summary>The experiment of <paramref name="experiments"/> on <paramref name="toolName"/>, or null.</summary>
    private static RunningExperiment? ExperimentOn(RunningExperiment[] experiments, string toolName)
    {
        foreach (var experiment in experiments)
        {
            if (string.Equals(experiment.ToolName, toolName, StringComparison.Ordinal))
            {
                return experiment;
            }
        }

        return null;
    }

    /// <summary>
    /// The capability buckets that arms' patterns serve, each the held bucket with the arms' patterns merged in
    /// (enumeration order; all variants of a tool sit together since they share its order and name). An experiment
    /// applies only while its tool's latest version is selectable and carries it; null when no experiment applies.
    /// </summary>
    private static FrozenDictionary<string, CompiledPattern[]>? BuildExperimentBuckets(
        RunningExperiment[] experiments, CopyOnWriteMap<CatalogTool> tools, ShardedMap<CompiledPattern[]> index)
    {
        if (experiments.Length == 0)
        {
            return null;
        }

        var arms = new Dictionary<string, List<CompiledPattern>>(StringComparer.Ordinal);
        foreach (var experiment in experiments)
        {
            if (tools.GetValueOrDefault(experiment.ToolName) is not { IsSelectable: true } latest || !ReferenceEquals(latest.Experiment, experiment))
            {
                continue;
            }

            foreach (var arm in (ReadOnlySpan<CatalogTool>)[experiment.VersionA, experiment.VersionB])
            {
                foreach (var pattern in arm.Patterns)
                {
                    if (!arms.TryGetValue(pattern.CapabilityName, out var list))
                    {
                        arms[pattern.CapabilityName] = list = [];
                    }

                    list.Add(pattern);
                }
            }
        }

        if (arms.Count == 0)
        {
            return null;
        }

        var merged = new Dictionary<string, CompiledPattern[]>(arms.Count, StringComparer.Ordinal);
        foreach (var (capability, list) in arms)
        {
            var held = index.GetValueOrDefault(capability) ?? [];
            var bucket = new CompiledPattern[held.Length + list.Count];
            held.CopyTo(bucket, 0);
            list.CopyTo(bucket, held.Length);
            Array.Sort(bucket, CompiledPattern.CompareOrder);
            merged[capability] = bucket;
        }

        return merged.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>
    /// Returns the snapshot with <paramref name="changes"/> applied, touching only what changed: the tool map is copied
    /// without rehashing a name (so a lookup stays exactly a dictionary lookup), only the shards of the capability
    /// index holding changed capabilities are copied, and only the capability buckets of changed tools are rebuilt (by
    /// merging, in order), so one changed tool in a 100,000-tool catalog costs under a millisecond plus the
    /// compilation of its own expressions. This snapshot is not modified.
    /// </summary>
    /// <param name="changes">The tools' new states.</param>
    /// <param name="revision">The revision they bring the snapshot to.</param>
    /// <param name="loadedAt">When they were read.</param>
    /// <param name="experiments">The running experiments at <paramref name="revision"/> (<see cref="ResolveExperiments"/>),
    /// or null to keep this snapshot's. A tool whose experiment changed is rebuilt even when it is not in <paramref name="changes"/>.</param>
    internal CatalogSnapshot Apply(IReadOnlyList<ToolState> changes, long revision, DateTimeOffset loadedAt, RunningExperiment[]? experiments = null)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ThrowIfLayered();
        experiments ??= _experiments;
        var experimentsChanged = !experiments.AsSpan().SequenceEqual(_experiments);
        if (experimentsChanged)
        {
            // A tool that gains, loses or changes its experiment is rebuilt (its latest version carries the experiment).
            List<ToolState>? extra = null;
            foreach (var experiment in (RunningExperiment[])[.. _experiments, .. experiments])
            {
                var name = experiment.ToolName;
                if (ReferenceEquals(ExperimentOn(_experiments, name), ExperimentOn(experiments, name)) || _tools.GetValueOrDefault(name) is not { } held)
                {
                    continue;
                }

                var listed = false;
                foreach (var change in changes)
                {
                    listed |= string.Equals(change.Name, name, StringComparison.Ordinal);
                }

                if (!listed && (extra is null || !extra.Exists(e => string.Equals(e.Name, name, StringComparison.Ordinal))))
                {
                    (extra ??= []).Add(new ToolState(name, held.Definition));
                }
            }

            if (extra is not null)
            {
                changes = [.. changes, .. extra];
            }
        }

        if (changes.Count == 0)
        {
            return new CatalogSnapshot(revision, Source, loadedAt, _tools, _byCapability, _compiler, KeepsFileOrder, _nextOrder, experiments,
                experimentsChanged ? BuildExperimentBuckets(experiments, _tools, _byCapability) : _experimentBuckets, _relevance);
        }

        var toolChanges = new Dictionary<string, CatalogTool?>(changes.Count, StringComparer.Ordinal);
        var removed = new HashSet<CatalogTool>(ReferenceEqualityComparer.Instance);
        var added = new List<CatalogTool>(changes.Count);
        var affected = new HashSet<string>(StringComparer.Ordinal);
        var nextOrder = _nextOrder;

        foreach (var change in changes)
        {
            if (change.Latest is not null && !string.Equals(change.Latest.Name, change.Name, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Change for tool '{change.Name}' carries a definition named '{change.Latest.Name}'.", nameof(changes));
            }

            long order = 0;
            var old = toolChanges.TryGetValue(change.Name, out var pending) ? pending : _tools.GetValueOrDefault(change.Name);
            toolChanges[change.Name] = null;
            if (old is not null)
            {
                removed.Add(old);
                added.Remove(old);
                order = old.Order;
                if (old.IsSelectable)
                {
                    foreach (var capability in old.Definition.Capabilities)
                    {
                        affected.Add(capability.Name);
                    }
                }
            }
            else if (KeepsFileOrder)
            {
                order = nextOrder++;
            }

            if (change.Latest is { } latest)
            {
                var tool = new CatalogTool(latest, order, _compiler, ExperimentOn(experiments, change.Name));
                toolChanges[change.Name] = tool;
                added.Add(tool);
                if (tool.IsSelectable)
                {
                    foreach (var capability in latest.Capabilities)
                    {
                        affected.Add(capability.Name);
                    }
                }
            }
        }

        var bucketChanges = new List<KeyValuePair<string, CompiledPattern[]?>>(affected.Count);
        foreach (var capability in affected)
        {
            var incoming = new List<CompiledPattern>();
            foreach (var tool in added)
            {
                if (!tool.IsSelectable)
                {
                    continue;
                }

                foreach (var pattern in tool.Patterns)
                {
                    if (string.Equals(pattern.CapabilityName, capability, StringComparison.Ordinal))
                    {
                        incoming.Add(pattern);
                    }
                }
            }

            incoming.Sort(CompiledPattern.CompareOrder);
            var merged = Merge(_byCapability.GetValueOrDefault(capability) ?? [], removed, incoming);
            bucketChanges.Add(new(capability, merged.Length == 0 ? null : merged));
        }

        var tools = _tools.With(toolChanges);
        var capabilityIndex = _byCapability.With(bucketChanges);

        // The merged buckets are rebuilt only when an experiment, a tool under one, or a capability they serve changed.
        var experimentBuckets = _experimentBuckets;
        if (experimentsChanged || TouchesExperiments(experiments, toolChanges.Keys, affected, _experimentBuckets))
        {
            experimentBuckets = BuildExperimentBuckets(experiments, tools, capabilityIndex);
        }

        // The relevance index, when this snapshot has built one, is derived rather than rebuilt: the changed tools' patterns
        // leave it and their new ones enter it (only their terms' postings are rewritten). Otherwise it stays unbuilt until
        // a request with a query reads it.
        var relevance = Volatile.Read(ref _relevance)?.With(
            removed.Where(t => t.IsSelectable).SelectMany(t => t.Patterns),
            added.Where(t => t.IsSelectable).SelectMany(t => t.Patterns));
        return new CatalogSnapshot(revision, Source, loadedAt, tools, capabilityIndex, _compiler, KeepsFileOrder, nextOrder, experiments, experimentBuckets, relevance);
    }

    /// <summary>
    /// A tenant's view of <paramref name="global"/>: the global snapshot shared as is (its compiled tools and capability
    /// index are not copied), with <paramref name="overlay"/> laid over it. The view's name table is the global one with the
    /// overlay applied (its own tools and shadows set, the names it disabled removed): a table of references to the global
    /// snapshot's tool objects (about 30 bytes per visible tool), copied without hashing a name again, so that a lookup on a
    /// view is exactly a lookup on a one-tenant snapshot (one dictionary probe) rather than a probe of the overlay and then of
    /// the global table. A capability the overlay does not touch is served by the global bucket itself; only a capability the
    /// overlay touches (its own tools' capabilities, and those of the global tools it hides, their experiment arms included)
    /// holds a merged bucket: the global one minus the hidden tools' patterns plus the tenant's, in enumeration order.
    /// Given the view this one replaces (<paramref name="previous"/>), a merged bucket is kept when the overlay is the same
    /// and the global bucket it came from is the same array, so a global change rebuilds only the merged buckets of the
    /// capabilities it changed. Running experiments of the global catalog apply to the tools the tenant inherits.
    /// </summary>
    /// <param name="global">The global snapshot (not a view).</param>
    /// <param name="overlay">The tenant's overlay, compiled with <paramref name="global"/>'s compiler.</param>
    /// <param name="revision">The view's revision.</param>
    /// <param name="previous">The tenant's previous view, or null.</param>
    /// <param name="globalChanges">What changed from the global snapshot <paramref name="previous"/> lies over to
    /// <paramref name="global"/> (an incremental change), or null when unknown: when none of it touches a name or a merged
    /// capability of the overlay, the previous view's merged buckets and counts are taken over as they are.</param>
    internal static CatalogSnapshot Layer(CatalogSnapshot global, TenantOverlay overlay, long revision, CatalogSnapshot? previous,
        IReadOnlyList<CatalogToolChange>? globalChanges = null)
    {
        ArgumentNullException.ThrowIfNull(global);
        ArgumentNullException.ThrowIfNull(overlay);
        global.ThrowIfLayered();
        var held = previous is { _layer: { } layer } && ReferenceEquals(previous._overlay, overlay) ? layer : null;
        if (held is not null && globalChanges is not null && previous!._base is { } before
            && ReferenceEquals(before._experiments, global._experiments) && ReferenceEquals(before._experimentBuckets, global._experimentBuckets)
            && !Touches(globalChanges, overlay, held))
        {
            // The quick path (a change of another tenant, or a global change of tools this tenant neither hides nor shares
            // a merged capability with): the merged buckets are still right; the name table is kept when the global one is.
            var names = ReferenceEquals(before._tools, global._tools) ? previous._tools : LayerNames(global, overlay);
            return new CatalogSnapshot(global, overlay, held, names, revision,
                global.LoadedAt > overlay.LoadedAt ? global.LoadedAt : overlay.LoadedAt, previous._experiments);
        }

        var touched = new HashSet<string>(overlay.OwnBuckets.Keys, StringComparer.Ordinal);
        foreach (var name in overlay.Entries.Keys)
        {
            if (!global._tools.TryGetValue(name, out var hidden) || !hidden.IsSelectable)
            {
                continue;
            }

            foreach (var pattern in hidden.Patterns)
            {
                touched.Add(pattern.CapabilityName);
            }

            if (hidden.Experiment is { } experiment)
            {
                foreach (var pattern in (IEnumerable<CompiledPattern>)[.. experiment.VersionA.Patterns, .. experiment.VersionB.Patterns])
                {
                    touched.Add(pattern.CapabilityName);
                }
            }
        }

        var buckets = new Dictionary<string, LayerBucket>(touched.Count, StringComparer.Ordinal);
        foreach (var capability in touched)
        {
            var plainFrom = global._byCapability.GetValueOrDefault(capability) ?? [];
            var selectionFrom = global._experimentBuckets?.GetValueOrDefault(capability) ?? plainFrom;
            if (held is not null && held.TryGetValue(capability, out var kept)
                && ReferenceEquals(kept.PlainFrom, plainFrom) && ReferenceEquals(kept.SelectionFrom, selectionFrom))
            {
                buckets[capability] = kept;
                continue;
            }

            var own = overlay.OwnBuckets.GetValueOrDefault(capability) ?? [];
            var plain = MergeLayer(plainFrom, overlay, own);
            var selection = ReferenceEquals(selectionFrom, plainFrom) ? plain : MergeLayer(selectionFrom, overlay, own);
            buckets[capability] = new LayerBucket(plainFrom, plain, selectionFrom, selection);
        }

        var experiments = global._experiments.Length == 0
            ? global._experiments
            : Array.FindAll(global._experiments, e => !overlay.Hides(e.ToolName));
        var loadedAt = global.LoadedAt > overlay.LoadedAt ? global.LoadedAt : overlay.LoadedAt;
        return new CatalogSnapshot(global, overlay, buckets, LayerNames(global, overlay), revision, loadedAt, experiments);
    }

    private CatalogSnapshot(CatalogSnapshot global, TenantOverlay overlay, Dictionary<string, LayerBucket> layer, CopyOnWriteMap<CatalogTool> names,
        long revision, DateTimeOffset loadedAt, RunningExperiment[] experiments)
        : this(revision, global.Source, loadedAt, names, global._byCapability, global._compiler, global.KeepsFileOrder, global._nextOrder, experiments, null)
    {
        _base = global;
        _overlay = overlay;
        _layer = layer;
    }

    /// <summary>A view's name table: the global one with the overlay's own tools and shadows set and its disabled names removed.</summary>
    private static CopyOnWriteMap<CatalogTool> LayerNames(CatalogSnapshot global, TenantOverlay overlay) => global._tools.With(overlay.Entries);

    /// <summary>Whether a global change touches a name the overlay decides or a capability it holds merged (old or new version).</summary>
    private static bool Touches(IReadOnlyList<CatalogToolChange> changes, TenantOverlay overlay, Dictionary<string, LayerBucket> layer)
    {
        foreach (var change in changes)
        {
            if (overlay.Hides(change.Name))
            {
                return true;
            }

            foreach (var tool in (ReadOnlySpan<CatalogTool?>)[change.Previous, change.Current])
            {
                if (tool is null)
                {
                    continue;
                }

                foreach (var capability in tool.Definition.Capabilities)
                {
                    if (layer.ContainsKey(capability.Name))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    /// <summary>The global tools of <paramref name="global"/> that <paramref name="overlay"/> hides and that selection would offer.</summary>
    private static IEnumerable<CatalogTool> HiddenGlobalTools(CatalogSnapshot global, TenantOverlay overlay)
    {
        foreach (var name in overlay.Entries.Keys)
        {
            if (global._tools.TryGetValue(name, out var hidden) && hidden.IsSelectable)
            {
                yield return hidden;
            }
        }
    }

    /// <summary>A global bucket without the patterns of tools the overlay hides, merged with the tenant's own (both in enumeration order).</summary>
    private static CompiledPattern[] MergeLayer(CompiledPattern[] global, TenantOverlay overlay, CompiledPattern[] own)
    {
        var result = new List<CompiledPattern>(global.Length + own.Length);
        var j = 0;
        foreach (var pattern in global)
        {
            if (overlay.Hides(pattern.Tool.Name))
            {
                continue;
            }

            while (j < own.Length && CompiledPattern.CompareOrder(own[j], pattern) < 0)
            {
                result.Add(own[j++]);
            }

            result.Add(pattern);
        }

        while (j < own.Length)
        {
            result.Add(own[j++]);
        }

        return [.. result];
    }

    private string[] LayerCapabilities()
    {
        var names = Volatile.Read(ref _layerCapabilities);
        if (names is null)
        {
            var set = new List<string>();
            foreach (var capability in _base!.CapabilityNames)
            {
                if (!_layer!.ContainsKey(capability))
                {
                    set.Add(capability);
                }
            }

            foreach (var (capability, bucket) in _layer!)
            {
                if (bucket.Plain.Length > 0)
                {
                    set.Add(capability);
                }
            }

            names = [.. set];
            Volatile.Write(ref _layerCapabilities, names);
        }

        return names;
    }

    private void ThrowIfLayered()
    {
        if (_overlay is not null)
        {
            throw new InvalidOperationException($"This snapshot is tenant '{_overlay.Tenant}''s view of the global snapshot; derive the global snapshot and layer the overlay again.");
        }
    }

    /// <summary>A capability's merged buckets in a tenant's view, with the global arrays they were merged from.</summary>
    private sealed record LayerBucket(CompiledPattern[] PlainFrom, CompiledPattern[] Plain, CompiledPattern[] SelectionFrom, CompiledPattern[] Selection);

    private static bool TouchesExperiments(
        RunningExperiment[] experiments, IEnumerable<string> changedTools, HashSet<string> affected, FrozenDictionary<string, CompiledPattern[]>? buckets)
    {
        if (experiments.Length == 0)
        {
            return false;
        }

        foreach (var name in changedTools)
        {
            if (ExperimentOn(experiments, name) is not null)
            {
                return true;
            }
        }

        if (buckets is not null)
        {
            foreach (var capability in affected)
            {
                if (buckets.ContainsKey(capability))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Merges a sorted bucket (minus patterns of removed tools) with sorted incoming patterns, in O(n).</summary>
    private static CompiledPattern[] Merge(CompiledPattern[] existing, HashSet<CatalogTool> removed, List<CompiledPattern> incoming)
    {
        var result = new List<CompiledPattern>(existing.Length + incoming.Count);
        var j = 0;
        foreach (var pattern in existing)
        {
            if (removed.Contains(pattern.Tool))
            {
                continue;
            }

            while (j < incoming.Count && CompiledPattern.CompareOrder(incoming[j], pattern) < 0)
            {
                result.Add(incoming[j++]);
            }

            result.Add(pattern);
        }

        while (j < incoming.Count)
        {
            result.Add(incoming[j++]);
        }

        return [.. result];
    }
}
