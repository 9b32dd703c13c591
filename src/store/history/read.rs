//! Reading history: one task, and a service's or cluster's tasks, events
//! and deployments in a time range (newest first, bounded). The indexes
//! (`migrations/*/0002_history.sql`) lead with (env, cluster[, service])
//! and the time column, so a 30-day range of a busy service is one index
//! range scan.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{RecordedContainer, RecordedDeployment, RecordedEvent, RecordedTask};
use crate::store::{Store, StoreError};

/// Rows returned at most by one read.
const MAX_ROWS: u32 = 5_000;

/// Which rows to read: one environment's cluster, optionally one service,
/// between two times (unix ms, inclusive), at most `limit` newest.
#[derive(Clone, Debug)]
pub struct HistoryQuery {
    pub env: String,
    pub cluster: String,
    pub service: Option<String>,
    pub since_ms: i64,
    pub until_ms: i64,
    pub limit: u32,
}

const TASK_COLUMNS: &str = "env, cluster, task_id, task_arn, service, task_group, \
task_definition, launch_type, availability_zone, cpu, memory, stop_code, stopped_reason, \
created_ms, started_ms, stopping_ms, stopped_ms, containers, recorded_ms";

fn task_from(row: &AnyRow) -> Result<RecordedTask, StoreError> {
    let containers: String = row.try_get("containers")?;
    let containers: Vec<RecordedContainer> =
        serde_json::from_str(&containers).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(RecordedTask {
        env: row.try_get("env")?,
        cluster: row.try_get("cluster")?,
        task_id: row.try_get("task_id")?,
        task_arn: row.try_get("task_arn")?,
        service: row.try_get("service")?,
        group: row.try_get("task_group")?,
        task_definition: row.try_get("task_definition")?,
        launch_type: row.try_get("launch_type")?,
        availability_zone: row.try_get("availability_zone")?,
        cpu: row.try_get("cpu")?,
        memory: row.try_get("memory")?,
        stop_code: row.try_get("stop_code")?,
        stopped_reason: row.try_get("stopped_reason")?,
        created_ms: row.try_get("created_ms")?,
        started_ms: row.try_get("started_ms")?,
        stopping_ms: row.try_get("stopping_ms")?,
        stopped_ms: row.try_get("stopped_ms")?,
        containers,
        recorded_ms: row.try_get("recorded_ms")?,
    })
}

fn event_from(row: &AnyRow) -> Result<RecordedEvent, StoreError> {
    Ok(RecordedEvent {
        env: row.try_get("env")?,
        cluster: row.try_get("cluster")?,
        service: row.try_get("service")?,
        event_id: row.try_get("event_id")?,
        at_ms: row.try_get("at_ms")?,
        message: row.try_get("message")?,
        recorded_ms: row.try_get("recorded_ms")?,
    })
}

const DEPLOYMENT_COLUMNS: &str = "env, cluster, service, deployment_id, task_definition, \
status, rollout_state, rollout_reason, desired, running, failed, created_ms, updated_ms, \
recorded_ms";

fn deployment_from(row: &AnyRow) -> Result<RecordedDeployment, StoreError> {
    Ok(RecordedDeployment {
        env: row.try_get("env")?,
        cluster: row.try_get("cluster")?,
        service: row.try_get("service")?,
        deployment_id: row.try_get("deployment_id")?,
        task_definition: row.try_get("task_definition")?,
        status: row.try_get("status")?,
        rollout_state: row.try_get("rollout_state")?,
        rollout_reason: row.try_get("rollout_reason")?,
        desired: row.try_get("desired")?,
        running: row.try_get("running")?,
        failed: row.try_get("failed")?,
        created_ms: row.try_get("created_ms")?,
        updated_ms: row.try_get("updated_ms")?,
        recorded_ms: row.try_get("recorded_ms")?,
    })
}

impl Store {
    /// One recorded task, by its id (the last part of its ARN).
    pub async fn history_task(
        &self,
        env: &str,
        cluster: &str,
        task_id: &str,
    ) -> Result<Option<RecordedTask>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {TASK_COLUMNS} FROM history_tasks WHERE env = $1 AND cluster = $2 AND task_id = $3"
        ))
        .bind(env)
        .bind(cluster)
        .bind(task_id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(task_from).transpose()
    }

    /// Recorded stopped tasks in the range, newest stop first.
    pub async fn history_tasks(&self, q: &HistoryQuery) -> Result<Vec<RecordedTask>, StoreError> {
        let rows = ranged(
            self,
            &format!("SELECT {TASK_COLUMNS} FROM history_tasks"),
            "stopped_ms",
            q,
        )
        .await?;
        rows.iter().map(task_from).collect()
    }

    /// Recorded service events in the range, newest first.
    pub async fn history_events(&self, q: &HistoryQuery) -> Result<Vec<RecordedEvent>, StoreError> {
        let rows = ranged(
            self,
            "SELECT env, cluster, service, event_id, at_ms, message, recorded_ms FROM history_events",
            "at_ms",
            q,
        )
        .await?;
        rows.iter().map(event_from).collect()
    }

    /// Recorded deployments created in the range, newest first.
    pub async fn history_deployments(
        &self,
        q: &HistoryQuery,
    ) -> Result<Vec<RecordedDeployment>, StoreError> {
        let rows = ranged(
            self,
            &format!("SELECT {DEPLOYMENT_COLUMNS} FROM history_deployments"),
            "created_ms",
            q,
        )
        .await?;
        rows.iter().map(deployment_from).collect()
    }
}

/// `select` filtered by `q` on `time`, newest first.
async fn ranged(
    store: &Store,
    select: &str,
    time: &str,
    q: &HistoryQuery,
) -> Result<Vec<AnyRow>, StoreError> {
    let limit = q.limit.min(MAX_ROWS);
    let rows = match &q.service {
        Some(service) => {
            sqlx::query(&format!(
                "{select} WHERE env = $1 AND cluster = $2 AND service = $3 AND {time} >= $4 \
                 AND {time} <= $5 ORDER BY {time} DESC LIMIT {limit}"
            ))
            .bind(&q.env)
            .bind(&q.cluster)
            .bind(service)
            .bind(q.since_ms)
            .bind(q.until_ms)
            .fetch_all(store.pool())
            .await?
        }
        None => {
            sqlx::query(&format!(
                "{select} WHERE env = $1 AND cluster = $2 AND {time} >= $3 AND {time} <= $4 \
                 ORDER BY {time} DESC LIMIT {limit}"
            ))
            .bind(&q.env)
            .bind(&q.cluster)
            .bind(q.since_ms)
            .bind(q.until_ms)
            .fetch_all(store.pool())
            .await?
        }
    };
    Ok(rows)
}
