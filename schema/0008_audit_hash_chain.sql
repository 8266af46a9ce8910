-- 0008_audit_hash_chain: the audit log can be verified (issue 21).
--
-- Each row of tool_audit_log carries its place in a chain (chain_position: 1, 2, 3, … with no gaps), the hash of the
-- row before it (previous_hash; 32 zero bytes for the first) and its own hash: SHA-256 of the previous hash followed by
-- the row's fields in a fixed form (audit_row_hash). A trigger fills the three for every row however it is inserted
-- (INSERT or COPY), under a transaction advisory lock so that concurrent writers chain one after the other. A row
-- changed afterwards no longer matches its hash; a row removed leaves a gap and a broken link; a row inserted with the
-- trigger disabled has no hash. `toolcatalog audit verify` (ToolCatalogStore.VerifyAuditChainAsync) reports each.
-- Updating, deleting or truncating audit rows is refused outright: the library never does it.
--
-- The fixed form is a JSON array of the row's fields (jsonb's text output is canonical: the same value always prints
-- the same), the time as microseconds since the epoch and the address as text, so the hash does not depend on the
-- session's time zone or output settings.

ALTER TABLE tool_catalog.tool_audit_log
    ADD COLUMN chain_position bigint,
    ADD COLUMN previous_hash  bytea,
    ADD COLUMN row_hash       bytea;

CREATE FUNCTION tool_catalog.audit_row_hash(r tool_catalog.tool_audit_log, previous bytea) RETURNS bytea
    LANGUAGE sql IMMUTABLE AS $$
    SELECT sha256(previous || convert_to(jsonb_build_array(
        r.chain_position, r.id, r.revision, r.tool_id, r.tool_name, r.version, r.entity_type, r.entity_id, r.action,
        r.changes, r.changed_by, (extract(epoch FROM r.changed_at) * 1000000)::bigint, r.reason, host(r.ip_address),
        masklen(r.ip_address), r.user_agent)::text, 'UTF8'))
$$;

-- The chain over the rows already there, in id order.
DO $$
DECLARE
    r tool_catalog.tool_audit_log;
    previous bytea := '\x0000000000000000000000000000000000000000000000000000000000000000';
    position bigint := 0;
BEGIN
    FOR r IN SELECT * FROM tool_catalog.tool_audit_log ORDER BY id LOOP
        position := position + 1;
        r.chain_position := position;
        UPDATE tool_catalog.tool_audit_log
        SET chain_position = position, previous_hash = previous, row_hash = tool_catalog.audit_row_hash(r, previous)
        WHERE id = r.id
        RETURNING row_hash INTO previous;
    END LOOP;
END
$$;

CREATE UNIQUE INDEX tool_audit_log_chain_position ON tool_catalog.tool_audit_log (chain_position);

CREATE FUNCTION tool_catalog.chain_audit_row() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    head text;
    previous bytea;
    position bigint;
BEGIN
    -- One writer at a time extends the chain (held to the end of the transaction).
    PERFORM pg_advisory_xact_lock(7215620415432115021);
    -- The head this transaction wrote last, if any (rows of one COPY need no lookup each).
    head := current_setting('tool_catalog.audit_chain_head', true);
    IF head IS NOT NULL AND head <> '' THEN
        position := split_part(head, ':', 1)::bigint;
        previous := decode(split_part(head, ':', 2), 'hex');
    ELSE
        SELECT a.chain_position, a.row_hash INTO position, previous
        FROM tool_catalog.tool_audit_log a
        WHERE a.chain_position IS NOT NULL
        ORDER BY a.chain_position DESC
        LIMIT 1;
        position := coalesce(position, 0);
        previous := coalesce(previous, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea);
    END IF;

    NEW.chain_position := position + 1;
    NEW.previous_hash := previous;
    NEW.row_hash := tool_catalog.audit_row_hash(NEW, previous);
    PERFORM set_config('tool_catalog.audit_chain_head', NEW.chain_position::text || ':' || encode(NEW.row_hash, 'hex'), true);
    RETURN NEW;
END
$$;

CREATE TRIGGER tool_audit_log_chain
    BEFORE INSERT ON tool_catalog.tool_audit_log
    FOR EACH ROW EXECUTE FUNCTION tool_catalog.chain_audit_row();

CREATE FUNCTION tool_catalog.refuse_audit_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'The audit log is append-only: % of its rows is refused', TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'Audit rows are never changed or removed; toolcatalog audit verify reports any that were.';
END
$$;

CREATE TRIGGER tool_audit_log_append_only
    BEFORE UPDATE OR DELETE ON tool_catalog.tool_audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION tool_catalog.refuse_audit_change();

CREATE TRIGGER tool_audit_log_no_truncate
    BEFORE TRUNCATE ON tool_catalog.tool_audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION tool_catalog.refuse_audit_change();
