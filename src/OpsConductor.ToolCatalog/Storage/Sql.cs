namespace OpsConductor.ToolCatalog.Storage;

/// <summary>
/// Every SQL statement the store runs, in one place. All are parameterised (Dapper <c>@Name</c> parameters);
/// every selected column is aliased to the property it fills. Nothing here is ever concatenated with data.
/// </summary>
internal static class Sql
{
    public const string Schema = "tool_catalog";

    public const string NotificationChannel = "tool_catalog";

    /// <summary>Subscribes a (dedicated) connection to the catalog's notices.</summary>
    public const string Listen = "LISTEN " + NotificationChannel;

    // ---- Migrations ----

    /// <summary>Session-level advisory lock serialising migrators of one database (the key spells "ToolCat").</summary>
    public const long MigrationLockKey = 0x546F6F6C436174;

    public const string AcquireMigrationLock = "SELECT pg_advisory_lock(@Key)";

    public const string ReleaseMigrationLock = "SELECT pg_advisory_unlock(@Key)";

    public const string CreateMigrationsTable = """
        CREATE SCHEMA IF NOT EXISTS tool_catalog;
        CREATE TABLE IF NOT EXISTS tool_catalog.schema_migrations (
            version      integer      PRIMARY KEY,
            name         text         NOT NULL,
            checksum     text         NOT NULL,
            applied_at   timestamptz  NOT NULL DEFAULT now(),
            applied_by   text         NOT NULL DEFAULT current_user,
            execution_ms integer      NOT NULL
        );
        """;

    public const string SelectAppliedMigrations = """
        SELECT version AS Version, name AS Name, checksum AS Checksum, applied_at AS AppliedAt
        FROM tool_catalog.schema_migrations
        ORDER BY version
        """;

    public const string InsertMigration = """
        INSERT INTO tool_catalog.schema_migrations (version, name, checksum, applied_at, execution_ms)
        VALUES (@Version, @Name, @Checksum, @AppliedAt, @ExecutionMs)
        """;

    // ---- Revision and change feed ----

    public const string BumpRevision = """
        UPDATE tool_catalog.catalog_revision
        SET revision = revision + 1, updated_at = @Now
        WHERE id = 1
        RETURNING revision AS Revision, feed_floor AS FeedFloor,
            (SELECT string_agg(m.version::text || ':' || m.checksum, ',' ORDER BY m.version) FROM tool_catalog.schema_migrations m) AS SchemaFingerprint,
            (SELECT tn.state FROM tool_catalog.tenants tn WHERE tn.id = @Tenant::text) AS TenantState
        """;

    public const string SelectRevision = """
        SELECT revision AS Revision, feed_floor AS FeedFloor
        FROM tool_catalog.catalog_revision
        WHERE id = 1
        """;

    public const string SelectFirstToolChangedAfter = $"""
        SELECT tool_name AS Name, max(revision) AS Revision
        FROM tool_catalog.catalog_changes
        WHERE tool_name = ANY(@Names) AND revision > @Expected AND action NOT LIKE 'experiment%' AND {TenantSql.VisibleChange}
        GROUP BY tool_name
        ORDER BY tool_name
        LIMIT 1
        """;

    public const string InsertChange = """
        INSERT INTO tool_catalog.catalog_changes (revision, tool_name, action, changed_at)
        VALUES (@Revision, @ToolName, @Action, @ChangedAt)
        ON CONFLICT (revision, tool_name) DO NOTHING
        """;

    public const string PruneChanges = """
        WITH pruned AS (
            DELETE FROM tool_catalog.catalog_changes
            WHERE changed_at < @Before
            RETURNING revision
        )
        UPDATE tool_catalog.catalog_revision
        SET feed_floor = greatest(feed_floor, coalesce((SELECT max(revision) FROM pruned), feed_floor))
        WHERE id = 1
        RETURNING feed_floor AS FeedFloor
        """;

    public const string Notify = "SELECT pg_notify(@Channel, @Payload)";

    public const string SetReadOnly = "SET TRANSACTION READ ONLY";

    public const string Savepoint = "SAVEPOINT import_tool";

    public const string RollbackToSavepoint = "ROLLBACK TO SAVEPOINT import_tool";

    public const string ReleaseSavepoint = "RELEASE SAVEPOINT import_tool";

