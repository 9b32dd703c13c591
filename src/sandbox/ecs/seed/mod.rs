//! Building fleets: the seeded, lived-in demo fleet, an empty one, a large
//! one for benchmarks, or clusters with exact service counts for tests.

mod builder;
mod cms;
pub mod firelens;
mod history;
pub mod hostile;
mod pipeline;
mod production;
mod staging;

use serde_json::json;

pub use builder::{Seeder, SvcSpec};

use super::model::DeploymentConfig;
use super::scheduler;
use crate::sandbox::world::World;
use crate::sandbox::{ClusterSpec, Fleet};

/// How much seeded history the fleet starts with.
const PREHISTORY_MS: i64 = 3_600_000;
/// Log lines are written for the last part of the prehistory only.
const LOGGED_PREHISTORY_MS: i64 = 10 * 60_000;

/// Populates `world` with `fleet`, as of `now_ms`.
pub fn build(world: &mut World, fleet: &Fleet, now_ms: i64) {
    match fleet {
        Fleet::Empty => {}
        Fleet::Hostile => hostile::build(world, now_ms),
        Fleet::Seeded => seeded(world, now_ms),
        Fleet::Large(n) => {
            let spec = ClusterSpec {
                name: "large".to_string(),
                services: *n,
                desired: 1,
            };
            clusters(world, &[spec], now_ms);
        }
        Fleet::Clusters(specs) => clusters(world, specs, now_ms),
        Fleet::Requests(requests) => {
            // `fleet_file::load` replayed them once already.
            if let Err(e) = crate::sandbox::fleet_file::replay(world, requests, now_ms) {
                tracing::error!(error = %e, "fleet file refused");
            }
        }
    }
    world.ecs.advanced_to_ms = now_ms;
}

fn seeded(world: &mut World, now: i64) {
    let start = now - PREHISTORY_MS;
    world.ecs.advanced_to_ms = start;
    world.ecs.log_from_ms = now - LOGGED_PREHISTORY_MS;
    {
        let mut s = Seeder::new(world, start);
        production::seed(&mut s);
        pipeline::seed(&mut s);
        firelens::seed(&mut s);
        cms::seed(&mut s);
        staging::seed(&mut s);
    }
    crate::sandbox::cloudwatch::seed::production_alarms(world, start);
    crate::sandbox::elb::seed_health_checks(&mut world.elb);
    crate::sandbox::autoscaling::seed::seeded(world, start);
    // Live the last hour: crash loops, scheduled runs, two deployments.
    scheduler::advance(world, now - 45 * 60_000);
    production::deploy_latest(world, now - 45 * 60_000);
    scheduler::advance(world, now - 30 * 60_000);
    cms::failed_deploy(world, now - 30 * 60_000);
    scheduler::advance(world, now - 20 * 60_000);
    staging::stuck_deploy(world, now - 20 * 60_000);
    scheduler::advance(world, now);
    staging::mark_streams(world, now);
}

/// Clusters with exactly `services` services each (public image, Fargate).
fn clusters(world: &mut World, specs: &[ClusterSpec], now: i64) {
    let mut s = Seeder::new(world, now);
    let td = s.task_def(
        json!({
            "family": "bench-app",
            "networkMode": "awsvpc",
            "requiresCompatibilities": ["FARGATE"],
            "cpu": "256",
            "memory": "512",
            "containerDefinitions": [{
                "name": "app",
                "image": "public.ecr.aws/nginx/nginx:1.27",
                "essential": true,
                "portMappings": [{ "containerPort": 80, "hostPort": 80 }],
            }],
        }),
        vec![],
        now - 86_400_000,
    );
    for spec in specs {
        s.cluster(&spec.name, vec![], &["FARGATE", "FARGATE_SPOT"]);
        for i in 0..spec.services {
            let name = format!("svc-{i:05}");
            s.service(SvcSpec {
                desired: spec.desired,
                launch: "FARGATE",
                config: DeploymentConfig::default(),
                quiet: true,
                ..SvcSpec::new(&spec.name, &name, &td)
            });
        }
    }
}
