//! The CMS cluster: nginx, cms and mongo services (one container each),
//! with a cms deployment that failed and rolled back.

use serde_json::{Value, json};

use super::builder::{Img, Seeder, SvcSpec, awslogs, ecr, tags};
use crate::sandbox::ecr::Findings;
use crate::sandbox::ecs::model::Scenario;
use crate::sandbox::ecs::{rollout, task_definitions};
use crate::sandbox::world::World;

pub const CLUSTER: &str = "websight-cms";
const DAY: i64 = 86_400_000;

fn single(family: &str, image: &str, port: i32, extra: Value) -> Value {
    let mut c = json!({
        "name": family.trim_start_matches("websight-"),
        "image": image,
        "essential": true,
        "portMappings": [{ "containerPort": port, "hostPort": port, "protocol": "tcp" }],
        "logConfiguration": awslogs(&format!("/ecs/{family}"), "ecs"),
    });
    if let (Some(c), Value::Object(extra)) = (c.as_object_mut(), extra) {
        c.extend(extra);
    }
    json!({
        "family": family,
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "cpu": "512",
        "memory": "1024",
        "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
        "containerDefinitions": [c],
        "volumes": [{
            "name": "websight-data",
            "efsVolumeConfiguration": { "fileSystemId": "fs-0a9b8c7d6e5f4a3b2", "rootDirectory": "/", "transitEncryption": "ENABLED" },
        }],
    })
}

pub fn seed(s: &mut Seeder<'_>) {
    let now = s.now;
    s.cluster(
        CLUSTER,
        tags(&[("environment", "production"), ("app", "websight")]),
        &["FARGATE"],
    );
    let f = Findings {
        critical: 0,
        high: 2,
        medium: 5,
        low: 8,
        informational: 1,
    };
    s.repo(
        "websight-cms",
        &[
            Img {
                tags: &["1.17.2"],
                age_days: 60,
                size_mb: 702,
                findings: Some(f),
            },
            Img {
                tags: &["1.18.0"],
                age_days: 15,
                size_mb: 711,
                findings: Some(f),
            },
        ],
    );
    for g in [
        "/ecs/websight-nginx",
        "/ecs/websight-cms",
        "/ecs/websight-mongo",
    ] {
        s.log_group(g);
    }
    let nginx = s.task_def(
        single(
            "websight-nginx",
            "nginx:1.27-alpine",
            80,
            json!({ "healthCheck": { "command": ["CMD-SHELL", "wget -qO- http://localhost/health || exit 1"], "interval": 15, "timeout": 5, "retries": 3 } }),
        ),
        vec![],
        now - 30 * DAY,
    );
    s.service(SvcSpec {
        desired: 2,
        lb: Some(("websight-nginx-tg", "nginx", 80)),
        deployed_days_ago: 30,
        tags: tags(&[("app", "websight")]),
        ..SvcSpec::new(CLUSTER, "nginx", &nginx)
    });
    let cms = s.task_def(
        single(
            "websight-cms",
            &ecr("websight-cms", "1.18.0"),
            8080,
            json!({ "environment": [{ "name": "WS_MONGO_HOST", "value": "mongo.websight.local" }, { "name": "JAVA_OPTS", "value": "-Xmx768m" }] }),
        ),
        vec![],
        now - 15 * DAY,
    );
    s.service(SvcSpec {
        desired: 1,
        lb: Some(("websight-cms-tg", "cms", 8080)),
        scenario: Some(Scenario::FailedDeploy),
        deployed_days_ago: 15,
        ..SvcSpec::new(CLUSTER, "cms", &cms)
    });
    let mongo = s.task_def(
        single(
            "websight-mongo",
            "mongo:7.0",
            27017,
            json!({ "mountPoints": [{ "sourceVolume": "websight-data", "containerPath": "/data/db" }] }),
        ),
        vec![],
        now - 60 * DAY,
    );
    s.service(SvcSpec {
        desired: 1,
        deployed_days_ago: 60,
        ..SvcSpec::new(CLUSTER, "mongo", &mongo)
    });
}

/// Half an hour ago someone deployed cms 1.19.0, which was never pushed:
/// the circuit breaker fails it and rolls back to 1.18.0.
pub fn failed_deploy(world: &mut World, at: i64) {
    let mut body = single(
        "websight-cms",
        &ecr("websight-cms", "1.19.0"),
        8080,
        json!({}),
    );
    world.region.relocate(&mut body);
    let ecs = &mut world.ecs;
    let Ok(def) = task_definitions::register(ecs, body, vec![], at) else {
        return;
    };
    let Some(svc) = ecs
        .clusters
        .get_mut(CLUSTER)
        .and_then(|c| c.services.get_mut("cms"))
    else {
        return;
    };
    rollout::start_deployment(svc, &mut ecs.rng, &def.arn, None, at);
}
