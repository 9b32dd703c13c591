//! Target tracking on the simulation clock. Once a simulated minute, each
//! target-tracking policy looks at its service's average CPU or memory (the
//! numbers GetMetricData reports) as AWS's two alarms would: three minutes
//! above the target scale out to `desired × metric / target`; fifteen
//! minutes below 90% of it scale in, never past min/max and respecting the
//! cooldowns. A desired count set outside min/max (a manual UpdateService)
//! is brought back within them; scaling otherwise goes on after one.

use crate::sandbox::cloudwatch::samples::{self, Metric, TaskIndex};
use crate::sandbox::ecs::EcsState;
use crate::sandbox::world::World;

use super::model::{Activity, PolicyKind, ScalableTarget};
use super::ops::time_text;

const MINUTE: i64 = 60_000;
/// Minutes above the target before scaling out (AlarmHigh: 3 of 3).
const OUT_MINUTES: i64 = 3;
/// Minutes below 90% of the target before scaling in (AlarmLow: 15 of 15).
const IN_MINUTES: i64 = 15;

/// The service's average of `metric` for each of the `n` whole minutes
/// before `now`, oldest first; `None` if a minute has no data.
fn averages(world: &World, t: &ScalableTarget, metric: &str, now: i64, n: i64) -> Option<Vec<f64>> {
    let cluster = world.ecs.clusters.get(&t.cluster)?;
    let idx = TaskIndex::new(cluster);
    let name = if metric.contains("Memory") {
        "MemoryUtilization"
    } else {
        "CPUUtilization"
    };
    let m = Metric {
        namespace: "AWS/ECS".into(),
        name: name.into(),
        cluster: Some(t.cluster.clone()),
        service: Some(t.service.clone()),
        other_dimensions: false,
    };
    let this_minute = now.div_euclid(MINUTE) * MINUTE;
    (1..=n)
        .rev()
        .map(|k| {
            let v = samples::minute(&world.ecs, &idx, &m, this_minute - k * MINUTE);
            (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
        })
        .collect()
}

/// What one policy asks for: a new desired count and why.
struct Proposal {
    desired: i32,
    out: bool,
    cause: String,
}

fn propose(world: &World, t: &ScalableTarget, desired: i32, now: i64) -> Vec<Proposal> {
    let mut out = Vec::new();
    for p in &t.policies {
        let PolicyKind::TargetTracking {
            metric,
            target,
            scale_out_cooldown_s,
            scale_in_cooldown_s,
            disable_scale_in,
        } = &p.kind
        else {
            continue;
        };
        let alarm = |kind: &str| {
            format!(
                "monitor alarm TargetTracking-{}-{kind}-{} in state ALARM triggered policy {}",
                t.resource_id(),
                t.alarm_id,
                p.name
            )
        };
        let scaled = |vals: &[f64]| {
            let avg = vals.iter().sum::<f64>() / vals.len() as f64;
            (f64::from(desired.max(1)) * avg / target).ceil() as i32
        };
        let Some(last) = averages(world, t, metric, now, OUT_MINUTES) else {
            continue;
        };
        if last.iter().all(|v| v > target) {
            if now - t.last_out_ms >= scale_out_cooldown_s * 1000 {
                out.push(Proposal {
                    desired: scaled(&last).max(desired + 1),
                    out: true,
                    cause: alarm("AlarmHigh"),
                });
            }
            continue;
        }
        if *disable_scale_in
            || now - t.last_in_ms < scale_in_cooldown_s * 1000
            || now - t.last_out_ms < scale_out_cooldown_s * 1000
        {
            continue;
        }
        let Some(recent) = averages(world, t, metric, now, IN_MINUTES) else {
            continue;
        };
        if recent.iter().all(|v| *v < 0.9 * target) {
            out.push(Proposal {
                desired: scaled(&recent).min(desired - 1),
                out: false,
                cause: alarm("AlarmLow"),
            });
        }
    }
    out
}

/// Evaluates every scalable target once per simulated minute.
pub fn evaluate(world: &mut World, now: i64) {
    let minute = now.div_euclid(MINUTE);
    if minute <= world.autoscaling.evaluated_minute {
        return;
    }
    world.autoscaling.evaluated_minute = minute;
    super::scheduled::run_due(world, now);
    super::step::run(world, now);
    let mut changes = Vec::new();
    for (id, t) in &world.autoscaling.targets {
        let Some(desired) = world
            .ecs
            .clusters
            .get(&t.cluster)
            .and_then(|c| c.services.get(&t.service))
            .filter(|s| s.status == "ACTIVE")
            .map(|s| s.desired)
        else {
            continue;
        };
        let proposals = propose(world, t, desired, now);
        let policies = t
            .policies
            .iter()
            .filter(|p| matches!(p.kind, PolicyKind::TargetTracking { .. }))
            .count();
        // Scale out on the largest ask; scale in only when every
        // target-tracking policy agrees, to the largest of their asks.
        let pick = match proposals.iter().filter(|p| p.out).max_by_key(|p| p.desired) {
            Some(p) => Some(p),
            None if proposals.len() == policies => proposals.iter().max_by_key(|p| p.desired),
            None => None,
        };
        let (want, cause) = match pick {
            Some(p) => (p.desired, p.cause.clone()),
            None if desired < t.min || desired > t.max => (
                desired,
                format!(
                    "at {} the desired count {desired} was outside the capacity range [{}, {}]",
                    time_text(now),
                    t.min,
                    t.max
                ),
            ),
            None => continue,
        };
        let want = want.clamp(t.min, t.max);
        if want != desired {
            changes.push((id.clone(), want, want > desired, cause));
        }
    }
    for (id, want, out, cause) in changes {
        if let Some(t) = world.autoscaling.targets.get_mut(&id) {
            if out {
                t.last_out_ms = now;
            } else {
                t.last_in_ms = now;
            }
        }
        set_desired(world, &id, want, cause, now);
    }
}

/// Sets the service's desired count for target `id` and logs the activity.
pub fn set_desired(world: &mut World, id: &str, desired: i32, cause: String, now: i64) {
    let activity_id = world.autoscaling.next_id();
    let Some(t) = world.autoscaling.targets.get_mut(id) else {
        return;
    };
    if !set_service_desired(&mut world.ecs, &t.cluster, &t.service, desired, now) {
        return;
    }
    t.log(Activity {
        id: activity_id,
        description: format!("Setting desired count to {desired}."),
        cause,
        status: "Successful".into(),
        message: format!(
            "Successfully set desired count to {desired}. Change successfully fulfilled by ecs."
        ),
        start_ms: now,
        end_ms: now + 1_000,
    });
}

/// Sets an active service's desired count (its primary deployment's too);
/// false if there is no such active service.
pub fn set_service_desired(
    ecs: &mut EcsState,
    cluster: &str,
    service: &str,
    desired: i32,
    now: i64,
) -> bool {
    let svc = ecs
        .clusters
        .get_mut(cluster)
        .and_then(|c| c.services.get_mut(service));
    let Some(svc) = svc.filter(|s| s.status == "ACTIVE") else {
        return false;
    };
    svc.desired = desired;
    svc.steady = false;
    if let Some(p) = svc.deployments.first_mut() {
        p.desired = desired;
        p.updated_ms = now;
    }
    true
}
