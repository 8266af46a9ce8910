using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpsConductor.ToolCatalog.Diagnostics;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Validation;

namespace OpsConductor.ToolCatalog.Profiles;

/// <summary>
/// The original OpsConductor-NG <c>ProfileLoader</c>'s operations over the runtime catalog: <see cref="Load"/>,
/// <see cref="GetToolProfile"/>, <see cref="GetAllTools"/>, <see cref="InvalidateCache"/>, <see cref="Reload"/> and
/// <see cref="ValidateExpressions"/>, returning its data classes (<see cref="OptimizationProfilesConfig"/>,
/// <see cref="ToolProfile"/>, …) with the tools' defaults applied. Only selectable tools (enabled and active, as the
/// original's query) with at least one pattern appear.
/// </summary>
/// <remarks>
/// <para>Unlike the original, the profiles are not a private copy cached forever: they are built from the shared
/// <see cref="IToolCatalog.Current"/> snapshot, which hot reload keeps current, so every change (and every
/// <see cref="Reload"/>) reaches every reader. <see cref="Load"/> returns the same object until the snapshot changes;
/// a tool's <see cref="ToolProfile"/> is built once per version of the tool and reused across unrelated changes.</para>
/// <para>Invalidating or reloading one tool touches just that tool. The synchronous <see cref="Reload"/> and
/// <see cref="Load"/>(<c>forceReload: true</c>) block while the source is read; prefer their async twins.</para>
/// <para>Thread-safe; create one per catalog and share it.</para>
/// </remarks>
public sealed class ProfileLoader
{
    private readonly IToolCatalog _catalog;
    private readonly CatalogMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly ConditionalWeakTable<CatalogTool, ToolProfile> _profiles = [];
    private CachedConfig? _config;

    /// <summary>Creates the facade over <paramref name="catalog"/>.</summary>
    /// <param name="catalog">The runtime catalog (a started <see cref="ToolCatalogRuntime"/>, or any <see cref="IToolCatalog"/>).</param>
    /// <param name="loggerFactory">Where to log (event ids 5100–5149); nowhere when null.</param>
    public ProfileLoader(IToolCatalog catalog, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        _catalog = catalog;
        _metrics = (catalog as ToolCatalogRuntime)?.Metrics;
        _logger = (ILogger?)loggerFactory?.CreateLogger(ToolCatalogDiagnostics.ProfilesLogCategory) ?? NullLogger.Instance;
    }

    /// <summary>The catalog the profiles are read from.</summary>
    public IToolCatalog Catalog => _catalog;

    /// <summary>Where the profiles being served come from (database, YAML, or none yet).</summary>
    public CatalogSource Source => _catalog.Source;

    /// <summary>
    /// The whole configuration. The same object is returned until the catalog changes; with
    /// <paramref name="forceReload"/> the catalog first catches up with its source (blocking: prefer <see cref="LoadAsync"/>).
    /// </summary>
    /// <exception cref="ProfileLoadException">No catalog has been loaded yet, or the forced reload failed.</exception>
    public OptimizationProfilesConfig Load(bool forceReload = false) =>
        forceReload ? Block(ReloadAsync(null, CancellationToken.None)) : Build(_catalog.Current);

    /// <summary>As <see cref="Load"/>; with <paramref name="forceReload"/> the catch-up is awaited.</summary>
    /// <exception cref="ProfileLoadException">No catalog has been loaded yet, or the forced reload failed.</exception>
    public async Task<OptimizationProfilesConfig> LoadAsync(bool forceReload = false, CancellationToken cancellationToken = default) =>
        forceReload ? await ReloadAsync(null, cancellationToken).ConfigureAwait(false) : Build(_catalog.Current);

    /// <summary>The profile of <paramref name="toolName"/> (exact name), or null when the catalog has no selectable tool of that name.</summary>
    /// <exception cref="ProfileLoadException">No catalog has been loaded yet.</exception>
    public ToolProfile? GetToolProfile(string toolName)
    {
        ArgumentNullException.ThrowIfNull(toolName);
        var snapshot = _catalog.Current;
        ThrowIfNothingLoaded(snapshot);
        var profile = snapshot.FindTool(toolName) is { } tool ? ProfileOf(tool) : null;
        _metrics?.Lookup(profile is not null, snapshot.Source);
        return profile;
    }

