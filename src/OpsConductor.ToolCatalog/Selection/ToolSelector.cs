using System.Globalization;
using OpsConductor.ToolCatalog.Compatibility;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Telemetry;

namespace OpsConductor.ToolCatalog.Selection;

/// <summary>
/// The HybridOrchestrator's selection step: enumerate candidates for the required capabilities, drop those a
/// policy forbids (saying why), rank the rest for the user's preference, and choose — deterministically, or through
/// the host's <see cref="ITieBreaker"/> when the top two are within epsilon. Reads only the snapshot: no database,
/// no locks. Thread-safe; create once and reuse.
/// </summary>
public sealed class ToolSelector
{
    private static readonly string[] Justifications =
    [
        "Selected for fast response time. Optimized for speed preference.",
        "Selected for high accuracy. Provides reliable data.",
        "Selected for comprehensive results. Provides complete coverage.",
        "Selected for low cost. Most economical option.",
        "Selected for simplicity. Easy to use and understand.",
        "Selected based on balanced optimization across all dimensions.",
    ];

    private readonly SelectionOptions _options;
    private readonly CandidateEnumerator _enumerator;
    private readonly FeatureNormalizer _normalizer;
    private readonly FeatureWeights[] _weights;
    private readonly FeatureWeights[] _queryWeights;
    private readonly FeatureWeights[] _queryOnlyWeights;
    private readonly ITieBreaker? _tieBreaker;
    private readonly TimeProvider _time;
    private readonly HashSet<string> _nonProduction;
    private readonly ITimeCalibrationSource? _calibrations;

    /// <summary>Creates a selector.</summary>
    /// <param name="options">Policy and scoring options; the defaults when null.</param>
    /// <param name="tieBreaker">The host's tie-breaker, consulted by <see cref="SelectAsync"/> for close calls.</param>
    /// <param name="timeProvider">The clock for the tie-breaker's timeout; the system clock when null.</param>
    /// <param name="calibrations">Where calibrated times come from (<see cref="CalibrationUse"/>); without it, no candidate is calibrated.</param>
    public ToolSelector(SelectionOptions? options = null, ITieBreaker? tieBreaker = null, TimeProvider? timeProvider = null, ITimeCalibrationSource? calibrations = null)
    {
        _options = (options ?? new SelectionOptions()).Validate();
        _enumerator = new CandidateEnumerator(_options.Aliases);
        _normalizer = new FeatureNormalizer(_options.Normalization);
        var modes = Enum.GetValues<PreferenceMode>();
        _weights = [.. modes.Select(m => _options.WeightsFor(m).WithRelevance(0))];
        _queryWeights = [.. modes.Select(m => _options.WeightsFor(m) is var w && w.Relevance == 0 && _options.ScoringMode != ScoringMode.Compatible ? w.WithRelevance(_options.RelevanceWeight) : w)];
        _queryOnlyWeights = [.. modes.Select(m => _options.WeightsFor(m) is var w && w.Relevance == 0 ? w.WithRelevance(_options.QueryOnlyRelevanceWeight) : w)];
        _tieBreaker = tieBreaker;
        _time = timeProvider ?? TimeProvider.System;
        _nonProduction = new HashSet<string>(_options.NonProductionEnvironments.Select(e => e.Trim()), StringComparer.OrdinalIgnoreCase);
        _calibrations = calibrations;
    }

    /// <summary>The options in use.</summary>
    public SelectionOptions Options => _options;

    /// <summary>
    /// Enumerates, filters and ranks without choosing: never throws for "nothing to choose" (the ranking is then
    /// empty and <see cref="SelectionEvaluation.Excluded"/> says why).
    /// </summary>
    /// <exception cref="InvalidSelectionRequestException">The request cannot be answered (see <see cref="SelectionRequest.Validate"/>); the message names the field.</exception>
    public SelectionEvaluation Evaluate(CatalogSnapshot snapshot, SelectionRequest request)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(request);
        SelectionRequestRules.CheckFields(request);
        var mode = PreferenceDetector.Detect(request.Query, request.ExplicitMode);
        var capabilities = request.Capabilities ?? [];
        var queryOnly = capabilities.Count == 0;
        var weights = queryOnly ? _queryOnlyWeights[(int)mode] : _weights[(int)mode];
        RelevanceQuery? query = null;
        QueryRelevance? relevance = null;
        if (queryOnly || (_queryWeights[(int)mode].Relevance != 0 && !string.IsNullOrWhiteSpace(request.Query)))
        {
            query = snapshot.Relevance.Parse(request.Query);
            weights = queryOnly ? weights : _queryWeights[(int)mode];
            (capabilities, relevance) = queryOnly ? Search(snapshot.Relevance, query, request.Query!) : (capabilities, Describe(query, request.Query!));
        }