    // ---- Id allocation ----

    /// <summary>Takes <c>@Tools</c>, <c>@Capabilities</c> and <c>@Patterns</c> ids from the three sequences. Each list
    /// comes back as its first id alone when the ids are consecutive (the usual case: nobody else took ids meanwhile,
    /// and ids taken by one statement increase), else in full; see <see cref="AllocatedIds"/>.</summary>
    public const string AllocateIds = """
        WITH t AS MATERIALIZED (SELECT ARRAY(SELECT nextval('tool_catalog.tools_id_seq') FROM generate_series(1, @Tools)) AS ids),
             c AS MATERIALIZED (SELECT ARRAY(SELECT nextval('tool_catalog.tool_capabilities_id_seq') FROM generate_series(1, @Capabilities)) AS ids),
             p AS MATERIALIZED (SELECT ARRAY(SELECT nextval('tool_catalog.tool_patterns_id_seq') FROM generate_series(1, @Patterns)) AS ids)
        SELECT
            CASE WHEN t.ids[cardinality(t.ids)] - t.ids[1] + 1 = cardinality(t.ids) THEN t.ids[1:1] ELSE t.ids END AS Tools,
            CASE WHEN c.ids[cardinality(c.ids)] - c.ids[1] + 1 = cardinality(c.ids) THEN c.ids[1:1] ELSE c.ids END AS Capabilities,
            CASE WHEN p.ids[cardinality(p.ids)] - p.ids[1] + 1 = cardinality(p.ids) THEN p.ids[1:1] ELSE p.ids END AS Patterns
        FROM t, c, p
        """;

    // ---- Inserting rows (the statement writer; the COPY writer uses the same column lists) ----

    public const string ToolColumns =
        "id, tool_name, version, description, platform, category, status, enabled, defaults, dependencies, metadata, "
        + "execution_location, examples, extensions, parent_version_id, is_latest, created_at, updated_at, created_by, updated_by";

    public const string CapabilityColumns = "id, tool_id, ordinal, capability_name, description, extensions, created_at";

    public const string PatternColumns =
        "id, capability_id, ordinal, pattern_name, description, typical_use_cases, time_estimate_ms, cost_estimate, "
        + "complexity_score, scope, completeness, accuracy_level, freshness, data_source, limitations, policy, "
        + "preference_match, required_inputs, optional_inputs, expected_outputs, examples, extensions, created_at";

    public const string AuditColumns =
        "revision, tool_id, tool_name, version, entity_type, entity_id, action, changes, changed_by, changed_at, reason, ip_address, user_agent";

    public const string CopyTools = "COPY tool_catalog.tools (" + ToolColumns + ") FROM STDIN (FORMAT BINARY)";

    public const string CopyCapabilities = "COPY tool_catalog.tool_capabilities (" + CapabilityColumns + ") FROM STDIN (FORMAT BINARY)";

    public const string CopyPatterns = "COPY tool_catalog.tool_patterns (" + PatternColumns + ") FROM STDIN (FORMAT BINARY)";

    public const string CopyChanges = "COPY tool_catalog.catalog_changes (revision, tool_name, action, changed_at) FROM STDIN (FORMAT BINARY)";

    public const string CopyAudit = "COPY tool_catalog.tool_audit_log (" + AuditColumns + ") FROM STDIN (FORMAT BINARY)";

    public const string InsertTool = """
        INSERT INTO tool_catalog.tools (id, tool_name, version, description, platform, category, status, enabled, defaults,
            dependencies, metadata, execution_location, examples, extensions, parent_version_id, is_latest, created_at,
            updated_at, created_by, updated_by)
        VALUES (@Id, @Name, @Version, @Description, @Platform, @Category, @Status, @Enabled, @Defaults,
            @Dependencies, @Metadata, @ExecutionLocation, @Examples, @Extensions, @ParentVersionId, @IsLatest, @Now,
            @Now, @Actor, @Actor)
        """;

    public const string InsertCapability = """
        INSERT INTO tool_catalog.tool_capabilities (id, tool_id, ordinal, capability_name, description, extensions, created_at)
        VALUES (@Id, @ToolId, @Ordinal, @Name, @Description, @Extensions, @Now)
        """;

