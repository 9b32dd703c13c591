//! DescribeTargetHealth: the targets of a group are the tasks of the
//! services behind it, their state derived from each task's lifecycle and
//! fate at the simulated now.

use super::ElbStore;
use super::groups::{Group, all};
use super::xml::{Node, member_list, members, param, parent, text};
use crate::sandbox::ecs::EcsState;
use crate::sandbox::ecs::model::{Cluster, Fate, Task, TaskStatus};
use crate::sandbox::error::ApiError;
use crate::sandbox::loggen::CrashKind;

/// One target and its health.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub id: String,
    pub port: i64,
    pub az: String,
    pub state: &'static str,
    pub reason: Option<&'static str>,
    pub description: Option<&'static str>,
}

fn target_of(
    store: &ElbStore,
    group: &Group,
    cluster: &Cluster,
    task: &Task,
    port: i64,
    now: i64,
) -> Option<Target> {
    let id = if group.target_type == "ip" {
        task.private_ip.clone()
    } else {
        let ci = task.container_instance.as_ref()?;
        cluster
            .instances
            .get(ci.rsplit('/').next().unwrap_or(ci))?
            .ec2_instance_id
            .clone()
    };
    let hc = store.health_check(&group.name);
    let (state, reason, description) = if let Some(stopping) = task.stopping_ms {
        if now - stopping >= store.deregistration_delay_s * 1000 {
            return None;
        }
        (
            "draining",
            Some("Target.DeregistrationInProgress"),
            Some("Target deregistration is in progress"),
        )
    } else {
        let started = task.started_ms?;
        if task.last_status != TaskStatus::Running {
            return None;
        }
        let fails = matches!(
            task.fate,
            Fate::Dies {
                kind: CrashKind::Unhealthy,
                ..
            }
        );
        let checks = now.saturating_sub(started) / (hc.interval_s * 1000).max(1);
        if fails && checks >= hc.unhealthy_threshold {
            (
                "unhealthy",
                Some("Target.ResponseCodeMismatch"),
                Some("Health checks failed with these codes: [503]"),
            )
        } else if fails || checks < hc.healthy_threshold {
            (
                "initial",
                Some("Elb.RegistrationInProgress"),
                Some("Target registration is in progress"),
            )
        } else {
            ("healthy", None, None)
        }
    };
    Some(Target {
        id,
        port,
        az: task.az.clone(),
        state,
        reason,
        description,
    })
}

/// The targets of `group` at `now`.
pub fn targets(store: &ElbStore, ecs: &EcsState, group: &Group, now: i64) -> Vec<Target> {
    let mut out = Vec::new();
    for (cluster, service, port) in &group.services {
        let Some(c) = ecs.clusters.get(cluster) else {
            continue;
        };
        for t in c
            .tasks
            .values()
            .filter(|t| t.service.as_deref() == Some(service.as_str()))
        {
            if let Some(target) = target_of(store, group, c, t, *port, now) {
                out.push(target);
            }
        }
    }
    out.sort_by(|a, b| (&a.id, a.port).cmp(&(&b.id, b.port)));
    out
}

pub fn describe_target_health(
    store: &ElbStore,
    ecs: &EcsState,
    params: &[(String, String)],
    now: i64,
) -> Result<Vec<Node>, ApiError> {
    let arn = param(params, "TargetGroupArn")
        .ok_or_else(|| ApiError::new(400, "ValidationError", "TargetGroupArn is required"))?;
    let groups = all(ecs);
    let group = groups.get(arn).ok_or_else(|| {
        ApiError::new(
            400,
            "TargetGroupNotFound",
            format!("Target groups '{arn}' not found"),
        )
    })?;
    let wanted = member_list(params, "Targets");
    let ids: Vec<String> = params
        .iter()
        .filter(|(k, _)| k.starts_with("Targets.member.") && k.ends_with(".Id"))
        .map(|(_, v)| v.clone())
        .collect();
    let hc = store.health_check(&group.name);
    let found: Vec<Vec<Node>> = targets(store, ecs, group, now)
        .into_iter()
        .filter(|t| (wanted.is_empty() && ids.is_empty()) || ids.contains(&t.id))
        .map(|t| {
            let mut health = vec![text("State", t.state)];
            if let Some(r) = t.reason {
                health.push(text("Reason", r));
            }
            if let Some(d) = t.description {
                health.push(text("Description", d));
            }
            let hc_port = if hc.port == "traffic-port" {
                t.port.to_string()
            } else {
                hc.port.clone()
            };
            vec![
                parent(
                    "Target",
                    vec![
                        text("Id", &t.id),
                        text("Port", t.port),
                        text("AvailabilityZone", &t.az),
                    ],
                ),
                text("HealthCheckPort", hc_port),
                parent("TargetHealth", health),
            ]
        })
        .collect();
    Ok(vec![members("TargetHealthDescriptions", found)])
}
