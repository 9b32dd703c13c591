//! Fleet reads (domain types) into history rows (the store's own types),
//! and back for pages that show a recorded task as the task page does.

use crate::domain::{Container, Deployment, Service, ServiceEvent, Task, Timestamp, short_id};
use crate::store::history::{RecordedContainer, RecordedDeployment, RecordedEvent, RecordedTask};

/// A stopped task as a history row; None while it has not stopped.
pub fn task_row(env: &str, task: &Task, now_ms: i64) -> Option<RecordedTask> {
    let stopped_ms = task.stopped_at?.millis();
    (task.last_status == "STOPPED").then(|| RecordedTask {
        env: env.to_string(),
        cluster: short_id(&task.cluster_arn).to_string(),
        task_id: task.id().to_string(),
        task_arn: task.arn.clone(),
        service: task.service_name().unwrap_or_default().to_string(),
        group: task.group.clone(),
        task_definition: task.task_definition.clone(),
        launch_type: task.launch_type.clone(),
        availability_zone: task.availability_zone.clone(),
        cpu: task.cpu.clone(),
        memory: task.memory.clone(),
        stop_code: task.stop_code.clone(),
        stopped_reason: task.stopped_reason.clone(),
        created_ms: task.created_at.map(Timestamp::millis),
        started_ms: task.started_at.map(Timestamp::millis),
        stopping_ms: task.stopping_at.map(Timestamp::millis),
        stopped_ms,
        containers: task
            .containers
            .iter()
            .map(|c| RecordedContainer {
                name: c.name.clone(),
                image: c.image.clone(),
                image_digest: c.image_digest.clone(),
                exit_code: c.exit_code,
                reason: c.reason.clone(),
                health: c.health.clone(),
            })
            .collect(),
        recorded_ms: now_ms,
    })
}

/// A recorded task as the domain's `Task` (what ECS said when it still
/// listed it).
pub fn task_from_row(row: &RecordedTask) -> Task {
    let ts = |ms: Option<i64>| ms.map(Timestamp::from_millis);
    let cluster_arn = row
        .task_arn
        .split_once(":task/")
        .map(|(head, _)| format!("{head}:cluster/{}", row.cluster))
        .unwrap_or_else(|| row.cluster.clone());
    Task {
        arn: row.task_arn.clone(),
        cluster_arn,
        group: row.group.clone(),
        launch_type: row.launch_type.clone(),
        task_definition: row.task_definition.clone(),
        last_status: "STOPPED".to_string(),
        desired_status: "STOPPED".to_string(),
        health: String::new(),
        cpu: row.cpu.clone(),
        memory: row.memory.clone(),
        availability_zone: row.availability_zone.clone(),
        container_instance_arn: String::new(),
        // A stopped task no longer holds an address (nor a target).
        private_ip: String::new(),
        created_at: ts(row.created_ms),
        started_at: ts(row.started_ms),
        stopping_at: ts(row.stopping_ms),
        stopped_at: Some(Timestamp::from_millis(row.stopped_ms)),
        stop_code: row.stop_code.clone(),
        stopped_reason: row.stopped_reason.clone(),
        containers: row
            .containers
            .iter()
            .map(|c| Container {
                name: c.name.clone(),
                image: c.image.clone(),
                image_digest: c.image_digest.clone(),
                last_status: "STOPPED".to_string(),
                exit_code: c.exit_code,
                reason: c.reason.clone(),
                health: c.health.clone(),
                runtime_id: String::new(),
            })
            .collect(),
    }
}

/// A service event as a history row.
pub fn event_row(env: &str, service: &Service, e: &ServiceEvent, now_ms: i64) -> RecordedEvent {
    RecordedEvent {
        env: env.to_string(),
        cluster: short_id(&service.cluster_arn).to_string(),
        service: service.name.clone(),
        event_id: e.id.clone(),
        at_ms: e.created_at.millis(),
        message: e.message.clone(),
        recorded_ms: now_ms,
    }
}

/// A deployment as a history row.
pub fn deployment_row(
    env: &str,
    service: &Service,
    d: &Deployment,
    now_ms: i64,
) -> RecordedDeployment {
    let created_ms = d.created_at.map_or(now_ms, Timestamp::millis);
    RecordedDeployment {
        env: env.to_string(),
        cluster: short_id(&service.cluster_arn).to_string(),
        service: service.name.clone(),
        deployment_id: d.id.clone(),
        task_definition: d.task_definition.clone(),
        status: d.status.clone(),
        rollout_state: d.rollout_state.clone(),
        rollout_reason: d.rollout_reason.clone(),
        desired: i64::from(d.desired),
        running: i64::from(d.running),
        failed: i64::from(d.failed),
        created_ms,
        updated_ms: d.updated_at.map_or(created_ms, Timestamp::millis),
        recorded_ms: now_ms,
    }
}

/// What changes a deployment's row (a new state is written, the same
/// state is not).
pub fn deployment_fingerprint(d: &Deployment) -> String {
    format!(
        "{}|{}|{}|{}|{}|{}|{:?}",
        d.status,
        d.rollout_state,
        d.desired,
        d.running,
        d.failed,
        d.rollout_reason.len(),
        d.updated_at.map(Timestamp::millis)
    )
}
