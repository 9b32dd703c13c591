//! The staging cluster: two dozen microservices (more than one page of
//! ListServices), autoscaled desired counts, a scheduled task, and the
//! crash-loop, unhealthy and image-pull scenarios.

use serde_json::json;

use super::builder::{Img, Seeder, SvcSpec, awslogs, ecr, tags};
use super::history::{Outcome, Past};
use crate::sandbox::ecr::Findings;
use crate::sandbox::ecs::autoscale::Autoscale;
use crate::sandbox::ecs::lifecycle::digest_for;
use crate::sandbox::ecs::model::DeploymentConfig;
use crate::sandbox::ecs::model::{Scenario, TaskStatus};
use crate::sandbox::ecs::schedules::Schedule;
use crate::sandbox::ecs::{rollout, task_definitions};
use crate::sandbox::world::World;

const CLUSTER: &str = "staging";
const DAY: i64 = 86_400_000;

/// (service, desired count, scenario).
const SERVICES: &[(&str, i32, Option<Scenario>)] = &[
    ("admin-web", 1, None),
    ("audit-api", 1, None),
    ("auth-api", 2, None),
    ("billing-api", 2, None),
    ("cart-api", 3, None),
    ("catalog-api", 4, None),
    ("checkout-api", 2, None),
    ("email-worker", 1, None),
    ("feature-flags", 1, None),
    ("gateway", 3, None),
    ("inventory-api", 2, None),
    ("media-api", 1, None),
    ("notifications-worker", 2, None),
    ("orders-api", 6, None),
    ("payments-api", 2, None),
    ("pricing-api", 1, None),
    ("recommendations-api", 4, None),
    ("reports-worker", 1, None),
    ("reviews-api", 1, None),
    ("search-api", 8, None),
    ("shipping-api", 2, None),
    ("storefront-web", 3, None),
    ("users-api", 2, None),
    ("webhooks-api", 1, None),
    ("legacy-importer", 1, Some(Scenario::CrashLoop)),
    ("geo-api", 2, Some(Scenario::Unhealthy)),
    ("pdf-renderer", 1, Some(Scenario::ImagePull)),
];

/// catalog-api deploys linearly, storefront-web with a canary; the rest
/// roll.
fn strategy(name: &str) -> DeploymentConfig {
    let (strategy, step_percent, step_bake_min, bake_time_min) = match name {
        "catalog-api" => ("LINEAR", 25.0, 2, 5),
        "storefront-web" => ("CANARY", 10.0, 5, 10),
        _ => return DeploymentConfig::default(),
    };
    DeploymentConfig {
        strategy: strategy.to_string(),
        step_percent,
        step_bake_min,
        bake_time_min,
        ..DeploymentConfig::default()
    }
}

fn sha_tag(name: &str, n: u8) -> String {
    let d = digest_for(&format!("{name}{n}"));
    format!("sha-{}", &d[7..14])
}

fn body(name: &str, tag: &str) -> serde_json::Value {
    let health = json!({ "command": ["CMD-SHELL", "curl -fs http://localhost:8080/healthz || exit 1"], "interval": 10, "timeout": 3, "retries": 3 });
    let mut c = json!({
        "name": name,
        "image": ecr(&format!("staging/{name}"), tag),
        "essential": true,
        "portMappings": [{ "containerPort": 8080, "hostPort": 8080, "protocol": "tcp" }],
        "environment": [
            { "name": "APP_ENV", "value": "staging" },
            { "name": "DATABASE_URL", "value": format!("postgres://{name}:staging-pass@staging-db.internal:5432/{name}") },
            { "name": "LOG_FORMAT", "value": "json" },
        ],
        "secrets": [{ "name": "API_TOKEN", "valueFrom": format!("arn:aws:ssm:us-east-1:123456789012:parameter/staging/{name}/api-token") }],
        "logConfiguration": awslogs(&format!("/ecs/staging/{name}"), "ecs"),
    });
    if name == "geo-api" || name.ends_with("-web") {
        c["healthCheck"] = health;
    }
    json!({
        "family": format!("staging-{name}"),
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "cpu": "256",
        "memory": "512",
        "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
        "containerDefinitions": [c],
    })
}

