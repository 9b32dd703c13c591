//! The service scheduler: advances simulated time in small steps, moves
//! tasks through their lifecycle, and reconciles every service towards its
//! desired count with rolling deployments.

use std::collections::{BTreeMap, HashMap};

use rand::rngs::StdRng;

use super::lifecycle::{self, NewTask, Note, TaskTimings};
use super::model::{ContainerInstance, Service, Task, TaskDef, TaskStatus};
use super::rollout::{self, event};
use super::transitions::{self, LogSink};
use super::{EcsState, schedules};
use crate::sandbox::ecr::EcrStore;
use crate::sandbox::world::World;

/// Largest simulated step; a bigger gap is split so reactions look timely.
const STEP_MS: i64 = 1_000;
/// Running containers flush their log lines at least this often.
const LOG_FLUSH_MS: i64 = 2_000;

/// Brings the world up to simulated time `to`.
pub fn advance(world: &mut World, to: i64) {
    let from = world.ecs.advanced_to_ms;
    if to <= from {
        return;
    }
    let step = ((to - from) / 600).max(STEP_MS);
    let mut t = from;
    while t < to {
        t = (t + step).min(to);
        tick(world, t);
    }
    world.ecs.advanced_to_ms = to;
}

/// What reconciling needs besides the cluster itself.
pub struct Ctx<'a> {
    pub rng: &'a mut StdRng,
    pub timings: &'a TaskTimings,
    pub ecr: &'a EcrStore,
    pub task_defs: &'a BTreeMap<String, Vec<TaskDef>>,
}

fn tick(world: &mut World, now: i64) {
    let World { ecs, ecr, logs, .. } = world;
    let EcsState { clusters, task_defs, rng, timings, log_from_ms, schedules, .. } = ecs;
    let mut sink = LogSink { logs, log_from_ms: *log_from_ms };
    for cluster in clusters.values_mut() {
        let mut notes = Vec::new();
        for task in cluster.tasks.values_mut() {
            if task.last_status == TaskStatus::Stopped {
                continue;
            }
            transitions::step(task, rng, timings, &mut sink, now, &mut notes);
            if task.last_status == TaskStatus::Running
                && task.containers.iter().any(|c| c.log.as_ref().is_some_and(|l| now - l.logged_until_ms >= LOG_FLUSH_MS))
            {
                transitions::write_logs(task, &mut sink, now);
            }
        }
        let mut ctx = Ctx { rng, timings, ecr, task_defs };
        apply_notes(&mut cluster.services, &mut cluster.tasks, &mut ctx, notes, now);
        let mut by_service: HashMap<String, Vec<String>> = HashMap::new();
        for t in cluster.tasks.values() {
            if let Some(s) = &t.service {
                by_service.entry(s.clone()).or_default().push(t.id.clone());
            }
        }
        for svc in cluster.services.values_mut() {
            let ids = by_service.remove(&svc.name).unwrap_or_default();
            reconcile(svc, &ids, &mut cluster.tasks, &cluster.instances, &mut ctx, now);
        }
        let keep_after = now - timings.stopped_retention_ms;
        cluster
            .tasks
            .retain(|_, t| t.last_status != TaskStatus::Stopped || t.stopped_ms.unwrap_or(now) >= keep_after);
    }
    let mut ctx = Ctx { rng, timings, ecr, task_defs };
    schedules::run_due(schedules, clusters, &mut ctx, now);
}

