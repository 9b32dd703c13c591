//! A FireLens service in the data-pipeline cluster: `pipeline-events` runs
//! three tasks whose `events` container ships its lines through a Fluent
//! Bit log router (`awsfirelens`, the `cloudwatch_logs` output) to
//! `/ecs/data-pipeline/events`, one stream per task
//! (`events/` + `events-firelens-TASK_ID`). The router itself logs with
//! awslogs, as AWS's examples do.

use serde_json::json;

use super::builder::{Seeder, SvcSpec, awslogs, ecr, tags};
use crate::sandbox::ecs::arn;

pub const CLUSTER: &str = "data-pipeline";
pub const SERVICE: &str = "pipeline-events";
pub const GROUP: &str = "/ecs/data-pipeline/events";
const DAY: i64 = 86_400_000;

pub fn seed(s: &mut Seeder<'_>) {
    let now = s.now;
    s.log_group(GROUP);
    s.log_group("/ecs/data-pipeline/firelens");
    let td = s.task_def(
        json!({
            "family": SERVICE,
            "networkMode": "awsvpc",
            "requiresCompatibilities": ["FARGATE"],
            "cpu": "512",
            "memory": "1024",
            "taskRoleArn": format!("arn:aws:iam::{}:role/data-pipeline-task", arn::ACCOUNT),
            "executionRoleArn": format!("arn:aws:iam::{}:role/ecsTaskExecutionRole", arn::ACCOUNT),
            "containerDefinitions": [
                {
                    "name": "log_router",
                    "image": "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable",
                    "essential": true,
                    "firelensConfiguration": { "type": "fluentbit" },
                    "logConfiguration": awslogs("/ecs/data-pipeline/firelens", "firelens"),
                },
                {
                    "name": "events",
                    "image": ecr("pipeline-app", "v2.15.1"),
                    "essential": true,
                    "command": ["python", "-m", "pipeline.events"],
                    "logConfiguration": {
                        "logDriver": "awsfirelens",
                        "options": {
                            "Name": "cloudwatch_logs",
                            "region": crate::sandbox::region::TEMPLATE,
                            "log_group_name": GROUP,
                            "log_stream_prefix": "events/",
                            "auto_create_group": "false",
                        },
                    },
                },
            ],
        }),
        vec![],
        now - 3 * DAY,
    );
    s.service(SvcSpec {
        desired: 3,
        tags: tags(&[("environment", "production"), ("logging", "firelens")]),
        deployed_days_ago: 3,
        ..SvcSpec::new(CLUSTER, SERVICE, &td)
    });
}
