//! Service deployments as ECS runs them: a new PRIMARY deployment, the old
//! one draining as ACTIVE, IN_PROGRESS → COMPLETED, and the circuit breaker
//! (FAILED, rollback to the last completed deployment). Plus service events.

use rand::Rng;
use rand::rngs::StdRng;

use super::lifecycle::hex_id;
use super::model::{Deployment, MAX_EVENTS, Service, ServiceEvent};

pub fn deployment_id(rng: &mut StdRng) -> String {
    format!(
        "ecs-svc/{}",
        rng.random_range(1_000_000_000_000_000_000u64..9_999_999_999_999_999_999u64)
    )
}

pub fn uuid(rng: &mut StdRng) -> String {
    let h = hex_id(rng, 32);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// Adds an event, newest first, keeping the last 100.
pub fn event(svc: &mut Service, rng: &mut StdRng, now: i64, message: String) {
    let id = uuid(rng);
    svc.events.push_front(ServiceEvent {
        id,
        created_ms: now,
        message,
    });
    svc.events.truncate(MAX_EVENTS);
}

/// Starts a new PRIMARY deployment of `task_definition`; the current ones
/// become ACTIVE and drain.
pub fn start_deployment(
    svc: &mut Service,
    rng: &mut StdRng,
    task_definition: &str,
    rollback_of: Option<String>,
    now: i64,
) -> String {
    let id = deployment_id(rng);
    let mut sources = Vec::new();
    for d in &mut svc.deployments {
        d.status = "ACTIVE".to_string();
        d.updated_ms = now;
        sources.push(d.id.clone());
        if d.rollout_state == "IN_PROGRESS" && rollback_of.is_none() {
            d.sd_status = "STOPPED".to_string();
            d.sd_reason = Some(format!("Superseded by deployment {id}."));
            d.finished_ms = Some(now);
        }
    }
    let dep = Deployment {
        id: id.clone(),
        status: "PRIMARY".to_string(),
        task_definition: task_definition.to_string(),
        desired: svc.desired,
        failed_tasks: 0,
        created_ms: now,
        updated_ms: now,
        finished_ms: None,
        rollout_state: "IN_PROGRESS".to_string(),
        rollout_reason: format!("ECS deployment {id} in progress."),
        launch_type: svc.launch_type.clone(),
        network: svc.network.clone(),
        sd_status: "IN_PROGRESS".to_string(),
        sd_reason: None,
        sources,
        rollback_of,
        breaker_triggered: false,
        config: svc.deployment_config.clone(),
        stage: super::stages::first().to_string(),
        stage_ms: now,
        triggered_alarms: Vec::new(),
    };
    svc.deployments.insert(0, dep);
    svc.task_definition = task_definition.to_string();
    svc.steady = false;
    svc.consecutive_failures = 0;
    svc.next_start_ms = now;
    id
}

/// The circuit breaker's failed-task threshold for `desired` tasks.
pub fn breaker_threshold(desired: i32) -> i32 {
    ((desired + 1) / 2).clamp(3, 200)
}

/// Trips the circuit breaker if the PRIMARY deployment failed too often.
pub fn check_breaker(svc: &mut Service, rng: &mut StdRng, now: i64) {
    let Some(p) = svc.deployments.first() else {
        return;
    };
    if p.rollout_state != "IN_PROGRESS"
        || !p.config.breaker_enable
        || p.failed_tasks < breaker_threshold(p.desired.max(svc.desired))
    {
        return;
    }
    let failed_id = p.id.clone();
    let rollback = p.config.breaker_rollback && p.rollback_of.is_none();
    let was_rollback_of = p.rollback_of.clone();
    if let Some(p) = svc.deployments.first_mut() {
        p.rollout_state = "FAILED".to_string();
        p.rollout_reason = "ECS deployment circuit breaker: tasks failed to start.".to_string();
        p.breaker_triggered = true;
        p.updated_ms = now;
        p.finished_ms = Some(now);
        p.sd_status = if rollback {
            "ROLLBACK_IN_PROGRESS"
        } else {
            "STOPPED"
        }
        .to_string();
        p.sd_reason = Some("ECS deployment circuit breaker: tasks failed to start.".to_string());
    }
    let name = svc.name.clone();
    event(
        svc,
        rng,
        now,
        format!(
            "(service {name}) (deployment {failed_id}) deployment failed: tasks failed to start."
        ),
    );
    if let Some(orig) = was_rollback_of {
        mark(svc, &orig, "ROLLBACK_FAILED", now);
    }
    if !rollback {
        return;
    }
    let target = svc
        .deployments
        .iter()
        .chain(svc.history.iter().rev())
        .find(|d| d.rollout_state == "COMPLETED")
        .map(|d| (d.id.clone(), d.task_definition.clone()));
    if let Some((good_id, td)) = target {
        event(
            svc,
            rng,
            now,
            format!("(service {name}) rolling back to deployment {good_id}."),
        );
        start_deployment(svc, rng, &td, Some(failed_id), now);
    }
}

fn mark(svc: &mut Service, id: &str, sd_status: &str, now: i64) {
    for d in svc.deployments.iter_mut().chain(svc.history.iter_mut()) {
        if d.id == id {
            d.sd_status = sd_status.to_string();
            d.finished_ms = Some(now);
            d.updated_ms = now;
        }
    }
}

/// Completes the PRIMARY deployment once its tasks run and the old ones are
/// gone; writes the steady-state event.
pub fn check_completion(
    svc: &mut Service,
    rng: &mut StdRng,
    primary_running: i32,
    alive_total: i32,
    old_alive: i32,
    now: i64,
) {
    let d = svc.desired;
    if svc.deployments.is_empty() || primary_running != d || old_alive != 0 {
        return;
    }
    // Blue/green, linear and canary complete after their bake time.
    if svc
        .deployments
        .first()
        .is_some_and(|p| !super::stages::may_complete(p))
    {
        return;
    }
    let name = svc.name.clone();
    let drained: Vec<Deployment> = svc.deployments.drain(1..).collect();
    for mut old in drained {
        old.status = "INACTIVE".to_string();
        old.updated_ms = now;
        if old.finished_ms.is_none() {
            old.finished_ms = Some(now);
        }
        svc.history.push(old);
    }
    let mut completed = None;
    if let Some(p) = svc.deployments.first_mut()
        && p.rollout_state == "IN_PROGRESS"
    {
        p.rollout_state = "COMPLETED".to_string();
        p.rollout_reason = format!("ECS deployment {} completed.", p.id);
        p.updated_ms = now;
        p.finished_ms = Some(now);
        p.sd_status = "SUCCESSFUL".to_string();
        completed = Some((p.id.clone(), p.rollback_of.clone()));
    }
    if let Some((id, rollback_of)) = completed {
        if let Some(orig) = rollback_of {
            mark(svc, &orig, "ROLLBACK_SUCCESSFUL", now);
        }
        event(
            svc,
            rng,
            now,
            format!("(service {name}) (deployment {id}) deployment completed."),
        );
    }
    if !svc.steady && alive_total == d {
        svc.steady = true;
        event(
            svc,
            rng,
            now,
            format!("(service {name}) has reached a steady state."),
        );
    }
}
