-- 0011_secret_rewrap: secret values (docs/secrets.md, docs/decisions/2102).
--
-- A secret is stored as an envelope {"$secret":{"kid","dek","iv","ct","tag"}}: the value encrypted with its own data
-- key, the data key wrapped by the key-encryption key "kid". Rotating keys re-wraps the data keys ("kid" and "dek"
-- change; "iv", "ct" and "tag", the encrypted value, do not): that is no content change, and a version's content hash
-- leaves "kid" and "dek" out. The content triggers of 0003 refuse every in-place change; the library's rotation sets
-- tool_catalog.rewrapping_secrets for its own transaction (SET LOCAL) and the triggers let that transaction through.
-- It rewrites nothing but envelopes (ToolCatalogStore.RewrapSecretsAsync), and audits each version it touches as
-- 'keys_rewrapped'.

CREATE OR REPLACE FUNCTION tool_catalog.refuse_version_content_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('tool_catalog.rewrapping_secrets', true) = 'on' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'The content of a stored tool version cannot be changed (table %, row id %)', TG_TABLE_NAME, OLD.id
        USING ERRCODE = 'restrict_violation',
              HINT = 'Versions are immutable: publish the change as a new version. Only state (status, enabled, latest, deleted) changes in place.';
END;
$$;

ALTER TABLE tool_catalog.tool_audit_log DROP CONSTRAINT tool_audit_log_action_check;
ALTER TABLE tool_catalog.tool_audit_log ADD CONSTRAINT tool_audit_log_action_check
    CHECK (action IN ('created', 'published', 'updated', 'enabled', 'disabled', 'deprecated',
                      'rolled_back', 'deleted', 'hard_deleted', 'restored', 'activated', 'completed', 'keys_rewrapped'));
