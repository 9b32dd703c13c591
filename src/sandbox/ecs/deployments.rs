//! ListServiceDeployments, DescribeServiceDeployments, StopServiceDeployment.

use serde_json::{Value, json};

use super::arn::{self, Region, str_field};
use super::model::{Cluster, Deployment, Service};
use super::render::{self, opt, ts};
use super::services::counts;
use super::{EcsState, pagination, rollout, stages};
use crate::sandbox::error::ApiError;

/// Deployments as the ServiceDeployment API lists them (a circuit-breaker
/// rollback is part of the deployment it rolls back), newest first.
fn visible(svc: &Service) -> Vec<&Deployment> {
    let mut all: Vec<&Deployment> = svc
        .history
        .iter()
        .chain(svc.deployments.iter())
        .filter(|d| d.rollback_of.is_none())
        .collect();
    all.sort_by_key(|d| std::cmp::Reverse(d.created_ms));
    all
}

fn brief(r: &Region, c: &Cluster, svc: &Service, d: &Deployment) -> Value {
    let mut v = json!({
        "serviceDeploymentArn": arn::service_deployment_arn(r, &c.name, &svc.name, &d.id),
        "serviceArn": svc.arn,
        "clusterArn": c.arn,
        "createdAt": ts(d.created_ms),
        "startedAt": ts(d.created_ms),
        "targetServiceRevisionArn": arn::service_revision_arn(r, &c.name, &svc.name, &d.id),
        "status": d.sd_status,
    });
    opt(&mut v, "finishedAt", d.finished_ms.map(ts));
    opt(&mut v, "statusReason", d.sd_reason.clone());
    v
}

/// A revision summary; `weight` is its share of production traffic
/// (blue/green, linear, canary).
fn revision(r: &Region, c: &Cluster, svc: &Service, d: &Deployment, weight: Option<f64>) -> Value {
    let (running, pending) = counts(&c.tasks, &svc.name, Some(&d.id));
    let mut v = json!({
        "arn": arn::service_revision_arn(r, &c.name, &svc.name, &d.id),
        "requestedTaskCount": if d.status == "PRIMARY" { d.desired } else { running + pending },
        "runningTaskCount": running,
        "pendingTaskCount": pending,
    });
    if let Some(w) = weight {
        v["requestedProductionTrafficWeight"] = json!(w);
        v["requestedTestTrafficWeight"] = json!(if w > 0.0 || d.stage != "SCALE_UP" {
            100.0
        } else {
            0.0
        });
    }
    v
}

/// `deploymentConfiguration` as the deployment ran with it.
fn configuration(d: &Deployment) -> Value {
    let c = &d.config;
    let mut v = json!({
        "deploymentCircuitBreaker": { "enable": c.breaker_enable, "rollback": c.breaker_rollback },
        "maximumPercent": c.max_percent,
        "minimumHealthyPercent": c.min_healthy_percent,
        "strategy": c.strategy,
    });
    if c.strategy != stages::ROLLING {
        v["bakeTimeInMinutes"] = json!(c.bake_time_min);
    }
    match c.strategy.as_str() {
        "LINEAR" => {
            v["linearConfiguration"] = json!({
                "stepPercent": c.step_percent,
                "stepBakeTimeInMinutes": c.step_bake_min,
            });
        }
        "CANARY" => {
            v["canaryConfiguration"] = json!({
                "canaryPercent": c.step_percent,
                "canaryBakeTimeInMinutes": c.step_bake_min,
            });
        }
        _ => {}
    }
    if !c.alarm_names.is_empty() {
        v["alarms"] = json!({
            "alarmNames": c.alarm_names,
            "enable": true,
            "rollback": c.alarm_rollback,
        });
    }
    v
}

/// The status of a rollback monitor (circuit breaker or alarms).
fn monitor(enabled: bool, triggered: bool, finished: bool) -> &'static str {
    match (enabled, triggered, finished) {
        (false, _, _) => "DISABLED",
        (true, true, _) => "TRIGGERED",
        (true, false, true) => "MONITORING_COMPLETE",
        (true, false, false) => "MONITORING",
    }
}

