//! The Rails production cluster on EC2: one service, a Puma web container
//! and a GoodJob worker, task definition revisions 1–3 (images
//! production-301/304/305), secrets from Secrets Manager.

use serde_json::{Value, json};

use super::builder::{Img, Seeder, SvcSpec, awslogs, ecr, tags};
use super::history::{Outcome, Past};
use crate::sandbox::ecr::Findings;
use crate::sandbox::ecs::model::DeploymentConfig;
use crate::sandbox::ecs::{arn, rollout, task_definitions};
use crate::sandbox::world::World;

pub const CLUSTER: &str = "acme-production";
pub const SERVICE: &str = "acme-production";
const FAMILY: &str = "acme-app-production";
const REPO: &str = "acme-app-production";
const DAY: i64 = 86_400_000;

fn secret(name: &str) -> Value {
    json!({
        "name": name,
        "valueFrom": format!(
            "arn:aws:secretsmanager:{}:{}:secret:acme/production/{}-Ab12Cd",
            crate::sandbox::region::TEMPLATE, arn::ACCOUNT, name.to_ascii_lowercase().replace('_', "-")
        ),
    })
}

fn body(tag: &str) -> Value {
    let env = |pairs: &[(&str, &str)]| -> Value {
        Value::Array(
            pairs
                .iter()
                .map(|(k, v)| json!({ "name": k, "value": v }))
                .collect(),
        )
    };
    let common = [
        ("RAILS_ENV", "production"),
        ("RAILS_LOG_TO_STDOUT", "true"),
        (
            "POSTGRES_PROD_HOST",
            "acme-prod.cluster-c9xk2mz1ab.us-east-1.rds.amazonaws.com",
        ),
        ("POSTGRES_PROD_USER", "acme_app"),
        ("POSTGRES_PROD_PASSWORD", "Pr0d-db-pa55w0rd-rotate-me"),
        ("RAILS_MASTER_KEY", "9f2c4e6a8b0d1f3e5a7c9e1b3d5f7a9c"),
        (
            "SECRET_KEY_BASE",
            "5e8f1a3c7b9d2e4f6a8c0e2b4d6f8a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f",
        ),
        ("GOOD_JOB_IN_PUMA", "false"),
        ("BASE_URL", "https://app.acme.example"),
    ];
    let secrets = json!([
        secret("S3_STORAGE_SECRET"),
        secret("OPENAI_API_KEY"),
        secret("SENDGRID_API_KEY")
    ]);
    json!({
        "family": FAMILY,
        "networkMode": "bridge",
        "requiresCompatibilities": ["EC2"],
        "taskRoleArn": format!("arn:aws:iam::{}:role/acme-production-task", arn::ACCOUNT),
        "executionRoleArn": format!("arn:aws:iam::{}:role/ecsTaskExecutionRole", arn::ACCOUNT),
        "containerDefinitions": [
            {
                "name": "acme-app-production",
                "image": ecr(REPO, tag),
                "cpu": 1024,
                "memory": 2048,
                "essential": true,
                "portMappings": [{ "containerPort": 4000, "hostPort": 4000, "protocol": "tcp" }],
                "command": ["bundle", "exec", "puma", "-C", "config/puma.rb"],
                "environment": env(&common),
                "secrets": secrets,
                "healthCheck": {
                    "command": ["CMD-SHELL", "curl -fs http://localhost:4000/up || exit 1"],
                    "interval": 30, "timeout": 5, "retries": 3, "startPeriod": 60
                },
                "logConfiguration": awslogs("/ecs/acme-app-production", "ecs"),
            },
            {
                "name": "acme-app-production-worker",
                "image": ecr(REPO, tag),
                "cpu": 512,
                "memory": 1024,
                "essential": true,
                "command": ["bundle", "exec", "good_job", "start"],
                "environment": env(&common),
                "secrets": secrets,
                "logConfiguration": awslogs("/ecs/acme-app-production-worker", "ecs"),
            }
        ],
    })
}

pub fn seed(s: &mut Seeder<'_>) {
    let now = s.now;
    s.cluster(
        CLUSTER,
        tags(&[("environment", "production"), ("team", "platform")]),
        &[],
    );
    s.instances(CLUSTER, 2, "m5.large", 2048, 7680);
    let critical = Findings {
        critical: 2,
        high: 7,
        medium: 14,
        low: 22,
        informational: 5,
    };
    let ok = Findings {
        critical: 0,
        high: 1,
        medium: 6,
        low: 11,
        informational: 3,
    };
    s.repo(
        REPO,
        &[
            Img {
                tags: &["production-301"],
                age_days: 41,
                size_mb: 612,
                findings: Some(critical),
            },
            Img {
                tags: &[],
                age_days: 30,
                size_mb: 608,
                findings: None,
            },
            Img {
                tags: &["production-304"],
                age_days: 12,
                size_mb: 618,
                findings: Some(ok),
            },
            Img {
                tags: &["production-305", "latest"],
                age_days: 1,
                size_mb: 621,
                findings: Some(ok),
            },
        ],
    );
    s.log_group("/ecs/acme-app-production");
    s.log_group("/ecs/acme-app-production-worker");
    let t = tags(&[("environment", "production")]);
    let rev1 = s.task_def(body("production-301"), t.clone(), now - 41 * DAY);
    let rev2 = s.task_def(body("production-304"), t.clone(), now - 12 * DAY);
    s.task_def(body("production-305"), t, now - DAY);
    s.service(SvcSpec {
        desired: 1,
        launch: "EC2",
        awsvpc: false,
        grace: Some(120),
        // Behind the ALB; its health check is on port 4000 (`elb::seed`).
        lb: Some(("acme-production-tg", "acme-app-production", 4000)),
        tags: tags(&[("environment", "production"), ("app", "acme")]),
        deployed_days_ago: 12,
        config: DeploymentConfig {
            alarm_names: vec![ALARM.to_string()],
            alarm_rollback: true,
            ..DeploymentConfig::default()
        },
        ..SvcSpec::new(CLUSTER, SERVICE, &rev2)
    });
    // Revision 2 first went out 13 days ago and tripped the CPU alarm.
    s.past_deployments(
        CLUSTER,
        SERVICE,
        &[
            Past {
                td: &rev1,
                days_ago: 41.0,
                minutes: 6,
                outcome: Outcome::Success,
            },
            Past {
                td: &rev2,
                days_ago: 13.0,
                minutes: 11,
                outcome: Outcome::Alarm(ALARM),
            },
        ],
    );
}

/// The alarm that rolled back revision 2's first deployment.
const ALARM: &str = "acme-production/acme-production CPU high";

/// The last hour's deployment of production-305 (revision 3).
pub fn deploy_latest(world: &mut World, at: i64) {
    let ecs = &mut world.ecs;
    let Some(td) = task_definitions::latest(&ecs.task_defs, FAMILY).map(|d| d.arn.clone()) else {
        return;
    };
    let Some(svc) = ecs
        .clusters
        .get_mut(CLUSTER)
        .and_then(|c| c.services.get_mut(SERVICE))
    else {
        return;
    };
    rollout::start_deployment(svc, &mut ecs.rng, &td, None, at);
}