fn apply_notes(
    services: &mut BTreeMap<String, Service>,
    tasks: &mut BTreeMap<String, Task>,
    ctx: &mut Ctx<'_>,
    notes: Vec<Note>,
    now: i64,
) {
    for note in notes {
        let (task_id, failed, unhealthy, healthy_fate) = match &note {
            Note::Failed { task_id, unhealthy } => (task_id, true, *unhealthy, false),
            Note::Running { task_id, healthy_fate } => (task_id, false, false, *healthy_fate),
        };
        let Some(task) = tasks.get(task_id) else { continue };
        let Some(svc) = task.service.as_ref().and_then(|s| services.get_mut(s)) else { continue };
        let name = svc.name.clone();
        let short = task.id.clone();
        if failed {
            svc.consecutive_failures += 1;
            let n = svc.consecutive_failures.min(6);
            svc.next_start_ms = now + (5_000i64 << (n - 1)).min(120_000);
            svc.steady = false;
            if let Some(d) = svc.deployments.iter_mut().find(|d| Some(&d.id) == task.deployment_id.as_ref()) {
                d.failed_tasks += 1;
                d.updated_ms = now;
            }
            if unhealthy {
                event(svc, ctx.rng, now, format!("(service {name}) (task {short}) failed container health checks."));
                event(svc, ctx.rng, now, format!("(service {name}) has stopped 1 running tasks: (task {short})."));
            }
        } else {
            if healthy_fate {
                svc.consecutive_failures = 0;
            }
            if let Some(tg) = svc.load_balancers.first().and_then(|lb| lb.get("targetGroupArn")).and_then(|v| v.as_str()) {
                let msg = format!("(service {name}) registered 1 targets in (target-group {tg})");
                event(svc, ctx.rng, now, msg);
            }
        }
    }
}

/// One service's reconciliation step.
pub fn reconcile(
    svc: &mut Service,
    ids: &[String],
    tasks: &mut BTreeMap<String, Task>,
    instances: &BTreeMap<String, ContainerInstance>,
    ctx: &mut Ctx<'_>,
    now: i64,
) {
    let Some(primary) = svc.deployments.first() else { return };
    let primary_id = primary.id.clone();
    let d = if svc.status == "ACTIVE" { svc.desired } else { 0 };
    let alive: Vec<&Task> = ids.iter().filter_map(|i| tasks.get(i)).filter(|t| t.desired_status == "RUNNING").collect();
    let is_primary = |t: &&Task| t.deployment_id.as_deref() == Some(primary_id.as_str());
    let ok = |t: &&Task| t.last_status == TaskStatus::Running && t.health != "UNHEALTHY";
    let primary_alive = alive.iter().filter(is_primary).count() as i32;
    let old_alive = alive.len() as i32 - primary_alive;
    let mut running_ok = alive.iter().filter(ok).count() as i32;
    let cfg = svc.deployment_config.clone();
    let max_total = (d * cfg.max_percent / 100).max(d);
    let min_healthy = (d * cfg.min_healthy_percent + 99) / 100;

    // Old deployments' tasks: pending ones go first, running ones while
    // enough healthy tasks remain.
    let mut old: Vec<&Task> = alive.iter().filter(|t| !is_primary(t)).copied().collect();
    old.sort_by_key(|t| (t.last_status == TaskStatus::Running, t.created_ms));
    let primary_running = alive.iter().filter(|t| is_primary(t) && ok(t)).count() as i32;
    let mut to_stop: Vec<(String, String)> = Vec::new();
    for t in &old {
        let healthy = ok(t);
        if !healthy || primary_running >= d || running_ok - 1 >= min_healthy {
            if healthy {
                running_ok -= 1;
            }
            to_stop.push((t.id.clone(), t.deployment_id.clone().unwrap_or_default()));
        }
    }
    // Scale-in of the primary: pending first, then the newest.
    let mut primary_ok_stopped = 0;
    if primary_alive > d {
        let mut extra: Vec<&Task> = alive.iter().filter(is_primary).copied().collect();
        extra.sort_by_key(|t| (t.last_status == TaskStatus::Running, std::cmp::Reverse(t.created_ms)));
        for t in extra.into_iter().take((primary_alive - d) as usize) {
            if ok(&t) {
                primary_ok_stopped += 1;
            }
            to_stop.push((t.id.clone(), primary_id.clone()));
        }
    }
    let old_left = old_alive - to_stop.iter().filter(|(_, dep)| *dep != primary_id).count() as i32;
    let mut stopped = Vec::new();
    for (id, dep) in &to_stop {
        if let Some(t) = tasks.get_mut(id) {
            let reason = format!("Scaling activity initiated by (deployment {dep})");
            lifecycle::request_stop(t, ctx.rng, ctx.timings, "ServiceSchedulerInitiated", &reason, now);
            stopped.push(id.clone());
        }
    }

    // Starts: up to desired, within maximumPercent.
    let mut started = Vec::new();
    let want = d - primary_alive;
    let room = max_total - primary_alive - old_left;
    if want > 0 && room > 0 && now >= svc.next_start_ms {
        for _ in 0..want.min(room) {
            match start_service_task(svc, &primary_id, tasks, instances, ctx, now) {
                Some(id) => started.push(id),
                None => break,
            }
        }
    }
    let name = svc.name.clone();
    if !started.is_empty() {
        let list: Vec<String> = started.iter().map(|i| format!("(task {i})")).collect();
        let msg = format!("(service {name}) has started {} tasks: {}.", started.len(), list.join(" "));
        event(svc, ctx.rng, now, msg);
        svc.steady = false;
    }
    if !stopped.is_empty() {
        let list: Vec<String> = stopped.iter().map(|i| format!("(task {i})")).collect();
        let msg = format!("(service {name}) has stopped {} running tasks: {}.", stopped.len(), list.join(" "));
        event(svc, ctx.rng, now, msg);
        svc.steady = false;
    }
    rollout::check_breaker(svc, ctx.rng, now);
    let alive_now = alive.len() as i32 - stopped.len() as i32 + started.len() as i32;
    if svc.deployments.first().is_some_and(|p| p.id == primary_id) {
        rollout::check_completion(svc, ctx.rng, primary_running - primary_ok_stopped, alive_now, old_left, now);
    }
    if let Some(p) = svc.deployments.first_mut() {
        p.desired = svc.desired;
    }
}