fn full(r: &Region, c: &Cluster, svc: &Service, d: &Deployment, now: i64) -> Value {
    let mut v = brief(r, c, svc, d);
    if let Some(o) = v.as_object_mut() {
        o.remove("targetServiceRevisionArn");
    }
    let all: Vec<&Deployment> = svc.history.iter().chain(svc.deployments.iter()).collect();
    let weight = stages::production_weight(d, now);
    let sources: Vec<Value> = all
        .iter()
        .filter(|s| d.sources.contains(&s.id))
        .map(|s| revision(r, c, svc, s, weight.map(|w| 100.0 - w)))
        .collect();
    v["sourceServiceRevisions"] = json!(sources);
    v["targetServiceRevision"] = revision(r, c, svc, d, weight);
    v["updatedAt"] = ts(d.updated_ms);
    v["deploymentConfiguration"] = configuration(d);
    v["lifecycleStage"] = json!(d.stage);
    let finished = d.finished_ms.is_some();
    v["deploymentCircuitBreaker"] = json!({
        "status": monitor(d.config.breaker_enable, d.breaker_triggered, finished),
        "failureCount": d.failed_tasks,
        "threshold": rollout::breaker_threshold(d.desired),
    });
    if !d.config.alarm_names.is_empty() {
        v["alarms"] = json!({
            "status": monitor(true, !d.triggered_alarms.is_empty(), finished),
            "alarmNames": d.config.alarm_names,
            "triggeredAlarmNames": d.triggered_alarms,
        });
    }
    if let Some(rb) = all
        .iter()
        .find(|r| r.rollback_of.as_deref() == Some(d.id.as_str()))
    {
        let reason = d
            .sd_reason
            .clone()
            .unwrap_or_else(|| "Stop requested by user.".to_string());
        v["rollback"] = json!({
            "reason": reason,
            "startedAt": ts(rb.created_ms),
            "serviceRevisionArn": arn::service_revision_arn(r, &c.name, &svc.name, &rb.id),
        });
    }
    if d.sd_status == "STOPPED" {
        opt(&mut v, "stoppedAt", d.finished_ms.map(ts));
    }
    v
}

/// ServiceDeploymentStatus values ListServiceDeployments filters on.
const STATUSES: [&str; 9] = [
    "PENDING",
    "SUCCESSFUL",
    "STOPPED",
    "STOP_REQUESTED",
    "IN_PROGRESS",
    "ROLLBACK_REQUESTED",
    "ROLLBACK_IN_PROGRESS",
    "ROLLBACK_SUCCESSFUL",
    "ROLLBACK_FAILED",
];

/// The `createdAt` filter: (after, before) in ms.
fn created_at(body: &Value) -> Result<(Option<i64>, Option<i64>), ApiError> {
    let Some(f) = body.get("createdAt").filter(|v| !v.is_null()) else {
        return Ok((None, None));
    };
    let at = |name: &str| -> Result<Option<i64>, ApiError> {
        match f.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_f64()
                .filter(|s| s.is_finite())
                .map(|s| Some((s * 1000.0) as i64))
                .ok_or_else(|| ApiError::invalid(format!("createdAt.{name} must be a timestamp."))),
        }
    };
    let (after, before) = (at("after")?, at("before")?);
    if let (Some(a), Some(b)) = (after, before)
        && a > b
    {
        return Err(ApiError::invalid(
            "createdAt.after must be earlier than createdAt.before.",
        ));
    }
    Ok((after, before))
}

pub fn list(ecs: &EcsState, body: &Value) -> Result<Value, ApiError> {
    let c = super::services::cluster(ecs, body)?;
    let (_, name) = arn::service_ref(arn::required(body, "service")?);
    let svc = c.services.get(&name).ok_or_else(arn::service_not_found)?;
    let statuses = arn::str_list(body, "status");
    if let Some(bad) = statuses.iter().find(|s| !STATUSES.contains(&s.as_str())) {
        return Err(ApiError::invalid(format!(
            "1 validation error detected: Value '{bad}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
            STATUSES.join(", ")
        )));
    }
    let (after, before) = created_at(body)?;
    let items: Vec<Value> = visible(svc)
        .into_iter()
        .filter(|d| statuses.is_empty() || statuses.contains(&d.sd_status))
        .filter(|d| after.is_none_or(|a| d.created_ms >= a))
        .filter(|d| before.is_none_or(|b| d.created_ms <= b))
        .map(|d| brief(&ecs.region, c, svc, d))
        .collect();
    let (page, next) = pagination::page("ListServiceDeployments", body, &items, 20, 100)?;
    Ok(render::with_token(
        json!({ "serviceDeployments": page }),
        next,
    ))
}

