//! Clusters: ListClusters, DescribeClusters; and ListTagsForResource.

use serde_json::{Value, json};

use super::arn::{self, includes, str_field};
use super::model::{Cluster, TaskStatus};
use super::render::{self, ts};
use super::{EcsState, pagination, task_definitions};
use crate::sandbox::error::ApiError;

pub fn cluster_json(c: &Cluster, body: &Value) -> Value {
    let mut running = [0i64; 2];
    let mut pending = [0i64; 2];
    for t in c.tasks.values().filter(|t| t.desired_status == "RUNNING") {
        let i = usize::from(t.launch_type == "FARGATE");
        match t.last_status {
            TaskStatus::Running => running[i] += 1,
            s if s < TaskStatus::Running => pending[i] += 1,
            _ => {}
        }
    }
    let mut active = [0i64; 2];
    let mut draining = [0i64; 2];
    for s in c.services.values() {
        let i = usize::from(s.launch_type == "FARGATE");
        match s.status.as_str() {
            "ACTIVE" => active[i] += 1,
            "DRAINING" => draining[i] += 1,
            _ => {}
        }
    }
    let mut v = json!({
        "clusterArn": c.arn,
        "clusterName": c.name,
        "status": c.status,
        "registeredContainerInstancesCount": c.instances.len(),
        "runningTasksCount": running[0] + running[1],
        "pendingTasksCount": pending[0] + pending[1],
        "activeServicesCount": active[0] + active[1],
        "statistics": [],
        "tags": [],
        "settings": [],
        "capacityProviders": c.capacity_providers,
        "defaultCapacityProviderStrategy": [],
    });
    if includes(body, "STATISTICS") {
        let stat = |n: &str, x: i64| json!({ "name": n, "value": x.to_string() });
        v["statistics"] = json!([
            stat("runningEC2TasksCount", running[0]),
            stat("runningFargateTasksCount", running[1]),
            stat("pendingEC2TasksCount", pending[0]),
            stat("pendingFargateTasksCount", pending[1]),
            stat("activeEC2ServiceCount", active[0]),
            stat("activeFargateServiceCount", active[1]),
            stat("drainingEC2ServiceCount", draining[0]),
            stat("drainingFargateServiceCount", draining[1]),
        ]);
    }
    if includes(body, "SETTINGS") {
        let value = if c.container_insights {
            "enabled"
        } else {
            "disabled"
        };
        v["settings"] = json!([{ "name": "containerInsights", "value": value }]);
    }
    if includes(body, "TAGS") {
        v["tags"] = render::tags(&c.tags);
    }
    if c.capacity_providers
        .iter()
        .any(|p| p.starts_with("FARGATE"))
    {
        v["defaultCapacityProviderStrategy"] =
            json!([{ "capacityProvider": "FARGATE", "weight": 1, "base": 0 }]);
    }
    v
}

pub fn list(ecs: &EcsState, body: &Value) -> Result<Value, ApiError> {
    let arns: Vec<String> = ecs
        .clusters
        .values()
        .filter(|c| c.status == "ACTIVE")
        .map(|c| c.arn.clone())
        .collect();
    let (page, next) = pagination::page("ListClusters", body, &arns, 100, 100)?;
    Ok(render::with_token(json!({ "clusterArns": page }), next))
}

pub fn describe(ecs: &EcsState, body: &Value) -> Result<Value, ApiError> {
    let mut refs = arn::str_list(body, "clusters");
    if refs.is_empty() {
        refs.push("default".to_string());
    }
    if refs.len() > 100 {
        return Err(ApiError::invalid("clusters can have at most 100 items."));
    }
    let mut clusters = Vec::new();
    let mut failures = Vec::new();
    for r in &refs {
        let name = arn::cluster_name(Some(r))?;
        match ecs.clusters.get(&name) {
            Some(c) => clusters.push(cluster_json(c, body)),
            None => failures.push(render::failure(
                &arn::cluster_arn(&ecs.region, &name),
                "MISSING",
            )),
        }
    }
    Ok(json!({ "clusters": clusters, "failures": failures }))
}