fn start_service_task(
    svc: &mut Service,
    deployment_id: &str,
    tasks: &mut BTreeMap<String, Task>,
    instances: &BTreeMap<String, ContainerInstance>,
    ctx: &mut Ctx<'_>,
    now: i64,
) -> Option<String> {
    let td_arn = svc.deployments.first().map(|d| d.task_definition.clone())?;
    let def = super::task_definitions::find_by_arn(ctx.task_defs, &td_arn)?;
    let instance = if svc.launch_type == "EC2" {
        let (cpu, mem) = lifecycle::task_size(def);
        match lifecycle::place(instances, tasks, cpu, mem) {
            Some(arn) => instances.values().find(|c| c.arn == arn).map(|c| (c.arn.clone(), c.az.clone())),
            None => {
                if now - svc.last_placement_event_ms > 60_000 {
                    svc.last_placement_event_ms = now;
                    let name = svc.name.clone();
                    let msg = format!(
                        "(service {name}) was unable to place a task because no container instance met all of its requirements. Reason: No Container Instances were found in your cluster. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."
                    );
                    event(svc, ctx.rng, now, msg);
                }
                return None;
            }
        }
    } else {
        None
    };
    let spec = NewTask {
        cluster: &svc.cluster,
        service: Some(&svc.name),
        deployment_id: Some(deployment_id),
        def,
        launch_type: &svc.launch_type,
        started_by: Some(deployment_id.to_string()),
        group: format!("service:{}", svc.name),
        scenario: svc.scenario,
        platform_version: svc.platform_version.clone(),
        runtime_ms: None,
    };
    let inst = instance.as_ref().map(|(a, z)| (a.as_str(), z.as_str()));
    let task = lifecycle::create(ctx.rng, ctx.timings, ctx.ecr, spec, inst, now);
    let id = task.id.clone();
    tasks.insert(id.clone(), task);
    Some(id)
}
