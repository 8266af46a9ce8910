using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Decisions;

/// <summary>
/// What-if replay: runs the decisions logged in a window again against the current catalog and against the same
/// catalog with a draft of changed tools laid over it (a draft tool replaces the stored tool of the same name, or is
/// added), and reports which decisions would change and how — before anyone publishes the draft. Reads only: the
/// catalog is never written. Each request is run with the mode, weights, policy mode and ambiguity epsilon it was
/// decided with (from the log) and the other <see cref="SelectionOptions"/> given here; the deterministic winner is
/// compared (a tie-breaker is not consulted).
/// </summary>
public sealed class DecisionReplay
{
    private readonly ToolCatalogStore _store;
    private readonly SelectionOptions? _options;
    private readonly TimeProvider _time;

    /// <summary>Creates a replay over <paramref name="store"/>.</summary>
    /// <param name="store">The catalog's store: the current catalog and the decision log are read from it.</param>
    /// <param name="options">The selection options other than what each decision logged (aliases, non-production environments, normalisation); the defaults when null.</param>
    /// <param name="timeProvider">The clock for the window; the system clock when null.</param>
    public DecisionReplay(ToolCatalogStore store, SelectionOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Replays the newest <paramref name="limit"/> decisions logged within <paramref name="window"/> of now against the
    /// current catalog, with and without <paramref name="draft"/>.
    /// </summary>
    /// <param name="draft">The draft tools (valid definitions, for example from <c>CatalogFiles.Load</c>); a name given twice keeps its last definition.</param>
    /// <param name="window">How far back to read the log (for example 7 days).</param>
    /// <param name="limit">The most decisions replayed (the newest first), from 1 to 1,000,000.</param>
    /// <param name="cancellationToken">Cancels the replay.</param>
    /// <returns>The changes and the summary.</returns>
    public async Task<DecisionReplayReport> ReplayAsync(IReadOnlyList<ToolDefinition> draft, TimeSpan window, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 1_000_000);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(window.Ticks, nameof(window));
        var now = _time.GetUtcNow();
        var since = now - window;
        var state = await _store.LoadCatalogAsync(cancellationToken).ConfigureAwait(false);
        var rows = await _store.ReadDecisionsAsync(since, limit, cancellationToken).ConfigureAwait(false);
        var stored = state.Tools.Select(t => t.Definition).ToList();
        var current = CatalogSnapshot.Create(stored, state.Revision, CatalogSource.Database, now);
        return Replay(current, Overlay(stored, draft, state.Revision, now), rows, since, cancellationToken);
    }

    /// <summary>The stored tools with the draft laid over them: same names replaced, new names added.</summary>
    internal static CatalogSnapshot Overlay(IReadOnlyList<ToolDefinition> stored, IReadOnlyList<ToolDefinition> draft, long revision, DateTimeOffset now)
    {
        var byName = new Dictionary<string, ToolDefinition>(StringComparer.Ordinal);
        foreach (var tool in stored)
        {
            byName[tool.Name] = tool;
        }

        foreach (var tool in draft)
        {
            ArgumentNullException.ThrowIfNull(tool, nameof(draft));
            byName[tool.Name] = tool;
        }

        return CatalogSnapshot.Create(byName.Values, revision, CatalogSource.Database, now);
    }

    /// <summary>Runs every logged request against both snapshots and compares the winners.</summary>
    internal DecisionReplayReport Replay(CatalogSnapshot current, CatalogSnapshot drafted, IReadOnlyList<DecisionRow> rows, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var selectors = new Dictionary<(PolicyMode, PreferenceMode, FeatureWeights, double), ToolSelector>();
        var changes = new List<DecisionChange>();
        int replayed = 0, changed = 0, estimateChanged = 0, unchanged = 0, newlyWithout = 0, newlyWith = 0, unreadable = 0;
        string? firstProblem = null;
        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var logged = DecisionJson.ReadRequest(row.Request, out var problem);
            ReplayChoice? before, after;
            try
            {
                if (logged is null)
                {
                    throw new FormatException(problem);
                }

                var key = (logged.Policy, logged.Mode, logged.Weights, logged.Epsilon);
                if (!selectors.TryGetValue(key, out var selector))
                {
                    selector = new ToolSelector(For(logged));
                    selectors[key] = selector;
                }

                before = Choice(selector.Evaluate(current, logged.Request));
                after = Choice(selector.Evaluate(drafted, logged.Request));
            }
            catch (Exception e) when (e is FormatException or InvalidSelectionRequestException or ArgumentException)
            {
                unreadable++;
                firstProblem ??= $"decision {row.SelectionId}: {e.Message}";
                continue;
            }

            replayed++;
            var kind = Compare(before, after);
            switch (kind)
            {
                case DecisionChangeKind.Unchanged:
                    unchanged++;
                    continue;
                case DecisionChangeKind.EstimateChanged:
                    estimateChanged++;
                    break;
                case DecisionChangeKind.NoCandidate:
                    changed++;
                    newlyWithout++;
                    break;
                case DecisionChangeKind.NewCandidate:
                    changed++;
                    newlyWith++;
                    break;
                default:
                    changed++;
                    break;
            }

            var logChoice = row.ChosenTool is null ? null
                : new ReplayChoice(row.ChosenTool, row.ChosenVersion ?? "", row.ChosenCapability ?? "", row.ChosenPattern ?? "", row.EstimatedTimeMs ?? double.NaN, row.EstimatedCost ?? double.NaN, row.Score ?? double.NaN);
            changes.Add(new DecisionChange(row.SelectionId, row.DecidedAt, row.CatalogRevision, logged!.Request.Capabilities, kind, logChoice, before, after));
        }

