-- 0012_tenants: multi-tenant catalogs (issue 19, decision 1901). A global catalog shared by every tenant, and per
-- tenant an overlay: the tenant's own tools, its own versions of a global tool (a "shadow": rows of the tenant under
-- the global tool's name, seen by that tenant only) and the global tools it disabled for itself.
--
-- Isolation is PostgreSQL's row-level security, not WHERE clauses: a tenant's transaction runs as the NOLOGIN role
-- tool_catalog_tenant (no BYPASSRLS) with the transaction-local setting tool_catalog.tenant, both set by one statement
--   SELECT set_config('role', 'tool_catalog_tenant', true), set_config('tool_catalog.tenant', @Tenant, true)
-- Under that role a row carrying a tenant is visible only when it is the setting's tenant, and writable only then;
-- global rows (tenant_id IS NULL) are visible to every tenant and writable by none. Without the setting the role
-- sees global rows only. Every other role (the catalog's own login, the global administrator) keeps today's access
-- through a permissive policy, so a catalog with no tenant configured behaves exactly as before this migration.
-- Superusers and the tables' owner ignore row-level security anyway (no FORCE: the owner is the global path).
--
-- One revision counter stays shared (a total order of all writes, global and per tenant); change-feed and audit rows
-- carry the tenant, so "what changed after R" for a tenant is its rows plus the global rows. The audit hash chain
-- stays one chain: the tenant is part of a row's hash when it is set (rows without a tenant hash as before, so chains
-- written before this migration still verify), and the chaining trigger runs as the owner so that a tenant's insert
-- chains after rows it cannot see. Telemetry, decisions, experiments and recommendations stay global for now: the
-- tenant role is granted nothing on them.

-- Tenant ids: 1 to 63 characters, lower-case ASCII letters, digits and '-', starting and ending with a letter or digit
-- (a DNS label: safe in URLs, file names, claims and notification payloads).
CREATE TABLE tool_catalog.tenants (
    id         varchar(63)  COLLATE "C" PRIMARY KEY CHECK (id ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
    name       varchar(200) NOT NULL CHECK (name <> ''),
    state      varchar(20)  NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'disabled')),
    created_at timestamptz  NOT NULL,
    created_by varchar(100) NOT NULL
);

ALTER TABLE tool_catalog.tools ADD COLUMN tenant_id varchar(63) COLLATE "C" REFERENCES tool_catalog.tenants (id);
ALTER TABLE tool_catalog.catalog_changes ADD COLUMN tenant_id varchar(63) COLLATE "C";
ALTER TABLE tool_catalog.tool_audit_log ADD COLUMN tenant_id varchar(63) COLLATE "C";
ALTER TABLE tool_catalog.api_keys ADD COLUMN tenant_id varchar(63) COLLATE "C" REFERENCES tool_catalog.tenants (id);

