using System.Globalization;
using System.Text.Json;
using Dapper;
using Npgsql;
using OpsConductor.ToolCatalog.Editing;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Telemetry;

namespace OpsConductor.ToolCatalog.Storage;

public sealed partial class ToolCatalogStore
{
    /// <summary>The field names of the estimates, as the tool file spells them.</summary>
    internal const string TimeField = "time_estimate_ms";

    /// <inheritdoc cref="TimeField"/>
    internal const string CostField = "cost_estimate";

    // Each pattern of the chosen versions with its most recent successful records in the window (LATERAL: the pattern's
    // index on (pattern_id, executed_at) gives each pattern's newest @Limit rows), grouped by pattern.
    private const string SelectRecommendationRecords = """
        SELECT t.id AS tool_id, t.tool_name, t.version, c.capability_name, p.pattern_name, p.time_estimate_ms, p.cost_estimate,
               r.actual_time_ms, r.actual_cost, r.context_variables::text AS variables, r.executed_at
        FROM tool_catalog.tools t
        JOIN tool_catalog.tool_capabilities c ON c.tool_id = t.id
        JOIN tool_catalog.tool_patterns p ON p.capability_id = c.id
        CROSS JOIN LATERAL (
            SELECT x.actual_time_ms, x.actual_cost, x.context_variables, x.executed_at
            FROM tool_catalog.tool_telemetry x
            WHERE x.pattern_id = p.id AND x.executed_at >= @Since AND x.success
            ORDER BY x.executed_at DESC
            LIMIT @Limit) r
        WHERE t.deleted_at IS NULL
          AND (@Tool::text IS NULL OR t.tool_name = @Tool)
          AND (CASE WHEN @Version::text IS NULL THEN t.is_latest ELSE t.version = @Version END)
        ORDER BY t.tool_name, c.ordinal, p.ordinal, r.executed_at
        """;

    private const string SupersedeRecommendations = """
        UPDATE tool_catalog.telemetry_recommendations SET superseded = true
        WHERE applied_at IS NULL AND NOT superseded
          AND (tool_id, capability_name, pattern_name, field) IN (
              SELECT * FROM unnest(@ToolIds::bigint[], @Capabilities::text[], @Patterns::text[], @Fields::text[]))
        """;

    private const string InsertRecommendation = """
        INSERT INTO tool_catalog.telemetry_recommendations (tool_id, tool_name, version, capability_name, pattern_name, field,
            current_text, recommended_text, samples, current_error, recommended_error, evidence, created_at)
        VALUES (@ToolId, @Tool, @Version, @Capability, @Pattern, @Field, @Current, @Recommended, @Samples, @CurrentError,
            @RecommendedError, @Evidence::jsonb, @CreatedAt)
        RETURNING id AS Id, evidence::text AS Evidence
        """;

    private const string RecommendationColumns = """
        id AS Id, tool_name AS Tool, version AS Version, capability_name AS Capability, pattern_name AS Pattern, field AS Field,
        current_text AS Current, recommended_text AS Recommended, samples AS Samples, current_error AS CurrentError,
        recommended_error AS RecommendedError, evidence::text AS Evidence, created_at AS CreatedAt, applied_at AS AppliedAt,
        applied_version AS AppliedVersion, superseded AS Superseded
        """;

    private const string SelectRecommendations = $"""
        SELECT {RecommendationColumns}
        FROM tool_catalog.telemetry_recommendations
        WHERE (@Tool::text IS NULL OR tool_name = @Tool)
          AND (@All OR (applied_at IS NULL AND NOT superseded))
          AND (@After::bigint IS NULL OR id > @After)
        ORDER BY id
        LIMIT @Limit
        """;

    private const string SelectRecommendation = $"""
        SELECT {RecommendationColumns} FROM tool_catalog.telemetry_recommendations WHERE id = @Id
        """;

    private const string MarkRecommendationApplied = """
        UPDATE tool_catalog.telemetry_recommendations SET applied_at = @Now, applied_by = @Actor, applied_version = @NewVersion
        WHERE id = @Id AND applied_at IS NULL
        """;