/// ListTagsForResource for clusters, services, tasks, task definitions and
/// container instances.
pub fn list_tags(ecs: &EcsState, body: &Value) -> Result<Value, ApiError> {
    let resource = arn::required(body, "resourceArn")?;
    let not_found = || ApiError::invalid("The specified resource could not be found.");
    let kind = resource
        .strip_prefix("arn:aws:ecs:")
        .and_then(|r| r.splitn(3, ':').nth(2))
        .and_then(|r| r.split_once('/'))
        .map(|(k, _)| k)
        .ok_or_else(|| ApiError::invalid(format!("Invalid resource ARN: {resource}")))?;
    let tags = match kind {
        "cluster" => ecs
            .clusters
            .get(&arn::cluster_name(Some(resource))?)
            .map(|c| c.tags.clone()),
        "service" => {
            let (c, s) = arn::service_ref(resource);
            ecs.clusters
                .get(&c.unwrap_or_default())
                .and_then(|c| c.services.get(&s))
                .map(|s| s.tags.clone())
        }
        "task" => {
            let (c, t) = arn::task_ref(resource);
            ecs.clusters
                .get(&c.unwrap_or_default())
                .and_then(|c| c.tasks.get(&t))
                .map(|t| t.tags.clone())
        }
        "task-definition" => {
            task_definitions::find_by_arn(&ecs.task_defs, resource).map(|d| d.tags.clone())
        }
        "container-instance" => {
            let (c, i) = arn::container_instance_ref(resource);
            ecs.clusters
                .get(&c.unwrap_or_default())
                .and_then(|c| c.instances.get(&i))
                .map(|_| Vec::new())
        }
        _ => None,
    };
    let tags = tags.ok_or_else(not_found)?;
    Ok(json!({ "tags": render::tags(&tags) }))
}

/// ListContainerInstances.
pub fn list_instances(ecs: &EcsState, body: &Value) -> Result<Value, ApiError> {
    let c = super::services::cluster(ecs, body)?;
    let status = str_field(body, "status");
    let arns: Vec<String> = c
        .instances
        .values()
        .filter(|i| status.is_none_or(|s| s == i.status))
        .map(|i| i.arn.clone())
        .collect();
    let (page, next) = pagination::page("ListContainerInstances", body, &arns, 100, 100)?;
    Ok(render::with_token(
        json!({ "containerInstanceArns": page }),
        next,
    ))
}

/// DescribeContainerInstances.
pub fn describe_instances(ecs: &EcsState, body: &Value) -> Result<Value, ApiError> {
    let refs = arn::str_list(body, "containerInstances");
    if refs.is_empty() {
        return Err(ApiError::invalid("containerInstances can not be empty."));
    }
    if refs.len() > 100 {
        return Err(ApiError::invalid(
            "containerInstances can have at most 100 items.",
        ));
    }
    let c = super::services::cluster(ecs, body)?;
    let mut out = Vec::new();
    let mut failures = Vec::new();
    for r in &refs {
        let (_, id) = arn::container_instance_ref(r);
        let Some(ci) = c.instances.get(&id) else {
            failures.push(render::failure(
                &arn::container_instance_arn(&ecs.region, &c.name, &id),
                "MISSING",
            ));
            continue;
        };
        let (used_cpu, used_mem) = super::lifecycle::used_by(&c.tasks, &ci.arn);
        let on_it = c.tasks.values().filter(|t| {
            t.container_instance.as_deref() == Some(ci.arn.as_str())
                && t.desired_status == "RUNNING"
        });
        let (mut running, mut pending) = (0, 0);
        for t in on_it {
            if t.last_status == TaskStatus::Running {
                running += 1;
            } else if t.last_status < TaskStatus::Running {
                pending += 1;
            }
        }
        let res = |cpu: i64, mem: i64| {
            json!([
                { "name": "CPU", "type": "INTEGER", "integerValue": cpu, "doubleValue": 0.0, "longValue": 0 },
                { "name": "MEMORY", "type": "INTEGER", "integerValue": mem, "doubleValue": 0.0, "longValue": 0 },
                { "name": "PORTS", "type": "STRINGSET", "stringSetValue": ["22", "2375", "2376", "51678", "51679"] },
                { "name": "PORTS_UDP", "type": "STRINGSET", "stringSetValue": [] },
            ])
        };
        out.push(json!({
            "containerInstanceArn": ci.arn,
            "ec2InstanceId": ci.ec2_instance_id,
            "version": 4,
            "versionInfo": { "agentVersion": "1.89.2", "agentHash": "4d1a2e3c", "dockerVersion": "DockerVersion: 25.0.8" },
            "remainingResources": res(ci.cpu - used_cpu, ci.memory - used_mem),
            "registeredResources": res(ci.cpu, ci.memory),
            "status": ci.status,
            "agentConnected": ci.agent_connected,
            "runningTasksCount": running,
            "pendingTasksCount": pending,
            "attributes": [
                { "name": "ecs.instance-type", "value": ci.instance_type },
                { "name": "ecs.availability-zone", "value": ci.az },
                { "name": "ecs.os-type", "value": "linux" },
                { "name": "ecs.cpu-architecture", "value": "x86_64" },
            ],
            "registeredAt": ts(ci.registered_ms),
            "attachments": [],
            "tags": [],
        }));
    }
    Ok(json!({ "containerInstances": out, "failures": failures }))
}