pub fn seed(s: &mut Seeder<'_>) {
    let now = s.now;
    s.cluster(
        CLUSTER,
        tags(&[("environment", "staging")]),
        &["FARGATE", "FARGATE_SPOT"],
    );
    let f = Findings {
        critical: 0,
        high: 0,
        medium: 2,
        low: 4,
        informational: 1,
    };
    for (i, (name, desired, scenario)) in SERVICES.iter().enumerate() {
        let (old, new) = (sha_tag(name, 1), sha_tag(name, 2));
        s.repo(
            &format!("staging/{name}"),
            &[
                Img {
                    tags: &[old.as_str()],
                    age_days: 9,
                    size_mb: 140 + i as i64,
                    findings: Some(f),
                },
                Img {
                    tags: &[new.as_str()],
                    age_days: 2,
                    size_mb: 142 + i as i64,
                    findings: Some(f),
                },
            ],
        );
        s.log_group(&format!("/ecs/staging/{name}"));
        let first = s.task_def(body(name, &old), vec![], now - 9 * DAY);
        let td = s.task_def(body(name, &new), vec![], now - 2 * DAY);
        let mut config = strategy(name);
        if *scenario == Some(Scenario::ImagePull) {
            config.breaker_enable = false;
            config.breaker_rollback = false;
        }
        s.service(SvcSpec {
            desired: *desired,
            scenario: *scenario,
            config,
            lb: match *name {
                "geo-api" => Some(("staging-geo-api-tg", "geo-api", 8080)),
                n if n.ends_with("-web") => Some(("staging-web-tg", n, 8080)),
                _ => None,
            },
            tags: tags(&[
                ("environment", "staging"),
                ("team", if i % 2 == 0 { "core" } else { "growth" }),
            ]),
            deployed_days_ago: 2,
            ..SvcSpec::new(CLUSTER, name, &td)
        });
        let past = |td, days_ago, outcome| Past {
            td,
            days_ago,
            minutes: 9,
            outcome,
        };
        match *name {
            "catalog-api" => {
                s.past_deployments(CLUSTER, name, &[past(&first, 9.0, Outcome::Success)])
            }
            "storefront-web" => s.past_deployments(
                CLUSTER,
                name,
                &[
                    past(&first, 9.0, Outcome::Success),
                    past(&td, 3.0, Outcome::Breaker),
                ],
            ),
            _ => {}
        }
    }
    for (service, base, minutes) in [("search-api", 6.0, 40), ("orders-api", 4.0, 25)] {
        s.world.ecs.autoscalers.push(Autoscale {
            cluster: CLUSTER.to_string(),
            service: service.to_string(),
            base,
            swing: 0.45,
            period_ms: minutes * 60_000,
        });
    }
    s.task_def(
        json!({
            "family": "staging-db-cleanup",
            "networkMode": "awsvpc",
            "requiresCompatibilities": ["FARGATE"],
            "cpu": "256",
            "memory": "512",
            "containerDefinitions": [{
                "name": "db-cleanup",
                "image": ecr("staging/reports-worker", &sha_tag("reports-worker", 2)),
                "essential": true,
                "command": ["bin/rails", "runner", "Cleanup.run"],
                "logConfiguration": awslogs("/ecs/staging/db-cleanup", "batch"),
            }],
        }),
        tags(&[("ecsdeck:runtime-seconds", "60")]),
        now - 5 * DAY,
    );
    s.log_group("/ecs/staging/db-cleanup");
    s.world.ecs.schedules.push(Schedule {
        cluster: CLUSTER.to_string(),
        family: "staging-db-cleanup".to_string(),
        rule: "staging-db-cleanup-every-10-minutes".to_string(),
        every_ms: 10 * 60_000,
        next_ms: now + 60_000,
        launch_type: "FARGATE".to_string(),
        runtime_ms: 60_000,
    });
}

/// pdf-renderer's deployment of an image that was never pushed (no circuit
/// breaker): stuck IN_PROGRESS with CannotPullContainerError.
pub fn stuck_deploy(world: &mut World, at: i64) {
    let mut body = body("pdf-renderer", "sha-0000000-missing");
    world.region.relocate(&mut body);
    let ecs = &mut world.ecs;
    let Ok(def) = task_definitions::register(ecs, body, vec![], at) else {
        return;
    };
    let Some(svc) = ecs
        .clusters
        .get_mut(CLUSTER)
        .and_then(|c| c.services.get_mut("pdf-renderer"))
    else {
        return;
    };
    rollout::start_deployment(svc, &mut ecs.rng, &def.arn, None, at);
}

/// Hostile and coloured lines for the dashboard's escaping and ANSI handling.
pub fn mark_streams(world: &mut World, now: i64) {
    let Some(c) = world.ecs.clusters.get(CLUSTER) else {
        return;
    };
    let stream_of = |svc: &str| {
        c.tasks
            .values()
            .filter(|t| t.service.as_deref() == Some(svc) && t.last_status == TaskStatus::Running)
            .flat_map(|t| t.containers.iter())
            .find_map(|ct| ct.log.as_ref().map(|l| (l.group.clone(), l.stream.clone())))
    };
    let lines = [
        (
            "webhooks-api",
            r#"{"level":"warn","msg":"rejected payload","body":"<script>alert(1)</script>"}"#
                .to_string(),
        ),
        (
            "admin-web",
            "\u{1b}[32mINFO\u{1b}[0m \u{1b}[1mGET /admin\u{1b}[0m 200 \u{1b}[33m12ms\u{1b}[0m"
                .to_string(),
        ),
    ];
    let targets: Vec<_> = lines
        .into_iter()
        .filter_map(|(svc, l)| stream_of(svc).map(|s| (s, l)))
        .collect();
    for ((group, stream), line) in targets {
        world
            .logs
            .append(&group, &stream, &[(now - 1_000, line)], now);
    }
}
