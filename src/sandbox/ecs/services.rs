//! Services: ListServices, DescribeServices, UpdateService.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::arn::{self, includes, str_field};
use super::model::{Cluster, Deployment, DeploymentConfig, Service, Task, TaskStatus};
use super::render::{self, opt, ts};
use super::{EcsState, pagination, rollout, task_definitions};
use crate::sandbox::error::ApiError;

pub fn cluster<'a>(ecs: &'a EcsState, body: &Value) -> Result<&'a Cluster, ApiError> {
    let name = arn::cluster_name(str_field(body, "cluster"))?;
    ecs.clusters
        .get(&name)
        .filter(|c| c.status == "ACTIVE")
        .ok_or_else(arn::cluster_not_found)
}

pub fn cluster_mut<'a>(ecs: &'a mut EcsState, body: &Value) -> Result<&'a mut Cluster, ApiError> {
    let name = arn::cluster_name(str_field(body, "cluster"))?;
    ecs.clusters
        .get_mut(&name)
        .filter(|c| c.status == "ACTIVE")
        .ok_or_else(arn::cluster_not_found)
}

/// (running, pending) tasks of a service, or of one of its deployments.
pub fn counts(
    tasks: &BTreeMap<String, Task>,
    service: &str,
    deployment: Option<&str>,
) -> (i32, i32) {
    let mut running = 0;
    let mut pending = 0;
    for t in tasks.values() {
        if t.service.as_deref() != Some(service) || t.desired_status != "RUNNING" {
            continue;
        }
        if deployment.is_some_and(|d| t.deployment_id.as_deref() != Some(d)) {
            continue;
        }
        match t.last_status {
            TaskStatus::Running => running += 1,
            s if s < TaskStatus::Running => pending += 1,
            _ => {}
        }
    }
    (running, pending)
}

fn deployment_config_json(c: &DeploymentConfig) -> Value {
    let mut v = json!({
        "deploymentCircuitBreaker": { "enable": c.breaker_enable, "rollback": c.breaker_rollback },
        "maximumPercent": c.max_percent,
        "minimumHealthyPercent": c.min_healthy_percent,
        "strategy": c.strategy,
    });
    if c.strategy != super::stages::ROLLING {
        v["bakeTimeInMinutes"] = json!(c.bake_time_min);
    }
    v
}

pub fn deployment_json(d: &Deployment, tasks: &BTreeMap<String, Task>, service: &str) -> Value {
    let (running, pending) = counts(tasks, service, Some(&d.id));
    let desired = if d.status == "PRIMARY" {
        d.desired
    } else {
        running + pending
    };
    let mut v = json!({
        "id": d.id,
        "status": d.status,
        "taskDefinition": d.task_definition,
        "desiredCount": desired,
        "pendingCount": pending,
        "runningCount": running,
        "failedTasks": d.failed_tasks,
        "createdAt": ts(d.created_ms),
        "updatedAt": ts(d.updated_ms),
        "launchType": d.launch_type,
        "rolloutState": d.rollout_state,
        "rolloutStateReason": d.rollout_reason,
    });
    if d.launch_type == "FARGATE" {
        v["platformVersion"] = json!("1.4.0");
        v["platformFamily"] = json!("Linux");
    }
    opt(&mut v, "networkConfiguration", d.network.clone());
    v
}

pub fn service_json(svc: &Service, cluster: &Cluster, with_tags: bool) -> Value {
    let (running, pending) = counts(&cluster.tasks, &svc.name, None);
    let deployments: Vec<Value> = svc
        .deployments
        .iter()
        .map(|d| deployment_json(d, &cluster.tasks, &svc.name))
        .collect();
    let events: Vec<Value> = svc
        .events
        .iter()
        .map(|e| json!({ "id": e.id, "createdAt": ts(e.created_ms), "message": e.message }))
        .collect();
    let mut v = json!({
        "serviceArn": svc.arn,
        "serviceName": svc.name,
        "clusterArn": cluster.arn,
        "loadBalancers": svc.load_balancers,
        "serviceRegistries": [],
        "status": svc.status,
        "desiredCount": svc.desired,
        "runningCount": running,
        "pendingCount": pending,
        "launchType": svc.launch_type,
        "taskDefinition": svc.task_definition,
        "deploymentConfiguration": deployment_config_json(&svc.deployment_config),
        "deployments": deployments,
        "events": events,
        "createdAt": ts(svc.created_ms),
        "placementConstraints": [],
        "placementStrategy": [],
        "schedulingStrategy": svc.scheduling_strategy,
        "deploymentController": { "type": "ECS" },
        "createdBy": format!("arn:aws:iam::{}:role/deployer", arn::ACCOUNT),
        "enableECSManagedTags": true,
        "propagateTags": "SERVICE",
        "enableExecuteCommand": svc.enable_execute_command,
    });
    if let Some(s) = &svc.capacity_provider_strategy {
        v["capacityProviderStrategy"] = s.clone();
        if let Some(o) = v.as_object_mut() {
            o.remove("launchType");
        }
    }
    opt(&mut v, "platformVersion", svc.platform_version.clone());
    if svc.launch_type == "FARGATE" {
        v["platformFamily"] = json!("Linux");
    }
    opt(&mut v, "networkConfiguration", svc.network.clone());
    opt(
        &mut v,
        "healthCheckGracePeriodSeconds",
        svc.health_check_grace_s,
    );
    opt(&mut v, "roleArn", svc.role_arn.clone());
    if with_tags {
        v["tags"] = render::tags(&svc.tags);
    }
    v
}