        changes.Reverse(); // oldest first
        return new DecisionReplayReport(since, current.Revision, rows.Count, replayed, changed, estimateChanged, unchanged, newlyWithout, newlyWith, unreadable, firstProblem, changes);
    }

    private SelectionOptions For(LoggedRequest logged)
    {
        var options = new SelectionOptions
        {
            PolicyMode = logged.Policy,
            AmbiguityEpsilon = logged.Epsilon,
        };
        if (_options is not null)
        {
            options.Normalization = _options.Normalization;
            options.Aliases = _options.Aliases;
            options.RequireApprovalForElevated = _options.RequireApprovalForElevated;
            options.NonProductionEnvironments.Clear();
            options.NonProductionEnvironments.UnionWith(_options.NonProductionEnvironments);
        }

        options.CustomWeights[logged.Mode] = logged.Weights;
        return options;
    }

    private static ReplayChoice? Choice(SelectionEvaluation evaluation)
    {
        if (evaluation.Ranked.Count == 0)
        {
            return null;
        }

        var winner = evaluation.Ranked[0];
        var candidate = winner.Candidate;
        return new ReplayChoice(candidate.ToolName, candidate.Pattern.Tool.Definition.Version, candidate.CapabilityName, candidate.PatternName, candidate.EstimatedTimeMs, candidate.EstimatedCost, winner.Score);
    }

    private static DecisionChangeKind Compare(ReplayChoice? before, ReplayChoice? after)
    {
        if (before is null)
        {
            return after is null ? DecisionChangeKind.Unchanged : DecisionChangeKind.NewCandidate;
        }

        if (after is null)
        {
            return DecisionChangeKind.NoCandidate;
        }

        if (!string.Equals(before.Tool, after.Tool, StringComparison.Ordinal)
            || !string.Equals(before.Capability, after.Capability, StringComparison.Ordinal)
            || !string.Equals(before.Pattern, after.Pattern, StringComparison.Ordinal))
        {
            return DecisionChangeKind.ChoiceChanged;
        }

        return before.EstimatedTimeMs.Equals(after.EstimatedTimeMs) && before.EstimatedCost.Equals(after.EstimatedCost)
            ? DecisionChangeKind.Unchanged
            : DecisionChangeKind.EstimateChanged;
    }
}

/// <summary>How a replayed decision differs with the draft.</summary>
public enum DecisionChangeKind
{
    /// <summary>The same tool, capability and pattern with the same estimates.</summary>
    Unchanged,

    /// <summary>Another tool, capability or pattern would be chosen.</summary>
    ChoiceChanged,

    /// <summary>The same choice, with a different estimated time or cost.</summary>
    EstimateChanged,

    /// <summary>Something is chosen today; with the draft, no candidate is left.</summary>
    NoCandidate,

    /// <summary>Nothing could be chosen today; with the draft, something is.</summary>
    NewCandidate,
}

/// <summary>A choice of a replayed (or logged) decision.</summary>
/// <param name="Tool">The tool.</param>
/// <param name="Version">Its version.</param>
/// <param name="Capability">The capability.</param>
/// <param name="Pattern">The pattern.</param>
/// <param name="EstimatedTimeMs">The estimated time, in milliseconds.</param>
/// <param name="EstimatedCost">The estimated cost.</param>
/// <param name="Score">The score.</param>
public sealed record ReplayChoice(string Tool, string Version, string Capability, string Pattern, double EstimatedTimeMs, double EstimatedCost, double Score);

/// <summary>One logged decision that the draft would change.</summary>
/// <param name="SelectionId">The decision's selection id.</param>
/// <param name="DecidedAt">When it was decided.</param>
/// <param name="CatalogRevision">The catalog revision it was decided on.</param>
/// <param name="Capabilities">The requested capabilities.</param>
/// <param name="Kind">How it changes.</param>
/// <param name="Logged">What was chosen then (null when nothing was).</param>
/// <param name="Before">What the current catalog chooses (null: no candidate).</param>
/// <param name="After">What the catalog with the draft would choose (null: no candidate).</param>
public sealed record DecisionChange(
    string SelectionId,
    DateTimeOffset DecidedAt,
    long CatalogRevision,
    IReadOnlyList<string> Capabilities,
    DecisionChangeKind Kind,
    ReplayChoice? Logged,
    ReplayChoice? Before,
    ReplayChoice? After);

/// <summary>What a replay found.</summary>
/// <param name="Since">The start of the window.</param>
/// <param name="Revision">The current catalog's revision (the draft is laid over it).</param>
/// <param name="Read">Decisions read from the log.</param>
/// <param name="Replayed">Decisions run again.</param>
/// <param name="Changed">Decisions whose choice would change (another pattern, or no candidate left, or a candidate found).</param>
/// <param name="EstimateChanged">Decisions with the same choice but a different estimate.</param>
/// <param name="Unchanged">Decisions the draft does not change.</param>
/// <param name="NewlyWithoutCandidate">Decisions that would have no candidate with the draft.</param>
/// <param name="NewlyWithCandidate">Decisions without a candidate today that would have one with the draft.</param>
/// <param name="Unreadable">Logged decisions that could not be run again (see <paramref name="FirstProblem"/>).</param>
/// <param name="FirstProblem">Why the first unreadable decision could not be run again.</param>
/// <param name="Changes">The decisions that change (choice or estimate), oldest first.</param>
public sealed record DecisionReplayReport(
    DateTimeOffset Since,
    long Revision,
    int Read,
    int Replayed,
    int Changed,
    int EstimateChanged,
    int Unchanged,
    int NewlyWithoutCandidate,
    int NewlyWithCandidate,
    int Unreadable,
    string? FirstProblem,
    IReadOnlyList<DecisionChange> Changes);