    public const string InsertPattern = """
        INSERT INTO tool_catalog.tool_patterns (id, capability_id, ordinal, pattern_name, description, typical_use_cases,
            time_estimate_ms, cost_estimate, complexity_score, scope, completeness, accuracy_level, freshness, data_source,
            limitations, policy, preference_match, required_inputs, optional_inputs, expected_outputs, examples, extensions,
            created_at)
        VALUES (@Id, @CapabilityId, @Ordinal, @Name, @Description, @TypicalUseCases,
            @TimeEstimateMs, @CostEstimate, @ComplexityScore, @Scope, @Completeness, @AccuracyLevel, @Freshness, @DataSource,
            @Limitations, @Policy, @PreferenceMatch, @RequiredInputs, @OptionalInputs, @ExpectedOutputs, @Examples, @Extensions,
            @Now)
        """;

    public const string InsertAudit = """
        INSERT INTO tool_catalog.tool_audit_log (revision, tool_id, tool_name, version, entity_type, entity_id, action,
            changes, changed_by, changed_at, reason, ip_address, user_agent)
        VALUES (@Revision, @ToolId, @ToolName, @Version, 'tool', @ToolId, @Action,
            @Changes::jsonb, @Actor, @Now, @Reason, @IpAddress::inet, @UserAgent)
        """;

    // ---- Reading the audit trail ----

    public const string SelectAudit = $"""
        SELECT a.id AS Id, a.revision AS Revision, a.tool_id AS ToolId, a.tool_name AS ToolName, a.version AS Version,
            a.action AS Action, a.changes::text AS Changes, a.changed_by AS ChangedBy, a.changed_at AS ChangedAt,
            a.reason AS Reason, host(a.ip_address) AS IpAddress, a.user_agent AS UserAgent
        FROM tool_catalog.tool_audit_log a
        WHERE a.tool_name = @Name AND {TenantSql.VisibleAudit}
        ORDER BY a.id
        """;

    // Every criterion is optional: a null parameter switches its condition off.
    public const string SelectAuditPage = $"""
        SELECT a.id AS Id, a.revision AS Revision, a.tool_id AS ToolId, a.tool_name AS ToolName, a.version AS Version,
            a.action AS Action, a.changes::text AS Changes, a.changed_by AS ChangedBy, a.changed_at AS ChangedAt,
            a.reason AS Reason, host(a.ip_address) AS IpAddress, a.user_agent AS UserAgent
        FROM tool_catalog.tool_audit_log a
        WHERE (@Tool::text IS NULL OR a.tool_name = @Tool::text)
            AND (@Actor::text IS NULL OR a.changed_by = @Actor::text)
            AND (@Action::text IS NULL OR a.action = @Action::text)
            AND (@From::timestamptz IS NULL OR a.changed_at >= @From::timestamptz)
            AND (@To::timestamptz IS NULL OR a.changed_at < @To::timestamptz)
            AND (@Before::bigint IS NULL OR a.id < @Before::bigint)
            AND {TenantSql.VisibleAudit}
        ORDER BY a.id DESC
        LIMIT @Limit
        """;

    public const string SelectHardDeletes = $"""
        SELECT a.id AS Id, a.revision AS Revision, a.tool_id AS ToolId, a.tool_name AS ToolName, a.version AS Version,
            a.action AS Action, a.changes::text AS Changes, a.changed_by AS ChangedBy, a.changed_at AS ChangedAt,
            a.reason AS Reason, host(a.ip_address) AS IpAddress, a.user_agent AS UserAgent
        FROM tool_catalog.tool_audit_log a
        WHERE a.tool_name = ANY(@Names) AND a.action = 'hard_deleted' AND {TenantSql.VisibleAudit}
        ORDER BY a.id
        """;

    // ---- Reading versions ----

    public const string SelectVersionHeads = $"""
        SELECT t.id AS Id, t.tool_name AS Name, t.version AS Version, t.status AS Status, t.enabled AS Enabled,
            t.is_latest AS IsLatest, t.deleted_at AS DeletedAt, t.parent_version_id AS ParentVersionId
        FROM tool_catalog.tools t
        WHERE t.tool_name = ANY(@Names) AND {TenantSql.Own}
        ORDER BY t.tool_name, t.id
        """;