-- Versions are unique per catalog (the global one, or a tenant's overlay): a tenant may publish "grep 2.0" beside the
-- global "grep 2.0". The constraint keeps its name (the store's error messages key on it).
ALTER TABLE tool_catalog.tools DROP CONSTRAINT tools_name_version_key;
ALTER TABLE tool_catalog.tools ADD CONSTRAINT tools_name_version_key UNIQUE NULLS NOT DISTINCT (tool_name, version, tenant_id);
DROP INDEX tool_catalog.tools_one_latest_per_name;
CREATE UNIQUE INDEX tools_one_latest_per_name ON tool_catalog.tools (tool_name, tenant_id) NULLS NOT DISTINCT WHERE is_latest;
CREATE INDEX tools_tenant ON tool_catalog.tools (tenant_id, tool_name) WHERE tenant_id IS NOT NULL;
CREATE INDEX catalog_changes_tenant ON tool_catalog.catalog_changes (tenant_id, revision) WHERE tenant_id IS NOT NULL;
CREATE INDEX tool_audit_log_tenant ON tool_catalog.tool_audit_log (tenant_id, id) WHERE tenant_id IS NOT NULL;

-- The global tools a tenant disabled for itself (the global rows are not touched; other tenants still see them).
CREATE TABLE tool_catalog.tenant_disabled_tools (
    tenant_id   varchar(63)  COLLATE "C" NOT NULL REFERENCES tool_catalog.tenants (id),
    tool_name   varchar(100) COLLATE "C" NOT NULL CHECK (tool_name <> ''),
    disabled_at timestamptz  NOT NULL,
    disabled_by varchar(100) NOT NULL,
    CONSTRAINT tenant_disabled_tools_pkey PRIMARY KEY (tenant_id, tool_name)
);

-- The audit hash covers the tenant when there is one; a row without one hashes exactly as under 0008.
CREATE OR REPLACE FUNCTION tool_catalog.audit_row_hash(r tool_catalog.tool_audit_log, previous bytea) RETURNS bytea
    LANGUAGE sql IMMUTABLE AS $$
    SELECT sha256(previous || convert_to((jsonb_build_array(
        r.chain_position, r.id, r.revision, r.tool_id, r.tool_name, r.version, r.entity_type, r.entity_id, r.action,
        r.changes, r.changed_by, (extract(epoch FROM r.changed_at) * 1000000)::bigint, r.reason, host(r.ip_address),
        masklen(r.ip_address), r.user_agent)
        || CASE WHEN r.tenant_id IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(r.tenant_id) END)::text, 'UTF8'))
$$;

-- The chain's head is found among all rows, whoever inserts: the trigger runs with its owner's rights.
ALTER FUNCTION tool_catalog.chain_audit_row() SECURITY DEFINER SET search_path = pg_catalog, pg_temp;

-- The tenant role: created once per server (roles are cluster-wide; another catalog database may have made it),
-- NOLOGIN, without BYPASSRLS; the migrating login becomes a member so that it may switch to it per transaction.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'tool_catalog_tenant') THEN
        BEGIN
            CREATE ROLE tool_catalog_tenant NOLOGIN NOBYPASSRLS;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL; -- created at the same moment by a migration of another database
        END;
    END IF;
    IF NOT pg_has_role(current_user, 'tool_catalog_tenant', 'MEMBER') THEN
        EXECUTE format('GRANT tool_catalog_tenant TO %I', current_user);
    END IF;
END
$$;

GRANT USAGE ON SCHEMA tool_catalog TO tool_catalog_tenant;
GRANT SELECT ON tool_catalog.tenants TO tool_catalog_tenant;
-- The migrator creates schema_migrations before the first script; a script applied by hand may come without it.
DO $$
BEGIN
    IF to_regclass('tool_catalog.schema_migrations') IS NOT NULL THEN
        GRANT SELECT ON tool_catalog.schema_migrations TO tool_catalog_tenant;
    END IF;
END
$$;
GRANT SELECT, UPDATE ON tool_catalog.catalog_revision TO tool_catalog_tenant;
GRANT SELECT, INSERT, UPDATE, DELETE ON tool_catalog.tools, tool_catalog.tool_capabilities, tool_catalog.tool_patterns,
    tool_catalog.catalog_changes, tool_catalog.tenant_disabled_tools TO tool_catalog_tenant;
GRANT SELECT, INSERT ON tool_catalog.tool_audit_log TO tool_catalog_tenant;
GRANT USAGE, SELECT ON SEQUENCE tool_catalog.tools_id_seq, tool_catalog.tool_capabilities_id_seq,
    tool_catalog.tool_patterns_id_seq, tool_catalog.tool_audit_log_id_seq TO tool_catalog_tenant;

ALTER TABLE tool_catalog.tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tool_catalog.tools ENABLE ROW LEVEL SECURITY;
ALTER TABLE tool_catalog.tool_capabilities ENABLE ROW LEVEL SECURITY;
ALTER TABLE tool_catalog.tool_patterns ENABLE ROW LEVEL SECURITY;
ALTER TABLE tool_catalog.catalog_changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE tool_catalog.tool_audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE tool_catalog.tenant_disabled_tools ENABLE ROW LEVEL SECURITY;

-- Every role but the tenant role: as before (the global path; the catalog's login may not own the tables).
CREATE POLICY global_path ON tool_catalog.tenants USING (current_user <> 'tool_catalog_tenant') WITH CHECK (current_user <> 'tool_catalog_tenant');
CREATE POLICY global_path ON tool_catalog.tools USING (current_user <> 'tool_catalog_tenant') WITH CHECK (current_user <> 'tool_catalog_tenant');
CREATE POLICY global_path ON tool_catalog.tool_capabilities USING (current_user <> 'tool_catalog_tenant') WITH CHECK (current_user <> 'tool_catalog_tenant');
CREATE POLICY global_path ON tool_catalog.tool_patterns USING (current_user <> 'tool_catalog_tenant') WITH CHECK (current_user <> 'tool_catalog_tenant');
CREATE POLICY global_path ON tool_catalog.catalog_changes USING (current_user <> 'tool_catalog_tenant') WITH CHECK (current_user <> 'tool_catalog_tenant');
CREATE POLICY global_path ON tool_catalog.tool_audit_log USING (current_user <> 'tool_catalog_tenant') WITH CHECK (current_user <> 'tool_catalog_tenant');
CREATE POLICY global_path ON tool_catalog.tenant_disabled_tools USING (current_user <> 'tool_catalog_tenant') WITH CHECK (current_user <> 'tool_catalog_tenant');

-- The tenant role: its own tenant row; global rows and its own to read; its own rows only to write, and only while the
-- tenant is active.
CREATE POLICY tenant_own ON tool_catalog.tenants FOR SELECT TO tool_catalog_tenant
    USING (id = current_setting('tool_catalog.tenant', true));

CREATE POLICY tenant_read ON tool_catalog.tools FOR SELECT TO tool_catalog_tenant
    USING (tenant_id IS NULL OR tenant_id = current_setting('tool_catalog.tenant', true));
CREATE POLICY tenant_insert ON tool_catalog.tools FOR INSERT TO tool_catalog_tenant
    WITH CHECK (tenant_id = current_setting('tool_catalog.tenant', true)
                AND EXISTS (SELECT 1 FROM tool_catalog.tenants t WHERE t.id = tenant_id AND t.state = 'active'));
CREATE POLICY tenant_update ON tool_catalog.tools FOR UPDATE TO tool_catalog_tenant
    USING (tenant_id = current_setting('tool_catalog.tenant', true))
    WITH CHECK (tenant_id = current_setting('tool_catalog.tenant', true)
                AND EXISTS (SELECT 1 FROM tool_catalog.tenants t WHERE t.id = tenant_id AND t.state = 'active'));
CREATE POLICY tenant_delete ON tool_catalog.tools FOR DELETE TO tool_catalog_tenant
    USING (tenant_id = current_setting('tool_catalog.tenant', true));

-- Capabilities and patterns follow their tool (the subquery is itself under the tools' policies).
CREATE POLICY tenant_read ON tool_catalog.tool_capabilities FOR SELECT TO tool_catalog_tenant
    USING (EXISTS (SELECT 1 FROM tool_catalog.tools t WHERE t.id = tool_id));
CREATE POLICY tenant_write ON tool_catalog.tool_capabilities FOR ALL TO tool_catalog_tenant
    USING (EXISTS (SELECT 1 FROM tool_catalog.tools t WHERE t.id = tool_id AND t.tenant_id = current_setting('tool_catalog.tenant', true)))
    WITH CHECK (EXISTS (SELECT 1 FROM tool_catalog.tools t WHERE t.id = tool_id AND t.tenant_id = current_setting('tool_catalog.tenant', true)));
CREATE POLICY tenant_read ON tool_catalog.tool_patterns FOR SELECT TO tool_catalog_tenant
    USING (EXISTS (SELECT 1 FROM tool_catalog.tool_capabilities c WHERE c.id = capability_id));
CREATE POLICY tenant_write ON tool_catalog.tool_patterns FOR ALL TO tool_catalog_tenant
    USING (EXISTS (SELECT 1 FROM tool_catalog.tool_capabilities c JOIN tool_catalog.tools t ON t.id = c.tool_id
                   WHERE c.id = capability_id AND t.tenant_id = current_setting('tool_catalog.tenant', true)))
    WITH CHECK (EXISTS (SELECT 1 FROM tool_catalog.tool_capabilities c JOIN tool_catalog.tools t ON t.id = c.tool_id
                        WHERE c.id = capability_id AND t.tenant_id = current_setting('tool_catalog.tenant', true)));

CREATE POLICY tenant_read ON tool_catalog.catalog_changes FOR SELECT TO tool_catalog_tenant
    USING (tenant_id IS NULL OR tenant_id = current_setting('tool_catalog.tenant', true));
CREATE POLICY tenant_insert ON tool_catalog.catalog_changes FOR INSERT TO tool_catalog_tenant
    WITH CHECK (tenant_id = current_setting('tool_catalog.tenant', true));

-- A tenant reads its own audit rows and the global ones (the history of what it inherits), never another tenant's.
CREATE POLICY tenant_read ON tool_catalog.tool_audit_log FOR SELECT TO tool_catalog_tenant
    USING (tenant_id IS NULL OR tenant_id = current_setting('tool_catalog.tenant', true));
CREATE POLICY tenant_insert ON tool_catalog.tool_audit_log FOR INSERT TO tool_catalog_tenant
    WITH CHECK (tenant_id = current_setting('tool_catalog.tenant', true));

CREATE POLICY tenant_own ON tool_catalog.tenant_disabled_tools FOR ALL TO tool_catalog_tenant
    USING (tenant_id = current_setting('tool_catalog.tenant', true))
    WITH CHECK (tenant_id = current_setting('tool_catalog.tenant', true));
