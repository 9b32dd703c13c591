//! One task's life: creation (placement, fate), the ECS lifecycle states
//! with their delays, and stopping.

use std::collections::BTreeSet;

use rand::Rng;
use rand::rngs::StdRng;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::arn;
use super::model::{Container, Fate, LogTarget, Scenario, Task, TaskDef, TaskStatus};
use crate::sandbox::ecr::EcrStore;
use crate::sandbox::loggen::{CrashKind, LogGen, LogProfile};

/// How long each lifecycle step takes, in simulated milliseconds. Each step
/// gets up to `jitter_pct` percent added at random.
#[derive(Debug, Clone)]
pub struct TaskTimings {
    pub provisioning_ms: i64,
    pub pending_ms: i64,
    pub activating_ms: i64,
    pub deactivating_ms: i64,
    pub stopping_ms: i64,
    pub deprovisioning_ms: i64,
    pub jitter_pct: i64,
    /// Time from RUNNING to a passing container health check.
    pub health_check_ms: i64,
    /// How long STOPPED tasks stay listable.
    pub stopped_retention_ms: i64,
}

impl Default for TaskTimings {
    fn default() -> Self {
        Self {
            provisioning_ms: 2_000,
            pending_ms: 4_000,
            activating_ms: 1_500,
            deactivating_ms: 1_500,
            stopping_ms: 3_000,
            deprovisioning_ms: 1_500,
            jitter_pct: 60,
            health_check_ms: 10_000,
            stopped_retention_ms: 3_600_000,
        }
    }
}

impl TaskTimings {
    pub fn delay(&self, rng: &mut StdRng, base: i64) -> i64 {
        let extra = base * self.jitter_pct.max(0) / 100;
        base + if extra > 0 {
            rng.random_range(0..=extra)
        } else {
            0
        }
    }
}

/// Which images can be pulled: those in the sandbox's ECR, plus those the
/// seeded fleet pushed (kept here too, so ECS does not depend on how ECR
/// stores them). Images from other registries always pull.
#[derive(Clone, Copy)]
pub struct Images<'a> {
    pub ecr: &'a EcrStore,
    /// `repository:tag` and `repository@digest` keys.
    pub seeded: &'a BTreeSet<String>,
}

impl Images<'_> {
    /// Whether `image` (a full image reference) can be pulled.
    pub fn pullable(&self, image: &str) -> bool {
        match arn::ecr_image(&self.ecr.region, image) {
            None => true,
            Some((repo, tag)) => {
                let sep = if tag.starts_with("sha256:") { '@' } else { ':' };
                self.seeded.contains(&format!("{repo}{sep}{tag}"))
                    || self.ecr.image_exists(&repo, &tag)
            }
        }
    }
}

/// Something the scheduler should know about after stepping a task.
#[derive(Debug, Clone)]
pub enum Note {
    /// The task failed (did not start, crashed, was unhealthy).
    Failed { task_id: String, unhealthy: bool },
    /// The task reached RUNNING.
    Running { task_id: String, healthy_fate: bool },
}

/// Everything needed to create one task.
pub struct NewTask<'a> {
    pub cluster: &'a str,
    pub service: Option<&'a str>,
    pub deployment_id: Option<&'a str>,
    pub def: &'a TaskDef,
    pub launch_type: &'a str,
    pub started_by: Option<String>,
    pub group: String,
    pub scenario: Option<Scenario>,
    pub platform_version: Option<String>,
    /// A standalone batch task exits 0 after this long.
    pub runtime_ms: Option<i64>,
}

pub fn hex_id(rng: &mut StdRng, len: usize) -> String {
    (0..len)
        .map(|_| char::from_digit(rng.random_range(0..16u32), 16).unwrap_or('0'))
        .collect()
}

/// The digest the sandbox uses for `image` (stable, so ECR and ECS agree).
pub fn digest_for(image: &str) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(image.as_bytes())))
}

fn profile_for(name: &str, image: &str) -> LogProfile {
    let s = format!("{name} {image}").to_ascii_lowercase();
    if s.contains("hostile") {
        LogProfile::Hostile
    } else if s.contains("worker") || s.contains("good_job") || s.contains("goodjob") {
        LogProfile::GoodJobWorker
    } else if s.contains("nginx") {
        LogProfile::Nginx
    } else if s.contains("mongo") {
        LogProfile::Mongo
    } else if s.contains("cms") {
        LogProfile::Cms
    } else if s.contains("pipeline") || s.contains("etl") || s.contains("batch") {
        LogProfile::Pipeline
    } else if s.contains("rails") || s.contains("production") || s.contains("web") {
        LogProfile::RailsWeb
    } else if s.contains("api") || s.contains("svc") || s.contains("service") {
        LogProfile::JsonApi
    } else {
        LogProfile::Generic
    }
}

use super::placement::num;
pub use super::placement::{place, task_size, used_by};