    public const string SelectVersionHeadsForUpdate = $"""
        SELECT t.id AS Id, t.tool_name AS Name, t.version AS Version, t.status AS Status, t.enabled AS Enabled,
            t.is_latest AS IsLatest, t.deleted_at AS DeletedAt, t.parent_version_id AS ParentVersionId
        FROM tool_catalog.tools t
        WHERE t.tool_name = @Name AND {TenantSql.Own}
        ORDER BY t.id
        FOR UPDATE
        """;

    internal const string ToolSelectList = """
        t.id AS Id, t.tool_name AS Name, t.version AS Version, t.description AS Description, t.platform AS Platform,
            t.category AS Category, t.status AS Status, t.enabled AS Enabled, t.defaults AS Defaults,
            t.dependencies AS Dependencies, t.metadata AS Metadata, t.execution_location AS ExecutionLocation,
            t.examples AS Examples, t.extensions AS Extensions, t.parent_version_id AS ParentVersionId,
            t.is_latest AS IsLatest, t.deleted_at AS DeletedAt, t.created_at AS CreatedAt, t.created_by AS CreatedBy,
            t.updated_at AS UpdatedAt, t.updated_by AS UpdatedBy
        """;

    internal const string CapabilitySelectList = """
        c.id AS Id, c.tool_id AS ToolId, c.ordinal AS Ordinal, c.capability_name AS Name, c.description AS Description,
            c.extensions AS Extensions
        """;

    internal const string PatternSelectList = """
        p.id AS Id, p.capability_id AS CapabilityId, p.ordinal AS Ordinal, p.pattern_name AS Name,
            p.description AS Description, p.typical_use_cases AS TypicalUseCases, p.time_estimate_ms AS TimeEstimateMs,
            p.cost_estimate AS CostEstimate, p.complexity_score AS ComplexityScore, p.scope AS Scope,
            p.completeness AS Completeness, p.accuracy_level AS AccuracyLevel, p.freshness AS Freshness,
            p.data_source AS DataSource, p.limitations AS Limitations, p.policy AS Policy,
            p.preference_match AS PreferenceMatch, p.required_inputs AS RequiredInputs,
            p.optional_inputs AS OptionalInputs, p.expected_outputs AS ExpectedOutputs, p.examples AS Examples,
            p.extensions AS Extensions
        """;

    /// <summary>Three result sets (tools, capabilities, patterns) for the versions whose ids are in <c>@Ids</c>.</summary>
    public const string SelectToolsByIds = $"""
        SELECT {ToolSelectList}
        FROM tool_catalog.tools t
        WHERE t.id = ANY(@Ids);
        SELECT {CapabilitySelectList}
        FROM tool_catalog.tool_capabilities c
        WHERE c.tool_id = ANY(@Ids)
        ORDER BY c.tool_id, c.ordinal;
        SELECT {PatternSelectList}
        FROM tool_catalog.tool_patterns p
        JOIN tool_catalog.tool_capabilities c ON c.id = p.capability_id
        WHERE c.tool_id = ANY(@Ids)
        ORDER BY p.capability_id, p.ordinal;
        """;

    /// <summary>Three result sets (tools, capabilities, patterns) for every latest version.</summary>
    public const string SelectAllLatest = $"""
        SELECT {ToolSelectList}
        FROM tool_catalog.tools t
        WHERE t.is_latest AND {TenantSql.InView}
        ORDER BY t.tool_name;
        SELECT {CapabilitySelectList}
        FROM tool_catalog.tool_capabilities c
        JOIN tool_catalog.tools t ON t.id = c.tool_id
        WHERE t.is_latest AND {TenantSql.InView}
        ORDER BY c.tool_id, c.ordinal;
        SELECT {PatternSelectList}
        FROM tool_catalog.tool_patterns p
        JOIN tool_catalog.tool_capabilities c ON c.id = p.capability_id
        JOIN tool_catalog.tools t ON t.id = c.tool_id
        WHERE t.is_latest AND {TenantSql.InView}
        ORDER BY p.capability_id, p.ordinal;
        """;

