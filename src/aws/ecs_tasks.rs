//! Tasks: list with filters (all pages) and describe (batches of 100).

use aws_sdk_ecs::types::{DesiredStatus, LaunchType};

use super::convert::{s, ts};
use super::ecs_clusters::failures;
use super::{AwsClients, AwsError, classify};
use crate::domain::{Container, Failure, Task};

/// DescribeTasks takes at most 100 tasks per call.
pub const DESCRIBE_TASKS_BATCH: usize = 100;

/// Which tasks of a cluster to list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct TaskQuery {
    pub service: Option<String>,
    /// `RUNNING` (default on AWS), `PENDING` or `STOPPED`.
    pub desired_status: Option<String>,
    pub launch_type: Option<String>,
}

impl AwsClients {
    /// Every task ARN of `cluster` matching `query` (all pages).
    pub async fn list_task_arns(
        &self,
        cluster: &str,
        query: &TaskQuery,
    ) -> Result<Vec<String>, AwsError> {
        self.ecs
            .list_tasks()
            .cluster(cluster)
            .set_service_name(query.service.clone())
            .set_desired_status(query.desired_status.as_deref().map(DesiredStatus::from))
            .set_launch_type(query.launch_type.as_deref().map(LaunchType::from))
            .max_results(100)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(classify)
    }

    /// Describes up to 100 tasks of `cluster`.
    pub async fn describe_tasks(
        &self,
        cluster: &str,
        tasks: &[String],
    ) -> Result<(Vec<Task>, Vec<Failure>), AwsError> {
        let out = self
            .ecs
            .describe_tasks()
            .cluster(cluster)
            .set_tasks(Some(tasks.to_vec()))
            .send()
            .await
            .map_err(classify)?;
        let found = out.tasks().iter().map(task).collect();
        Ok((found, failures(out.failures())))
    }
}

fn task(t: &aws_sdk_ecs::types::Task) -> Task {
    Task {
        arn: s(t.task_arn()),
        cluster_arn: s(t.cluster_arn()),
        group: s(t.group()),
        launch_type: t
            .launch_type()
            .map(|l| l.as_str().to_string())
            .or_else(|| t.capacity_provider_name().map(str::to_string))
            .unwrap_or_default(),
        task_definition: s(t.task_definition_arn()),
        last_status: s(t.last_status()),
        desired_status: s(t.desired_status()),
        health: t
            .health_status()
            .map(|h| h.as_str().to_string())
            .unwrap_or_default(),
        cpu: s(t.cpu()),
        memory: s(t.memory()),
        availability_zone: s(t.availability_zone()),
        container_instance_arn: s(t.container_instance_arn()),
        created_at: ts(t.created_at()),
        started_at: ts(t.started_at()),
        stopping_at: ts(t.stopping_at()),
        stopped_at: ts(t.stopped_at()),
        stop_code: t
            .stop_code()
            .map(|c| c.as_str().to_string())
            .unwrap_or_default(),
        stopped_reason: s(t.stopped_reason()),
        private_ip: t
            .attachments()
            .iter()
            .flat_map(|a| a.details())
            .find(|d| d.name() == Some("privateIPv4Address"))
            .and_then(|d| d.value())
            .unwrap_or_default()
            .to_string(),
        containers: t
            .containers()
            .iter()
            .map(|c| Container {
                name: s(c.name()),
                image: s(c.image()),
                image_digest: s(c.image_digest()),
                last_status: s(c.last_status()),
                exit_code: c.exit_code(),
                reason: s(c.reason()),
                health: c
                    .health_status()
                    .map(|h| h.as_str().to_string())
                    .unwrap_or_default(),
                runtime_id: s(c.runtime_id()),
            })
            .collect(),
    }
}
