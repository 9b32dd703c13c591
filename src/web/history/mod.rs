//! What ecsdeck recorded after ECS forgot it (`store::history`, written by
//! `crate::recorder`): recorded tasks for the task page, and the "Why"
//! panel and timelines built from it.

use crate::domain::{Task, Timestamp};
use crate::state::AppState;

/// A task ECS no longer lists, as recorded, with the notice the page shows
/// ("Recorded 3 h ago; ECS no longer lists it."). None when the history
/// does not have it (or cannot be read: the page then answers ECS's 404).
pub async fn recorded_task(
    state: &AppState,
    env: &str,
    cluster: &str,
    task_id: &str,
) -> Option<(Task, String)> {
    let row = match state.store().history_task(env, cluster, task_id).await {
        Ok(row) => row?,
        Err(e) => {
            tracing::warn!(error = %e, "reading the history failed");
            return None;
        }
    };
    let task = crate::recorder::task_from_row(&row);
    let ago = Timestamp::from_millis(row.recorded_ms).ago(Timestamp::now());
    Some((
        task,
        format!(
            "Recorded {ago}; ECS no longer lists it (it lists stopped tasks for about an hour). This is what ECS said when it stopped."
        ),
    ))
}