    /// <summary>
    /// Everything a runtime needs to catch up from @Revision, in one round trip (run in a REPEATABLE READ transaction so
    /// every part sees the same snapshot): the revision row, the names changed after @Revision, and the latest version
    /// of each of them (tools, capabilities, patterns). A name with no latest version was removed.
    /// </summary>
    public const string SelectChangesSince = $"""
        SET TRANSACTION READ ONLY;
        SELECT revision AS Revision, feed_floor AS FeedFloor
        FROM tool_catalog.catalog_revision
        WHERE id = 1;
        SELECT DISTINCT tool_name AS Name
        FROM tool_catalog.catalog_changes
        WHERE revision > @Revision AND {TenantSql.VisibleChange};
        SELECT {ToolSelectList}
        FROM tool_catalog.tools t
        WHERE t.is_latest AND {TenantSql.InView} AND t.tool_name IN (SELECT tool_name FROM tool_catalog.catalog_changes WHERE revision > @Revision AND {TenantSql.VisibleChange});
        SELECT {CapabilitySelectList}
        FROM tool_catalog.tool_capabilities c
        JOIN tool_catalog.tools t ON t.id = c.tool_id
        WHERE t.is_latest AND {TenantSql.InView} AND t.tool_name IN (SELECT tool_name FROM tool_catalog.catalog_changes WHERE revision > @Revision AND {TenantSql.VisibleChange})
        ORDER BY c.tool_id, c.ordinal;
        SELECT {PatternSelectList}
        FROM tool_catalog.tool_patterns p
        JOIN tool_catalog.tool_capabilities c ON c.id = p.capability_id
        JOIN tool_catalog.tools t ON t.id = c.tool_id
        WHERE t.is_latest AND {TenantSql.InView} AND t.tool_name IN (SELECT tool_name FROM tool_catalog.catalog_changes WHERE revision > @Revision AND {TenantSql.VisibleChange})
        ORDER BY p.capability_id, p.ordinal;
        """;

    /// <summary>The columns of a stored experiment (aliases <c>e</c>, <c>ta</c>, <c>tb</c>: the row and its arms' versions).</summary>
    public const string ExperimentColumns = """
        e.id AS Id, e.test_name AS Name, e.description AS Description, ta.tool_name AS Tool, ta.version AS VersionA,
        tb.version AS VersionB, e.traffic_split AS Split, e.seed AS Seed, e.target_environments AS Environments,
        e.target_users AS Users, e.metric AS Metric, e.guardrails::text AS Guardrails, e.minimum_sample_size AS MinimumSampleSize,
        e.auto_promote AS AutoPromote, e.state AS State, e.started_at AS StartedAt, e.stopped_at AS StoppedAt,
        e.winner AS Winner, e.created_by AS CreatedBy, e.created_at AS CreatedAt
        """;

    /// <summary>
    /// The running experiments a runtime applies (issue 16), read with the catalog in the same REPEATABLE READ snapshot
    /// (appended to <see cref="SelectChangesSince"/> and run after <see cref="SelectAllLatest"/>): one row per running
    /// experiment with its arms' version ids and whether each arm's version can be served (not deleted, enabled), then
    /// the arm versions (tools, capabilities, patterns) whose ids are not in <c>@KnownArms</c> (versions are immutable,
    /// so a runtime that compiled one keeps it).
    /// </summary>
    public const string SelectRunningExperiments = $"""
        SELECT {ExperimentColumns},
            e.tool_a_id AS VersionAId, e.tool_b_id AS VersionBId,
            ta.deleted_at IS NULL AND ta.enabled AS UsableA, tb.deleted_at IS NULL AND tb.enabled AS UsableB,
            ta.status AS StatusA, tb.status AS StatusB
        FROM tool_catalog.tool_ab_tests e
        JOIN tool_catalog.tools ta ON ta.id = e.tool_a_id
        JOIN tool_catalog.tools tb ON tb.id = e.tool_b_id
        WHERE e.state = 'running'
        ORDER BY e.test_name;
        SELECT {ToolSelectList}
        FROM tool_catalog.tools t
        WHERE t.id IN (SELECT tool_a_id FROM tool_catalog.tool_ab_tests WHERE state = 'running'
                       UNION SELECT tool_b_id FROM tool_catalog.tool_ab_tests WHERE state = 'running')
            AND NOT (t.id = ANY(@KnownArms));
        SELECT {CapabilitySelectList}
        FROM tool_catalog.tool_capabilities c
        WHERE c.tool_id IN (SELECT tool_a_id FROM tool_catalog.tool_ab_tests WHERE state = 'running'
                            UNION SELECT tool_b_id FROM tool_catalog.tool_ab_tests WHERE state = 'running')
            AND NOT (c.tool_id = ANY(@KnownArms))
        ORDER BY c.tool_id, c.ordinal;
        SELECT {PatternSelectList}
        FROM tool_catalog.tool_patterns p
        JOIN tool_catalog.tool_capabilities c ON c.id = p.capability_id
        WHERE c.tool_id IN (SELECT tool_a_id FROM tool_catalog.tool_ab_tests WHERE state = 'running'
                            UNION SELECT tool_b_id FROM tool_catalog.tool_ab_tests WHERE state = 'running')
            AND NOT (c.tool_id = ANY(@KnownArms))
        ORDER BY p.capability_id, p.ordinal;
        """;

