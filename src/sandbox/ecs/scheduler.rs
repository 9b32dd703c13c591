//! The service scheduler: advances simulated time in small steps, moves
//! tasks through their lifecycle, and reconciles every service towards its
//! desired count with rolling deployments.

use std::collections::{BTreeMap, HashMap};

use rand::rngs::StdRng;

use super::lifecycle::{Images, Note, TaskTimings};
use super::model::{Service, Task, TaskDef, TaskStatus};
use super::reconcile;
use super::rollout::event;
use super::transitions::{self, LogSink};
use super::{EcsState, schedules};
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
    let step = ((to - from) / 240).max(STEP_MS);
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
    pub images: Images<'a>,
    pub task_defs: &'a BTreeMap<String, Vec<TaskDef>>,
}

fn tick(world: &mut World, now: i64) {
    crate::sandbox::autoscaling::scaling::evaluate(world, now);
    let World { ecs, ecr, logs, .. } = world;
    let ecr = &*ecr;
    let EcsState {
        clusters,
        task_defs,
        rng,
        timings,
        log_from_ms,
        schedules,
        seeded_images,
        ..
    } = ecs;
    let images = Images {
        ecr,
        seeded: seeded_images,
    };
    let mut sink = LogSink {
        logs,
        log_from_ms: *log_from_ms,
    };
    for cluster in clusters.values_mut() {
        let mut notes = Vec::new();
        for task in cluster.tasks.values_mut() {
            if task.last_status == TaskStatus::Stopped {
                continue;
            }
            transitions::step(task, rng, timings, &mut sink, now, &mut notes);
            if task.last_status == TaskStatus::Running
                && task.containers.iter().any(|c| {
                    c.log
                        .as_ref()
                        .is_some_and(|l| now - l.logged_until_ms >= LOG_FLUSH_MS)
                })
            {
                transitions::write_logs(task, &mut sink, now);
            }
        }
        let mut ctx = Ctx {
            rng,
            timings,
            images,
            task_defs,
        };
        apply_notes(
            &mut cluster.services,
            &mut cluster.tasks,
            &mut ctx,
            notes,
            now,
        );
        let mut by_service: HashMap<String, Vec<String>> = HashMap::new();
        for t in cluster
            .tasks
            .values()
            .filter(|t| t.desired_status == "RUNNING")
        {
            if let Some(s) = &t.service {
                by_service.entry(s.clone()).or_default().push(t.id.clone());
            }
        }
        for svc in cluster.services.values_mut() {
            let ids = by_service.remove(&svc.name).unwrap_or_default();
            reconcile::reconcile(
                svc,
                &ids,
                &mut cluster.tasks,
                &cluster.instances,
                &mut ctx,
                now,
            );
        }
        let keep_after = now - timings.stopped_retention_ms;
        cluster.tasks.retain(|_, t| {
            t.last_status != TaskStatus::Stopped || t.stopped_ms.unwrap_or(now) >= keep_after
        });
    }
    let mut ctx = Ctx {
        rng,
        timings,
        images,
        task_defs,
    };
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
            Note::Running {
                task_id,
                healthy_fate,
            } => (task_id, false, false, *healthy_fate),
        };
        let Some(task) = tasks.get(task_id) else {
            continue;
        };
        let Some(svc) = task.service.as_ref().and_then(|s| services.get_mut(s)) else {
            continue;
        };
        let name = svc.name.clone();
        let short = task.id.clone();
        if failed {
            svc.consecutive_failures += 1;
            let n = svc.consecutive_failures.min(6);
            svc.next_start_ms = now + (5_000i64 << (n - 1)).min(120_000);
            svc.steady = false;
            if let Some(d) = svc
                .deployments
                .iter_mut()
                .find(|d| Some(&d.id) == task.deployment_id.as_ref())
            {
                d.failed_tasks += 1;
                d.updated_ms = now;
            }
            if unhealthy {
                event(
                    svc,
                    ctx.rng,
                    now,
                    format!("(service {name}) (task {short}) failed container health checks."),
                );
                event(
                    svc,
                    ctx.rng,
                    now,
                    format!("(service {name}) has stopped 1 running tasks: (task {short})."),
                );
            }
        } else {
            if healthy_fate {
                svc.consecutive_failures = 0;
            }
            if let Some(tg) = svc
                .load_balancers
                .first()
                .and_then(|lb| lb.get("targetGroupArn"))
                .and_then(|v| v.as_str())
            {
                let msg = format!("(service {name}) registered 1 targets in (target-group {tg})");
                event(svc, ctx.rng, now, msg);
            }
        }
    }
}
