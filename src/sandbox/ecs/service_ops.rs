//! CreateService and DeleteService. A new service gets a PRIMARY
//! deployment and the scheduler starts its tasks; a deleted one drains
//! (DRAINING) and turns INACTIVE once its tasks have stopped.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::arn::{self, bool_field, str_field};
use super::cluster_ops::valid_name;
use super::model::{Service, Task, TaskStatus};
use super::services::{deployment_config, service_json};
use super::{EcsState, rollout, tagging, task_definitions};
use crate::sandbox::error::ApiError;

fn client(message: &str) -> ApiError {
    ApiError::new(400, "ClientException", message)
}

/// The launch type a service runs with: `launchType`, else the capacity
/// provider strategy's, else the cluster's default (FARGATE when the
/// cluster has Fargate capacity providers, EC2 otherwise).
fn launch_type(body: &Value, cluster_providers: &[String]) -> Result<String, ApiError> {
    let strategy = body
        .get("capacityProviderStrategy")
        .and_then(Value::as_array);
    let strategy = strategy.filter(|s| !s.is_empty());
    match (str_field(body, "launchType"), strategy) {
        (Some(_), Some(_)) => Err(ApiError::invalid(
            "Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.",
        )),
        (Some(l @ ("EC2" | "FARGATE" | "EXTERNAL")), None) => Ok(l.to_string()),
        (Some(l), None) => Err(ApiError::invalid(format!("Invalid launch type: {l}"))),
        (None, Some(s)) => {
            let fargate = s.iter().any(|p| {
                str_field(p, "capacityProvider").is_some_and(|n| n.starts_with("FARGATE"))
            });
            Ok(if fargate { "FARGATE" } else { "EC2" }.to_string())
        }
        (None, None) if cluster_providers.iter().any(|p| p.starts_with("FARGATE")) => {
            Ok("FARGATE".to_string())
        }
        (None, None) => Ok("EC2".to_string()),
    }
}

/// CreateService.
pub fn create(ecs: &mut EcsState, body: &Value, now: i64) -> Result<Value, ApiError> {
    let name = arn::required(body, "serviceName")?.to_string();
    if !valid_name(&name) {
        return Err(ApiError::invalid(
            "Service name must be 1-255 characters: letters, numbers, hyphens and underscores.",
        ));
    }
    let td_ref = arn::required(body, "taskDefinition")?;
    let cluster_name = super::services::cluster(ecs, body)?.name.clone();
    let def = task_definitions::resolve(&ecs.task_defs, td_ref)
        .map_err(|_| client("TaskDefinition not found."))?;
    if def.status != "ACTIVE" {
        return Err(client("TaskDefinition is inactive"));
    }
    let td_arn = def.arn.clone();
    let awsvpc = str_field(&def.body, "networkMode") == Some("awsvpc");
    let desired = arn::int_field(body, "desiredCount")?.unwrap_or(0);
    if !(0..=5000).contains(&desired) {
        return Err(ApiError::invalid(
            "desiredCount must be between 0 and 5000.",
        ));
    }
    if str_field(body, "schedulingStrategy").is_some_and(|s| s != "REPLICA") {
        return Err(ApiError::invalid(
            "The ecsdeck sandbox schedules REPLICA services only.",
        ));
    }
    let network = body.get("networkConfiguration").filter(|v| !v.is_null());
    match (awsvpc, network) {
        (true, None) => {
            return Err(ApiError::invalid(
                "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
            ));
        }
        (false, Some(_)) => {
            return Err(ApiError::invalid(
                "Network Configuration is not valid for the given networkMode of this task definition.",
            ));
        }
        _ => {}
    }
    let tags = tagging::parse(body.get("tags"))?;
    let grace = arn::int_field(body, "healthCheckGracePeriodSeconds")?;
    let c = super::services::cluster(ecs, body)?;
    let launch = launch_type(body, &c.capacity_providers)?;
    if launch == "FARGATE" && !awsvpc {
        return Err(ApiError::invalid(
            "Task definition does not support launch_type FARGATE.",
        ));
    }
    let mut svc = Service::new(
        &ecs.region,
        &cluster_name,
        &name,
        &td_arn,
        desired as i32,
        now,
    );
    if let Some(dc) = body.get("deploymentConfiguration") {
        svc.deployment_config = deployment_config(&svc.deployment_config, dc)?;
    }
    if c.services
        .get(&name)
        .is_some_and(|s| s.status != "INACTIVE")
    {
        return Err(ApiError::invalid("Creation of service was not idempotent."));
    }
    svc.platform_version = (launch == "FARGATE").then(|| {
        str_field(body, "platformVersion")
            .unwrap_or("LATEST")
            .to_string()
    });
    svc.launch_type = launch;
    svc.network = network.cloned();
    svc.load_balancers = body
        .get("loadBalancers")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    svc.health_check_grace_s = grace.map(|g| g as i32);
    svc.role_arn = str_field(body, "role").map(str::to_string);
    svc.tags = tags;
    svc.capacity_provider_strategy = body
        .get("capacityProviderStrategy")
        .filter(|s| s.as_array().is_some_and(|a| !a.is_empty()))
        .cloned();
    svc.enable_execute_command = bool_field(body, "enableExecuteCommand").unwrap_or(false);
    let EcsState { clusters, rng, .. } = ecs;
    rollout::start_deployment(&mut svc, rng, &td_arn, None, now);
    let c = clusters
        .get_mut(&cluster_name)
        .ok_or_else(arn::cluster_not_found)?;
    let out = json!({ "service": service_json(&svc, c, true) });
    c.services.insert(name, svc);
    Ok(out)
}

/// DeleteService: without `force`, refused while the service is scaled
/// above 0; the service goes DRAINING and the scheduler stops its tasks.
pub fn delete(ecs: &mut EcsState, body: &Value) -> Result<Value, ApiError> {
    let (_, name) = arn::service_ref(arn::required(body, "service")?);
    let force = bool_field(body, "force").unwrap_or(false);
    let cluster_name = super::services::cluster(ecs, body)?.name.clone();
    let EcsState { clusters, .. } = ecs;
    let c = clusters
        .get_mut(&cluster_name)
        .ok_or_else(arn::cluster_not_found)?;
    let svc = c
        .services
        .get_mut(&name)
        .ok_or_else(arn::service_not_found)?;
    if svc.status != "ACTIVE" {
        return Err(ApiError::new(
            400,
            "ServiceNotActiveException",
            "Service was not ACTIVE.",
        ));
    }
    if svc.desired > 0 && !force {
        return Err(ApiError::invalid(
            "The service cannot be stopped while it is scaled above 0.",
        ));
    }
    svc.desired = 0;
    svc.status = "DRAINING".to_string();
    svc.steady = false;
    let svc = c.services.get(&name).ok_or_else(arn::service_not_found)?;
    Ok(json!({ "service": service_json(svc, c, false) }))
}

/// A DRAINING service turns INACTIVE once none of its tasks is left
/// unstopped (called by the scheduler after reconciling it).
pub fn finish_draining(svc: &mut Service, tasks: &BTreeMap<String, Task>) {
    if svc.status != "DRAINING" {
        return;
    }
    let left = tasks
        .values()
        .any(|t| t.service.as_deref() == Some(&svc.name) && t.last_status != TaskStatus::Stopped);
    if !left {
        svc.status = "INACTIVE".to_string();
    }
}
