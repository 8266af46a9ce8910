using System.Data;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using OpsConductor.ToolCatalog.Experiments;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>
/// Experiment results from telemetry, and the decisions they call for (decision 1603): completing with a winner
/// (promoting B, or keeping A and retiring B) and a guardrail's rollback, each one transaction with the tool's change.
/// </summary>
public sealed partial class ToolCatalogStore
{
    private const string SelectExperimentArmIds = """
        SELECT tool_a_id AS ToolAId, tool_b_id AS ToolBId FROM tool_catalog.tool_ab_tests WHERE id = @Id
        """;

    // Enrolled records by the per-experiment index; with attribution by version, the versions' records without an
    // experiment while it ran (by tool_telemetry_tool), in a targeted environment when it lists any.
    private const string SelectExperimentOutcomes = """
        SELECT t.arm = 'b' AS is_b, false AS by_version, t.success, t.actual_time_ms
        FROM tool_catalog.tool_telemetry t
        WHERE t.experiment_id = @id
        UNION ALL
        SELECT t.tool_id = @b, true, t.success, t.actual_time_ms
        FROM tool_catalog.tool_telemetry t
        WHERE @by_version AND t.experiment_id IS NULL AND t.tool_id IN (@a, @b)
          AND t.executed_at >= @from AND t.executed_at < @until
          AND (cardinality(@environments::text[]) = 0 OR t.environment = ANY(@environments::text[]))
        """;

    /// <summary>
    /// The results of experiment <paramref name="name"/> from telemetry: per arm the executions, success rate and
    /// times with intervals, the sample-ratio check, the primary metric's tests, the guardrails and the decision they
    /// call for (<see cref="ExperimentAnalysis"/>). Reads; changes nothing.
    /// </summary>
    /// <param name="name">The experiment's name.</param>
    /// <param name="attribution">Which records count (default: only enrolled ones, the preferred way).</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The results.</returns>
    /// <exception cref="CatalogOperationException">There is no experiment of that name.</exception>
    public async Task<ExperimentResults> GetExperimentResultsAsync(string name, ExperimentAttribution attribution = ExperimentAttribution.Enrolled, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var experiment = await GetExperimentAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new CatalogOperationException($"There is no experiment named '{name}'; there are no results. See 'toolcatalog experiment status' for the experiments.");
        var (a, b) = await ReadArmSamplesAsync(experiment, attribution, cancellationToken).ConfigureAwait(false);
        return ExperimentAnalysis.Analyze(experiment, attribution, a, b);
    }

