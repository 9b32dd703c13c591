//! Clusters and container instances: list (all pages) and describe.

use aws_sdk_ecs::types::{ClusterField, ContainerInstanceField};

use super::convert::{s, tag};
use super::{AwsClients, AwsError, classify};
use crate::domain::{Cluster, ContainerInstance, Failure};

/// DescribeClusters and DescribeContainerInstances take up to 100 ARNs.
pub const DESCRIBE_CLUSTERS_BATCH: usize = 100;

impl AwsClients {
    /// Every cluster ARN in the account/region (all pages).
    pub async fn list_cluster_arns(&self) -> Result<Vec<String>, AwsError> {
        self.ecs
            .list_clusters()
            .max_results(100)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(classify)
    }

    /// Describes up to 100 clusters (names or ARNs) with tags and settings.
    pub async fn describe_clusters(
        &self,
        clusters: &[String],
    ) -> Result<(Vec<Cluster>, Vec<Failure>), AwsError> {
        let out = self
            .ecs
            .describe_clusters()
            .set_clusters(Some(clusters.to_vec()))
            .include(ClusterField::Tags)
            .include(ClusterField::Settings)
            .include(ClusterField::Statistics)
            .send()
            .await
            .map_err(classify)?;
        let found = out
            .clusters()
            .iter()
            .map(|c| Cluster {
                arn: s(c.cluster_arn()),
                name: s(c.cluster_name()),
                status: s(c.status()),
                active_services: c.active_services_count(),
                running_tasks: c.running_tasks_count(),
                pending_tasks: c.pending_tasks_count(),
                container_instances: c.registered_container_instances_count(),
                capacity_providers: c.capacity_providers().to_vec(),
                container_insights: c.settings().iter().any(|st| {
                    st.name().is_some_and(|n| n.as_str() == "containerInsights")
                        && st.value().is_some_and(|v| v != "disabled")
                }),
                tags: c.tags().iter().map(|t| tag(t.key(), t.value())).collect(),
            })
            .collect();
        Ok((found, failures(out.failures())))
    }

    /// Every container instance ARN of `cluster` (all pages).
    pub async fn list_container_instance_arns(
        &self,
        cluster: &str,
    ) -> Result<Vec<String>, AwsError> {
        self.ecs
            .list_container_instances()
            .cluster(cluster)
            .max_results(100)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(classify)
    }

    /// Describes up to 100 container instances of `cluster`.
    pub async fn describe_container_instances(
        &self,
        cluster: &str,
        arns: &[String],
    ) -> Result<(Vec<ContainerInstance>, Vec<Failure>), AwsError> {
        let out = self
            .ecs
            .describe_container_instances()
            .cluster(cluster)
            .set_container_instances(Some(arns.to_vec()))
            .include(ContainerInstanceField::ContainerInstanceHealth)
            .send()
            .await
            .map_err(classify)?;
        let found = out
            .container_instances()
            .iter()
            .map(|ci| {
                let resource = |list: &[aws_sdk_ecs::types::Resource], name: &str| {
                    list.iter()
                        .find(|r| r.name() == Some(name))
                        .map(|r| r.integer_value())
                        .unwrap_or_default()
                };
                ContainerInstance {
                    arn: s(ci.container_instance_arn()),
                    ec2_instance_id: s(ci.ec2_instance_id()),
                    status: s(ci.status()),
                    agent_connected: ci.agent_connected(),
                    running_tasks: ci.running_tasks_count(),
                    pending_tasks: ci.pending_tasks_count(),
                    cpu_registered: resource(ci.registered_resources(), "CPU"),
                    cpu_remaining: resource(ci.remaining_resources(), "CPU"),
                    memory_registered: resource(ci.registered_resources(), "MEMORY"),
                    memory_remaining: resource(ci.remaining_resources(), "MEMORY"),
                    instance_type: ci
                        .attributes()
                        .iter()
                        .find(|a| a.name() == "ecs.instance-type")
                        .and_then(|a| a.value())
                        .unwrap_or_default()
                        .to_string(),
                }
            })
            .collect();
        Ok((found, failures(out.failures())))
    }
}

pub(crate) fn failures(list: &[aws_sdk_ecs::types::Failure]) -> Vec<Failure> {
    list.iter()
        .map(|f| Failure {
            arn: s(f.arn()),
            reason: s(f.reason()),
            detail: s(f.detail()),
        })
        .collect()
}
