//! Clusters: the overview roll-up and one cluster's services table.

use std::sync::Arc;

use super::batch::describe_all;
use super::cluster_data::{ClusterData, ServiceRow};
use super::shared::kind;
use super::{Fleet, Fresh};
use crate::aws::{AwsError, DESCRIBE_CLUSTERS_BATCH};
use crate::domain::{Cluster, ContainerInstance, Failure, Health};

/// One cluster with its health roll-up, as the overview lists it.
#[derive(Clone, Debug)]
pub struct ClusterSummary {
    pub cluster: Cluster,
    pub health: Health,
    pub services: usize,
    pub failing: usize,
    pub degraded: usize,
    pub deploying: usize,
    pub failed_deployments: usize,
    /// Tasks stopped in the last hour for reasons other than a user or a
    /// deployment (crashes, OOM kills, failed starts, health checks).
    pub crashed_last_hour: usize,
    /// The broken services, worst first: (name, health, why).
    pub problems: Vec<(String, Health, String)>,
}

/// One cluster's page data.
#[derive(Clone, Debug)]
pub struct ClusterView {
    pub cluster: Cluster,
    data: Arc<ClusterData>,
    pub instances: Arc<Vec<ContainerInstance>>,
}

impl ClusterView {
    /// Every service described, problems first, then by name.
    pub fn rows(&self) -> &[ServiceRow] {
        &self.data.rows
    }

    pub fn failures(&self) -> &[Failure] {
        &self.data.failures
    }

    /// How many services the cluster has (ListServices' count).
    pub fn listed(&self) -> usize {
        self.data.listed
    }

    /// Whether the rows are a first read's partial copy, still filling in.
    pub fn filling(&self) -> bool {
        self.data.filling()
    }
}

impl Fleet {
    /// Every cluster, described (cached).
    pub async fn clusters(&self) -> Result<Fresh<Arc<Vec<Cluster>>>, AwsError> {
        let aws = self.aws.clone();
        let budget = self.budget.clone();
        let shared = self.shared.clone();
        self.clusters
            .get_dated("all", move || {
                let (aws, budget) = (aws.clone(), budget.clone());
                shared.load(kind::CLUSTERS, "all".to_string(), async move {
                    let arns = aws.list_cluster_arns().await?;
                    let (mut found, _) =
                        describe_all(&arns, DESCRIBE_CLUSTERS_BATCH, &budget, |c| {
                            let aws = aws.clone();
                            async move { aws.describe_clusters(&c).await }
                        })
                        .await?;
                    found.sort_by(|a, b| a.name.cmp(&b.name));
                    Ok(Arc::new(found))
                })
            })
            .await
    }

    /// One cluster by name or ARN, from the cluster list in memory;
    /// `NotFound` if the list does not have it. A name from a URL costs no
    /// AWS call of its own: a cluster created since shows after the list's
    /// next refresh (within seconds while someone looks).
    pub async fn cluster(&self, name: &str) -> Result<Cluster, AwsError> {
        let all = self.clusters().await?;
        all.value
            .iter()
            .find(|c| c.name == name || c.arn == name)
            .cloned()
            .ok_or_else(|| AwsError::NotFound {
                code: "ClusterNotFoundException".to_string(),
                message: format!("Cluster {name} not found (as of the last refresh)."),
            })
    }

    /// The overview: every cluster with its health roll-up, problems first.
    pub async fn overview(&self) -> Result<Fresh<Vec<ClusterSummary>>, AwsError> {
        let clusters = self.clusters().await?;
        let mut summaries = Vec::with_capacity(clusters.value.len());
        let mut as_of = clusters.as_of;
        let mut stale = clusters.stale_because.clone();
        let loads = clusters.value.iter().map(|c| self.cluster_data(&c.name));
        for (cluster, data) in clusters
            .value
            .iter()
            .zip(futures::future::join_all(loads).await)
        {
            let data = data?;
            as_of = as_of.min(data.as_of);
            stale = stale.or(data.stale_because.clone());
            summaries.push(summarize(cluster.clone(), &data.value));
        }
        summaries.sort_by(|a, b| {
            (a.health, a.cluster.name.as_str()).cmp(&(b.health, b.cluster.name.as_str()))
        });
        Ok(Fresh {
            value: summaries,
            as_of,
            stale_because: stale,
        })
    }

    /// One cluster's services (with health) and container instances. On
    /// the first read of a big cluster this answers as soon as a first
    /// screen of rows is described (`ClusterView::filling`).
    pub async fn cluster_view(&self, name: &str) -> Result<Fresh<ClusterView>, AwsError> {
        let cluster = self.cluster(name).await?;
        let data = self.cluster_data_first_screen(&cluster.name).await?;
        let instances = if cluster.container_instances > 0 {
            self.instances(&cluster.name).await?.value
        } else {
            Arc::default()
        };
        Ok(Fresh {
            value: ClusterView {
                cluster,
                data: data.value,
                instances,
            },
            as_of: data.as_of,
            stale_because: data.stale_because,
        })
    }
}

fn summarize(cluster: Cluster, data: &ClusterData) -> ClusterSummary {
    let r = &data.roll_up;
    ClusterSummary {
        cluster,
        health: r.health,
        services: data.listed,
        failing: r.failing,
        degraded: r.degraded,
        deploying: r.deploying,
        failed_deployments: r.failed_deployments,
        crashed_last_hour: r.crashed_last_hour,
        problems: r.problems.clone(),
    }
}