    /// <summary><see cref="SelectChangesSince"/> and <see cref="SelectRunningExperiments"/> in one round trip (the hot-reload path).</summary>
    public const string SelectChangesAndExperimentsSince = SelectChangesSince + SelectRunningExperiments + SelectTenantChangesSince;

    /// <summary>
    /// The tenants whose overlays changed after @Revision, each with its last such revision (appended to the global
    /// catch-up): a runtime serving tenants' views (<c>IToolCatalog.ForTenant</c>) reloads exactly those overlays, even
    /// when their notices were lost.
    /// </summary>
    public const string SelectTenantChangesSince = """

        SELECT tenant_id AS Tenant, max(revision) AS Revision
        FROM tool_catalog.catalog_changes
        WHERE revision > @Revision AND tenant_id IS NOT NULL
        GROUP BY tenant_id;
        """;

    public const string SelectLatestId = $"""
        SELECT t.id AS Id
        FROM tool_catalog.tools t
        WHERE t.tool_name = @Name AND t.is_latest AND {TenantSql.InView}
        """;

    public const string SelectVersionId = $"""
        SELECT t.id AS Id
        FROM tool_catalog.tools t
        WHERE t.tool_name = @Name AND t.version = @Version AND t.deleted_at IS NULL AND {TenantSql.InView}
        ORDER BY t.tenant_id NULLS LAST
        LIMIT 1
        """;

    private const string FilterConditions = """
        t.is_latest
            AND (@Platform::text IS NULL OR t.platform = @Platform)
            AND (@Category::text IS NULL OR t.category = @Category)
            AND (@Status::text IS NULL OR t.status = @Status)
            AND (@Enabled::boolean IS NULL OR t.enabled = @Enabled)
            AND (@Capability::text IS NULL OR EXISTS (
                SELECT 1 FROM tool_catalog.tool_capabilities fc WHERE fc.tool_id = t.id AND fc.capability_name = @Capability))
            AND (@Tag::text IS NULL OR t.metadata @> jsonb_build_object('tags', jsonb_build_array(@Tag::text)))
        """;

    private const string SummarySelectList = """
        t.tool_name AS Name, t.version AS Version, t.description AS Description, t.platform AS Platform,
            t.category AS Category, t.status AS Status, t.enabled AS Enabled,
            ARRAY(SELECT sc.capability_name FROM tool_catalog.tool_capabilities sc WHERE sc.tool_id = t.id ORDER BY sc.ordinal) AS Capabilities,
            ARRAY(SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(t.metadata -> 'tags') = 'array' THEN t.metadata -> 'tags' ELSE '[]'::jsonb END)) AS Tags,
            t.updated_at AS UpdatedAt
        """;

    /// <summary>One page of latest versions after the cursor <c>@After</c> (a tool name), <c>@Limit</c> rows.</summary>
    public const string ListLatest = $"""
        SELECT {SummarySelectList}
        FROM tool_catalog.tools t
        WHERE {FilterConditions}
            AND {TenantSql.InView}
            AND (@After::text IS NULL OR t.tool_name > @After)
        ORDER BY t.tool_name
        LIMIT @Limit
        """;

    public const string SelectLatestIdsByFilter = $"""
        SELECT t.id AS Id
        FROM tool_catalog.tools t
        WHERE {FilterConditions}
            AND {TenantSql.Own}
        ORDER BY t.tool_name
        """;

