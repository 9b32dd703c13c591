//! Standalone tasks: RunTask launches, and scheduled tasks (what an
//! EventBridge rule would start) firing on the simulated clock.

use std::collections::BTreeMap;

use super::lifecycle::{self, NewTask};
use super::model::{Cluster, TaskDef};
use super::scheduler::Ctx;
use super::task_definitions;

/// A scheduled task: every `every_ms`, start the latest `family` revision.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub cluster: String,
    pub family: String,
    pub rule: String,
    pub every_ms: i64,
    pub next_ms: i64,
    pub launch_type: String,
    /// How long each run takes before exiting 0.
    pub runtime_ms: i64,
}

/// A batch task definition's run time (`ecsdeck:runtime-seconds` tag), if any.
pub fn runtime_of(def: &TaskDef) -> Option<i64> {
    def.tags
        .iter()
        .find(|(k, _)| k == "ecsdeck:runtime-seconds")
        .and_then(|(_, v)| v.parse::<i64>().ok())
        .map(|s| s * 1000)
}

/// Starts one standalone task in `cluster`; `None` if it cannot be placed.
#[allow(clippy::too_many_arguments)]
pub fn launch(
    cluster: &mut Cluster,
    def: &TaskDef,
    launch_type: &str,
    started_by: Option<String>,
    group: Option<String>,
    runtime_ms: Option<i64>,
    ctx: &mut Ctx<'_>,
    now: i64,
) -> Option<String> {
    let instance = if launch_type == "EC2" {
        let (cpu, mem) = lifecycle::task_size(def);
        let arn = lifecycle::place(&cluster.instances, &cluster.tasks, cpu, mem)?;
        cluster
            .instances
            .values()
            .find(|c| c.arn == arn)
            .map(|c| (c.arn.clone(), c.az.clone()))
    } else {
        None
    };
    let spec = NewTask {
        cluster: &cluster.name,
        service: None,
        deployment_id: None,
        def,
        launch_type,
        started_by,
        group: group.unwrap_or_else(|| format!("family:{}", def.family)),
        scenario: None,
        platform_version: (launch_type == "FARGATE").then(|| "1.4.0".to_string()),
        runtime_ms: runtime_ms.or_else(|| runtime_of(def)),
    };
    let inst = instance.as_ref().map(|(a, z)| (a.as_str(), z.as_str()));
    let task = lifecycle::create(ctx.rng, ctx.timings, ctx.images, spec, inst, now);
    let id = task.id.clone();
    cluster.tasks.insert(id.clone(), task);
    Some(id)
}

/// Fires every schedule due by `now`.
pub fn run_due(
    schedules: &mut [Schedule],
    clusters: &mut BTreeMap<String, Cluster>,
    ctx: &mut Ctx<'_>,
    now: i64,
) {
    for s in schedules.iter_mut() {
        while s.next_ms <= now {
            let at = s.next_ms;
            s.next_ms += s.every_ms.max(60_000);
            let Some(def) = task_definitions::latest(ctx.task_defs, &s.family) else {
                continue;
            };
            let Some(cluster) = clusters.get_mut(&s.cluster) else {
                continue;
            };
            let def = def.clone();
            let by = Some(format!("events-rule/{}", s.rule));
            launch(
                cluster,
                &def,
                &s.launch_type,
                by,
                None,
                Some(s.runtime_ms),
                ctx,
                at,
            );
        }
    }
}
