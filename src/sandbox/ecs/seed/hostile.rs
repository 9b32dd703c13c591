//! `--fleet hostile`: hostile strings in every free-text field AWS allows.
//! The cluster, task definition and first service come from
//! `hostile-fleet.json` (the same requests a script would send: tags,
//! environment values, command, entry point, docker labels, log options).
//! A second service crash-loops, so the fleet also has stopped tasks,
//! container reasons and service events; the text ECS and the container
//! runtime would put there (reasons that quote registry or agent output)
//! is replaced by hostile strings. Both services log through the hostile
//! line generator (`loggen::hostile`: markup, terminal escapes, bidi
//! overrides, a 100 KB line, invalid UTF-8).

use super::builder::{Seeder, SvcSpec, tags};
use crate::sandbox::ecs::model::Scenario;
use crate::sandbox::ecs::{rollout, scheduler, task_definitions};
use crate::sandbox::fleet_file::{self, FleetRequest};
use crate::sandbox::loggen::hostile::PAYLOADS;
use crate::sandbox::world::World;

const REQUESTS: &str = include_str!("hostile-fleet.json");
pub const CLUSTER: &str = "hostile";
const LOG_GROUP: &str = "/ecs/hostile";
/// How long the fleet has been running when the sandbox starts.
const HISTORY_MS: i64 = 20 * 60_000;

/// The requests that build the hostile cluster.
pub fn requests() -> Vec<FleetRequest> {
    match fleet_file::parse(REQUESTS) {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "the embedded hostile fleet does not parse");
            Vec::new()
        }
    }
}

pub fn build(world: &mut World, now: i64) {
    let start = now - HISTORY_MS;
    world.ecs.advanced_to_ms = start;
    world.ecs.log_from_ms = start;
    {
        let mut s = Seeder::new(world, start);
        s.log_group(LOG_GROUP);
    }
    if let Err(e) = fleet_file::replay(world, &requests(), start) {
        tracing::error!(error = %e, "hostile fleet refused");
    }
    let td = task_definitions::latest(&world.ecs.task_defs, "hostile").map(|d| d.arn.clone());
    if let Some(td) = td {
        let mut s = Seeder::new(world, start);
        s.service(SvcSpec {
            desired: 2,
            scenario: Some(Scenario::CrashLoop),
            tags: tags(&[("note", PAYLOADS[1]), ("ansi", PAYLOADS[3])]),
            ..SvcSpec::new(CLUSTER, "hostile-crash", &td)
        });
    }
    scheduler::advance(world, now);
    poison(world, now);
}

/// Puts hostile text where ECS and the runtime write free text.
fn poison(world: &mut World, now: i64) {
    let ecs = &mut world.ecs;
    let Some(cluster) = ecs.clusters.get_mut(CLUSTER) else {
        return;
    };
    for (i, task) in cluster.tasks.values_mut().enumerate() {
        let payload = PAYLOADS[i % PAYLOADS.len()];
        if let Some(reason) = &mut task.stopped_reason {
            reason.push_str(": ");
            reason.push_str(payload);
        }
        for c in task.containers.iter_mut().filter(|c| c.exit_code.is_some()) {
            c.reason = Some(format!("CannotStartContainerError: {payload}"));
        }
    }
    for svc in cluster.services.values_mut() {
        for (i, p) in PAYLOADS.iter().enumerate() {
            let message = format!("(service {}) was unable to place a task: {p}", svc.name);
            rollout::event(svc, &mut ecs.rng, now - 1_000 * i as i64, message);
        }
    }
}
