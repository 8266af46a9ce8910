using System.Data;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using OpsConductor.ToolCatalog.Experiments;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>Stored A/B experiments (table <c>tool_ab_tests</c>, schema 0009): create, start, stop, read.</summary>
/// <remarks>
/// Each change is one transaction that writes the experiment row and one audit row (entity type <c>ab_test</c>, the
/// tool under test as its tool name, the experiment's id as its entity id; actions <c>created</c>, <c>activated</c>
/// on start, <c>completed</c> on stop, completion and rollback), hash-chained like every audit row. Creating a draft
/// changes nothing a runtime serves: its audit row carries the current revision. Every state change (start, stop,
/// complete, a guardrail's rollback) is a catalog write: it bumps the revision once, its audit row carries the new one,
/// it writes a change-feed row naming the tool under test and sends the notice (with the experiment's name), so every
/// runtime applies it within milliseconds (decision 1602). A completion or a guardrail's rollback also changes the tool
/// in the same transaction and at the same revision (ToolCatalogStore.ExperimentResults.cs, decision 1603).
/// A tool runs one experiment at a time: starting a second one on the same tool is refused.
/// </remarks>
public sealed partial class ToolCatalogStore
{
    private const string SelectExperiments = "SELECT " + Sql.ExperimentColumns + """

        FROM tool_catalog.tool_ab_tests e
        JOIN tool_catalog.tools ta ON ta.id = e.tool_a_id
        JOIN tool_catalog.tools tb ON tb.id = e.tool_b_id
        WHERE (@Name::text IS NULL OR e.test_name = @Name::text)
        ORDER BY e.test_name
        """;

    private const string SelectExperimentStateForUpdate = """
        SELECT e.id AS Id, e.state AS State, ta.tool_name AS Tool, ta.version AS VersionA, tb.version AS VersionB,
            CASE WHEN ta.deleted_at IS NOT NULL THEN ta.version WHEN tb.deleted_at IS NOT NULL THEN tb.version END AS DeletedVersion
        FROM tool_catalog.tool_ab_tests e
        JOIN tool_catalog.tools ta ON ta.id = e.tool_a_id
        JOIN tool_catalog.tools tb ON tb.id = e.tool_b_id
        WHERE e.test_name = @Name
        FOR UPDATE OF e
        """;

    private const string SelectOtherRunningExperiment = """
        SELECT e.test_name
        FROM tool_catalog.tool_ab_tests e
        JOIN tool_catalog.tools ta ON ta.id = e.tool_a_id
        WHERE e.state = 'running' AND ta.tool_name = @Tool AND e.id <> @Id
        ORDER BY e.test_name
        LIMIT 1
        """;

    private const string SelectArmVersions = """
        SELECT t.id AS Id, t.version AS Version, t.deleted_at IS NOT NULL AS Deleted
        FROM tool_catalog.tools t
        WHERE t.tool_name = @Tool AND t.tenant_id IS NULL
        """;

    private const string InsertExperiment = """
        INSERT INTO tool_catalog.tool_ab_tests (test_name, description, tool_a_id, tool_b_id, traffic_split, seed,
            target_environments, target_users, metric, guardrails, minimum_sample_size, auto_promote, state,
            created_at, created_by)
        VALUES (@Name, @Description, @ToolAId, @ToolBId, @Split, @Seed, @Environments, @Users, @Metric,
            @Guardrails::jsonb, @MinimumSampleSize, @AutoPromote, 'draft', @Now, @Actor)
        RETURNING id
        """;

    private const string UpdateExperimentState = """
        UPDATE tool_catalog.tool_ab_tests
        SET state = @State,
            started_at = CASE WHEN @State = 'running' THEN @Now ELSE started_at END,
            stopped_at = CASE WHEN @State IN ('stopped', 'completed') THEN @Now ELSE stopped_at END,
            winner = coalesce(@Winner::char(1), winner)
        WHERE id = @Id
        """;

    private const string SelectCurrentRevision = "SELECT revision FROM tool_catalog.catalog_revision WHERE id = 1";

