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

-- Creates the decision log's partition for the UTC month holding p_month (if missing) and returns its name; rows of
-- that month already in the default partition are moved into it. The same steps as ensure_telemetry_partition.
CREATE FUNCTION tool_catalog.ensure_decision_partition(p_month date) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    v_start timestamp   := date_trunc('month', p_month::timestamp);
    v_from  timestamptz := v_start AT TIME ZONE 'UTC';
    v_to    timestamptz := (v_start + interval '1 month') AT TIME ZONE 'UTC';
    v_name  text        := 'selection_decisions_' || to_char(v_start, 'YYYY_MM');
BEGIN
    IF to_regclass(format('tool_catalog.%I', v_name)) IS NOT NULL THEN
        RETURN v_name;
    END IF;

    PERFORM pg_advisory_xact_lock(hashtext('tool_catalog.decision_partitions'));
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = 'tool_catalog' AND c.relname = v_name) THEN
        RETURN v_name;
    END IF;

    EXECUTE format('CREATE TABLE tool_catalog.%I (LIKE tool_catalog.selection_decisions INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', v_name);
    EXECUTE format(
        'WITH moved AS (DELETE FROM tool_catalog.selection_decisions_default WHERE decided_at >= %L AND decided_at < %L RETURNING *) '
        || 'INSERT INTO tool_catalog.%I SELECT * FROM moved',
        v_from, v_to, v_name);
    EXECUTE format('ALTER TABLE tool_catalog.selection_decisions ATTACH PARTITION tool_catalog.%I FOR VALUES FROM (%L) TO (%L)',
        v_name, v_from, v_to);
    RETURN v_name;
END
$$;

-- Drops every monthly decision-log partition that ends on or before p_before (and deletes older rows from the
-- default partition); returns the names of the dropped partitions.
CREATE FUNCTION tool_catalog.drop_decision_partitions_before(p_before timestamptz) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT c.relname AS name
        FROM pg_catalog.pg_inherits i
        JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'tool_catalog.selection_decisions'::regclass
          AND c.relname ~ '^selection_decisions_[0-9]{4}_[0-9]{2}$'
        ORDER BY c.relname
    LOOP
        IF ((to_date(substr(r.name, 21), 'YYYY_MM')::timestamp + interval '1 month') AT TIME ZONE 'UTC') <= p_before THEN
            EXECUTE format('DROP TABLE tool_catalog.%I', r.name);
            RETURN NEXT r.name;
        END IF;
    END LOOP;

    DELETE FROM tool_catalog.selection_decisions_default WHERE decided_at < p_before;
END
$$;

-- The telemetry partition functions (0002) now cover the decision log too: whoever keeps telemetry's months ahead
-- (migrations, the recorders' upkeep) keeps the decision log's, and `telemetry prune` drops both tables' old months.
-- The telemetry function's result (its own partition's name) is unchanged.
CREATE OR REPLACE FUNCTION tool_catalog.ensure_telemetry_partition(p_month date) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    v_start timestamp   := date_trunc('month', p_month::timestamp);
    v_from  timestamptz := v_start AT TIME ZONE 'UTC';
    v_to    timestamptz := (v_start + interval '1 month') AT TIME ZONE 'UTC';
    v_name  text        := 'tool_telemetry_' || to_char(v_start, 'YYYY_MM');
BEGIN
    PERFORM tool_catalog.ensure_decision_partition(p_month);
    IF to_regclass(format('tool_catalog.%I', v_name)) IS NOT NULL THEN
        RETURN v_name;
    END IF;

    PERFORM pg_advisory_xact_lock(hashtext('tool_catalog.telemetry_partitions'));
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = 'tool_catalog' AND c.relname = v_name) THEN
        RETURN v_name;
    END IF;

    EXECUTE format('CREATE TABLE tool_catalog.%I (LIKE tool_catalog.tool_telemetry INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', v_name);
    EXECUTE format(
        'WITH moved AS (DELETE FROM tool_catalog.tool_telemetry_default WHERE executed_at >= %L AND executed_at < %L RETURNING *) '
        || 'INSERT INTO tool_catalog.%I SELECT * FROM moved',
        v_from, v_to, v_name);
    EXECUTE format('ALTER TABLE tool_catalog.tool_telemetry ATTACH PARTITION tool_catalog.%I FOR VALUES FROM (%L) TO (%L)',
        v_name, v_from, v_to);
    RETURN v_name;
END
$$;

CREATE OR REPLACE FUNCTION tool_catalog.drop_telemetry_partitions_before(p_before timestamptz) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT c.relname AS name
        FROM pg_catalog.pg_inherits i
        JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'tool_catalog.tool_telemetry'::regclass
          AND c.relname ~ '^tool_telemetry_[0-9]{4}_[0-9]{2}$'
        ORDER BY c.relname
    LOOP
        IF ((to_date(substr(r.name, 16), 'YYYY_MM')::timestamp + interval '1 month') AT TIME ZONE 'UTC') <= p_before THEN
            EXECUTE format('DROP TABLE tool_catalog.%I', r.name);
            RETURN NEXT r.name;
        END IF;
    END LOOP;

    DELETE FROM tool_catalog.tool_telemetry_default WHERE executed_at < p_before;
    RETURN QUERY SELECT tool_catalog.drop_decision_partitions_before(p_before);
END
$$;