/// Builds a PROVISIONING task. The caller has placed it (`instance`).
#[allow(clippy::too_many_arguments)]
pub fn create(
    rng: &mut StdRng,
    timings: &TaskTimings,
    images: Images<'_>,
    spec: NewTask<'_>,
    instance: Option<(&str, &str)>,
    now: i64,
) -> Task {
    let id = hex_id(rng, 32);
    // The sandbox's region, which its ECR (the registry tasks pull from) is in.
    let region = &images.ecr.region;
    let (cpu_units, memory_mib) = task_size(spec.def);
    let mut containers = Vec::new();
    let mut pull_failure = None;
    let defs = spec
        .def
        .body
        .get("containerDefinitions")
        .and_then(Value::as_array);
    for c in defs.into_iter().flatten() {
        let name = c
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("app")
            .to_string();
        let image = c
            .get("image")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if pull_failure.is_none() && !images.pullable(&image) {
            pull_failure = Some(format!(
                "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref {image}: {image}: not found"
            ));
        }
        let names = super::log_names::TaskNames {
            task_id: &id,
            task_arn: &arn::task_arn(region, spec.cluster, &id),
            cluster: spec.cluster,
        };
        let log = log_target(c, &name, &names, &image, rng);
        containers.push(Container {
            name,
            image,
            image_digest: None,
            runtime_id: String::new(),
            last_status: "PENDING".to_string(),
            exit_code: None,
            reason: None,
            health: c.get("healthCheck").map(|_| "UNKNOWN".to_string()),
            essential: c.get("essential").and_then(Value::as_bool).unwrap_or(true),
            cpu: num(c, "cpu").unwrap_or(0),
            memory: num(c, "memory").or_else(|| num(c, "memoryReservation")),
            log,
        });
    }
    let fate = match (pull_failure, spec.scenario) {
        (Some(reason), _) => Fate::PullFails { reason },
        (None, Some(Scenario::CrashLoop)) => Fate::Dies {
            after_ms: rng.random_range(20_000..60_000),
            kind: CrashKind::Error,
        },
        (None, Some(Scenario::Oom)) => Fate::Dies {
            after_ms: rng.random_range(60_000..180_000),
            kind: CrashKind::OutOfMemory,
        },
        (None, Some(Scenario::Unhealthy)) => Fate::Dies {
            after_ms: rng.random_range(40_000..90_000),
            kind: CrashKind::Unhealthy,
        },
        _ => match spec.runtime_ms {
            Some(ms) => Fate::Completes { after_ms: ms },
            None => Fate::Healthy,
        },
    };
    let az = match instance {
        Some((_, az)) => az.to_string(),
        None => region.az(rng.random_range(0..3)),
    };
    let private_ip = format!(
        "10.0.{}.{}",
        rng.random_range(0..64u32),
        rng.random_range(2..250u32)
    );
    let cpu = num(&spec.def.body, "cpu").unwrap_or(cpu_units).to_string();
    let memory = num(&spec.def.body, "memory")
        .unwrap_or(memory_mib)
        .to_string();
    Task {
        arn: arn::task_arn(region, spec.cluster, &id),
        cluster: spec.cluster.to_string(),
        service: spec.service.map(str::to_string),
        deployment_id: spec.deployment_id.map(str::to_string),
        task_definition: spec.def.arn.clone(),
        group: spec.group,
        launch_type: spec.launch_type.to_string(),
        started_by: spec.started_by,
        last_status: TaskStatus::Provisioning,
        desired_status: "RUNNING".to_string(),
        health: "UNKNOWN".to_string(),
        containers,
        cpu,
        memory,
        cpu_units,
        memory_mib,
        az,
        container_instance: instance.map(|(a, _)| a.to_string()),
        private_ip,
        created_ms: now,
        pull_started_ms: None,
        pull_stopped_ms: None,
        started_ms: None,
        stopping_ms: None,
        stopped_ms: None,
        stop_code: None,
        stopped_reason: None,
        next_ms: now + timings.delay(rng, timings.provisioning_ms),
        fate,
        failed: false,
        health_checked: false,
        tags: spec.def.tags.clone(),
        version: 1,
        platform_version: spec.platform_version,
        id,
    }
}

fn log_target(
    c: &Value,
    name: &str,
    task: &super::log_names::TaskNames<'_>,
    image: &str,
    rng: &mut StdRng,
) -> Option<LogTarget> {
    let (group, stream) = super::log_names::destination(c, name, task)?;
    let profile = profile_for(name, image);
    Some(LogTarget {
        group,
        stream,
        profile,
        generator: LogGen::new(profile, rng.random()),
        logged_until_ms: 0,
    })
}

/// Asks a task to stop (StopTask, scale-in, a failed health check).
pub fn request_stop(
    task: &mut Task,
    rng: &mut StdRng,
    timings: &TaskTimings,
    code: &str,
    reason: &str,
    now: i64,
) {
    if task.desired_status == "STOPPED" {
        return;
    }
    task.desired_status = "STOPPED".to_string();
    task.stop_code = Some(code.to_string());
    task.stopped_reason = Some(reason.to_string());
    task.stopping_ms = Some(now);
    task.version += 1;
    if task.last_status < TaskStatus::Running {
        task.last_status = TaskStatus::Deprovisioning;
        task.next_ms = now + timings.delay(rng, timings.deprovisioning_ms);
    } else if task.last_status == TaskStatus::Running {
        task.last_status = TaskStatus::Deactivating;
        task.next_ms = now + timings.delay(rng, timings.deactivating_ms);
    }
}