    /// <summary>
    /// Recalibrates the estimates of the latest version of each tool (or <see cref="RecommendationOptions.Tool"/> and
    /// <see cref="RecommendationOptions.Version"/>) from their successful executions in the window — at most
    /// <see cref="RecommendationOptions.MaxRecordsPerPattern"/> per pattern, the most recent — and stores a recommendation
    /// for each estimate whose recalibration is clearly better on held-out records (decision 1503: the expression's form is
    /// kept, the fit is made on the oldest 70 % and measured on the newest 30 %). The time estimate always; the cost
    /// estimate when the records carry actual costs. An earlier open recommendation for an estimate examined again is
    /// superseded. Estimates with no record in the window are not examined.
    /// </summary>
    /// <param name="options">Which records (default: 30 days, every tool's latest version, 5000 records per pattern).</param>
    /// <param name="cancellationToken">Cancels the run; nothing is stored then.</param>
    /// <returns>The recommendations stored, and the estimates examined and left alone, with why.</returns>
    public async Task<RecommendationRun> RecommendAsync(RecommendationOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new RecommendationOptions();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Window, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxRecordsPerPattern, 1);
        if (options.Version is not null && options.Tool is null)
        {
            throw new ArgumentException("A version needs a tool: give RecommendationOptions.Tool too.", nameof(options));
        }

        var now = _timeProvider.GetUtcNow();
        var since = now - options.Window;
        var examined = new List<(Examined Pattern, string Field, string Current, FitOutcome Fit)>();
        var connection = await OpenGlobalConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = new NpgsqlCommand(SelectRecommendationRecords, connection);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("Since", since);
                command.Parameters.AddWithValue("Limit", options.MaxRecordsPerPattern);
                command.Parameters.Add(new NpgsqlParameter<string?>("Tool", options.Tool) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
                command.Parameters.Add(new NpgsqlParameter<string?>("Version", options.Version) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    Examined? pattern = null;
                    var times = new List<FitObservation>();
                    var costs = new List<FitObservation>();
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var key = new Examined(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6));
                        if (pattern is not null && key != pattern)
                        {
                            Fit(pattern, times, costs, examined);
                            times.Clear();
                            costs.Clear();
                        }

                        pattern = key;
                        var variables = reader.IsDBNull(9) ? null : Variables(reader.GetString(9));
                        var at = reader.GetFieldValue<DateTimeOffset>(10);
                        times.Add(new FitObservation(variables, reader.GetInt32(7), at));
                        if (!reader.IsDBNull(8))
                        {
                            costs.Add(new FitObservation(variables, reader.GetDouble(8), at));
                        }
                    }

