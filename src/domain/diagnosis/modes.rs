//! Each failure mode: when it applies and the evidence it shows.

use super::{Diagnosis, DiagnosisInput, FAILED_DEPLOY_MS, FailureMode, RECENT_MS, StopGroup};
use crate::domain::{ContainerDef, TaskDefinition, family_revision};

fn new(mode: FailureMode, headline: String, groups: &[StopGroup]) -> Diagnosis {
    Diagnosis {
        mode,
        headline,
        evidence: Vec::new(),
        groups: groups.to_vec(),
        example: None,
        image: None,
        failed_revision: None,
        good_revision: None,
    }
}

fn task_definition<'a>(input: &'a DiagnosisInput<'_>, id: &str) -> Option<&'a TaskDefinition> {
    let short = family_revision(id);
    input
        .task_definitions
        .iter()
        .find(|td| td.family_revision() == short)
        .map(|td| td.as_ref())
}

fn container<'a>(input: &'a DiagnosisInput<'_>, g: &StopGroup) -> Option<&'a ContainerDef> {
    let td = task_definition(input, &g.task_definition)?;
    td.container(&g.container).or(td.containers.first())
}

fn example(g: &StopGroup) -> Option<(String, String)> {
    g.task_ids
        .first()
        .map(|id| (id.clone(), g.container.clone()))
}

/// "17 stops in the last 58 min".
fn stops_line(g: &StopGroup, now: crate::domain::Timestamp) -> String {
    let span = g.first.ago(now);
    let span = span.trim_end_matches(" ago");
    format!("{} stops in the last {span}", g.count)
}

/// A deployment that failed within a day: ECS's own (still listed, or
/// recorded), else the service event that says so.
pub(super) fn failed_deployment(
    input: &DiagnosisInput<'_>,
    groups: &[StopGroup],
) -> Option<Diagnosis> {
    let since = input.now.millis() - FAILED_DEPLOY_MS;
    let s = input.service;
    let live = s
        .deployments
        .iter()
        .filter(|d| d.rollout_state == "FAILED")
        .map(|d| {
            (
                d.id.clone(),
                d.task_definition.clone(),
                d.rollout_reason.clone(),
                d.updated_at
                    .or(d.created_at)
                    .map_or(input.now.millis(), |t| t.millis()),
            )
        });
    let recorded = input
        .past_deployments
        .iter()
        .filter(|d| d.rollout_state == "FAILED")
        .map(|d| {
            (
                d.id.clone(),
                d.task_definition.clone(),
                d.rollout_reason.clone(),
                d.updated.millis(),
            )
        });
    let from_deployments = live
        .chain(recorded)
        .filter(|d| d.3 >= since)
        .max_by_key(|d| d.3);
    let event = s
        .events
        .iter()
        .find(|e| e.created_at.millis() >= since && e.message.contains("deployment failed"));
    let (id, failed_td, verdict, at) = match (from_deployments, event) {
        (Some(d), _) => d,
        (None, Some(e)) => {
            let id = e
                .message
                .split("(deployment ")
                .nth(1)
                .and_then(|r| r.split(')').next())
                .unwrap_or("")
                .to_string();
            // The revision that failed: what the stops around it ran, other
            // than what the service runs now.
            let current = s.task_definition_short();
            let td = groups
                .iter()
                .find(|g| g.task_definition != current && g.last.millis() >= since)
                .map(|g| g.task_definition.clone())
                .unwrap_or_default();
            (id, td, e.message.clone(), e.created_at.millis())
        }
        (None, None) => return None,
    };
    let failed_short = family_revision(&failed_td).to_string();
    let current = s.task_definition_short().to_string();
    let good = (!current.is_empty() && current != failed_short).then_some(current);
    let rolled_back = s
        .events
        .iter()
        .find(|e| e.created_at.millis() >= at - 60_000 && e.message.contains("rolling back"));
    let headline = match (&good, rolled_back) {
        (Some(good), Some(_)) => format!(
            "Deployment {id} of {} failed and ECS rolled back to {good}.",
            if failed_short.is_empty() {
                "a new revision"
            } else {
                &failed_short
            }
        ),
        _ => format!(
            "Deployment {id} of {} failed.",
            if failed_short.is_empty() {
                "a new revision"
            } else {
                &failed_short
            }
        ),
    };
    let mut d = new(FailureMode::FailedDeployment, headline, groups);
    d.add("Circuit breaker", verdict);
    d.add(
        "When",
        crate::domain::Timestamp::from_millis(at).ago(input.now),
    );
    if !failed_short.is_empty() {
        d.add("Failed revision", failed_short.clone());
        d.failed_revision = Some(failed_short.clone());
    }
    if let Some(good) = &good {
        d.add("Last worked", good.clone());
        d.good_revision = Some(good.clone());
    }
    if let Some(e) = rolled_back {
        d.add("Rollback", e.message.clone());
    }
    if let Some(g) = groups
        .iter()
        .find(|g| g.task_definition == failed_short)
        .or(groups.first())
    {
        d.add("Why its tasks stopped", g.summary(input.now));
        d.add("Reason", g.detail.clone());
        d.example = example(g);
    }
    Some(d)
}