        var context = CandidateEnumerator.CreateContext(snapshot, request.Variables, request.Context);
        var environmentName = request.Environment.Trim();
        var environment = new RequestEnvironment(environmentName, request.RequireProductionSafe && !_nonProduction.Contains(environmentName));

        var candidates = new List<ToolCandidate>(8);
        var excluded = new List<ExcludedCandidate>();
        var arms = new ArmChooser(request.AssignmentKey, environmentName, request.User, request.Groups);
        _enumerator.Enumerate(snapshot, capabilities, context, candidates, excluded, ref arms);

        var use = request.Calibration ?? _options.Calibration;
        var calibrations = use == CalibrationUse.Off ? null : _calibrations?.Current;
        var ranked = new RankedCandidate[candidates.Count];
        var count = 0;
        foreach (var candidate in candidates)
        {
            if (PolicyEnforcer.Check(candidate, request, environment, context, _options, out var outcome) is { } violation)
            {
                excluded.Add(violation);
                continue;
            }

            var pattern = candidate.Pattern;
            var time = candidate.EstimatedTimeMs;
            var timeSource = TimeSource.Catalog;
            if (calibrations?.Find(pattern.ToolName, pattern.Tool.Definition.Version, pattern.CapabilityName, pattern.PatternName) is { } calibration)
            {
                candidate.Calibrate(calibration);
                if (use == CalibrationUse.Rank)
                {
                    time = calibration.Calibration.P50(time);
                    timeSource = TimeSource.TelemetryP50;
                }
            }

            var features = new ScoreFeatures(
                _normalizer.NormalizeTime(time),
                _normalizer.NormalizeCost(candidate.EstimatedCost),
                pattern.Simplicity,
                pattern.Accuracy,
                pattern.Completeness,
                pattern.DeclaredSpeed,
                pattern.DeclaredCost,
                pattern.DeclaredSimplicity);
            ranked[count++] = new RankedCandidate(candidate, features, features.Score(weights), outcome, timeSource);
        }

        if (query is not null && count > 0)
        {
            ScoreRelevance(query, ranked.AsSpan(0, count), weights, relevance);
        }

        // Stable: equal scores keep enumeration order (insertion sort; candidate lists are short).
        for (var i = 1; i < count; i++)
        {
            var current = ranked[i];
            var j = i - 1;
            while (j >= 0 && ranked[j].Score < current.Score)
            {
                ranked[j + 1] = ranked[j];
                j--;
            }

            ranked[j + 1] = current;
        }

        if (count != ranked.Length)
        {
            Array.Resize(ref ranked, count);
        }