    private const string InsertExperimentAudit = """
        INSERT INTO tool_catalog.tool_audit_log (revision, tool_id, tool_name, version, entity_type, entity_id, action,
            changes, changed_by, changed_at, reason, ip_address, user_agent)
        VALUES (@Revision, NULL, @ToolName, NULL, 'ab_test', @EntityId, @Action,
            @Changes::jsonb, @Actor, @Now, @Reason, @IpAddress::inet, @UserAgent)
        """;

    /// <summary>
    /// Stores a new experiment in the <see cref="ExperimentState.Draft"/> state, audited (action <c>created</c>).
    /// </summary>
    /// <param name="definition">What it compares and for whom.</param>
    /// <param name="change">Who creates it and why (default: <see cref="ChangeContext.Anonymous"/>).</param>
    /// <param name="cancellationToken">Stops the write (nothing is stored).</param>
    /// <returns>The stored experiment.</returns>
    /// <exception cref="CatalogOperationException">The definition breaks a rule (each named), a version is not a stored
    /// version of the tool, or an experiment with that name exists. Nothing was written.</exception>
    /// <exception cref="ToolNotFoundException">The tool is not in the catalog.</exception>
    public async Task<Experiment> CreateExperimentAsync(ExperimentDefinition definition, ChangeContext? change = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        change ??= ChangeContext.Anonymous;
        StorageRules.CheckActor(change);
        var problems = definition.Validate();
        if (problems.Count > 0)
        {
            throw new CatalogOperationException($"Experiment '{definition.Name}' is not valid; nothing was written: {string.Join(" ", problems)}");
        }

        var now = _timeProvider.GetUtcNow();
        var connection = await OpenGlobalConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var versions = (await connection.QueryAsync<ArmVersionRow>(new CommandDefinition(
                    SelectArmVersions, new { definition.Tool }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
                if (versions.Count == 0)
                {
                    throw new ToolNotFoundException($"Experiment '{definition.Name}': tool '{definition.Tool}' is not in the catalog; nothing was written.");
                }

                var a = FindArm(versions, definition, "a", definition.VersionA);
                var b = FindArm(versions, definition, "b", definition.VersionB);
                long id;
                try
                {
                    id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertExperiment, new
                    {
                        definition.Name,
                        definition.Description,
                        ToolAId = a,
                        ToolBId = b,
                        definition.Split,
                        definition.Seed,
                        Environments = definition.Environments.ToArray(),
                        Users = definition.Users.ToArray(),
                        Metric = MetricText(definition.Metric),
                        definition.Guardrails,
                        definition.MinimumSampleSize,
                        definition.AutoPromote,
                        Now = now,
                        change.Actor,
                    }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
                {
                    throw new CatalogOperationException($"An experiment named '{definition.Name}' exists already; experiment names are unique. Nothing was written.", e);
                }
                catch (PostgresException e) when (e.SqlState.StartsWith("23", StringComparison.Ordinal) || e.SqlState.StartsWith("22", StringComparison.Ordinal))
                {
                    throw new CatalogOperationException($"The database refused experiment '{definition.Name}': {e.MessageText} (rule {e.ConstraintName}). Nothing was written.", e);
                }

                var created = new JsonObject
                {
                    ["name"] = Change(definition.Name),
                    ["description"] = Change(definition.Description),
                    ["tool"] = Change(definition.Tool),
                    ["version_a"] = Change(definition.VersionA),
                    ["version_b"] = Change(definition.VersionB),
                    ["split"] = Change(JsonValue.Create(definition.Split)),
                    ["seed"] = Change(definition.Seed ?? definition.Name),
                    ["environments"] = Change(new JsonArray([.. definition.Environments.Select(x => (JsonNode?)JsonValue.Create(x))])),
                    ["users"] = Change(new JsonArray([.. definition.Users.Select(x => (JsonNode?)JsonValue.Create(x))])),
                    ["metric"] = Change(MetricText(definition.Metric)),
                    ["guardrails"] = Change(JsonNode.Parse(definition.Guardrails)),
                    ["minimum_sample_size"] = Change(JsonValue.Create(definition.MinimumSampleSize)),
                    ["auto_promote"] = Change(JsonValue.Create(definition.AutoPromote)),
                    ["state"] = Change("draft"),
                };
                await InsertExperimentAuditAsync(connection, transaction, null, definition.Tool, id, "created", created, change, now, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return (await GetExperimentAsync(definition.Name, cancellationToken).ConfigureAwait(false))!;

        static JsonObject Change(JsonNode? value) => new() { ["old"] = null, ["new"] = value };
    }

    /// <summary>Starts a draft experiment (draft → running), audited as <c>activated</c>.</summary>
    /// <param name="name">The experiment's name.</param>
    /// <param name="change">Who starts it and why (default: <see cref="ChangeContext.Anonymous"/>).</param>
    /// <param name="cancellationToken">Stops the write.</param>
    /// <returns>The experiment as stored after the change.</returns>
    /// <exception cref="CatalogOperationException">No such experiment, it is not a draft (the message names its state), or one of its versions was deleted since.</exception>
    public Task<Experiment> StartExperimentAsync(string name, ChangeContext? change = null, CancellationToken cancellationToken = default) =>
        ChangeExperimentStateAsync(name, ExperimentState.Draft, ExperimentState.Running, "activated", "started", change, cancellationToken);

    /// <summary>Stops a running experiment (running → stopped), audited as <c>completed</c>.</summary>
    /// <param name="name">The experiment's name.</param>
    /// <param name="change">Who stops it and why (default: <see cref="ChangeContext.Anonymous"/>).</param>
    /// <param name="cancellationToken">Stops the write.</param>
    /// <returns>The experiment as stored after the change.</returns>
    /// <exception cref="CatalogOperationException">No such experiment, or it is not running (the message names its state).</exception>
    public Task<Experiment> StopExperimentAsync(string name, ChangeContext? change = null, CancellationToken cancellationToken = default) =>
        ChangeExperimentStateAsync(name, ExperimentState.Running, ExperimentState.Stopped, "completed", "stopped", change, cancellationToken);

    /// <summary>The experiment named <paramref name="name"/>, or null.</summary>
    /// <param name="name">The experiment's name.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The experiment, or null when there is none of that name.</returns>
    public async Task<Experiment?> GetExperimentAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var found = await QueryExperimentsAsync(name, cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>Every stored experiment, by name.</summary>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The experiments.</returns>
    public Task<IReadOnlyList<Experiment>> ListExperimentsAsync(CancellationToken cancellationToken = default) =>
        QueryExperimentsAsync(null, cancellationToken);

    private async Task<IReadOnlyList<Experiment>> QueryExperimentsAsync(string? name, CancellationToken cancellationToken)
    {
        var connection = await OpenGlobalConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var rows = await connection.QueryAsync<ExperimentRow>(new CommandDefinition(
                SelectExperiments, new { Name = name }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return [.. rows.Select(ToExperiment)];
        }
    }

    /// <summary>
    /// The one path of every state change of an experiment (start, stop, complete, roll back): one transaction that
    /// bumps the catalog revision first (so it takes its turn with every other writer), checks the state, updates the
    /// row, writes the audit row with the new revision, one change-feed row naming the tool under test and sends the
    /// notice, so every runtime applies the change on its next catch-up. With an <paramref name="outcome"/> (completion
    /// with a winner, or a guardrail's rollback) the same transaction, at the same revision, also records the winner and
    /// applies it to the tool (<see cref="ApplyWinnerAsync"/>), and the audit row carries the outcome's evidence; the
    /// tool's change-feed row then names the tool change (a content change, which stale writes must see). A refusal
    /// rolls everything back: no bump, no row, no notice.
    /// </summary>
    private async Task<Experiment> ChangeExperimentStateAsync(
        string name, ExperimentState from, ExperimentState to, string action, string verb, ChangeContext? change, CancellationToken cancellationToken,
        ExperimentOutcome? outcome = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        change ??= ChangeContext.Anonymous;
        StorageRules.CheckActor(change);
        var now = _timeProvider.GetUtcNow();
        var connection = await OpenGlobalConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var bumped = await BumpRevisionAsync(connection, transaction, "state change", $"experiment '{name}'", now, tenant: null, cancellationToken).ConfigureAwait(false);

                var current = await connection.QueryFirstOrDefaultAsync<ExperimentStateRow>(new CommandDefinition(
                    SelectExperimentStateForUpdate, new { Name = name }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false)
                    ?? throw new CatalogOperationException($"There is no experiment named '{name}'; nothing was {verb}. See 'toolcatalog experiment status' for the experiments.");
                var state = ParseState(current.State);
                if (state != from && state != outcome?.AlsoFrom)
                {
                    throw new CatalogOperationException(
                        $"Experiment '{name}' is {StateText(state)}; only a {StateText(from)} experiment can be {verb}. Nothing was changed.");
                }

                if (to == ExperimentState.Running && current.DeletedVersion is { } deleted)
                {
                    throw new CatalogOperationException(
                        $"Experiment '{name}' compares version '{deleted}' of tool '{current.Tool}', which was deleted; it cannot be started. Nothing was changed.");
                }

                if (to == ExperimentState.Running
                    && await connection.QueryFirstOrDefaultAsync<string>(new CommandDefinition(
                        SelectOtherRunningExperiment, new { current.Tool, current.Id }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false) is { } other)
                {
                    throw new CatalogOperationException(
                        $"Experiment '{name}' cannot start: experiment '{other}' is running on tool '{current.Tool}', and a tool runs one experiment at a time "
                        + $"(selection must know which version to serve). Stop '{other}' first. Nothing was changed.");
                }

                var changes = new JsonObject { ["state"] = new JsonObject { ["old"] = StateText(state), ["new"] = StateText(to) } };
                var feedAction = FeedAction(to);
                if (outcome is not null)
                {
                    var scope = new WriteScope(connection, transaction, now, change, bumped.Revision, bumped.FeedFloor, tenant: null) { CancellationToken = cancellationToken };
                    changes["tool"] = await ApplyWinnerAsync(scope, current.Tool, current.VersionA, current.VersionB, outcome.Winner).ConfigureAwait(false);
                    changes["winner"] = new JsonObject { ["old"] = null, ["new"] = outcome.Winner == ExperimentArm.B ? "b" : "a" };
                    changes["evidence"] = outcome.Evidence;
                    if (scope.Changes.TryGetValue(current.Tool, out var toolAction))
                    {
                        feedAction = toolAction;
                    }
                }

                await connection.ExecuteAsync(new CommandDefinition(UpdateExperimentState, new
                {
                    current.Id,
                    State = StateText(to),
                    Now = now,
                    Winner = outcome is null ? null : outcome.Winner == ExperimentArm.B ? "b" : "a",
                }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                await InsertExperimentAuditAsync(connection, transaction, bumped.Revision, current.Tool, current.Id, action, changes, change, now, cancellationToken).ConfigureAwait(false);
                await connection.ExecuteAsync(new CommandDefinition(Sql.InsertChange, new
                {
                    bumped.Revision,
                    ToolName = current.Tool,
                    Action = feedAction,
                    ChangedAt = now,
                }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                var payload = new CatalogNotification(bumped.Revision, [current.Tool]) { Experiments = [name] }.ToPayload();
                await connection.ExecuteAsync(new CommandDefinition(Sql.Notify, new { Channel = Sql.NotificationChannel, Payload = payload }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                StorageLog.WriteCommitted(_logger, feedAction, current.Tool, bumped.Revision);
            }
        }

        return (await GetExperimentAsync(name, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>The change-feed action of a state change: a runtime reads it as "the experiments of this tool changed".</summary>
    private static string FeedAction(ExperimentState to) => to switch
    {
        ExperimentState.Running => "experiment_started",
        ExperimentState.Stopped => "experiment_stopped",
        _ => "experiment_completed",
    };

    private static async Task InsertExperimentAuditAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long? revision, string toolName, long id, string action, JsonObject changes, ChangeContext change, DateTimeOffset now, CancellationToken cancellationToken)
    {
        revision ??= await connection.ExecuteScalarAsync<long>(new CommandDefinition(SelectCurrentRevision, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(InsertExperimentAudit, new
        {
            Revision = revision,
            ToolName = toolName,
            EntityId = id,
            Action = action,
            Changes = changes.ToJsonString(),
            change.Actor,
            Now = now,
            change.Reason,
            IpAddress = change.IpAddress?.ToString(),
            change.UserAgent,
        }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private static long FindArm(List<ArmVersionRow> versions, ExperimentDefinition definition, string arm, string version)
    {
        var row = versions.Find(v => string.Equals(v.Version, version, StringComparison.Ordinal));
        if (row is null || row.Deleted)
        {
            var stored = string.Join(", ", versions.Where(v => !v.Deleted).Select(v => v.Version).Order(StringComparer.Ordinal));
            throw new CatalogOperationException(
                $"Experiment '{definition.Name}': version '{version}' (arm {arm}) is not a stored version of tool '{definition.Tool}'"
                + (row is null ? "" : " (it was deleted)") + $"; stored versions: {(stored.Length == 0 ? "none" : stored)}. Nothing was written.");
        }

        return row.Id;
    }

    internal static string MetricText(ExperimentMetric metric) => metric == ExperimentMetric.Time ? "time" : "success";

    internal static string StateText(ExperimentState state) => state switch
    {
        ExperimentState.Draft => "draft",
        ExperimentState.Running => "running",
        ExperimentState.Stopped => "stopped",
        _ => "completed",
    };

    private static ExperimentState ParseState(string state) => state switch
    {
        "draft" => ExperimentState.Draft,
        "running" => ExperimentState.Running,
        "stopped" => ExperimentState.Stopped,
        _ => ExperimentState.Completed,
    };

    private static Experiment ToExperiment(ExperimentRow row) => new(
        row.Id,
        new ExperimentDefinition
        {
            Name = row.Name,
            Description = row.Description,
            Tool = row.Tool,
            VersionA = row.VersionA,
            VersionB = row.VersionB,
            Split = row.Split,
            Seed = row.Seed,
            Environments = row.Environments ?? [],
            Users = row.Users ?? [],
            Metric = row.Metric == "time" ? ExperimentMetric.Time : ExperimentMetric.Success,
            Guardrails = row.Guardrails ?? "[]",
            MinimumSampleSize = row.MinimumSampleSize,
            AutoPromote = row.AutoPromote,
        },
        ParseState(row.State),
        ToolAssembler.ToOffset(row.StartedAt),
        ToolAssembler.ToOffset(row.StoppedAt),
        row.Winner?.Trim() switch { "a" => ExperimentArm.A, "b" => ExperimentArm.B, _ => null },
        row.CreatedBy,
        ToolAssembler.ToOffset(row.CreatedAt));

    private sealed class ArmVersionRow
    {
        public long Id { get; init; }

        public string Version { get; init; } = "";

        public bool Deleted { get; init; }
    }

    private sealed class ExperimentStateRow
    {
        public long Id { get; init; }

        public string State { get; init; } = "";

        public string Tool { get; init; } = "";

        public string VersionA { get; init; } = "";

        public string VersionB { get; init; } = "";

        public string? DeletedVersion { get; init; }
    }

    private class ExperimentRow
    {
        public long Id { get; init; }

        public string Name { get; init; } = "";

        public string? Description { get; init; }

        public string Tool { get; init; } = "";

        public string VersionA { get; init; } = "";

        public string VersionB { get; init; } = "";

        public double Split { get; init; }

        public string? Seed { get; init; }

        public string[]? Environments { get; init; }

        public string[]? Users { get; init; }

        public string Metric { get; init; } = "";

        public string? Guardrails { get; init; }

        public int MinimumSampleSize { get; init; }

        public bool AutoPromote { get; init; }

        public string State { get; init; } = "";

        public DateTime? StartedAt { get; init; }

        public DateTime? StoppedAt { get; init; }

        public string? Winner { get; init; }

        public string? CreatedBy { get; init; }

        public DateTime CreatedAt { get; init; }
    }
}