    public const string SelectAllVersionIdsByFilter = $"""
        SELECT v.id AS Id
        FROM tool_catalog.tools t
        JOIN tool_catalog.tools v ON v.tool_name = t.tool_name AND v.deleted_at IS NULL AND v.tenant_id IS NOT DISTINCT FROM t.tenant_id
        WHERE {FilterConditions}
            AND {TenantSql.Own}
        ORDER BY t.tool_name, v.is_latest, v.id
        """;

    /// <summary>Latest versions matching <c>@Contains</c> (an ILIKE pattern) in name, description, tags or use cases.</summary>
    public const string Search = $"""
        SELECT {SummarySelectList}
        FROM tool_catalog.tools t
        WHERE t.is_latest
            AND {TenantSql.InView}
            AND (t.tool_name ILIKE @Contains
                OR t.description ILIKE @Contains
                OR EXISTS (
                    SELECT 1 FROM jsonb_array_elements_text(
                        CASE WHEN jsonb_typeof(t.metadata -> 'tags') = 'array' THEN t.metadata -> 'tags' ELSE '[]'::jsonb END) tag
                    WHERE tag ILIKE @Contains)
                OR EXISTS (
                    SELECT 1
                    FROM tool_catalog.tool_capabilities sc
                    JOIN tool_catalog.tool_patterns sp ON sp.capability_id = sc.id
                    CROSS JOIN LATERAL json_array_elements_text(sp.typical_use_cases) use_case
                    WHERE sc.tool_id = t.id AND use_case ILIKE @Contains))
        ORDER BY
            CASE
                WHEN lower(t.tool_name) = lower(@Text) THEN 0
                WHEN t.tool_name ILIKE @Prefix THEN 1
                WHEN t.tool_name ILIKE @Contains THEN 2
                WHEN t.description ILIKE @Contains THEN 3
                ELSE 4
            END,
            t.tool_name
        LIMIT @Limit
        """;

    public const string SelectVersions = $"""
        SELECT t.id AS Id, t.version AS Version, t.status AS Status, t.enabled AS Enabled, t.is_latest AS IsLatest,
            t.deleted_at AS DeletedAt, parent.version AS ParentVersion, t.created_at AS CreatedAt, t.created_by AS CreatedBy,
            t.updated_at AS UpdatedAt, t.updated_by AS UpdatedBy
        FROM tool_catalog.tools t
        LEFT JOIN tool_catalog.tools parent ON parent.id = t.parent_version_id
        WHERE t.tool_name = @Name AND {TenantSql.InView}
        ORDER BY t.id
        """;

    // ---- Changing versions ----

    public const string ClearLatest = """
        UPDATE tool_catalog.tools
        SET is_latest = false, updated_at = @Now, updated_by = @Actor
        WHERE tool_name = ANY(@Names) AND is_latest AND tenant_id IS NOT DISTINCT FROM @Tenant::text
        """;

    public const string MakeLatest = """
        UPDATE tool_catalog.tools
        SET is_latest = true, updated_at = @Now, updated_by = @Actor
        WHERE id = @Id
        """;

    public const string SetState = """
        UPDATE tool_catalog.tools
        SET status = @Status, enabled = @Enabled, updated_at = @Now, updated_by = @Actor
        WHERE id = @Id
        """;

    public const string Restore = """
        UPDATE tool_catalog.tools
        SET deleted_at = NULL, deleted_by = NULL, status = @Status, enabled = @Enabled, updated_at = @Now, updated_by = @Actor
        WHERE id = @Id
        """;

    public const string SoftDelete = """
        UPDATE tool_catalog.tools
        SET deleted_at = @Now, deleted_by = @Actor, is_latest = false, updated_at = @Now, updated_by = @Actor
        WHERE id = ANY(@Ids)
        """;

    public const string CountReferences = """
        SELECT
            (SELECT count(*) FROM tool_catalog.tool_telemetry WHERE tool_id = ANY(@Ids)) AS Telemetry,
            (SELECT count(*) FROM tool_catalog.tool_ab_tests
             WHERE tool_a_id = ANY(@Ids) OR tool_b_id = ANY(@Ids)) AS AbTests
        """;