        return relevance is null
            ? new SelectionEvaluation(capabilities, mode, weights, ranked, excluded, candidates.Count, snapshot.Revision, _options.AmbiguityEpsilon)
            : new QuerySelectionEvaluation(capabilities, mode, weights, ranked, excluded, candidates.Count, snapshot.Revision, _options.AmbiguityEpsilon, relevance);
    }

    /// <summary>
    /// Chooses deterministically: the highest score, ties to enumeration order. Close calls are flagged with a
    /// clarifying question but not sent to a tie-breaker (use <see cref="SelectAsync"/> for that).
    /// </summary>
    /// <exception cref="ToolSelectionException">No candidate, or every candidate violates a policy.</exception>
    /// <exception cref="InvalidSelectionRequestException">The request cannot be answered; the message names the field.</exception>
    public ToolSelectionResult Select(CatalogSnapshot snapshot, SelectionRequest request)
    {
        var evaluation = Evaluate(snapshot, request);
        var (ambiguous, question) = CheckAmbiguity(evaluation);
        return new ToolSelectionResult(evaluation, evaluation.Ranked[0], SelectionMethod.Deterministic, Justifications[(int)evaluation.Mode], ambiguous, question, null);
    }

    /// <summary>
    /// Chooses as <see cref="Select"/>, but when the top two are within epsilon and a tie-breaker was given, lets it
    /// choose between them (matching the winner by tool <em>and</em> pattern). If the tie-breaker abstains, fails or
    /// times out (<see cref="SelectionOptions.TieBreakTimeout"/>), the deterministic winner stands and
    /// <see cref="ToolSelectionResult.TieBreakNote"/> says why.
    /// </summary>
    /// <exception cref="ToolSelectionException">No candidate, or every candidate violates a policy.</exception>
    /// <exception cref="InvalidSelectionRequestException">The request cannot be answered; the message names the field.</exception>
    public async ValueTask<ToolSelectionResult> SelectAsync(CatalogSnapshot snapshot, SelectionRequest request, CancellationToken cancellationToken = default)
    {
        var evaluation = Evaluate(snapshot, request);
        var (ambiguous, question) = CheckAmbiguity(evaluation);
        var deterministic = evaluation.Ranked[0];
        var justification = Justifications[(int)evaluation.Mode];
        if (!ambiguous || _tieBreaker is null)
        {
            return new ToolSelectionResult(evaluation, deterministic, SelectionMethod.Deterministic, justification, ambiguous, question, null);
        }

        var second = evaluation.Ranked[1];
        var tieRequest = new TieBreakRequest(request.Query, evaluation.Mode, deterministic, second, Math.Abs(deterministic.Score - second.Score));
        using var timeout = new CancellationTokenSource(_options.TieBreakTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        string note;
        try
        {
            var decision = await _tieBreaker.BreakTieAsync(tieRequest, linked.Token).ConfigureAwait(false);
            if (decision is not null && !string.IsNullOrWhiteSpace(decision.Justification))
            {
                var chosen = decision.ChooseSecond ? second : deterministic;
                return new ToolSelectionResult(evaluation, chosen, SelectionMethod.TieBreaker, decision.Justification, ambiguous, question,
                    $"Tie-breaker chose {(decision.ChooseSecond ? "option B" : "option A")} ({chosen.Candidate.Key}).");
            }

            note = "Tie-breaker abstained; kept the deterministic winner.";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            note = $"Tie-breaker did not answer within {_options.TieBreakTimeout.TotalSeconds:0.###} s; kept the deterministic winner.";
        }
#pragma warning disable CA1031 // A failing host tie-breaker must not fail the selection: the deterministic winner stands, and the note says why.
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            note = $"Tie-breaker failed ({e.GetType().Name}: {e.Message}); kept the deterministic winner.";
        }

        return new ToolSelectionResult(evaluation, deterministic, SelectionMethod.Deterministic, justification, ambiguous, question, note);
    }

    /// <summary>
    /// The path of a selection that shows its work (the REST API's <c>POST /api/v1/select</c>, the admin UI's playground):
    /// validates <paramref name="request"/> (<see cref="SelectionRequest.Validate"/>), chooses as <see cref="SelectAsync"/>,
    /// and when nothing is viable answers with the evaluation (every exclusion with its reason) instead of an exception.
    /// </summary>
    /// <param name="snapshot">The snapshot to select from.</param>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the tie-breaker's wait.</param>
    /// <returns>The choice, or none with the evaluation and why.</returns>
    /// <exception cref="InvalidSelectionRequestException">The request breaks a rule; <see cref="InvalidSelectionRequestException.WireField"/> names its field.</exception>
    public async ValueTask<SelectionOutcome> SelectOrEvaluateAsync(CatalogSnapshot snapshot, SelectionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        try
        {
            var selected = await SelectAsync(snapshot, request, cancellationToken).ConfigureAwait(false);
            return new SelectionOutcome(selected.Evaluation, selected, null);
        }
        catch (ToolSelectionException e)
        {
            return new SelectionOutcome(Evaluate(snapshot, request), null, e.Message);
        }
    }

    /// <summary>
    /// The time and cost of <paramref name="patterns"/> for <paramref name="variables"/>, evaluated exactly as
    /// <see cref="Evaluate"/> evaluates candidates (the same variable rules and defaults, each pattern's declared input
    /// defaults), whether or not their tool is selectable; no policy is applied. The patterns must be
    /// <paramref name="snapshot"/>'s (<see cref="CatalogTool.Patterns"/> of a tool it holds).
    /// </summary>
    /// <param name="snapshot">The snapshot the patterns belong to.</param>
    /// <param name="patterns">The patterns to estimate, in the order wanted.</param>
    /// <param name="variables">The request's variables by name; null or missing ones take the evaluator's defaults.</param>
    /// <returns>One estimate per pattern, in order.</returns>
    /// <exception cref="InvalidSelectionRequestException">A variable breaks a rule (<see cref="SelectionRequest.Variables"/>); the message names it.</exception>
    public static IReadOnlyList<PatternEstimate> Estimate(CatalogSnapshot snapshot, IEnumerable<CompiledPattern> patterns, IReadOnlyDictionary<string, double>? variables)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(patterns);
        var context = CandidateEnumerator.CreateContext(snapshot, variables, null);
        var candidates = new List<ToolCandidate>(1);
        var excluded = new List<ExcludedCandidate>(1);
        var result = new List<PatternEstimate>();
        foreach (var pattern in patterns)
        {
            ArgumentNullException.ThrowIfNull(pattern, nameof(patterns));
            candidates.Clear();
            excluded.Clear();
            CandidateEnumerator.Evaluate(pattern, context, candidates, excluded);
            result.Add(new PatternEstimate(pattern, candidates.Count > 0 ? candidates[0] : null, excluded.Count > 0 ? excluded[0] : null));
        }

        return result;
    }

    /// <summary>
    /// Sets each candidate's relevance and rescores it. With capabilities named, a candidate's relevance is its own BM25
    /// score over the best candidate's (the query tells the patterns of those capabilities apart). For a query-only
    /// request it is <c>(its capability's best score + its own) / (2 × the best score)</c>: half says how well the
    /// operation matched (every pattern of the best capability shares it), half how well the pattern itself did, so a
    /// pattern whose wording matches better does not outweigh the mode's features alone.
    /// </summary>
    private static void ScoreRelevance(RelevanceQuery query, Span<RankedCandidate> ranked, FeatureWeights weights, QueryRelevance? search)
    {
        var scores = new double[ranked.Length];
        var matched = new List<string>[ranked.Length];
        var best = 0.0;
        for (var i = 0; i < ranked.Length; i++)
        {
            matched[i] = new List<string>(query.Terms.Length);
            scores[i] = query.Index.Score(query, ranked[i].Candidate.Pattern.Relevance, matched[i]);
            best = Math.Max(best, scores[i]);
        }

        var byCapability = search is { IsQueryOnly: true } ? search.MatchedCapabilities.ToDictionary(m => m.Capability, m => m.Score, StringComparer.Ordinal) : null;
        for (var i = 0; i < ranked.Length; i++)
        {
            var value = byCapability is not null && search!.BestScore > 0
                ? (byCapability.GetValueOrDefault(ranked[i].Candidate.CapabilityName, scores[i]) + scores[i]) / (2 * search.BestScore)
                : best > 0 ? scores[i] / best : 0;
            ranked[i] = ranked[i].WithRelevance(Math.Min(value, 1), scores[i], matched[i], weights);
        }
    }

    /// <summary>What a query did for a request that names capabilities: its terms only.</summary>
    private static QueryRelevance Describe(RelevanceQuery query, string text) =>
        new(text, [.. query.Terms.Select(t => t.Term)], query.Unknown, false, [], 0, 0);

    /// <summary>
    /// A query-only request's capabilities: those whose best pattern scores at least the larger of
    /// <see cref="SelectionOptions.QueryMatchRatio"/> × the best score and <see cref="SelectionOptions.QueryMatchFloor"/>,
    /// best first.
    /// </summary>
    private (IReadOnlyList<string> Capabilities, QueryRelevance Relevance) Search(RelevanceIndex index, RelevanceQuery query, string text)
    {
        var scores = index.ScoreAll(query);
        var best = scores.Length == 0 ? 0 : scores.Max();
        var threshold = Math.Max(best * _options.QueryMatchRatio, _options.QueryMatchFloor);
        // A capability's best pattern: the highest score, ties to enumeration order (not to document ids, which an
        // incrementally updated index does not keep in that order).
        var byCapability = new Dictionary<string, (CompiledPattern Pattern, double Score)>(StringComparer.Ordinal);
        for (var d = 0; d < scores.Length; d++)
        {
            if (scores[d] >= threshold && index.PatternOf(d) is { } pattern)
            {
                var capability = pattern.CapabilityName;
                if (!byCapability.TryGetValue(capability, out var held) || held.Score < scores[d]
                    || (held.Score == scores[d] && CompiledPattern.CompareOrder(pattern, held.Pattern) < 0))
                {
                    byCapability[capability] = (pattern, scores[d]);
                }
            }
        }

        var ordered = byCapability.Values.ToArray();
        Array.Sort(ordered, static (x, y) => x.Score != y.Score ? y.Score.CompareTo(x.Score) : CompiledPattern.CompareOrder(x.Pattern, y.Pattern));
        var matches = new List<CapabilityMatch>(ordered.Length);
        foreach (var (pattern, score) in ordered)
        {
            var terms = new List<string>();
            index.Score(query, pattern.Relevance, terms);
            matches.Add(new CapabilityMatch(pattern.CapabilityName, $"{pattern.ToolName}.{pattern.PatternName}", score, terms));
        }

        var relevance = new QueryRelevance(text, [.. query.Terms.Select(t => t.Term)], query.Unknown, true, matches, threshold, best);
        return ([.. matches.Select(m => m.Capability)], relevance);
    }

    private static (bool Ambiguous, string? Question) CheckAmbiguity(SelectionEvaluation evaluation)
    {
        if (evaluation.Relevance is { IsQueryOnly: true, MatchedCapabilities.Count: 0 } search)
        {
            throw new ToolSelectionException(
                string.Create(CultureInfo.InvariantCulture, $"No tool matches the query \"{search.Query}\": ")
                + (search.Terms.Count == 0
                    ? "none of its words is in the catalog's use cases, names or descriptions"
                    : string.Create(CultureInfo.InvariantCulture, $"its best match scores {search.BestScore:0.00} (BM25), under the {search.Threshold:0.00} a match needs"))
                + "; name a capability, or rephrase the query with the operation's words (restart, scan, disk usage, …)",
                evaluation.Excluded);
        }

        if (evaluation.Ranked.Count == 0)
        {
            var message = evaluation.CandidateCount == 0
                ? $"No viable tools found for capabilities: {PythonRepr.List(evaluation.Capabilities)}" + (evaluation.Excluded.Count == 0 ? ""
                    : $"; {evaluation.Excluded.Count} pattern(s) offer them but could not be evaluated for this request: {PythonRepr.List(evaluation.Excluded.Select(e => e.ToString()))}")
                : $"All candidates violate policies. Violations: {PythonRepr.List(evaluation.Excluded.Where(e => e.IsPolicyViolation).Select(e => $"{e.ToolName}.{e.PatternName}: {e.Reason}"))}"
                    + (evaluation.Excluded.Count == evaluation.CandidateCount ? ""
                        : $"; {evaluation.Excluded.Count - evaluation.CandidateCount} other pattern(s) could not be evaluated for this request: {PythonRepr.List(evaluation.Excluded.Where(e => !e.IsPolicyViolation).Select(e => e.ToString()))}");
            throw new ToolSelectionException(message, evaluation.Excluded);
        }

        if (evaluation.Ranked.Count < 2 || !AmbiguityDetector.IsAmbiguous(evaluation.Ranked[0].Score, evaluation.Ranked[1].Score, evaluation.Epsilon))
        {
            return (false, null);
        }

        return (true, AmbiguityDetector.ClarifyingQuestion(evaluation.Ranked[0].Features, evaluation.Ranked[1].Features).Question);
    }
}
