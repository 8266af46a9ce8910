-- 0007_decision_log: the sampled selection decisions (issue 15, decision 1504), for what-if replay.
--
-- One row per logged decision: when, the selection id (the one telemetry's selection_id carries), the catalog
-- revision the decision read, the chosen tool, version, capability and pattern with their figures (null when nothing
-- could be chosen), and as jsonb the request (everything needed to run it again) and every candidate with its figures
-- (excluded ones with their rule and reason). Names, not row ids: a decision stays readable after its tools change or
-- go. Partitioned by month like tool_telemetry; the telemetry partition functions now keep and drop this table's
-- partitions too, so `toolcatalog telemetry prune` and the recorders' partition upkeep cover both.

CREATE SEQUENCE tool_catalog.selection_decisions_id_seq AS bigint;

CREATE TABLE tool_catalog.selection_decisions (
    id                bigint           NOT NULL DEFAULT nextval('tool_catalog.selection_decisions_id_seq'),
    selection_id      varchar(100)     NOT NULL,
    decided_at        timestamptz      NOT NULL,
    catalog_revision  bigint           NOT NULL,
    chosen_tool       varchar(100),
    chosen_version    varchar(50),
    chosen_capability varchar(100),
    chosen_pattern    varchar(100),
    estimated_time_ms double precision,
    estimated_cost    double precision,
    score             double precision,
    request           jsonb            NOT NULL,
    candidates        jsonb            NOT NULL,
    CONSTRAINT selection_decisions_pkey PRIMARY KEY (id, decided_at)
) PARTITION BY RANGE (decided_at);

ALTER SEQUENCE tool_catalog.selection_decisions_id_seq OWNED BY tool_catalog.selection_decisions.id;

CREATE TABLE tool_catalog.selection_decisions_default PARTITION OF tool_catalog.selection_decisions DEFAULT;

CREATE INDEX selection_decisions_decided_at ON tool_catalog.selection_decisions (decided_at);
CREATE INDEX selection_decisions_selection_id ON tool_catalog.selection_decisions (selection_id);

-- The monthly partition steps of 0002's telemetry functions, once, for any table partitioned by month on one column
-- with a DEFAULT partition named <table>_default: create the partition for the UTC month holding p_month (if missing;
-- concurrent callers take turns), moving that month's rows out of the default partition, and return its name.
CREATE FUNCTION tool_catalog.ensure_month_partition(p_table text, p_column text, p_month date) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    v_start timestamp   := date_trunc('month', p_month::timestamp);
    v_from  timestamptz := v_start AT TIME ZONE 'UTC';
    v_to    timestamptz := (v_start + interval '1 month') AT TIME ZONE 'UTC';
    v_name  text        := p_table || '_' || to_char(v_start, 'YYYY_MM');
BEGIN
    IF to_regclass(format('tool_catalog.%I', v_name)) IS NOT NULL THEN
        RETURN v_name;
    END IF;

    PERFORM pg_advisory_xact_lock(hashtext('tool_catalog.partitions.' || p_table));
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = 'tool_catalog' AND c.relname = v_name) THEN
        RETURN v_name;
    END IF;

    EXECUTE format('CREATE TABLE tool_catalog.%I (LIKE tool_catalog.%I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', v_name, p_table);
    EXECUTE format(
        'WITH moved AS (DELETE FROM tool_catalog.%I WHERE %I >= %L AND %I < %L RETURNING *) INSERT INTO tool_catalog.%I SELECT * FROM moved',
        p_table || '_default', p_column, v_from, p_column, v_to, v_name);
    EXECUTE format('ALTER TABLE tool_catalog.%I ATTACH PARTITION tool_catalog.%I FOR VALUES FROM (%L) TO (%L)',
        p_table, v_name, v_from, v_to);
    RETURN v_name;
END
$$;

-- Drops every monthly partition of p_table that ends on or before p_before (and deletes older rows from its default
-- partition); returns the names of the dropped partitions.
CREATE FUNCTION tool_catalog.drop_month_partitions_before(p_table text, p_column text, p_before timestamptz) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT c.relname AS name
        FROM pg_catalog.pg_inherits i
        JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = format('tool_catalog.%I', p_table)::regclass
          AND c.relname ~ ('^' || p_table || '_[0-9]{4}_[0-9]{2}$')
        ORDER BY c.relname
    LOOP
        IF ((to_date(right(r.name, 7), 'YYYY_MM')::timestamp + interval '1 month') AT TIME ZONE 'UTC') <= p_before THEN
            EXECUTE format('DROP TABLE tool_catalog.%I', r.name);
            RETURN NEXT r.name;
        END IF;
    END LOOP;

    EXECUTE format('DELETE FROM tool_catalog.%I WHERE %I < %L', p_table || '_default', p_column, p_before);
END
$$;

-- The telemetry partition functions (0002) now cover the decision log too, through the steps above: whoever keeps
-- telemetry's months ahead (migrations, the recorders' upkeep) keeps the decision log's, and `telemetry prune` drops
-- both tables' old months. The telemetry function's result (its own partition's name) is unchanged.
CREATE OR REPLACE FUNCTION tool_catalog.ensure_telemetry_partition(p_month date) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tool_catalog.ensure_month_partition('selection_decisions', 'decided_at', p_month);
    RETURN tool_catalog.ensure_month_partition('tool_telemetry', 'executed_at', p_month);
END
$$;

CREATE OR REPLACE FUNCTION tool_catalog.drop_telemetry_partitions_before(p_before timestamptz) RETURNS SETOF text
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY SELECT tool_catalog.drop_month_partitions_before('tool_telemetry', 'executed_at', p_before);
    RETURN QUERY SELECT tool_catalog.drop_month_partitions_before('selection_decisions', 'decided_at', p_before);
END
$$;