    /// <summary>Every tool's profile by name, in catalog order.</summary>
    /// <exception cref="ProfileLoadException">No catalog has been loaded yet.</exception>
    public IReadOnlyDictionary<string, ToolProfile> GetAllTools() => Load().Tools;

    /// <summary>
    /// Drops cached profiles: of <paramref name="toolName"/> only (the other tools' profiles are kept), or all of them
    /// when null. They are built again from the current snapshot on next use. Reads nothing from the source; to read
    /// the tool again from the database or the files, use <see cref="Reload"/>.
    /// </summary>
    public void InvalidateCache(string? toolName = null)
    {
        if (toolName is null)
        {
            _profiles.Clear();
        }
        else if (_catalog.Current.FindTool(toolName) is { } tool)
        {
            _profiles.Remove(tool);
        }

        Volatile.Write(ref _config, null);
        ProfilesLog.CacheInvalidated(_logger, toolName ?? "every tool");
    }

    /// <summary>
    /// Reads <paramref name="toolName"/> (just that tool), or the whole catalog when null, from the source again,
    /// publishes it in the shared catalog (every reader sees it) and returns the configuration. Blocks while the source
    /// is read: prefer <see cref="ReloadAsync"/>.
    /// </summary>
    /// <exception cref="ProfileLoadException">The source could not be read; the catalog keeps serving what it had.</exception>
    public OptimizationProfilesConfig Reload(string? toolName = null) => Block(ReloadAsync(toolName, CancellationToken.None));

