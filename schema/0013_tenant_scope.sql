-- 0013_tenant_scope: how the store enters a tenant's scope, and rows written there carry the tenant by themselves
-- (issue 19, decision 1901).
--
-- tool_catalog.enter_tenant(tenant) switches the calling transaction to the tenant role and names the tenant, both
-- transaction-local (set_config(..., true) = SET LOCAL): the same as 0012's one SELECT statement, but a CALL returns no
-- result set, so the store sends it in the same batch as the transaction's first command (no extra round trip) without
-- the reader seeing an extra row. An invoker's procedure (not SECURITY DEFINER: a definer's function may not switch
-- roles); the caller must be a member of tool_catalog_tenant, as 0012 made the migrating login.
CREATE PROCEDURE tool_catalog.enter_tenant(tenant text)
    LANGUAGE sql AS $$
    SELECT set_config('role', 'tool_catalog_tenant', true), set_config('tool_catalog.tenant', tenant, true)
$$;

-- A row written inside a tenant's scope carries the tenant without the writer naming it (the statement writers, the
-- binary COPY of bulk imports and the audit and change-feed rows stay as they are); outside a scope the setting is unset
-- (or '' once a scope ended on this connection) and the row is global. Row-level security still checks the value.
ALTER TABLE tool_catalog.tools ALTER COLUMN tenant_id SET DEFAULT nullif(current_setting('tool_catalog.tenant', true), '');
ALTER TABLE tool_catalog.catalog_changes ALTER COLUMN tenant_id SET DEFAULT nullif(current_setting('tool_catalog.tenant', true), '');
ALTER TABLE tool_catalog.tool_audit_log ALTER COLUMN tenant_id SET DEFAULT nullif(current_setting('tool_catalog.tenant', true), '');

-- The change feed is unique per (revision, tool_name): a tenant's row and a global row never share a revision (one
-- write, one revision, one catalog), so the key stays as it is.