    /// <summary>
    /// Completes experiment <paramref name="name"/> (running or stopped → completed) with <paramref name="winner"/>, in
    /// one transaction with the tool's change: for B, version B becomes the latest (the rollback path, audited
    /// <c>rolled_back</c>); for A, version A is (or becomes) the latest and version B is deprecated (retired). The tool
    /// change bumps the catalog revision and notifies, so every runtime applies it. The experiment's audit row
    /// (<c>completed</c>) carries the winner and the current results as evidence. No check of the results: see
    /// <see cref="PromoteExperimentAsync"/> for the checked decision.
    /// </summary>
    /// <param name="name">The experiment's name.</param>
    /// <param name="winner">The arm to adopt.</param>
    /// <param name="change">Who decides and why.</param>
    /// <param name="cancellationToken">Stops the write.</param>
    /// <returns>The experiment as stored after the change.</returns>
    /// <exception cref="CatalogOperationException">No such experiment, it is neither running nor stopped, or the winner's version was deleted. Nothing was changed.</exception>
    public async Task<Experiment> CompleteExperimentAsync(string name, ExperimentArm winner, ChangeContext? change = null, CancellationToken cancellationToken = default)
    {
        var results = await GetExperimentResultsAsync(name, ExperimentAttribution.Enrolled, cancellationToken).ConfigureAwait(false);
        return await CompleteExperimentAsync(name, winner, results.ToJsonObject(), change, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Promotes the winner of experiment <paramref name="name"/> on an administrator's approval: reads the results
    /// (<paramref name="attribution"/>) and completes the experiment with their winner, or with <paramref name="arm"/>
    /// when they are not conclusive. Refused when the sample ratio does not fit the split (no decision may be drawn),
    /// when <paramref name="arm"/> contradicts a conclusive winner, when a guardrail is breached and
    /// <paramref name="arm"/> is b, or when there is no winner and no <paramref name="arm"/>.
    /// </summary>
    /// <param name="name">The experiment's name.</param>
    /// <param name="arm">The arm to adopt; null for the results' winner.</param>
    /// <param name="attribution">Which records count.</param>
    /// <param name="change">Who approves and why.</param>
    /// <param name="cancellationToken">Stops the write.</param>
    /// <returns>The experiment as stored after the change.</returns>
    /// <exception cref="CatalogOperationException">The promotion is refused (the message says why). Nothing was changed.</exception>
    public async Task<Experiment> PromoteExperimentAsync(
        string name, ExperimentArm? arm = null, ExperimentAttribution attribution = ExperimentAttribution.Enrolled, ChangeContext? change = null, CancellationToken cancellationToken = default)
    {
        var results = await GetExperimentResultsAsync(name, attribution, cancellationToken).ConfigureAwait(false);
        if (results.SampleRatio.IsMismatch)
        {
            throw new CatalogOperationException($"Experiment '{name}' cannot be promoted: {results.Reason} Stop it with 'toolcatalog experiment stop {name}' and find the cause. Nothing was changed.");
        }

        if (results.Decision == ExperimentDecision.RollBack && arm == ExperimentArm.B)
        {
            throw new CatalogOperationException($"Experiment '{name}': arm b cannot be promoted: {results.Reason} Nothing was changed.");
        }

        if (arm is { } chosen && results.Winner is { } winner && chosen != winner)
        {
            throw new CatalogOperationException(
                $"Experiment '{name}': the results are conclusive for arm {ArmText(winner)}, not {ArmText(chosen)} ({results.Reason}) Nothing was changed.");
        }

        var adopted = arm ?? results.Winner ?? throw new CatalogOperationException(
            $"Experiment '{name}' has no winner yet: {results.Reason} Wait for more executions, or decide with --arm a or --arm b. Nothing was changed.");
        var evidence = results.ToJsonObject();
        evidence["approved"] = true;
        return await CompleteExperimentAsync(name, adopted, evidence, change, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Evaluates running experiment <paramref name="name"/> and acts on the results: a breached guardrail stops it and
    /// rolls the tool back to version A at once; a conclusive result is promoted when the experiment has
    /// <see cref="ExperimentDefinition.AutoPromote"/> (otherwise it waits for <see cref="PromoteExperimentAsync"/>); a
    /// sample-ratio mismatch blocks both. What the experiment monitor (<see cref="Telemetry.TelemetryOptions.ExperimentMonitor"/>) runs for each running experiment.
    /// </summary>
    /// <param name="name">The experiment's name.</param>
    /// <param name="change">Who acts (default: the actor <c>experiment-monitor</c>).</param>
    /// <param name="cancellationToken">Stops the evaluation.</param>
    /// <returns>The results and what was done.</returns>
    /// <exception cref="CatalogOperationException">No such experiment.</exception>
    public async Task<ExperimentEvaluation> EvaluateExperimentAsync(string name, ChangeContext? change = null, CancellationToken cancellationToken = default)
    {
        var results = await GetExperimentResultsAsync(name, ExperimentAttribution.Enrolled, cancellationToken).ConfigureAwait(false);
        if (results.State != ExperimentState.Running)
        {
            return new ExperimentEvaluation(results, ExperimentAction.None);
        }

        change ??= new ChangeContext { Actor = "experiment-monitor", Reason = results.Reason };
        switch (results.Decision)
        {
            case ExperimentDecision.RollBack:
                await ChangeExperimentStateAsync(name, ExperimentState.Running, ExperimentState.Stopped, "completed", "rolled back", change, cancellationToken,
                    new ExperimentOutcome(null, ExperimentArm.A, results.ToJsonObject())).ConfigureAwait(false);
                return new ExperimentEvaluation(results, ExperimentAction.RolledBack);
            case ExperimentDecision.PromoteB or ExperimentDecision.KeepA when results.Winner is { } winner && await AutoPromoteAsync(name, cancellationToken).ConfigureAwait(false):
                await CompleteExperimentAsync(name, winner, results.ToJsonObject(), change, cancellationToken).ConfigureAwait(false);
                return new ExperimentEvaluation(results, ExperimentAction.Completed);
            default:
                return new ExperimentEvaluation(results, ExperimentAction.None);
        }
    }

    private async Task<bool> AutoPromoteAsync(string name, CancellationToken cancellationToken) =>
        (await GetExperimentAsync(name, cancellationToken).ConfigureAwait(false))?.Definition.AutoPromote == true;

    private Task<Experiment> CompleteExperimentAsync(string name, ExperimentArm winner, JsonObject evidence, ChangeContext? change, CancellationToken cancellationToken) =>
        ChangeExperimentStateAsync(name, ExperimentState.Running, ExperimentState.Completed, "completed", "completed", change, cancellationToken,
            new ExperimentOutcome(ExperimentState.Stopped, winner, evidence));

    private static string ArmText(ExperimentArm arm) => arm == ExperimentArm.B ? "b" : "a";

    /// <summary>
    /// Applies an experiment's winner to its tool inside the experiment's transaction and at its revision (the caller
    /// bumped it, taking the catalog's write lock), as the tool write path does: makes the winner's version the latest
    /// when it is not (the rollback path), deprecates B when A wins, and writes the tool's audit rows. The caller writes
    /// the one change-feed row and the one notice of the revision, naming the tool change recorded in
    /// <paramref name="scope"/>'s changes when there is one.
    /// </summary>
    /// <returns>What changed on the tool, for the experiment's audit row.</returns>
    private static async Task<JsonObject> ApplyWinnerAsync(WriteScope scope, string toolName, string versionA, string versionB, ExperimentArm winner)
    {
        var heads = await LockVersionHeadsAsync(scope, toolName).ConfigureAwait(false);
        var keep = winner == ExperimentArm.B ? versionB : versionA;
        var target = heads.FirstOrDefault(h => h.Version == keep && !h.IsDeleted) ?? throw new CatalogOperationException(
            $"Tool '{toolName}': version '{keep}' (arm {ArmText(winner)}) was deleted, so it cannot become the latest version. Nothing was changed.");
        var done = new JsonObject { ["latest"] = keep };
        if (!target.IsLatest)
        {
            await MakeLatestAsync(scope, toolName, heads, target).ConfigureAwait(false);
        }

        if (winner == ExperimentArm.A && heads.FirstOrDefault(h => h.Version == versionB && !h.IsDeleted) is { } retired
            && ToolAssembler.ParseStatus(retired.Status) != ToolStatus.Deprecated)
        {
            await scope.Connection.ExecuteAsync(scope.Command(Sql.SetState, new
            {
                retired.Id,
                Status = ToolStatus.Deprecated.ToWire(),
                retired.Enabled,
                scope.Now,
                scope.Change.Actor,
            })).ConfigureAwait(false);
            scope.Record(new AuditEntry(retired.Id, toolName, retired.Version, AuditActions.Deprecated,
                StateDiff("status", ToolAssembler.ParseStatus(retired.Status).ToWire(), ToolStatus.Deprecated.ToWire())));
            done["retired"] = versionB;
        }

        if (scope.Audits.Count > 0)
        {
            await StatementRowWriter.Instance.InsertAuditAsync(scope.Connection, scope.Transaction, scope.Revision, scope.Audits, scope.Change, scope.Now, scope.CancellationToken).ConfigureAwait(false);
        }

        done["revision"] = scope.Revision;
        return done;
    }

    private async Task<(ArmSample A, ArmSample B)> ReadArmSamplesAsync(Experiment experiment, ExperimentAttribution attribution, CancellationToken cancellationToken)
    {
        var successesA = new List<bool>();
        var successesB = new List<bool>();
        var timesA = new List<double>();
        var timesB = new List<double>();
        long byVersionA = 0, byVersionB = 0;
        var connection = await OpenGlobalConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var ids = await connection.QuerySingleAsync<ArmIdsRow>(new CommandDefinition(
                SelectExperimentArmIds, new { experiment.Id }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            var byVersion = attribution == ExperimentAttribution.EnrolledAndByVersion && experiment.StartedAt is not null;
            var command = new NpgsqlCommand(SelectExperimentOutcomes, connection);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("id", experiment.Id);
                command.Parameters.AddWithValue("a", ids.ToolAId);
                command.Parameters.AddWithValue("b", ids.ToolBId);
                command.Parameters.AddWithValue("by_version", byVersion);
                command.Parameters.AddWithValue("from", (experiment.StartedAt ?? DateTimeOffset.MaxValue).UtcDateTime);
                command.Parameters.AddWithValue("until", (experiment.StoppedAt ?? _timeProvider.GetUtcNow()).UtcDateTime);
                command.Parameters.AddWithValue("environments", experiment.Definition.Environments.ToArray());
                var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var isB = reader.GetBoolean(0);
                        var attributed = reader.GetBoolean(1);
                        var success = reader.GetBoolean(2);
                        var time = reader.GetInt32(3);
                        (isB ? successesB : successesA).Add(success);
                        if (success)
                        {
                            (isB ? timesB : timesA).Add(time);
                        }

                        if (attributed)
                        {
                            _ = isB ? byVersionB++ : byVersionA++;
                        }
                    }
                }
            }
        }

        return (new ArmSample(successesA, timesA, byVersionA), new ArmSample(successesB, timesB, byVersionB));
    }

    /// <summary>A decision to record with a state change: the state it may also come from, the winner, the evidence.</summary>
    private sealed record ExperimentOutcome(ExperimentState? AlsoFrom, ExperimentArm Winner, JsonObject Evidence);

    private sealed class ArmIdsRow
    {
        public long ToolAId { get; init; }

        public long ToolBId { get; init; }
    }
}
