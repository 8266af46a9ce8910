-- 0006_telemetry_recommendations: recalibrated estimate expressions recommended from telemetry (issue 15, decision 1503).
--
-- One row per recommendation: the tool version it was made for (a version is immutable, so its current text is fixed),
-- the pattern and field, the current and recommended texts, and the evidence (window, method, coefficients, held-out
-- split and errors). The id is the short number `toolcatalog telemetry apply ID` takes. A later `recommend` for the same
-- version, pattern and field supersedes an unapplied one; applying one records when, by whom and which version it
-- published. A hard delete of the version removes its recommendations with it.

CREATE TABLE tool_catalog.telemetry_recommendations (
    id                bigint           GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tool_id           bigint           NOT NULL REFERENCES tool_catalog.tools (id) ON DELETE CASCADE,
    tool_name         text             COLLATE "C" NOT NULL,
    version           text             COLLATE "C" NOT NULL,
    capability_name   text             COLLATE "C" NOT NULL,
    pattern_name      text             COLLATE "C" NOT NULL,
    field             varchar(30)      NOT NULL CHECK (field IN ('time_estimate_ms', 'cost_estimate')),
    current_text      text             NOT NULL,
    recommended_text  text             NOT NULL,
    samples           integer          NOT NULL CHECK (samples > 0),
    current_error     double precision NOT NULL,
    recommended_error double precision NOT NULL,
    evidence          jsonb            NOT NULL CHECK (jsonb_typeof(evidence) = 'object'),
    created_at        timestamptz      NOT NULL,
    applied_at        timestamptz,
    applied_by        varchar(100),
    applied_version   text             COLLATE "C",
    superseded        boolean          NOT NULL DEFAULT false,
    CONSTRAINT telemetry_recommendations_applied_once CHECK ((applied_at IS NULL) = (applied_version IS NULL))
);

CREATE INDEX telemetry_recommendations_open ON tool_catalog.telemetry_recommendations (tool_id, capability_name, pattern_name, field)
    WHERE applied_at IS NULL AND NOT superseded;
CREATE INDEX telemetry_recommendations_tool ON tool_catalog.telemetry_recommendations (tool_name, id);
