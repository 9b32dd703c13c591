//! Tasks: ListTasks, DescribeTasks, StopTask, RunTask.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::arn::{self, Region, includes, str_field};
use super::lifecycle;
use super::model::{Cluster, Task, TaskStatus};
use super::render::{self, opt, ts};
use super::scheduler::Ctx;
use super::services::cluster;
use super::{EcsState, pagination, schedules, task_definitions};
use crate::sandbox::error::ApiError;
use crate::sandbox::world::World;

fn container_arn(r: &Region, task: &Task, name: &str) -> String {
    let h = hex::encode(Sha256::digest(format!("{}/{name}", task.id).as_bytes()));
    r.arn(
        "ecs",
        &format!(
            "container/{}/{}/{}-{}-{}-{}-{}",
            task.cluster,
            task.id,
            &h[..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        ),
    )
}

pub fn task_json(r: &Region, t: &Task, with_tags: bool) -> Value {
    let awsvpc = t.launch_type == "FARGATE";
    let attachment_id = format!("{}-{}", &t.id[..8], &t.id[8..12]);
    let containers: Vec<Value> = t
        .containers
        .iter()
        .map(|c| {
            let mut v = json!({
                "containerArn": container_arn(r, t, &c.name),
                "taskArn": t.arn,
                "name": c.name,
                "image": c.image,
                "lastStatus": c.last_status,
                "networkBindings": [],
                "networkInterfaces": if awsvpc {
                    json!([{ "attachmentId": attachment_id, "privateIpv4Address": t.private_ip }])
                } else { json!([]) },
                "healthStatus": c.health.clone().unwrap_or_else(|| "UNKNOWN".to_string()),
                "cpu": c.cpu.to_string(),
            });
            opt(&mut v, "imageDigest", c.image_digest.clone());
            if !c.runtime_id.is_empty() {
                v["runtimeId"] = json!(c.runtime_id);
            }
            opt(&mut v, "exitCode", c.exit_code);
            opt(&mut v, "reason", c.reason.clone());
            opt(&mut v, "memory", c.memory.map(|m| m.to_string()));
            v
        })
        .collect();
    let overrides: Vec<Value> = t
        .containers
        .iter()
        .map(|c| json!({ "name": c.name }))
        .collect();
    let mut v = json!({
        "taskArn": t.arn,
        "clusterArn": arn::cluster_arn(r, &t.cluster),
        "taskDefinitionArn": t.task_definition,
        "attributes": [{ "name": "ecs.cpu-architecture", "value": "x86_64" }],
        "availabilityZone": t.az,
        "containers": containers,
        "cpu": t.cpu,
        "memory": t.memory,
        "createdAt": ts(t.created_ms),
        "desiredStatus": t.desired_status,
        "lastStatus": t.last_status.as_str(),
        "enableExecuteCommand": false,
        "group": t.group,
        "healthStatus": t.health,
        "launchType": t.launch_type,
        "overrides": { "containerOverrides": overrides, "inferenceAcceleratorOverrides": [] },
        "version": t.version,
    });
    if awsvpc {
        v["attachments"] = json!([{
            "id": attachment_id,
            "type": "ElasticNetworkInterface",
            "status": if t.last_status == TaskStatus::Stopped { "DELETED" } else { "ATTACHED" },
            "details": [
                { "name": "subnetId", "value": "subnet-0a1b2c3d4e5f60718" },
                { "name": "privateIPv4Address", "value": t.private_ip },
            ],
        }]);
        v["ephemeralStorage"] = json!({ "sizeInGiB": 20 });
        v["platformFamily"] = json!("Linux");
    } else {
        v["attachments"] = json!([]);
    }
    opt(&mut v, "platformVersion", t.platform_version.clone());
    opt(&mut v, "containerInstanceArn", t.container_instance.clone());
    opt(&mut v, "startedBy", t.started_by.clone());
    opt(&mut v, "pullStartedAt", t.pull_started_ms.map(ts));
    opt(&mut v, "pullStoppedAt", t.pull_stopped_ms.map(ts));
    if let Some(s) = t.started_ms {
        v["startedAt"] = ts(s);
        v["connectivity"] = json!(if t.last_status == TaskStatus::Stopped {
            "DISCONNECTED"
        } else {
            "CONNECTED"
        });
        v["connectivityAt"] = ts(s);
    }
    opt(&mut v, "stoppingAt", t.stopping_ms.map(ts));
    opt(&mut v, "stoppedAt", t.stopped_ms.map(ts));
    opt(&mut v, "executionStoppedAt", t.stopped_ms.map(ts));
    opt(&mut v, "stopCode", t.stop_code.clone());
    opt(&mut v, "stoppedReason", t.stopped_reason.clone());
    if with_tags {
        v["tags"] = render::tags(&t.tags);
    }
    v
}

fn find<'a>(c: &'a Cluster, reference: &str) -> Option<&'a Task> {
    let (from_arn, id) = arn::task_ref(reference);
    c.tasks
        .get(&id)
        .filter(|_| from_arn.is_none_or(|x| x == c.name))
}

