-- 0009_experiments: the stored A/B experiment (issue 16), reshaping the seed's unused tool_ab_tests.
--
-- Reshaped rather than replaced: tool_ab_tests already references the two arms' version rows with ordinary foreign
-- keys (tool_a_id, tool_b_id: the database refuses to delete a version an experiment compares, and the hard-delete
-- path already counts and, when forced, removes these rows), its name is unique and its arms distinct. Nothing in the
-- library ever wrote it; rows written by hand are kept (status active -> running, cancelled -> stopped).
--
-- What changes: the result columns go (results come from telemetry, per arm, when analysed; they are not stored
-- figures), the winner is the arm ('a' or 'b') rather than a version id, targets are text arrays, the metric is
-- 'success' or 'time', the state machine is draft -> running -> stopped/completed with started_at and stopped_at, and
-- every rule the database can hold is a CHECK. The tool under test is the tool of the arms' version rows (read by a
-- join); that both arms are versions of the same tool is checked by the library when it creates the experiment.
-- seed null means "the experiment's name".

ALTER TABLE tool_catalog.tool_ab_tests
    DROP COLUMN hypothesis,
    DROP COLUMN target_criteria,
    DROP COLUMN confidence_level,
    DROP COLUMN tool_a_executions,
    DROP COLUMN tool_b_executions,
    DROP COLUMN tool_a_avg_time_ms,
    DROP COLUMN tool_b_avg_time_ms,
    DROP COLUMN tool_a_success_rate,
    DROP COLUMN tool_b_success_rate,
    DROP COLUMN statistical_significance,
    DROP COLUMN results,
    DROP COLUMN conclusion,
    ADD COLUMN seed                text,
    ADD COLUMN target_environments text[]      NOT NULL DEFAULT '{}',
    ADD COLUMN target_users_list   text[]      NOT NULL DEFAULT '{}',
    ADD COLUMN metric              varchar(10) NOT NULL DEFAULT 'success',
    ADD COLUMN guardrails          jsonb       NOT NULL DEFAULT '[]',
    ADD COLUMN auto_promote        boolean     NOT NULL DEFAULT false,
    ADD COLUMN state               varchar(10) NOT NULL DEFAULT 'draft',
    ADD COLUMN winner              char(1);

UPDATE tool_catalog.tool_ab_tests SET
    target_environments = CASE WHEN target_environment IS NULL THEN '{}' ELSE ARRAY[target_environment] END,
    target_users_list = CASE WHEN jsonb_typeof(target_users) = 'array'
                             THEN ARRAY(SELECT jsonb_array_elements_text(target_users)) ELSE '{}' END,
    metric = CASE WHEN success_metric IN ('time', 'execution_time', 'avg_time_ms') THEN 'time' ELSE 'success' END,
    state = CASE status WHEN 'active' THEN 'running' WHEN 'cancelled' THEN 'stopped' ELSE status END,
    started_at = CASE WHEN status IN ('active', 'completed', 'cancelled') THEN coalesce(started_at, created_at) ELSE NULL END,
    completed_at = CASE WHEN status IN ('completed', 'cancelled') THEN coalesce(completed_at, started_at, created_at) ELSE NULL END,
    winner = CASE WHEN status IN ('completed', 'cancelled') AND winner_tool_id = tool_a_id THEN 'a'
                  WHEN status IN ('completed', 'cancelled') AND winner_tool_id = tool_b_id THEN 'b' END,
    traffic_split = CASE WHEN traffic_split <= 0 OR traffic_split >= 1 THEN 0.5 ELSE traffic_split END,
    test_name = CASE WHEN test_name ~ '^[A-Za-z][A-Za-z0-9_-]*$' THEN test_name ELSE 'experiment-' || id::text END;

DROP INDEX tool_catalog.tool_ab_tests_winner;

ALTER TABLE tool_catalog.tool_ab_tests
    DROP CONSTRAINT tool_ab_tests_traffic_split_check,
    DROP COLUMN target_environment,
    DROP COLUMN target_users,
    DROP COLUMN success_metric,
    DROP COLUMN status,
    DROP COLUMN winner_tool_id;

ALTER TABLE tool_catalog.tool_ab_tests RENAME COLUMN target_users_list TO target_users;
ALTER TABLE tool_catalog.tool_ab_tests RENAME COLUMN completed_at TO stopped_at;
ALTER TABLE tool_catalog.tool_ab_tests ALTER COLUMN test_name TYPE varchar(100) COLLATE "C";

ALTER TABLE tool_catalog.tool_ab_tests
    ADD CONSTRAINT tool_ab_tests_name_rule CHECK (test_name ~ '^[A-Za-z][A-Za-z0-9_-]*$'),
    ADD CONSTRAINT tool_ab_tests_split_open CHECK (traffic_split > 0 AND traffic_split < 1),
    ADD CONSTRAINT tool_ab_tests_seed_not_empty CHECK (seed <> ''),
    ADD CONSTRAINT tool_ab_tests_targets_no_nulls CHECK (array_position(target_environments, NULL) IS NULL
                                                         AND array_position(target_users, NULL) IS NULL),
    ADD CONSTRAINT tool_ab_tests_metric_known CHECK (metric IN ('success', 'time')),
    ADD CONSTRAINT tool_ab_tests_guardrails_array CHECK (jsonb_typeof(guardrails) = 'array'),
    ADD CONSTRAINT tool_ab_tests_state_known CHECK (state IN ('draft', 'running', 'stopped', 'completed')),
    ADD CONSTRAINT tool_ab_tests_state_times CHECK (
        (state = 'draft' AND started_at IS NULL AND stopped_at IS NULL)
        OR (state = 'running' AND started_at IS NOT NULL AND stopped_at IS NULL)
        OR (state IN ('stopped', 'completed') AND started_at IS NOT NULL AND stopped_at IS NOT NULL AND stopped_at >= started_at)),
    ADD CONSTRAINT tool_ab_tests_winner_arm CHECK (winner IN ('a', 'b')),
    ADD CONSTRAINT tool_ab_tests_winner_when_ended CHECK (winner IS NULL OR state IN ('stopped', 'completed'));
