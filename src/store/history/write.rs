//! Recording and pruning history rows.

use super::{HistoryBatch, MAX_BATCH, MAX_CONTAINERS, Pruned, RecordedContainer, clip};
use crate::store::{Store, StoreError};

impl Store {
    /// Writes `batch` in one transaction. A task or event recorded before
    /// is left as it was; a deployment takes its latest state. At most
    /// `MAX_BATCH` rows of each kind are written.
    pub async fn history_record(&self, batch: &HistoryBatch) -> Result<(), StoreError> {
        if batch.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool().begin().await?;
        for t in batch.tasks.iter().take(MAX_BATCH) {
            let containers: Vec<RecordedContainer> = t
                .containers
                .iter()
                .take(MAX_CONTAINERS)
                .map(|c| RecordedContainer {
                    name: clip(&c.name),
                    image: clip(&c.image),
                    image_digest: clip(&c.image_digest),
                    exit_code: c.exit_code,
                    reason: clip(&c.reason),
                    health: clip(&c.health),
                })
                .collect();
            let containers = serde_json::to_string(&containers)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            sqlx::query(
                "INSERT INTO history_tasks (env, cluster, task_id, task_arn, service, task_group, \
                 task_definition, launch_type, availability_zone, cpu, memory, stop_code, \
                 stopped_reason, created_ms, started_ms, stopping_ms, stopped_ms, containers, \
                 recorded_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, \
                 $14, $15, $16, $17, $18, $19) ON CONFLICT (env, cluster, task_id) DO NOTHING",
            )
            .bind(clip(&t.env))
            .bind(clip(&t.cluster))
            .bind(clip(&t.task_id))
            .bind(clip(&t.task_arn))
            .bind(clip(&t.service))
            .bind(clip(&t.group))
            .bind(clip(&t.task_definition))
            .bind(clip(&t.launch_type))
            .bind(clip(&t.availability_zone))
            .bind(clip(&t.cpu))
            .bind(clip(&t.memory))
            .bind(clip(&t.stop_code))
            .bind(clip(&t.stopped_reason))
            .bind(t.created_ms)
            .bind(t.started_ms)
            .bind(t.stopping_ms)
            .bind(t.stopped_ms)
            .bind(containers)
            .bind(t.recorded_ms)
            .execute(&mut *tx)
            .await?;
        }
        for e in batch.events.iter().take(MAX_BATCH) {
            sqlx::query(
                "INSERT INTO history_events (env, cluster, service, event_id, at_ms, message, \
                 recorded_ms) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (env, cluster, service, event_id) DO NOTHING",
            )
            .bind(clip(&e.env))
            .bind(clip(&e.cluster))
            .bind(clip(&e.service))
            .bind(clip(&e.event_id))
            .bind(e.at_ms)
            .bind(clip(&e.message))
            .bind(e.recorded_ms)
            .execute(&mut *tx)
            .await?;
        }
        for d in batch.deployments.iter().take(MAX_BATCH) {
            sqlx::query(
                "INSERT INTO history_deployments (env, cluster, service, deployment_id, \
                 task_definition, status, rollout_state, rollout_reason, desired, running, failed, \
                 created_ms, updated_ms, recorded_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
                 $9, $10, $11, $12, $13, $14) \
                 ON CONFLICT (env, cluster, service, deployment_id) DO UPDATE SET \
                 status = excluded.status, rollout_state = excluded.rollout_state, \
                 rollout_reason = excluded.rollout_reason, desired = excluded.desired, \
                 running = excluded.running, failed = excluded.failed, \
                 updated_ms = excluded.updated_ms",
            )
            .bind(clip(&d.env))
            .bind(clip(&d.cluster))
            .bind(clip(&d.service))
            .bind(clip(&d.deployment_id))
            .bind(clip(&d.task_definition))
            .bind(clip(&d.status))
            .bind(clip(&d.rollout_state))
            .bind(clip(&d.rollout_reason))
            .bind(d.desired)
            .bind(d.running)
            .bind(d.failed)
            .bind(d.created_ms)
            .bind(d.updated_ms)
            .bind(d.recorded_ms)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Deletes what happened before `before_ms`: tasks stopped, events
    /// sent, deployments last updated before it.
    pub async fn history_prune(&self, before_ms: i64) -> Result<Pruned, StoreError> {
        let mut pruned = Pruned::default();
        for (table, column, count) in [
            ("history_tasks", "stopped_ms", &mut pruned.tasks),
            ("history_events", "at_ms", &mut pruned.events),
            ("history_deployments", "updated_ms", &mut pruned.deployments),
        ] {
            let done = sqlx::query(&format!("DELETE FROM {table} WHERE {column} < $1"))
                .bind(before_ms)
                .execute(self.pool())
                .await?;
            *count = done.rows_affected();
        }
        Ok(pruned)
    }
}