pub fn list(ecs: &EcsState, body: &Value) -> Result<Value, ApiError> {
    let c = cluster(ecs, body)?;
    let desired = str_field(body, "desiredStatus").unwrap_or("RUNNING");
    if !matches!(desired, "RUNNING" | "PENDING" | "STOPPED") {
        return Err(ApiError::invalid(format!(
            "Invalid desiredStatus: {desired}"
        )));
    }
    let service = str_field(body, "serviceName").map(|s| arn::service_ref(s).1);
    if let Some(s) = &service
        && !c.services.contains_key(s)
    {
        return Err(arn::service_not_found());
    }
    let family = str_field(body, "family");
    let started_by = str_field(body, "startedBy");
    let launch = str_field(body, "launchType");
    let instance = str_field(body, "containerInstance").map(|s| arn::container_instance_ref(s).1);
    let arns: Vec<String> = c
        .tasks
        .values()
        .filter(|t| match desired {
            "STOPPED" => t.desired_status == "STOPPED",
            "PENDING" => t.desired_status == "RUNNING" && t.last_status < TaskStatus::Running,
            _ => t.desired_status == "RUNNING",
        })
        .filter(|t| {
            service
                .as_ref()
                .is_none_or(|s| t.service.as_ref() == Some(s))
        })
        .filter(|t| {
            family
                .is_none_or(|f| arn::task_def_ref(&t.task_definition).is_ok_and(|(tf, _)| tf == f))
        })
        .filter(|t| started_by.is_none_or(|s| t.started_by.as_deref() == Some(s)))
        .filter(|t| launch.is_none_or(|l| l == t.launch_type))
        .filter(|t| {
            instance.as_ref().is_none_or(|i| {
                t.container_instance
                    .as_ref()
                    .is_some_and(|a| a.ends_with(&format!("/{i}")))
            })
        })
        .map(|t| t.arn.clone())
        .collect();
    let (page, next) = pagination::page("ListTasks", body, &arns, 100, 100)?;
    Ok(render::with_token(json!({ "taskArns": page }), next))
}

pub fn describe(ecs: &EcsState, body: &Value) -> Result<Value, ApiError> {
    let refs = arn::str_list(body, "tasks");
    if refs.is_empty() {
        return Err(ApiError::invalid("Tasks cannot be empty."));
    }
    if refs.len() > 100 {
        return Err(ApiError::invalid("tasks can have at most 100 items."));
    }
    let c = cluster(ecs, body)?;
    let tags = includes(body, "TAGS");
    let mut tasks = Vec::new();
    let mut failures = Vec::new();
    for r in &refs {
        match find(c, r) {
            Some(t) => tasks.push(task_json(&ecs.region, t, tags)),
            None => {
                let a = if r.starts_with("arn:") {
                    r.clone()
                } else {
                    arn::task_arn(&ecs.region, &c.name, r)
                };
                failures.push(render::failure(&a, "MISSING"));
            }
        }
    }
    Ok(json!({ "tasks": tasks, "failures": failures }))
}

pub fn stop(ecs: &mut EcsState, body: &Value, now: i64) -> Result<Value, ApiError> {
    let reference = arn::required(body, "task")?.to_string();
    let reason = str_field(body, "reason")
        .unwrap_or("Task stopped by user")
        .to_string();
    let name = arn::cluster_name(str_field(body, "cluster"))?;
    let EcsState {
        clusters,
        rng,
        timings,
        ..
    } = ecs;
    let c = clusters.get_mut(&name).ok_or_else(arn::cluster_not_found)?;
    let (_, id) = arn::task_ref(&reference);
    let t = c
        .tasks
        .get_mut(&id)
        .ok_or_else(|| ApiError::invalid("The referenced task was not found."))?;
    lifecycle::request_stop(t, rng, timings, "UserInitiated", &reason, now);
    Ok(json!({ "task": task_json(&ecs.region, t, false) }))
}

pub fn run(world: &mut World, body: &Value, now: i64) -> Result<Value, ApiError> {
    let World { ecs, ecr, .. } = world;
    let reference = arn::required(body, "taskDefinition")?;
    let count = arn::int_field(body, "count")?.unwrap_or(1);
    if !(1..=10).contains(&count) {
        return Err(ApiError::invalid("count must be between 1 and 10."));
    }
    let name = arn::cluster_name(str_field(body, "cluster"))?;
    let EcsState {
        clusters,
        task_defs,
        rng,
        timings,
        seeded_images,
        ..
    } = ecs;
    let images = lifecycle::Images {
        ecr,
        seeded: seeded_images,
    };
    let c = clusters.get_mut(&name).ok_or_else(arn::cluster_not_found)?;
    let def = task_definitions::resolve(task_defs, reference)?.clone();
    let launch = match str_field(body, "launchType") {
        Some(l) => l.to_string(),
        None if c.instances.is_empty() => "FARGATE".to_string(),
        None => "EC2".to_string(),
    };
    let started_by = str_field(body, "startedBy").map(str::to_string);
    let group = str_field(body, "group").map(str::to_string);
    let mut ctx = Ctx {
        rng,
        timings,
        images,
        task_defs,
    };
    let mut tasks = Vec::new();
    let mut failures = Vec::new();
    for _ in 0..count {
        match schedules::launch(
            c,
            &def,
            &launch,
            started_by.clone(),
            group.clone(),
            None,
            &mut ctx,
            now,
        ) {
            Some(id) => {
                if let Some(t) = c.tasks.get(&id) {
                    tasks.push(task_json(&images.ecr.region, t, false));
                }
            }
            None => failures.push(render::failure(&c.arn, "RESOURCE:MEMORY")),
        }
    }
    Ok(json!({ "tasks": tasks, "failures": failures }))
}