    public const string DeleteReferences = """
        DELETE FROM tool_catalog.tool_telemetry WHERE tool_id = ANY(@Ids);
        DELETE FROM tool_catalog.tool_ab_tests
        WHERE tool_a_id = ANY(@Ids) OR tool_b_id = ANY(@Ids);
        """;

    /// <summary>Relinks children of the deleted versions to the deleted versions' parents, then deletes them
    /// (capabilities and patterns cascade).</summary>
    public const string HardDelete = """
        UPDATE tool_catalog.tools child
        SET parent_version_id = gone.parent_version_id
        FROM tool_catalog.tools gone
        WHERE gone.id = ANY(@Ids) AND child.parent_version_id = gone.id AND NOT (child.id = ANY(@Ids));
        DELETE FROM tool_catalog.tools WHERE id = ANY(@Ids);
        """;

    // ---- Telemetry partitions ----

    public const string EnsureTelemetryPartition = "SELECT tool_catalog.ensure_telemetry_partition(@Month) AS Name";

    public const string DropTelemetryPartitionsBefore = "SELECT tool_catalog.drop_telemetry_partitions_before(@Before) AS Name";

    // ---- Secrets (ToolCatalogStore.Secrets) ----

    /// <summary>Version rows whose document columns hold a secret envelope (a text search for the marker; the envelopes
    /// themselves are found by parsing). Soft-deleted versions included.</summary>
    public const string SelectToolSecretRows = """
        SELECT t.id AS "Id", t.id AS "VersionId", t.tool_name AS "ToolName", t.version AS "Version",
               t.defaults::text AS "A", t.dependencies::text AS "B", t.metadata::text AS "C", t.examples::text AS "D", t.extensions::text AS "E",
               NULL::text AS "F", NULL::text AS "G"
        FROM tool_catalog.tools t
        WHERE (t.defaults::text || t.dependencies::text || t.metadata::text || t.examples::text || t.extensions::text) LIKE '%"$secret"%'
        ORDER BY t.id
        """;

    public const string SelectCapabilitySecretRows = """
        SELECT c.id AS "Id", t.id AS "VersionId", t.tool_name AS "ToolName", t.version AS "Version",
               c.extensions::text AS "A", NULL::text AS "B", NULL::text AS "C", NULL::text AS "D", NULL::text AS "E", NULL::text AS "F", NULL::text AS "G"
        FROM tool_catalog.tool_capabilities c JOIN tool_catalog.tools t ON t.id = c.tool_id
        WHERE c.extensions::text LIKE '%"$secret"%'
        ORDER BY c.id
        """;

    public const string SelectPatternSecretRows = """
        SELECT p.id AS "Id", t.id AS "VersionId", t.tool_name AS "ToolName", t.version AS "Version",
               p.policy::text AS "A", p.preference_match::text AS "B", p.required_inputs::text AS "C", p.optional_inputs::text AS "D",
               p.expected_outputs::text AS "E", p.examples::text AS "F", p.extensions::text AS "G"
        FROM tool_catalog.tool_patterns p JOIN tool_catalog.tool_capabilities c ON c.id = p.capability_id JOIN tool_catalog.tools t ON t.id = c.tool_id
        WHERE (p.policy::text || p.preference_match::text || p.required_inputs::text || p.optional_inputs::text
               || p.expected_outputs::text || p.examples::text || p.extensions::text) LIKE '%"$secret"%'
        ORDER BY p.id
        """;

    /// <summary>Lets this transaction's re-wrapping through the content triggers (schema/0011).</summary>
    public const string AllowSecretRewrap = "SET LOCAL tool_catalog.rewrapping_secrets = 'on'";

    public const string UpdateToolSecrets = """
        UPDATE tool_catalog.tools
        SET defaults = @A::jsonb, dependencies = @B::jsonb, metadata = @C::jsonb, examples = @D::jsonb, extensions = @E::jsonb
        WHERE id = @Id
        """;

    public const string UpdateCapabilitySecrets = """
        UPDATE tool_catalog.tool_capabilities SET extensions = @A::jsonb WHERE id = @Id
        """;

    public const string UpdatePatternSecrets = """
        UPDATE tool_catalog.tool_patterns
        SET policy = @A::json, preference_match = @B::json, required_inputs = @C::json, optional_inputs = @D::json,
            expected_outputs = @E::json, examples = @F::json, extensions = @G::json
        WHERE id = @Id
        """;
}
