//! Services: list (all pages) and describe (batches of 10).

use aws_sdk_ecs::types::ServiceField;

use super::convert::{s, tag, ts};
use super::ecs_clusters::failures;
use super::{AwsClients, AwsError, classify};
use crate::domain::{
    Deployment, DeploymentConfig, Failure, LoadBalancer, NetworkConfig, Service, ServiceEvent,
};

/// DescribeServices takes at most 10 services per call.
pub const DESCRIBE_SERVICES_BATCH: usize = 10;

impl AwsClients {
    /// Every service ARN in `cluster` (all pages, 100 per page).
    pub async fn list_service_arns(&self, cluster: &str) -> Result<Vec<String>, AwsError> {
        self.ecs
            .list_services()
            .cluster(cluster)
            .max_results(100)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(classify)
    }

    /// Describes up to 10 services (names or ARNs) of `cluster`, with tags.
    pub async fn describe_services(
        &self,
        cluster: &str,
        services: &[String],
    ) -> Result<(Vec<Service>, Vec<Failure>), AwsError> {
        let out = self
            .ecs
            .describe_services()
            .cluster(cluster)
            .set_services(Some(services.to_vec()))
            .include(ServiceField::Tags)
            .send()
            .await
            .map_err(classify)?;
        let found = out.services().iter().map(service).collect();
        Ok((found, failures(out.failures())))
    }
}

fn service(svc: &aws_sdk_ecs::types::Service) -> Service {
    let launch_type = match svc.launch_type() {
        Some(lt) => lt.as_str().to_string(),
        None => svc
            .capacity_provider_strategy()
            .iter()
            .map(|c| c.capacity_provider().to_string())
            .collect::<Vec<_>>()
            .join(", "),
    };
    let deployment_config = svc
        .deployment_configuration()
        .map(|dc| DeploymentConfig {
            minimum_healthy_percent: dc.minimum_healthy_percent(),
            maximum_percent: dc.maximum_percent(),
            circuit_breaker: dc.deployment_circuit_breaker().is_some_and(|c| c.enable()),
            rollback: dc
                .deployment_circuit_breaker()
                .is_some_and(|c| c.rollback()),
            strategy: dc.strategy().map(|s| s.as_str().to_string()),
        })
        .unwrap_or_default();
    let network = network(svc.network_configuration());
    Service {
        arn: s(svc.service_arn()),
        name: s(svc.service_name()),
        cluster_arn: s(svc.cluster_arn()),
        status: s(svc.status()),
        launch_type,
        scheduling_strategy: svc
            .scheduling_strategy()
            .map(|x| x.as_str().to_string())
            .unwrap_or_default(),
        desired: svc.desired_count(),
        running: svc.running_count(),
        pending: svc.pending_count(),
        task_definition: s(svc.task_definition()),
        deployments: svc.deployments().iter().map(deployment).collect(),
        events: svc
            .events()
            .iter()
            .map(|e| ServiceEvent {
                id: s(e.id()),
                created_at: ts(e.created_at()).unwrap_or_default(),
                message: s(e.message()),
            })
            .collect(),
        load_balancers: svc.load_balancers().iter().map(load_balancer).collect(),
        network,
        deployment_config,
        created_at: ts(svc.created_at()),
        tags: svc.tags().iter().map(|t| tag(t.key(), t.value())).collect(),
    }
}

/// A service's (or a service revision's) load balancer.
pub(super) fn load_balancer(lb: &aws_sdk_ecs::types::LoadBalancer) -> LoadBalancer {
    LoadBalancer {
        target_group_arn: s(lb.target_group_arn()),
        load_balancer_name: s(lb.load_balancer_name()),
        container_name: s(lb.container_name()),
        container_port: lb.container_port().unwrap_or_default(),
    }
}

/// A service's (or a service revision's) awsvpc network settings.
pub(super) fn network(
    n: Option<&aws_sdk_ecs::types::NetworkConfiguration>,
) -> Option<NetworkConfig> {
    n.and_then(|n| n.awsvpc_configuration())
        .map(|v| NetworkConfig {
            subnets: v.subnets().to_vec(),
            security_groups: v.security_groups().to_vec(),
            assign_public_ip: v
                .assign_public_ip()
                .map(|a| a.as_str().to_string())
                .unwrap_or_default(),
        })
}

fn deployment(d: &aws_sdk_ecs::types::Deployment) -> Deployment {
    Deployment {
        id: s(d.id()),
        status: s(d.status()),
        task_definition: s(d.task_definition()),
        desired: d.desired_count(),
        pending: d.pending_count(),
        running: d.running_count(),
        failed: d.failed_tasks(),
        rollout_state: d
            .rollout_state()
            .map(|r| r.as_str().to_string())
            .unwrap_or_default(),
        rollout_reason: s(d.rollout_state_reason()),
        created_at: ts(d.created_at()),
        updated_at: ts(d.updated_at()),
    }
}
