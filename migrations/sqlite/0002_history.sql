-- What ECS forgets, recorded from what the fleet model reads anyway:
-- stopped tasks (ECS lists them for about an hour), service events (ECS
-- keeps the last 100) and deployments. Times are unix milliseconds.
-- Pruned after the retention (`--history-retention-days`).
CREATE TABLE history_tasks (
    env TEXT NOT NULL,
    cluster TEXT NOT NULL,
    task_id TEXT NOT NULL,
    task_arn TEXT NOT NULL,
    service TEXT NOT NULL,
    task_group TEXT NOT NULL,
    task_definition TEXT NOT NULL,
    launch_type TEXT NOT NULL,
    availability_zone TEXT NOT NULL,
    cpu TEXT NOT NULL,
    memory TEXT NOT NULL,
    stop_code TEXT NOT NULL,
    stopped_reason TEXT NOT NULL,
    created_ms BIGINT,
    started_ms BIGINT,
    stopping_ms BIGINT,
    stopped_ms BIGINT NOT NULL,
    containers TEXT NOT NULL,
    recorded_ms BIGINT NOT NULL,
    PRIMARY KEY (env, cluster, task_id)
);
CREATE INDEX history_tasks_service ON history_tasks (env, cluster, service, stopped_ms);
CREATE INDEX history_tasks_cluster ON history_tasks (env, cluster, stopped_ms);
CREATE INDEX history_tasks_stopped ON history_tasks (stopped_ms);

CREATE TABLE history_events (
    env TEXT NOT NULL,
    cluster TEXT NOT NULL,
    service TEXT NOT NULL,
    event_id TEXT NOT NULL,
    at_ms BIGINT NOT NULL,
    message TEXT NOT NULL,
    recorded_ms BIGINT NOT NULL,
    PRIMARY KEY (env, cluster, service, event_id)
);
CREATE INDEX history_events_service ON history_events (env, cluster, service, at_ms);
CREATE INDEX history_events_cluster ON history_events (env, cluster, at_ms);
CREATE INDEX history_events_at ON history_events (at_ms);

CREATE TABLE history_deployments (
    env TEXT NOT NULL,
    cluster TEXT NOT NULL,
    service TEXT NOT NULL,
    deployment_id TEXT NOT NULL,
    task_definition TEXT NOT NULL,
    status TEXT NOT NULL,
    rollout_state TEXT NOT NULL,
    rollout_reason TEXT NOT NULL,
    desired BIGINT NOT NULL,
    running BIGINT NOT NULL,
    failed BIGINT NOT NULL,
    created_ms BIGINT NOT NULL,
    updated_ms BIGINT NOT NULL,
    recorded_ms BIGINT NOT NULL,
    PRIMARY KEY (env, cluster, service, deployment_id)
);
CREATE INDEX history_deployments_service ON history_deployments (env, cluster, service, created_ms);
CREATE INDEX history_deployments_cluster ON history_deployments (env, cluster, created_ms);
CREATE INDEX history_deployments_updated ON history_deployments (updated_ms)
