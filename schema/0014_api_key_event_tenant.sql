-- 0014_api_key_event_tenant: the tenant of a key in its events (issue 19, decision 1901). api_keys.tenant_id (0012)
-- says which tenant a key is bound to; its 'created' and 'revoked' rows in api_key_events now say it too, so the keys'
-- audit trail shows which tenant a key was for without joining a key row (and keeps it if the key row changes).
-- NULL: a key of the global catalog. Events written before this migration take their key's tenant.
ALTER TABLE tool_catalog.api_key_events ADD COLUMN tenant_id varchar(63) COLLATE "C";

UPDATE tool_catalog.api_key_events e SET tenant_id = k.tenant_id
FROM tool_catalog.api_keys k
WHERE k.id = e.api_key_id AND k.tenant_id IS NOT NULL;