fn locate<'a>(
    ecs: &'a EcsState,
    sd_arn: &str,
) -> Option<(&'a Cluster, &'a Service, &'a Deployment)> {
    let (c, s, id) = arn::service_deployment_ref(sd_arn)?;
    let c = ecs.clusters.get(&c)?;
    let svc = c.services.get(&s)?;
    let d = svc
        .history
        .iter()
        .chain(svc.deployments.iter())
        .find(|d| d.id == id)?;
    Some((c, svc, d))
}

pub fn describe(ecs: &EcsState, body: &Value) -> Result<Value, ApiError> {
    let arns = arn::str_list(body, "serviceDeploymentArns");
    if arns.is_empty() {
        return Err(ApiError::invalid("serviceDeploymentArns can not be empty."));
    }
    if arns.len() > 20 {
        return Err(ApiError::invalid(
            "serviceDeploymentArns can have at most 20 items.",
        ));
    }
    let mut out = Vec::new();
    let mut failures = Vec::new();
    for a in &arns {
        match locate(ecs, a) {
            Some((c, svc, d)) => out.push(full(&ecs.region, c, svc, d, ecs.advanced_to_ms)),
            None => failures.push(render::failure(a, "MISSING")),
        }
    }
    Ok(json!({ "serviceDeployments": out, "failures": failures }))
}

pub fn stop(ecs: &mut EcsState, body: &Value, now: i64) -> Result<Value, ApiError> {
    let sd_arn = arn::required(body, "serviceDeploymentArn")?.to_string();
    let stop_type = str_field(body, "stopType").unwrap_or("ROLLBACK");
    if stop_type != "ROLLBACK" && stop_type != "ABORT" {
        return Err(ApiError::invalid(format!("Invalid stopType: {stop_type}")));
    }
    let not_found = || {
        ApiError::new(
            400,
            "ServiceDeploymentNotFoundException",
            "The service deployment does not exist.",
        )
    };
    let (cluster, service, id) = arn::service_deployment_ref(&sd_arn).ok_or_else(not_found)?;
    let EcsState { clusters, rng, .. } = ecs;
    let svc = clusters
        .get_mut(&cluster)
        .and_then(|c| c.services.get_mut(&service))
        .ok_or_else(not_found)?;
    let is_primary = svc
        .deployments
        .first()
        .is_some_and(|d| d.id == id && d.rollout_state == "IN_PROGRESS");
    if !is_primary {
        if svc
            .history
            .iter()
            .chain(svc.deployments.iter())
            .any(|d| d.id == id)
        {
            return Err(ApiError::new(
                400,
                "ConflictException",
                "The service deployment is not in progress.",
            ));
        }
        return Err(not_found());
    }
    let target = svc
        .deployments
        .iter()
        .chain(svc.history.iter().rev())
        .find(|d| d.rollout_state == "COMPLETED")
        .map(|d| (d.id.clone(), d.task_definition.clone()));
    let Some((good_id, td)) = target else {
        return Err(ApiError::new(
            400,
            "ConflictException",
            "There is no completed deployment to roll back to.",
        ));
    };
    if let Some(p) = svc.deployments.first_mut() {
        p.rollout_state = "FAILED".to_string();
        p.rollout_reason = "Service deployment rolled back because of a stop request.".to_string();
        p.sd_status = "ROLLBACK_REQUESTED".to_string();
        p.sd_reason = Some("Stop requested by user.".to_string());
        p.updated_ms = now;
        p.finished_ms = Some(now);
    }
    let name = svc.name.clone();
    rollout::event(
        svc,
        rng,
        now,
        format!("(service {name}) rolling back to deployment {good_id}."),
    );
    rollout::start_deployment(svc, rng, &td, Some(id), now);
    Ok(json!({ "serviceDeploymentArn": sd_arn }))
}
