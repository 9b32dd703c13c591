//! One service's reconciliation step, as the ECS service scheduler does it:
//! drain old deployments within minimumHealthyPercent, start PRIMARY tasks
//! within maximumPercent, scale in, place tasks on EC2 capacity, and write
//! the service events that go with it.

use std::collections::BTreeMap;

use super::lifecycle::{self, NewTask};
use super::model::{ContainerInstance, Service, Task, TaskStatus};
use super::rollout::{self, event};
use super::scheduler::Ctx;
use super::stages;

/// What reconciling needs to know about one live task.
struct Live {
    id: String,
    deployment: String,
    primary: bool,
    running: bool,
    /// RUNNING and, when it has a health check, HEALTHY.
    ok: bool,
    created_ms: i64,
}

fn live(t: &Task, primary_id: &str) -> Live {
    let checked = t.containers.iter().all(|c| c.health.is_none()) || t.health == "HEALTHY";
    let running = t.last_status == TaskStatus::Running;
    Live {
        id: t.id.clone(),
        deployment: t.deployment_id.clone().unwrap_or_default(),
        primary: t.deployment_id.as_deref() == Some(primary_id),
        running,
        ok: running && checked && t.health != "UNHEALTHY",
        created_ms: t.created_ms,
    }
}

/// The tasks to stop: old deployments' tasks while enough healthy tasks
/// remain, then PRIMARY tasks beyond the desired count. Returns the
/// (task id, deployment id) pairs and how many OK PRIMARY tasks go.
fn choose_stops(
    live: &[Live],
    desired: i32,
    min_healthy: i32,
    hold_old: bool,
) -> (Vec<(String, String)>, i32) {
    let mut healthy = live.iter().filter(|t| t.ok).count() as i32;
    let primary_ok = live.iter().filter(|t| t.primary && t.ok).count() as i32;
    let mut old: Vec<&Live> = live.iter().filter(|t| !t.primary).collect();
    old.sort_by_key(|t| (t.running, t.created_ms));
    let mut stops = Vec::new();
    for t in old {
        // Blue/green: the old revision serves until CLEAN_UP.
        if hold_old && t.ok {
            continue;
        }
        if !t.ok || primary_ok >= desired || healthy > min_healthy {
            if t.ok {
                healthy -= 1;
            }
            stops.push((t.id.clone(), t.deployment.clone()));
        }
    }
    let primary_alive = live.iter().filter(|t| t.primary).count() as i32;
    let mut primary_ok_stopped = 0;
    if primary_alive > desired {
        let mut extra: Vec<&Live> = live.iter().filter(|t| t.primary).collect();
        extra.sort_by_key(|t| (t.ok, t.running, std::cmp::Reverse(t.created_ms)));
        for t in extra.into_iter().take((primary_alive - desired) as usize) {
            if t.ok {
                primary_ok_stopped += 1;
            }
            stops.push((t.id.clone(), t.deployment.clone()));
        }
    }
    (stops, primary_ok_stopped)
}

