//! ListServiceDeployments, DescribeServiceDeployments, StopServiceDeployment.

use serde_json::{Value, json};

use super::arn::{self, str_field};
use super::model::{Cluster, Deployment, Service};
use super::render::{self, opt, ts};
use super::services::counts;
use super::{EcsState, pagination, rollout};
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

fn brief(c: &Cluster, svc: &Service, d: &Deployment) -> Value {
    let mut v = json!({
        "serviceDeploymentArn": arn::service_deployment_arn(&c.name, &svc.name, &d.id),
        "serviceArn": svc.arn,
        "clusterArn": c.arn,
        "createdAt": ts(d.created_ms),
        "startedAt": ts(d.created_ms),
        "targetServiceRevisionArn": arn::service_revision_arn(&c.name, &svc.name, &d.id),
        "status": d.sd_status,
    });
    opt(&mut v, "finishedAt", d.finished_ms.map(ts));
    opt(&mut v, "statusReason", d.sd_reason.clone());
    v
}

fn revision(c: &Cluster, svc: &Service, d: &Deployment) -> Value {
    let (running, pending) = counts(&c.tasks, &svc.name, Some(&d.id));
    json!({
        "arn": arn::service_revision_arn(&c.name, &svc.name, &d.id),
        "requestedTaskCount": if d.status == "PRIMARY" { d.desired } else { running + pending },
        "runningTaskCount": running,
        "pendingTaskCount": pending,
    })
}

fn full(c: &Cluster, svc: &Service, d: &Deployment) -> Value {
    let mut v = brief(c, svc, d);
    if let Some(o) = v.as_object_mut() {
        o.remove("targetServiceRevisionArn");
    }
    let all: Vec<&Deployment> = svc.history.iter().chain(svc.deployments.iter()).collect();
    let sources: Vec<Value> = all
        .iter()
        .filter(|s| d.sources.contains(&s.id))
        .map(|s| revision(c, svc, s))
        .collect();
    v["sourceServiceRevisions"] = json!(sources);
    v["targetServiceRevision"] = revision(c, svc, d);
    v["updatedAt"] = ts(d.updated_ms);
    v["deploymentConfiguration"] = json!({
        "deploymentCircuitBreaker": { "enable": d.config.breaker_enable, "rollback": d.config.breaker_rollback },
        "maximumPercent": d.config.max_percent,
        "minimumHealthyPercent": d.config.min_healthy_percent,
    });
    let status = match (d.config.breaker_enable, d.breaker_triggered, d.finished_ms) {
        (false, _, _) => "DISABLED",
        (true, true, _) => "TRIGGERED",
        (true, false, Some(_)) => "MONITORING_COMPLETE",
        (true, false, None) => "MONITORING",
    };
    v["deploymentCircuitBreaker"] = json!({
        "status": status,
        "failureCount": d.failed_tasks,
        "threshold": rollout::breaker_threshold(d.desired),
    });
    if let Some(rb) = all
        .iter()
        .find(|r| r.rollback_of.as_deref() == Some(d.id.as_str()))
    {
        v["rollback"] = json!({
            "reason": "ECS deployment circuit breaker: tasks failed to start.",
            "startedAt": ts(rb.created_ms),
            "serviceRevisionArn": arn::service_revision_arn(&c.name, &svc.name, &rb.id),
        });
    }
    if d.sd_status == "STOPPED" {
        opt(&mut v, "stoppedAt", d.finished_ms.map(ts));
    }
    v
}

pub fn list(ecs: &EcsState, body: &Value) -> Result<Value, ApiError> {
    let c = super::services::cluster(ecs, body)?;
    let (_, name) = arn::service_ref(arn::required(body, "service")?);
    let svc = c.services.get(&name).ok_or_else(arn::service_not_found)?;
    let statuses = arn::str_list(body, "status");
    let items: Vec<Value> = visible(svc)
        .into_iter()
        .filter(|d| statuses.is_empty() || statuses.contains(&d.sd_status))
        .map(|d| brief(c, svc, d))
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
            Some((c, svc, d)) => out.push(full(c, svc, d)),
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