    /// <summary>As <see cref="Reload"/>, awaited.</summary>
    /// <exception cref="ProfileLoadException">The source could not be read; the catalog keeps serving what it had.</exception>
    /// <exception cref="FileNotFoundException">The YAML file or folder is gone (the original's message).</exception>
    public async Task<OptimizationProfilesConfig> ReloadAsync(string? toolName = null, CancellationToken cancellationToken = default)
    {
        try
        {
            if (toolName is null)
            {
                await _catalog.RefreshAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _catalog.ReloadToolAsync(toolName, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (CatalogLoadException e)
        {
            throw new ProfileLoadException(e.Message, e);
        }
        catch (Npgsql.NpgsqlException e)
        {
            throw new ProfileLoadException($"Failed to load profiles from database: {ToolCatalogRuntime.Describe(e)}", e);
        }
        catch (TimeoutException e)
        {
            throw new ProfileLoadException($"Failed to load profiles from database: {e.Message}", e);
        }

        InvalidateCache(toolName);
        return Build(_catalog.Current);
    }

    /// <summary>
    /// Checks every selectable tool's <c>time_estimate_ms</c>, <c>cost_estimate</c> and
    /// <c>policy.requires_background_if</c> with the catalog's one validator (<see cref="ToolValidator"/>, in the
    /// mode of <c>toolcatalog validate --strict</c>), so the same tools get the same answer here and there: an
    /// expression that does not compile, is empty or too long, or uses a variable that neither the defaults nor the
    /// pattern's declared inputs provide. Returns one message per finding, in the original's format
    /// <c>"{tool}.{capability}.{pattern}.time_estimate_ms: {message}"</c>; empty when there is nothing to report.
    /// </summary>
    /// <remarks>
    /// The original evaluated each expression once with a fixed test context (<c>N = 100</c>, <c>pages = 5</c>, …),
    /// which reported inputs a pattern declares as "not defined" and values that only that context produces (a
    /// division by <c>N - 100</c>). Evaluation for a real request is selection's job, which excludes such a pattern
    /// with the reason.
    /// </remarks>
    /// <exception cref="ProfileLoadException">No catalog has been loaded yet.</exception>
    public IReadOnlyList<string> ValidateExpressions()
    {
        var snapshot = _catalog.Current;
        ThrowIfNothingLoaded(snapshot);
        var validator = new ToolValidator(ValidationOptions.StrictOriginal);
        var messages = new List<string>();
        foreach (var tool in snapshot.Tools)
        {
            if (ProfileOf(tool) is null)
            {
                continue;
            }

            foreach (var finding in validator.Validate(tool.Definition).Findings)
            {
                if (ExpressionFieldOf(finding.Path) is { } where)
                {
                    messages.Add($"{tool.Name}.{where}: {finding.Message}");
                }
            }
        }

        return messages;
    }

    /// <summary>
    /// For a finding's path at an expression field (<c>capabilities.C.patterns.P.time_estimate_ms</c>,
    /// <c>….cost_estimate</c>, <c>….policy.requires_background_if</c>), the original's <c>C.P.field</c>; else null.
    /// </summary>
    private static string? ExpressionFieldOf(string path)
    {
        if (!(path.EndsWith(".time_estimate_ms", StringComparison.Ordinal) || path.EndsWith(".cost_estimate", StringComparison.Ordinal)
              || path.EndsWith(".policy.requires_background_if", StringComparison.Ordinal)))
        {
            return null;
        }

        const string capabilities = "capabilities.";
        var relative = path.StartsWith(capabilities, StringComparison.Ordinal) ? path[capabilities.Length..] : path;
        return relative.Replace(".patterns.", ".", StringComparison.Ordinal);
    }

    private OptimizationProfilesConfig Build(CatalogSnapshot snapshot)
    {
        ThrowIfNothingLoaded(snapshot);
        var cached = Volatile.Read(ref _config);
        if (cached is not null && ReferenceEquals(cached.Snapshot, snapshot))
        {
            return cached.Config;
        }

        var tools = new List<KeyValuePair<string, ToolProfile>>(snapshot.ToolCount);
        foreach (var tool in snapshot.Tools)
        {
            if (ProfileOf(tool) is { } profile)
            {
                tools.Add(KeyValuePair.Create(tool.Name, profile));
            }
        }

        var version = (_catalog as ToolCatalogRuntime)?.ProfilesVersion;
        var entry = new CachedConfig(snapshot, new OptimizationProfilesConfig(version, tools));
        var winner = Interlocked.CompareExchange(ref _config, entry, cached);
        return winner != cached && winner is not null && ReferenceEquals(winner.Snapshot, snapshot) ? winner.Config : entry.Config;
    }

    /// <summary>The tool's profile, built once per catalog tool (a version of the tool in the snapshots that share it).</summary>
    private ToolProfile? ProfileOf(CatalogTool tool)
    {
        if (!tool.IsSelectable)
        {
            return null;
        }

        if (_profiles.TryGetValue(tool, out var cached))
        {
            return cached;
        }

        var profile = CreateProfile(tool);
        return profile is null ? null : _profiles.GetValue(tool, _ => profile);
    }

    /// <summary>
    /// The original's transform: capabilities without patterns and tools without capabilities are left out; a capability
    /// named twice merges its patterns (the last pattern of a name wins), as the original's dict assignment did.
    /// </summary>
    private static ToolProfile? CreateProfile(CatalogTool tool)
    {
        var definition = tool.Definition;
        var capabilities = new List<KeyValuePair<string, List<KeyValuePair<string, PatternProfile>>>>();
        foreach (var capability in definition.Capabilities)
        {
            if (capability.Patterns.Count == 0)
            {
                continue;
            }

            var patterns = capabilities.Find(c => string.Equals(c.Key, capability.Name, StringComparison.Ordinal)).Value;
            if (patterns is null)
            {
                patterns = [];
                capabilities.Add(KeyValuePair.Create(capability.Name, patterns));
            }

            foreach (var pattern in capability.Patterns)
            {
                patterns.Add(KeyValuePair.Create(pattern.Name, PatternProfile.From(pattern.WithDefaults(definition.Defaults))));
            }
        }

        if (capabilities.Count == 0)
        {
            return null;
        }

        return new ToolProfile
        {
            Description = definition.Description,
            Defaults = definition.Defaults,
            Capabilities = new ProfileMap<CapabilityProfile>(capabilities.Select(c =>
                KeyValuePair.Create(c.Key, new CapabilityProfile { Patterns = new ProfileMap<PatternProfile>(c.Value) }))),
        };
    }

    private void ThrowIfNothingLoaded(CatalogSnapshot snapshot)
    {
        if (snapshot.Source == CatalogSource.None)
        {
            var health = _catalog.Health;
            var what = (_catalog as ToolCatalogRuntime)?.Mode == CatalogMode.Yaml ? "YAML" : "database";
            throw new ProfileLoadException($"Failed to load profiles from {what}: {health.Description}");
        }
    }

    /// <summary>Waits for an operation of the synchronous, original-compatible surface (every await inside uses ConfigureAwait(false)).</summary>
    private static T Block<T>(Task<T> task) => task.GetAwaiter().GetResult();

    private sealed record CachedConfig(CatalogSnapshot Snapshot, OptimizationProfilesConfig Config);
}