fn task_list(ids: &[String]) -> String {
    let list: Vec<String> = ids.iter().map(|i| format!("(task {i})")).collect();
    list.join(" ")
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
    let Some(primary_id) = svc.deployments.first().map(|p| p.id.clone()) else {
        return;
    };
    let d = if svc.status == "ACTIVE" {
        svc.desired
    } else {
        0
    };
    let live: Vec<Live> = ids
        .iter()
        .filter_map(|i| tasks.get(i))
        .filter(|t| t.desired_status == "RUNNING")
        .map(|t| live(t, &primary_id))
        .collect();
    let cfg = svc.deployment_config.clone();
    let primary_alive = live.iter().filter(|t| t.primary).count() as i32;
    let primary_ok = live.iter().filter(|t| t.primary && t.ok).count() as i32;
    let old_alive = live.len() as i32 - primary_alive;
    let hold_old = match svc.deployments.first_mut() {
        Some(p) if p.rollout_state == "IN_PROGRESS" => {
            stages::advance(p, primary_ok >= d, now);
            stages::holds_old(p)
        }
        _ => false,
    };
    // Blue/green starts the whole new revision beside the old one.
    let max_percent = if hold_old {
        cfg.max_percent.max(200)
    } else {
        cfg.max_percent
    };
    let max_total = (d * max_percent / 100).max(d);
    let min_healthy = (d * cfg.min_healthy_percent + 99) / 100;

    let (to_stop, primary_ok_stopped) = choose_stops(&live, d, min_healthy, hold_old);
    let old_left = old_alive - to_stop.iter().filter(|(_, dep)| *dep != primary_id).count() as i32;
    let mut stopped = Vec::new();
    for (id, dep) in &to_stop {
        if let Some(t) = tasks.get_mut(id) {
            let reason = format!("Scaling activity initiated by (deployment {dep})");
            let code = "ServiceSchedulerInitiated";
            lifecycle::request_stop(t, ctx.rng, ctx.timings, code, &reason, now);
            stopped.push(id.clone());
        }
    }

    // Starts: up to the desired count, within maximumPercent, after the
    // restart back-off of a failing service.
    let mut started = Vec::new();
    let want = d - primary_alive.min(d);
    let room = max_total - primary_alive.min(d) - old_left;
    if want > 0 && room > 0 && now >= svc.next_start_ms {
        for _ in 0..want.min(room) {
            match start_service_task(svc, &primary_id, tasks, instances, ctx, now) {
                Some(id) => started.push(id),
                None => break,
            }
        }
    }
    let name = svc.name.clone();
    if !stopped.is_empty() {
        let n = stopped.len();
        let msg = format!(
            "(service {name}) has stopped {n} running tasks: {}.",
            task_list(&stopped)
        );
        event(svc, ctx.rng, now, msg);
        svc.steady = false;
    }
    if !started.is_empty() {
        let n = started.len();
        let msg = format!(
            "(service {name}) has started {n} tasks: {}.",
            task_list(&started)
        );
        event(svc, ctx.rng, now, msg);
        svc.steady = false;
    }
    rollout::check_breaker(svc, ctx.rng, now);
    let alive_now = live.len() as i32 - stopped.len() as i32 + started.len() as i32;
    if svc.deployments.first().is_some_and(|p| p.id == primary_id) {
        let primary_ok = primary_ok - primary_ok_stopped;
        rollout::check_completion(svc, ctx.rng, primary_ok, alive_now, old_left, now);
    }
    if let Some(p) = svc.deployments.first_mut() {
        p.desired = svc.desired;
    }
    super::service_ops::finish_draining(svc, tasks);
}

/// Where an EC2 task goes, or why it cannot be placed.
fn place_ec2(
    instances: &BTreeMap<String, ContainerInstance>,
    tasks: &BTreeMap<String, Task>,
    cpu: i64,
    mem: i64,
) -> Result<(String, String), String> {
    if let Some(arn) = lifecycle::place(instances, tasks, cpu, mem)
        && let Some(ci) = instances.values().find(|c| c.arn == arn)
    {
        return Ok((ci.arn.clone(), ci.az.clone()));
    }
    let closest = instances
        .values()
        .filter(|c| c.status == "ACTIVE")
        .map(|c| {
            let (uc, um) = lifecycle::used_by(tasks, &c.arn);
            (c.memory - um, c.cpu - uc, c.id.clone())
        })
        .max();
    Err(match closest {
        None => "Reason: No Container Instances were found in your cluster.".to_string(),
        Some((free_mem, _, id)) if free_mem < mem => {
            format!(
                "The closest matching (container-instance {id}) has insufficient memory available."
            )
        }
        Some((_, _, id)) => {
            format!(
                "The closest matching (container-instance {id}) has insufficient CPU units available."
            )
        }
    })
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
        match place_ec2(instances, tasks, cpu, mem) {
            Ok(placed) => Some(placed),
            Err(why) => {
                if now - svc.last_placement_event_ms >= 60_000 {
                    svc.last_placement_event_ms = now;
                    let name = svc.name.clone();
                    let msg = format!(
                        "(service {name}) was unable to place a task because no container instance met all of its requirements. {why} For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."
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
        platform_version: svc.platform_version.as_ref().map(|_| "1.4.0".to_string()),
        runtime_ms: None,
    };
    let inst = instance.as_ref().map(|(a, z)| (a.as_str(), z.as_str()));
    let task = lifecycle::create(ctx.rng, ctx.timings, ctx.images, spec, inst, now);
    let id = task.id.clone();
    tasks.insert(id.clone(), task);
    Some(id)
}
