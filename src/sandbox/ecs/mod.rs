//! ECS in the sandbox: clusters, services, tasks, task definitions,
//! container instances, deployments, and the
//! `AmazonEC2ContainerServiceV20141113.*` operations.

pub mod arn;
pub mod autoscale;
pub mod cluster_ops;
pub mod clusters;
pub mod deployments;
pub mod lifecycle;
pub mod log_names;
pub mod model;
pub mod pagination;
pub mod placement;
pub mod reconcile;
pub mod render;
pub mod revisions;
pub mod rollout;
pub mod scheduler;
pub mod schedules;
pub mod seed;
pub mod service_ops;
pub mod services;
pub mod stages;
pub mod strategy;
pub mod tagging;
pub mod task_definitions;
pub mod tasks;
pub mod transitions;

use std::collections::{BTreeMap, BTreeSet};

use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::Value;

use crate::sandbox::error::ApiError;
use crate::sandbox::world::World;
use lifecycle::TaskTimings;
use model::{Cluster, TaskDef};
use schedules::Schedule;

/// All ECS state of the sandbox.
#[derive(Debug)]
pub struct EcsState {
    pub clusters: BTreeMap<String, Cluster>,
    /// Revisions by family, oldest first.
    pub task_defs: BTreeMap<String, Vec<TaskDef>>,
    pub schedules: Vec<Schedule>,
    /// Services whose desired count follows an autoscaling-like cycle.
    pub autoscalers: Vec<autoscale::Autoscale>,
    /// Images the seeded fleet pushed (`repo:tag`, `repo@digest`).
    pub seeded_images: BTreeSet<String>,
    pub rng: StdRng,
    pub timings: TaskTimings,
    /// Simulated time the scheduler has reached.
    pub advanced_to_ms: i64,
    /// Log lines are written only from this time on.
    pub log_from_ms: i64,
    /// The sandbox's region (set by `World`), for every ECS ARN and AZ.
    pub region: crate::sandbox::region::Region,
}

impl Default for EcsState {
    fn default() -> Self {
        Self::new(42, TaskTimings::default(), 0)
    }
}

impl EcsState {
    pub fn new(seed: u64, timings: TaskTimings, now_ms: i64) -> Self {
        Self {
            clusters: BTreeMap::new(),
            task_defs: BTreeMap::new(),
            schedules: Vec::new(),
            autoscalers: Vec::new(),
            seeded_images: BTreeSet::new(),
            rng: StdRng::seed_from_u64(seed),
            timings,
            advanced_to_ms: now_ms,
            log_from_ms: now_ms,
            region: Default::default(),
        }
    }
}

/// Answers one `AmazonEC2ContainerServiceV20141113.<op>` call.
pub fn handle(world: &mut World, op: &str, body: &Value, now: i64) -> Result<Value, ApiError> {
    scheduler::advance(world, now);
    let ecs = &mut world.ecs;
    match op {
        "ListClusters" => clusters::list(ecs, body),
        "DescribeClusters" => clusters::describe(ecs, body),
        "CreateCluster" => cluster_ops::create(ecs, body),
        "DeleteCluster" => cluster_ops::delete(ecs, body),
        "ListTagsForResource" => clusters::list_tags(ecs, body),
        "TagResource" => tagging::tag(ecs, body),
        "UntagResource" => tagging::untag(ecs, body),
        "ListContainerInstances" => clusters::list_instances(ecs, body),
        "DescribeContainerInstances" => clusters::describe_instances(ecs, body),
        "ListServices" => services::list(ecs, body),
        "DescribeServices" => services::describe(ecs, body),
        "UpdateService" => services::update(ecs, body, now),
        "CreateService" => service_ops::create(ecs, body, now),
        "DeleteService" => service_ops::delete(ecs, body),
        "ListTasks" => tasks::list(ecs, body),
        "DescribeTasks" => tasks::describe(ecs, body),
        "StopTask" => tasks::stop(ecs, body, now),
        "RunTask" => tasks::run(world, body, now),
        "ListTaskDefinitions" => task_definitions::list(ecs, body),
        "ListTaskDefinitionFamilies" => task_definitions::list_families(ecs, body),
        "DescribeTaskDefinition" => task_definitions::describe(ecs, body),
        "RegisterTaskDefinition" => task_definitions::register_op(ecs, body, now),
        "ListServiceDeployments" => deployments::list(ecs, body),
        "DescribeServiceDeployments" => deployments::describe(ecs, body),
        "StopServiceDeployment" => deployments::stop(ecs, body, now),
        "DescribeServiceRevisions" => revisions::describe(ecs, body),
        _ => Err(ApiError::new(
            400,
            "UnknownOperationException",
            format!(
                "AmazonEC2ContainerServiceV20141113.{op} is not supported by the ecsdeck sandbox"
            ),
        )),
    }
}
