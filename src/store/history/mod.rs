//! History: what ECS forgets, kept by ecsdeck. Stopped tasks (ECS lists
//! them for about an hour), service events (ECS keeps a service's last
//! 100) and deployments with their outcomes, recorded from what the fleet
//! model reads anyway (`crate::recorder` converts and writes them here).
//!
//! Writes are idempotent (a task, an event, a deployment is one row, keyed
//! by what AWS names it; a deployment's row follows its latest state), so
//! recording the same read twice, or from two replicas, changes nothing.
//! Every text is clipped (`MAX_TEXT`), every list bounded, and rows older
//! than the retention are deleted by `history_prune`.

mod read;
mod write;

pub use read::HistoryQuery;

use serde::{Deserialize, Serialize};

/// The longest text kept in one field (bytes); longer is cut at a
/// character boundary and marked.
pub const MAX_TEXT: usize = 2048;
/// Containers kept per task (ECS allows 10 per task definition).
pub const MAX_CONTAINERS: usize = 10;
/// Rows written per batch at most; more are left for the next read.
pub const MAX_BATCH: usize = 500;

/// A container of a recorded task.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedContainer {
    pub name: String,
    pub image: String,
    pub image_digest: String,
    pub exit_code: Option<i32>,
    pub reason: String,
    pub health: String,
}

/// A stopped task as ECS last described it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordedTask {
    pub env: String,
    pub cluster: String,
    pub task_id: String,
    pub task_arn: String,
    /// The service name; empty for standalone tasks.
    pub service: String,
    pub group: String,
    pub task_definition: String,
    pub launch_type: String,
    pub availability_zone: String,
    pub cpu: String,
    pub memory: String,
    pub stop_code: String,
    pub stopped_reason: String,
    pub created_ms: Option<i64>,
    pub started_ms: Option<i64>,
    pub stopping_ms: Option<i64>,
    pub stopped_ms: i64,
    pub containers: Vec<RecordedContainer>,
    /// When ecsdeck first recorded it.
    pub recorded_ms: i64,
}

/// One service event (ECS's id, time and message).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordedEvent {
    pub env: String,
    pub cluster: String,
    pub service: String,
    pub event_id: String,
    pub at_ms: i64,
    pub message: String,
    pub recorded_ms: i64,
}

/// One deployment of a service, in its latest known state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordedDeployment {
    pub env: String,
    pub cluster: String,
    pub service: String,
    pub deployment_id: String,
    pub task_definition: String,
    /// `PRIMARY`, `ACTIVE` or `INACTIVE`.
    pub status: String,
    /// `IN_PROGRESS`, `COMPLETED`, `FAILED` (or empty).
    pub rollout_state: String,
    pub rollout_reason: String,
    pub desired: i64,
    pub running: i64,
    pub failed: i64,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub recorded_ms: i64,
}

/// What one read of the fleet adds to the history.
#[derive(Clone, Debug, Default)]
pub struct HistoryBatch {
    pub tasks: Vec<RecordedTask>,
    pub events: Vec<RecordedEvent>,
    pub deployments: Vec<RecordedDeployment>,
}

impl HistoryBatch {
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty() && self.events.is_empty() && self.deployments.is_empty()
    }

    pub fn len(&self) -> usize {
        self.tasks.len() + self.events.len() + self.deployments.len()
    }
}

/// How many rows `history_prune` deleted, per table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pruned {
    pub tasks: u64,
    pub events: u64,
    pub deployments: u64,
}

/// `text` cut to `MAX_TEXT` bytes at a character boundary, marked when cut.
pub fn clip(text: &str) -> String {
    if text.len() <= MAX_TEXT {
        return text.to_string();
    }
    let mut end = MAX_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… [truncated]", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clips_long_text_at_a_character_boundary() {
        assert_eq!(clip("short"), "short");
        let long = "é".repeat(MAX_TEXT);
        let cut = clip(&long);
        assert!(cut.ends_with("… [truncated]"));
        assert!(cut.len() <= MAX_TEXT + "… [truncated]".len());
    }
}