                    if (pattern is not null)
                    {
                        Fit(pattern, times, costs, examined);
                    }
                }
            }

            var recommendations = new List<EstimateRecommendation>();
            var notRecommended = new List<NotRecommended>();
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                if (examined.Count > 0)
                {
                    await connection.ExecuteAsync(new CommandDefinition(SupersedeRecommendations, new
                    {
                        ToolIds = examined.Select(static e => e.Pattern.ToolId).ToArray(),
                        Capabilities = examined.Select(static e => e.Pattern.Capability).ToArray(),
                        Patterns = examined.Select(static e => e.Pattern.Pattern).ToArray(),
                        Fields = examined.Select(static e => e.Field).ToArray(),
                    }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                }

                foreach (var (p, field, current, fit) in examined)
                {
                    if (!fit.IsRecommended)
                    {
                        notRecommended.Add(new NotRecommended(p.Tool, p.Version, p.Capability, p.Pattern, field, current, fit.Samples, fit.Reason));
                        continue;
                    }

                    var evidence = Evidence(fit, since, now, options.MaxRecordsPerPattern);
                    var (id, stored) = await connection.QuerySingleAsync<(long Id, string Evidence)>(new CommandDefinition(InsertRecommendation, new
                    {
                        p.ToolId,
                        p.Tool,
                        p.Version,
                        p.Capability,
                        p.Pattern,
                        Field = field,
                        Current = current,
                        fit.Recommended,
                        fit.Samples,
                        CurrentError = fit.CurrentError!.Value,
                        RecommendedError = fit.RecommendedError!.Value,
                        Evidence = evidence,
                        CreatedAt = now,
                    }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                    recommendations.Add(new EstimateRecommendation(
                        id, p.Tool, p.Version, p.Capability, p.Pattern, field, current, fit.Recommended!, fit.Samples,
                        fit.CurrentError.Value, fit.RecommendedError.Value, stored, now, null, null, false));
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            return new RecommendationRun(since, recommendations, notRecommended);
        }

        static void Fit(Examined pattern, List<FitObservation> times, List<FitObservation> costs, List<(Examined, string, string, FitOutcome)> examined)
        {
            examined.Add((pattern, TimeField, pattern.TimeEstimate, EstimateFitter.Fit(pattern.TimeEstimate, times)));
            if (costs.Count > 0)
            {
                examined.Add((pattern, CostField, pattern.CostEstimate, EstimateFitter.Fit(pattern.CostEstimate, costs)));
            }
        }
    }

    /// <summary>
    /// Stored recommendations in the order they were made: the open ones (neither applied nor superseded), or all of them.
    /// Keyset pages on the id: pass the last id of a page as <paramref name="after"/> for the next.
    /// </summary>
    /// <param name="tool">Only this tool's (default: every tool's).</param>
    /// <param name="includeClosed">Also the applied and superseded ones.</param>
    /// <param name="after">Only ids above this.</param>
    /// <param name="limit">Page size, 1 to <see cref="MaxPageSize"/>.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<IReadOnlyList<EstimateRecommendation>> GetRecommendationsAsync(
        string? tool = null, bool includeClosed = false, long? after = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPageSize);
        var connection = await OpenGlobalConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var rows = await connection.QueryAsync<RecommendationRow>(new CommandDefinition(
                SelectRecommendations, new { Tool = tool, All = includeClosed, After = after, Limit = limit }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return [.. rows.Select(static r => r.ToRecommendation())];
        }
    }

    /// <summary>The stored recommendation <paramref name="id"/>, or null.</summary>
    public async Task<EstimateRecommendation?> GetRecommendationAsync(long id, CancellationToken cancellationToken = default)
    {
        var connection = await OpenGlobalConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var row = await connection.QuerySingleOrDefaultAsync<RecommendationRow>(new CommandDefinition(
                SelectRecommendation, new { Id = id }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return row?.ToRecommendation();
        }
    }

    /// <summary>
    /// Publishes a new version of the recommendation's tool with the recommended expression, through
    /// <see cref="PublishAsync"/>: validated (the new expression by the validator's expression rules, with the current
    /// one's variables; the rest is a stored version's), versioned (<see cref="ToolEditor.NextVersion"/>: the last number
    /// incremented), audited with the evidence as the reason, hot-reloaded by the usual notification; a rollback to the
    /// previous version undoes it. The publish is based on the catalog revision read first, so a concurrent change to the
    /// tool makes it fail with <see cref="CatalogConflictException"/> rather than overwrite.
    /// </summary>
    /// <param name="id">The recommendation.</param>
    /// <param name="change">Who applies it (the reason is the evidence; a reason given here is put in front of it).</param>
    /// <param name="cancellationToken">Cancels the apply.</param>
    /// <exception cref="RecommendationException">The recommendation is unknown, applied already, superseded, stale (the tool
    /// has a newer version than the one it was made for), or its version does not validate. Nothing was written.</exception>
    /// <exception cref="CatalogConflictException">The tool changed while applying. Nothing was written.</exception>
    public async Task<RecommendationApplied> ApplyRecommendationAsync(long id, ChangeContext? change = null, CancellationToken cancellationToken = default)
    {
        change ??= ChangeContext.Anonymous;
        var revision = await GetRevisionAsync(cancellationToken).ConfigureAwait(false);
        var recommendation = await GetRecommendationAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new RecommendationException(RecommendationProblem.NotFound, $"There is no telemetry recommendation {id}. List them with `toolcatalog telemetry recommend` (or GET /api/v1/telemetry/recommendations).");
        var r = recommendation;
        var where = $"Recommendation {id} ({r.Tool} {r.Version}, {r.Capability}/{r.Pattern}, {r.Field})";
        if (r.AppliedAt is { } appliedAt)
        {
            throw new RecommendationException(RecommendationProblem.AlreadyApplied,
                string.Create(CultureInfo.InvariantCulture, $"{where} was applied already, at {appliedAt:yyyy-MM-dd HH:mm:ss}Z, as version {r.AppliedVersion}. Nothing was written."));
        }

        if (r.Superseded)
        {
            throw new RecommendationException(RecommendationProblem.Superseded,
                $"{where} was superseded by a later `toolcatalog telemetry recommend`; apply the newer one. Nothing was written.");
        }

        var latest = await GetAsync(r.Tool, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (latest is null || latest.Definition.Version != r.Version)
        {
            throw new RecommendationException(RecommendationProblem.Stale,
                $"{where} is stale: it was made for version {r.Version}, but the latest version of tool '{r.Tool}' is "
                + (latest is null ? "none (the tool was deleted)" : $"{latest.Definition.Version}")
                + ". Run `toolcatalog telemetry recommend --tool " + r.Tool + "` again for the current version. Nothing was written.");
        }

        var previous = latest.Definition;
        var updated = WithEstimate(previous, r, where);
        var taken = (await ListVersionsAsync(r.Tool, cancellationToken).ConfigureAwait(false)).Select(static v => v.Version);
        updated = updated with { Version = ToolEditor.NextVersion(previous.Version, taken) };
        if (ExpressionProblem(r) is { } problem)
        {
            throw new RecommendationException(RecommendationProblem.Invalid,
                $"{where}: version {updated.Version} with {r.Field} '{r.Recommended}' is not valid: {problem}. Nothing was written.");
        }

        var reason = ApplyReason(r);
        var result = await PublishAsync(updated, change with
        {
            Reason = string.IsNullOrWhiteSpace(change.Reason) ? reason : $"{change.Reason}; {reason}",
            ExpectedRevision = revision,
        }, cancellationToken).ConfigureAwait(false);

        var connection = await OpenGlobalConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // Not in the publish's transaction: a crash between the two leaves the recommendation open, and applying it again
            // is refused as stale (the tool's latest version is the one just published). CancellationToken.None: the
            // publish happened, so the mark must be written.
            var now = _timeProvider.GetUtcNow();
            await connection.ExecuteAsync(new CommandDefinition(MarkRecommendationApplied, new { Id = id, Now = now, change.Actor, NewVersion = updated.Version }, cancellationToken: CancellationToken.None)).ConfigureAwait(false);
            return new RecommendationApplied(r with { AppliedAt = now, AppliedVersion = updated.Version }, previous.Version, updated.Version, result.Revision, reason);
        }
    }

    private const string SelectLastApplied = """
        SELECT max(applied_at) FROM tool_catalog.telemetry_recommendations WHERE tool_name = @Tool
        """;

    /// <summary>The actor automatic applies are audited as.</summary>
    internal const string AutoApplyActor = "toolcatalog-auto-apply";

    /// <summary>
    /// One run of automatic apply (<see cref="TelemetryAutoApplyOptions"/>): for each allowed tool not applied to within
    /// the minimum interval, recommends over the window and applies the recommendation with the largest error reduction
    /// among those within the bounds (samples, relative change at the reference variables). At most one per tool.
    /// </summary>
    /// <returns>What happened for each allowed tool: the apply, or why not.</returns>
    internal async Task<IReadOnlyList<AutoApplyOutcome>> AutoApplyAsync(TelemetryAutoApplyOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var outcomes = new List<AutoApplyOutcome>();
        foreach (var tool in options.Tools.Distinct(StringComparer.Ordinal))
        {
            var now = _timeProvider.GetUtcNow();
            DateTime? last;
            var connection = await OpenGlobalConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                last = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(SelectLastApplied, new { Tool = tool }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            }

            if (last is { } at && now - new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) < options.MinInterval)
            {
                outcomes.Add(new AutoApplyOutcome(tool, null, string.Create(CultureInfo.InvariantCulture,
                    $"a recommendation was applied to it at {at:yyyy-MM-dd HH:mm}Z, less than AutoApply.MinInterval ({options.MinInterval}) ago")));
                continue;
            }

            var run = await RecommendAsync(new RecommendationOptions { Tool = tool, Window = options.Window }, cancellationToken).ConfigureAwait(false);
            var reasons = new List<string>();
            EstimateRecommendation? best = null;
            foreach (var r in run.Recommendations)
            {
                if (r.Samples < options.MinSamples)
                {
                    reasons.Add($"{r.Id}: {r.Samples} records, fewer than AutoApply.MinSamples ({options.MinSamples})");
                    continue;
                }

                var change = RelativeChange(r.Current, r.Recommended, options.ReferenceVariables);
                if (!(change <= options.MaxRelativeChange))
                {
                    reasons.Add(string.Create(CultureInfo.InvariantCulture,
                        $"{r.Id}: the estimate at {string.Join(", ", options.ReferenceVariables.Select(static v => $"{v.Key} = {v.Value}"))} changes by {change:P0}, more than AutoApply.MaxRelativeChange ({options.MaxRelativeChange:P0})"));
                    continue;
                }

                if (best is null || r.CurrentError - r.RecommendedError > best.CurrentError - best.RecommendedError)
                {
                    best = r;
                }
            }

            if (best is null)
            {
                outcomes.Add(new AutoApplyOutcome(tool, null, run.Recommendations.Count == 0
                    ? "no recommendation"
                    : $"no recommendation within the bounds ({string.Join("; ", reasons)}); apply by hand after review"));
                continue;
            }

            var applied = await ApplyRecommendationAsync(best.Id, new ChangeContext
            {
                Actor = AutoApplyActor,
                Reason = string.Create(CultureInfo.InvariantCulture,
                    $"automatic apply (TelemetryOptions.AutoApply: at least {options.MinSamples} records, change at most {options.MaxRelativeChange:P0})"),
            }, cancellationToken).ConfigureAwait(false);
            outcomes.Add(new AutoApplyOutcome(tool, applied, applied.Reason));
        }

        return outcomes;
    }

    /// <summary>|new − old| / |old| at the reference variables (other variables at their defaults); infinity when either fails or old is 0.</summary>
    internal static double RelativeChange(string current, string recommended, IDictionary<string, double> reference)
    {
        var table = Expressions.VariableTable.CreateDefault();
        var context = new Expressions.ExpressionContext(table);
        foreach (var (name, value) in reference)
        {
            context.Set(name, value);
        }

        if (!Expressions.EstimateExpression.TryCompile(current, table, out var before, out _)
            || !Expressions.EstimateExpression.TryCompile(recommended, table, out var after, out _)
            || !before.TryEvaluate(context, out var old, out _)
            || !after.TryEvaluate(context, out var @new, out _)
            || old == 0)
        {
            return double.PositiveInfinity;
        }

        return Math.Abs(@new - old) / Math.Abs(old);
    }

    /// <summary>
    /// The validation of an apply. The version changes only in the one expression, and every other field is that of a stored
    /// version, so the expression is checked with the validator's expression rules (it compiles within the limits, it can
    /// be evaluated for some input: <see cref="Expressions.ExpressionAnalysis"/>) and must use exactly the current
    /// expression's variables, which keeps the rule on declared inputs as it was. (The tool validator itself depends on
    /// the store's rules, so the store cannot call it without a namespace cycle.)
    /// </summary>
    private static string? ExpressionProblem(EstimateRecommendation r)
    {
        var facts = Expressions.ExpressionAnalysis.Analyze(r.Recommended);
        if (facts.Error is { } error)
        {
            return $"it does not compile ({error.Message})";
        }

        if (facts.FailsForEveryInput is { } failure)
        {
            return $"it can never be evaluated ({failure.Message})";
        }

        var before = Expressions.ExpressionAnalysis.Analyze(r.Current).Variables;
        return before.ToHashSet(StringComparer.Ordinal).SetEquals(facts.Variables)
            ? null
            : $"it uses the variables {string.Join(", ", facts.Variables)} where '{r.Current}' uses {string.Join(", ", before)}";
    }

    /// <summary>The audit reason of an apply: the evidence in one sentence.</summary>
    internal static string ApplyReason(EstimateRecommendation r) => string.Create(CultureInfo.InvariantCulture,
        $"telemetry recommendation {r.Id}: {r.Capability}/{r.Pattern} {r.Field} '{r.Current}' → '{r.Recommended}' on {r.Samples:N0} executions, held-out error {r.CurrentError:0.0} % → {r.RecommendedError:0.0} %");

    private static ToolDefinition WithEstimate(ToolDefinition tool, EstimateRecommendation r, string where)
    {
        var found = false;
        var capabilities = tool.Capabilities.Select(c => c.Name != r.Capability ? c : c with
        {
            Patterns = c.Patterns.Select(p =>
            {
                if (p.Name != r.Pattern)
                {
                    return p;
                }

                var current = r.Field == CostField ? p.CostEstimate : p.TimeEstimateMs;
                if (current != r.Current)
                {
                    return p;
                }

                found = true;
                return r.Field == CostField ? p with { CostEstimate = r.Recommended } : p with { TimeEstimateMs = r.Recommended };
            }).ToEquatableArray(),
        }).ToEquatableArray();
        if (!found)
        {
            throw new RecommendationException(RecommendationProblem.Stale,
                $"{where} is stale: version {r.Version} has no pattern with {r.Field} '{r.Current}' any more. Run `toolcatalog telemetry recommend --tool {r.Tool}` again. Nothing was written.");
        }

        return tool with { Capabilities = capabilities };
    }

    private static string Evidence(FitOutcome fit, DateTimeOffset since, DateTimeOffset now, int maxRecords) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["window_since"] = since,
        ["window_until"] = now,
        ["max_records_per_pattern"] = maxRecords,
        ["method"] = fit.Method,
        ["variable"] = fit.Variable,
        ["intercept"] = fit.Intercept,
        ["slope"] = fit.Slope,
        ["split"] = "fit on the oldest 70 % of the records, errors measured on the newest 30 %",
        ["train_samples"] = fit.TrainSamples,
        ["test_samples"] = fit.TestSamples,
        ["error_measure"] = "median absolute percentage error, percent",
        ["current_error"] = fit.CurrentError,
        ["recommended_error"] = fit.RecommendedError,
        ["sign_test_p"] = fit.SignTestP,
    });

    private static Dictionary<string, double>? Variables(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetDouble(out var value))
            {
                result[property.Name] = value;
            }
        }

        return result;
    }

    /// <summary>What one automatic-apply run did for a tool: the apply, or why not.</summary>
    internal sealed record AutoApplyOutcome(string Tool, RecommendationApplied? Applied, string Reason);

    /// <summary>A pattern of a version being examined, with its two estimates.</summary>
    private sealed record Examined(long ToolId, string Tool, string Version, string Capability, string Pattern, string TimeEstimate, string CostEstimate);

    private sealed class RecommendationRow
    {
        public long Id { get; init; }

        public string Tool { get; init; } = "";

        public string Version { get; init; } = "";

        public string Capability { get; init; } = "";

        public string Pattern { get; init; } = "";

        public string Field { get; init; } = "";

        public string Current { get; init; } = "";

        public string Recommended { get; init; } = "";

        public int Samples { get; init; }

        public double CurrentError { get; init; }

        public double RecommendedError { get; init; }

        public string Evidence { get; init; } = "{}";

        public DateTime CreatedAt { get; init; }

        public DateTime? AppliedAt { get; init; }

        public string? AppliedVersion { get; init; }

        public bool Superseded { get; init; }

        public EstimateRecommendation ToRecommendation() => new(
            Id, Tool, Version, Capability, Pattern, Field, Current, Recommended, Samples, CurrentError, RecommendedError, Evidence,
            new DateTimeOffset(DateTime.SpecifyKind(CreatedAt, DateTimeKind.Utc)),
            AppliedAt is { } applied ? new DateTimeOffset(DateTime.SpecifyKind(applied, DateTimeKind.Utc)) : null,
            AppliedVersion, Superseded);
    }
}