/// The mode a recent group of stops shows, with its evidence.
pub(super) fn from_group(
    input: &DiagnosisInput<'_>,
    g: &StopGroup,
    groups: &[StopGroup],
) -> Option<Diagnosis> {
    let now = input.now;
    let detail = g.detail.to_ascii_lowercase();
    let name = &input.service.name;
    if g.cause.contains("CannotPull") || detail.contains("pull image") {
        let image = container(input, g)
            .map(|c| c.image.clone())
            .or_else(|| {
                g.detail
                    .split("failed to resolve ref ")
                    .nth(1)
                    .and_then(|r| r.split(": ").next())
                    .map(str::to_string)
            })
            .unwrap_or_default();
        let mut d = new(
            FailureMode::ImagePull,
            format!("{name}'s tasks cannot start: the image {image} cannot be pulled."),
            groups,
        );
        d.add("Image", image.clone());
        d.add("Stops", g.summary(now));
        d.add("Registry error", g.detail.clone());
        d.image = Some(image);
        d.example = example(g);
        return Some(d);
    }
    if g.cause.contains("OutOfMemory") || (g.exit_code == Some(137) && detail.contains("memory")) {
        let mut d = new(
            FailureMode::OutOfMemory,
            format!(
                "{name}'s container {} is killed for using more memory than it may: {}.",
                g.container,
                stops_line(g, now)
            ),
            groups,
        );
        d.add("Stops", g.summary(now));
        d.add("Reason", g.detail.clone());
        let c = container(input, g);
        let td = task_definition(input, &g.task_definition);
        d.add(
            "Container memory limit",
            c.and_then(|c| c.memory)
                .map_or("none (the task's memory applies)".to_string(), |m| {
                    format!("{m} MiB")
                }),
        );
        d.add(
            "Container memory reservation",
            c.and_then(|c| c.memory_reservation)
                .map_or("none".to_string(), |m| format!("{m} MiB")),
        );
        if let Some(td) = td.filter(|td| !td.memory.is_empty()) {
            d.add(
                "Task memory",
                format!("{} MiB ({})", td.memory, td.family_revision()),
            );
        }
        d.add(
            "Memory use",
            "no metrics read (CloudWatch Container Insights is not read yet)",
        );
        d.example = example(g);
        return Some(d);
    }
    if detail.contains("health check") || g.cause.to_ascii_lowercase().contains("health") {
        let mut d = new(
            FailureMode::Unhealthy,
            format!(
                "{name}'s tasks fail their health checks and are replaced: {}.",
                stops_line(g, now)
            ),
            groups,
        );
        d.add("Stops", g.summary(now));
        match container(input, g).and_then(|c| c.health_check.as_ref().map(|h| (c, h))) {
            Some((c, h)) => {
                d.add(
                    "Health check",
                    format!("{}: {}", c.name, (input.show_command)(&h.command)),
                );
                let secs = |v: Option<i32>, default: i32| format!("{} s", v.unwrap_or(default));
                d.add(
                    "Interval / timeout / retries",
                    format!(
                        "{} / {} / {}",
                        secs(h.interval, 30),
                        secs(h.timeout, 5),
                        h.retries.unwrap_or(3)
                    ),
                );
            }
            None => d.add(
                "Health check",
                "none in the task definition (a load balancer's)",
            ),
        }
        if let Some(reason) = input.target_health_reason {
            d.add("Load balancer target health", reason.to_string());
        }
        d.add("Reason", g.detail.clone());
        d.example = example(g);
        return Some(d);
    }
    let crashed = g.exit_code.is_some_and(|x| x != 0) || g.stop_code == "EssentialContainerExited";
    let recent = g.last.millis() >= now.millis() - RECENT_MS;
    if crashed && recent && g.count >= 2 {
        let mut d = new(
            FailureMode::CrashLoop,
            format!(
                "{name}'s container {} keeps exiting and ECS keeps restarting it: {}.",
                g.container,
                stops_line(g, now)
            ),
            groups,
        );
        d.add("Stops", g.summary(now));
        let every = g.every();
        if !every.is_empty() {
            d.add("Interval", every.trim_start_matches("every ").to_string());
        }
        if let Some(code) = g.exit_code {
            d.add("Exit code", code.to_string());
        }
        d.add("Reason", g.detail.clone());
        d.example = example(g);
        return Some(d);
    }
    None
}
