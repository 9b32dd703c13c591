//! A service's deployment history: ListServiceDeployments (newest first),
//! DescribeServiceDeployments and DescribeServiceRevisions (20 ARNs a
//! call), converted to `domain` types.

use aws_sdk_ecs::types as sdk;

use super::convert::{s, ts};
use super::ecs_clusters::failures;
use super::ecs_services::{load_balancer, network};
use super::{AwsClients, AwsError, classify};
use crate::domain::{
    AlarmsState, BreakerState, ContainerImage, DeploymentRollback, Failure, RevisionSummary,
    ServiceDeployment, ServiceRevision,
};

/// DescribeServiceDeployments and DescribeServiceRevisions take at most 20
/// ARNs per call.
pub const DESCRIBE_DEPLOYMENTS_BATCH: usize = 20;
/// ListServiceDeployments returns at most 100 per page.
const LIST_PAGE: usize = 100;

impl AwsClients {
    /// The ARNs of `service`'s newest `max` deployments, newest first
    /// (one call per 100).
    pub async fn list_service_deployments(
        &self,
        cluster: &str,
        service: &str,
        max: usize,
    ) -> Result<Vec<String>, AwsError> {
        let mut arns = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let want = (max - arns.len()).clamp(1, LIST_PAGE);
            let out = self
                .ecs
                .list_service_deployments()
                .cluster(cluster)
                .service(service)
                .max_results(want as i32)
                .set_next_token(token)
                .send()
                .await
                .map_err(classify)?;
            arns.extend(
                out.service_deployments()
                    .iter()
                    .filter_map(|d| d.service_deployment_arn())
                    .map(str::to_string),
            );
            token = out.next_token().map(str::to_string);
            if token.is_none() || arns.len() >= max {
                arns.truncate(max);
                return Ok(arns);
            }
        }
    }

    /// Describes up to 20 service deployments.
    pub async fn describe_service_deployments(
        &self,
        arns: Vec<String>,
    ) -> Result<(Vec<ServiceDeployment>, Vec<Failure>), AwsError> {
        let out = self
            .ecs
            .describe_service_deployments()
            .set_service_deployment_arns(Some(arns))
            .send()
            .await
            .map_err(classify)?;
        let found = out.service_deployments().iter().map(deployment).collect();
        Ok((found, failures(out.failures())))
    }

    /// Describes up to 20 service revisions.
    pub async fn describe_service_revisions(
        &self,
        arns: Vec<String>,
    ) -> Result<(Vec<ServiceRevision>, Vec<Failure>), AwsError> {
        let out = self
            .ecs
            .describe_service_revisions()
            .set_service_revision_arns(Some(arns))
            .send()
            .await
            .map_err(classify)?;
        let found = out.service_revisions().iter().map(revision).collect();
        Ok((found, failures(out.failures())))
    }
}

fn summary(r: &sdk::ServiceRevisionSummary) -> RevisionSummary {
    RevisionSummary {
        arn: s(r.arn()),
        requested: r.requested_task_count(),
        running: r.running_task_count(),
        pending: r.pending_task_count(),
        production_weight: r.requested_production_traffic_weight(),
    }
}

fn deployment(d: &sdk::ServiceDeployment) -> ServiceDeployment {
    let config = d.deployment_configuration();
    let strategy = config
        .and_then(|c| c.strategy())
        .map(|s| s.as_str().to_string())
        .unwrap_or_else(|| "ROLLING".to_string());
    let steps = config.and_then(|c| match strategy.as_str() {
        "LINEAR" => c.linear_configuration().map(|l| {
            (
                l.step_percent().unwrap_or_default(),
                l.step_bake_time_in_minutes().unwrap_or_default(),
            )
        }),
        "CANARY" => c.canary_configuration().map(|l| {
            (
                l.canary_percent().unwrap_or_default(),
                l.canary_bake_time_in_minutes().unwrap_or_default(),
            )
        }),
        _ => None,
    });
    ServiceDeployment {
        arn: s(d.service_deployment_arn()),
        status: d
            .status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        status_reason: d.status_reason().map(str::to_string),
        created_at: ts(d.created_at()),
        started_at: ts(d.started_at()),
        finished_at: ts(d.finished_at()),
        stopped_at: ts(d.stopped_at()),
        updated_at: ts(d.updated_at()),
        strategy,
        lifecycle_stage: d.lifecycle_stage().map(|s| s.as_str().to_string()),
        bake_time_minutes: config.and_then(|c| c.bake_time_in_minutes()),
        steps,
        source_revisions: d.source_service_revisions().iter().map(summary).collect(),
        target_revision: d.target_service_revision().map(summary),
        rollback: d.rollback().map(|r| DeploymentRollback {
            reason: r.reason().map(str::to_string),
            started_at: ts(r.started_at()),
            revision_arn: r.service_revision_arn().map(str::to_string),
        }),
        circuit_breaker: d.deployment_circuit_breaker().map(|b| BreakerState {
            status: b
                .status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            failure_count: b.failure_count(),
            threshold: b.threshold(),
        }),
        alarms: d.alarms().map(|a| AlarmsState {
            status: a
                .status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            names: a.alarm_names().to_vec(),
            triggered: a.triggered_alarm_names().to_vec(),
        }),
    }
}

fn revision(r: &sdk::ServiceRevision) -> ServiceRevision {
    let launch = match r.launch_type() {
        Some(lt) => lt.as_str().to_string(),
        None => r
            .capacity_provider_strategy()
            .iter()
            .map(|c| c.capacity_provider().to_string())
            .collect::<Vec<_>>()
            .join(", "),
    };
    ServiceRevision {
        arn: s(r.service_revision_arn()),
        task_definition: s(r.task_definition()),
        launch,
        platform_version: r.platform_version().map(str::to_string),
        load_balancers: r.load_balancers().iter().map(load_balancer).collect(),
        network: network(r.network_configuration()),
        images: r
            .container_images()
            .iter()
            .map(|i| ContainerImage {
                container: s(i.container_name()),
                image: s(i.image()),
                digest: i.image_digest().map(str::to_string),
            })
            .collect(),
        created_at: ts(r.created_at()),
    }
}
