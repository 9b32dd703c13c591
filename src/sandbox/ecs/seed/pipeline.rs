//! The Fargate data-pipeline cluster: an app behind an ALB with an EFS
//! volume, a transformer that runs out of memory, and scheduled batch runs.

use serde_json::{Value, json};

use super::builder::{Img, Seeder, SvcSpec, awslogs, ecr, tags};
use super::history::{Outcome, Past};
use crate::sandbox::ecr::Findings;
use crate::sandbox::ecs::arn;
use crate::sandbox::ecs::model::{DeploymentConfig, Scenario};
use crate::sandbox::ecs::schedules::Schedule;

const CLUSTER: &str = "data-pipeline";
const DAY: i64 = 86_400_000;

fn fargate(family: &str, cpu: &str, memory: &str, containers: Value, volumes: Value) -> Value {
    json!({
        "family": family,
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "cpu": cpu,
        "memory": memory,
        "taskRoleArn": format!("arn:aws:iam::{}:role/data-pipeline-task", arn::ACCOUNT),
        "executionRoleArn": format!("arn:aws:iam::{}:role/ecsTaskExecutionRole", arn::ACCOUNT),
        "containerDefinitions": containers,
        "volumes": volumes,
        "runtimePlatform": { "cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX" },
    })
}

pub fn seed(s: &mut Seeder<'_>) {
    let now = s.now;
    s.cluster(
        CLUSTER,
        tags(&[("environment", "production"), ("team", "data")]),
        &["FARGATE", "FARGATE_SPOT"],
    );
    let clean = Findings {
        critical: 0,
        high: 0,
        medium: 3,
        low: 9,
        informational: 2,
    };
    s.repo(
        "pipeline-app",
        &[
            Img {
                tags: &["v2.14.0"],
                age_days: 20,
                size_mb: 288,
                findings: Some(clean),
            },
            Img {
                tags: &["v2.15.1"],
                age_days: 4,
                size_mb: 291,
                findings: Some(clean),
            },
        ],
    );
    s.repo(
        "pipeline-etl",
        &[Img {
            tags: &["2024.11.3"],
            age_days: 9,
            size_mb: 845,
            findings: None,
        }],
    );
    for g in [
        "/ecs/data-pipeline/app",
        "/ecs/data-pipeline/etl",
        "/ecs/data-pipeline/transformer",
    ] {
        s.log_group(g);
    }
    let efs = json!([{
        "name": "mage-data",
        "efsVolumeConfiguration": {
            "fileSystemId": "fs-0c1d2e3f4a5b6c7d8",
            "rootDirectory": "/",
            "transitEncryption": "ENABLED",
            "authorizationConfig": { "accessPointId": "fsap-0a1b2c3d4e5f6a7b8", "iam": "ENABLED" },
        },
    }]);
    let app_body = fargate(
        "pipeline-app",
        "1024",
        "2048",
        json!([{
            "name": "pipeline-app",
            "image": ecr("pipeline-app", "v2.15.1"),
            "essential": true,
            "portMappings": [{ "containerPort": 6789, "hostPort": 6789, "protocol": "tcp" }],
            "environment": [
                { "name": "ENV", "value": "production" },
                { "name": "MAGE_DATABASE_CONNECTION_URL", "value": "postgresql+psycopg2://mage:changeme@pipeline-db.c9xk2mz1ab.us-east-1.rds.amazonaws.com:5432/mage" },
            ],
            "mountPoints": [{ "sourceVolume": "mage-data", "containerPath": "/home/src/mage_data", "readOnly": false }],
            "healthCheck": { "command": ["CMD-SHELL", "curl -fs http://localhost:6789/api/status || exit 1"], "interval": 30, "timeout": 5, "retries": 3 },
            "logConfiguration": awslogs("/ecs/data-pipeline/app", "app"),
        }]),
        efs.clone(),
    );
    // The release before: v2.14.3 with a smaller task.
    let mut previous = app_body.clone();
    previous["containerDefinitions"][0]["image"] = json!(ecr("pipeline-app", "v2.14.3"));
    previous["memory"] = json!("1024");
    let before = s.task_def(previous, vec![], now - 20 * DAY);
    let app = s.task_def(app_body, vec![], now - 4 * DAY);
    s.service(SvcSpec {
        desired: 2,
        lb: Some(("pipeline-app-tg", "pipeline-app", 6789)),
        tags: tags(&[("environment", "production")]),
        deployed_days_ago: 4,
        config: DeploymentConfig {
            strategy: "BLUE_GREEN".to_string(),
            bake_time_min: 15,
            ..DeploymentConfig::default()
        },
        ..SvcSpec::new(CLUSTER, "pipeline-app", &app)
    });
    let past = |td, days_ago, outcome| Past {
        td,
        days_ago,
        minutes: 24,
        outcome,
    };
    s.past_deployments(
        CLUSTER,
        "pipeline-app",
        &[
            past(&before, 20.0, Outcome::Success),
            past(&app, 6.0, Outcome::Breaker),
            past(&before, 5.5, Outcome::Success),
        ],
    );
    let transformer = s.task_def(
        fargate(
            "pipeline-transformer",
            "512",
            "1024",
            json!([{
                "name": "transformer",
                "image": ecr("pipeline-app", "v2.15.1"),
                "essential": true,
                "command": ["python", "-m", "pipeline.transform", "--watch"],
                "logConfiguration": awslogs("/ecs/data-pipeline/transformer", "pipeline"),
            }]),
            json!([]),
        ),
        vec![],
        now - 4 * DAY,
    );
    s.service(SvcSpec {
        desired: 1,
        scenario: Some(Scenario::Oom),
        deployed_days_ago: 2,
        ..SvcSpec::new(CLUSTER, "pipeline-transformer", &transformer)
    });
    s.task_def(
        fargate(
            "pipeline-etl",
            "2048",
            "4096",
            json!([{
                "name": "etl",
                "image": ecr("pipeline-etl", "2024.11.3"),
                "essential": true,
                "command": ["python", "-m", "pipeline.etl", "--since", "1h"],
                "mountPoints": [{ "sourceVolume": "mage-data", "containerPath": "/data", "readOnly": true }],
                "logConfiguration": awslogs("/ecs/data-pipeline/etl", "pipeline"),
            }]),
            efs,
        ),
        tags(&[("ecsdeck:runtime-seconds", "240")]),
        now - 9 * DAY,
    );
    s.world.ecs.schedules.push(Schedule {
        cluster: CLUSTER.to_string(),
        family: "pipeline-etl".to_string(),
        rule: "pipeline-etl-every-15-minutes".to_string(),
        every_ms: 15 * 60_000,
        next_ms: now + 2 * 60_000,
        launch_type: "FARGATE".to_string(),
        runtime_ms: 240_000,
    });
}