pub fn list(ecs: &EcsState, body: &Value) -> Result<Value, ApiError> {
    let c = cluster(ecs, body)?;
    let launch = str_field(body, "launchType");
    let strategy = str_field(body, "schedulingStrategy");
    let arns: Vec<String> = c
        .services
        .values()
        .filter(|s| s.status == "ACTIVE")
        .filter(|s| launch.is_none_or(|l| l == s.launch_type))
        .filter(|s| strategy.is_none_or(|l| l == s.scheduling_strategy))
        .map(|s| s.arn.clone())
        .collect();
    let (page, next) = pagination::page("ListServices", body, &arns, 10, 100)?;
    Ok(render::with_token(json!({ "serviceArns": page }), next))
}

pub fn describe(ecs: &EcsState, body: &Value) -> Result<Value, ApiError> {
    let names = arn::str_list(body, "services");
    if names.is_empty() {
        return Err(ApiError::invalid("Services cannot be empty."));
    }
    if names.len() > 10 {
        return Err(ApiError::invalid("services can have at most 10 items."));
    }
    let c = cluster(ecs, body)?;
    let tags = includes(body, "TAGS");
    let mut services = Vec::new();
    let mut failures = Vec::new();
    for n in &names {
        let (from_arn, name) = arn::service_ref(n);
        let found = c
            .services
            .get(&name)
            .filter(|_| from_arn.as_ref().is_none_or(|x| *x == c.name));
        match found {
            Some(s) => services.push(service_json(s, c, tags)),
            None => failures.push(render::failure(
                &arn::service_arn(&ecs.region, &c.name, &name),
                "MISSING",
            )),
        }
    }
    Ok(json!({ "services": services, "failures": failures }))
}

/// `current` with the members `dc` sets, validated as ECS does.
pub fn deployment_config(
    current: &DeploymentConfig,
    dc: &Value,
) -> Result<DeploymentConfig, ApiError> {
    let mut cfg = current.clone();
    let percent = |name: &str| -> Result<Option<i32>, ApiError> {
        match arn::int_field(dc, name)? {
            None => Ok(None),
            Some(n) if (0..=1000).contains(&n) => Ok(Some(n as i32)),
            Some(n) => Err(ApiError::invalid(format!("{name} {n} is out of range."))),
        }
    };
    if let Some(n) = percent("minimumHealthyPercent")? {
        cfg.min_healthy_percent = n;
    }
    if let Some(n) = percent("maximumPercent")? {
        cfg.max_percent = n;
    }
    if let Some(cb) = dc.get("deploymentCircuitBreaker") {
        let flag = |name: &str, old: bool| cb.get(name).and_then(Value::as_bool).unwrap_or(old);
        cfg.breaker_enable = flag("enable", cfg.breaker_enable);
        cfg.breaker_rollback = flag("rollback", cfg.breaker_rollback);
    }
    super::strategy::parse(&mut cfg, dc)?;
    if cfg.min_healthy_percent > 100 || cfg.max_percent < 100 {
        return Err(ApiError::invalid(
            "minimumHealthyPercent must be at most 100 and maximumPercent at least 100.",
        ));
    }
    if cfg.min_healthy_percent >= cfg.max_percent {
        return Err(ApiError::invalid(
            "maximumPercent must be greater than minimumHealthyPercent.",
        ));
    }
    Ok(cfg)
}

pub fn update(ecs: &mut EcsState, body: &Value, now: i64) -> Result<Value, ApiError> {
    let service_ref = arn::required(body, "service")?;
    let desired = arn::int_field(body, "desiredCount")?;
    if desired.is_some_and(|d| !(0..=5000).contains(&d)) {
        return Err(ApiError::invalid(
            "desiredCount must be between 0 and 5000.",
        ));
    }
    let td = match str_field(body, "taskDefinition") {
        Some(r) => Some(
            task_definitions::resolve(&ecs.task_defs, r)
                .map_err(|_| ApiError::new(400, "ClientException", "TaskDefinition not found."))?
                .arn
                .clone(),
        ),
        None => None,
    };
    let EcsState { clusters, rng, .. } = ecs;
    let name = arn::cluster_name(str_field(body, "cluster"))?;
    let c = clusters.get_mut(&name).ok_or_else(arn::cluster_not_found)?;
    let (_, svc_name) = arn::service_ref(service_ref);
    let svc = c
        .services
        .get_mut(&svc_name)
        .ok_or_else(arn::service_not_found)?;
    if svc.status != "ACTIVE" {
        return Err(ApiError::new(
            400,
            "ServiceNotActiveException",
            "Service was not ACTIVE.",
        ));
    }
    if let Some(dc) = body.get("deploymentConfiguration") {
        svc.deployment_config = deployment_config(&svc.deployment_config, dc)?;
    }
    if let Some(d) = desired {
        svc.desired = d as i32;
        svc.steady = false;
        if let Some(p) = svc.deployments.first_mut() {
            p.desired = d as i32;
            p.updated_ms = now;
        }
    }
    let force = arn::bool_field(body, "forceNewDeployment").unwrap_or(false);
    let changed = td.as_ref().is_some_and(|t| *t != svc.task_definition);
    if force || changed || svc.deployments.is_empty() {
        let td = td.unwrap_or_else(|| svc.task_definition.clone());
        rollout::start_deployment(svc, rng, &td, None, now);
    }
    let svc = c
        .services
        .get(&svc_name)
        .ok_or_else(arn::service_not_found)?;
    Ok(json!({ "service": service_json(svc, c, false) }))
}
