//! Clusters: the overview roll-up and one cluster's services table.

use std::collections::HashMap;
use std::sync::Arc;

use super::batch::describe_all;
use super::{Fleet, Fresh};
use crate::aws::{
    AwsError, DESCRIBE_CLUSTERS_BATCH, DESCRIBE_SERVICES_BATCH, DESCRIBE_TASKS_BATCH, TaskQuery,
};
use crate::domain::{
    Cluster, ContainerInstance, Failure, Health, Service, ServiceHealth, Task, Timestamp,
};

/// Stopped tasks looked at per cluster for crash evidence (ECS keeps
/// stopped tasks for about an hour; the newest are what matter).
const STOPPED_SAMPLE: usize = 300;
const HOUR_MS: i64 = 3_600_000;

/// Everything about one cluster's services, loaded together and cached.
#[derive(Debug)]
pub(super) struct ClusterData {
    pub services: Vec<Service>,
    /// Recently stopped tasks (newest first), for health and stop reasons.
    pub stopped: Vec<Task>,
    pub failures: Vec<Failure>,
}

/// A service as the cluster table shows it.
#[derive(Clone, Debug)]
pub struct ServiceRow {
    pub service: Service,
    pub health: ServiceHealth,
}

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
    pub rows: Vec<ServiceRow>,
    pub instances: Vec<ContainerInstance>,
    pub failures: Vec<Failure>,
}

impl Fleet {
    /// Every cluster, described (cached).
    pub async fn clusters(&self) -> Result<Fresh<Arc<Vec<Cluster>>>, AwsError> {
        let aws = self.aws.clone();
        let budget = self.budget.clone();
        self.clusters
            .get("all", move || {
                let (aws, budget) = (aws.clone(), budget.clone());
                async move {
                    let arns = aws.list_cluster_arns().await?;
                    let (mut found, _) =
                        describe_all(&arns, DESCRIBE_CLUSTERS_BATCH, &budget, |c| {
                            let aws = aws.clone();
                            async move { aws.describe_clusters(&c).await }
                        })
                        .await?;
                    found.sort_by(|a, b| a.name.cmp(&b.name));
                    Ok(Arc::new(found))
                }
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

    pub(super) async fn cluster_data(
        &self,
        cluster: &str,
    ) -> Result<Fresh<Arc<ClusterData>>, AwsError> {
        let aws = self.aws.clone();
        let budget = self.budget.clone();
        let cluster = cluster.to_string();
        self.cluster_data
            .get(&format!("{cluster}/data"), move || {
                let (aws, budget, cluster) = (aws.clone(), budget.clone(), cluster.clone());
                async move {
                    let arns = aws.list_service_arns(&cluster).await?;
                    let (services, failures) =
                        describe_all(&arns, DESCRIBE_SERVICES_BATCH, &budget, |s| {
                            let (aws, cluster) = (aws.clone(), cluster.clone());
                            async move { aws.describe_services(&cluster, &s).await }
                        })
                        .await?;
                    let query = TaskQuery {
                        desired_status: Some("STOPPED".to_string()),
                        ..Default::default()
                    };
                    let mut stopped_arns = aws.list_task_arns(&cluster, &query).await?;
                    stopped_arns.truncate(STOPPED_SAMPLE);
                    let (mut stopped, _) =
                        describe_all(&stopped_arns, DESCRIBE_TASKS_BATCH, &budget, |t| {
                            let (aws, cluster) = (aws.clone(), cluster.clone());
                            async move { aws.describe_tasks(&cluster, &t).await }
                        })
                        .await?;
                    stopped.sort_by_key(|t| std::cmp::Reverse(t.stopped_at));
                    Ok(Arc::new(ClusterData {
                        services,
                        stopped,
                        failures,
                    }))
                }
            })
            .await
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

    /// One cluster's services (with health) and container instances.
    pub async fn cluster_view(&self, name: &str) -> Result<Fresh<ClusterView>, AwsError> {
        let cluster = self.cluster(name).await?;
        let data = self.cluster_data(&cluster.name).await?;
        let stopped = stopped_by_service(&data.value.stopped);
        let rows = data
            .value
            .services
            .iter()
            .map(|s| ServiceRow {
                health: ServiceHealth::of(s, stopped.get(s.name.as_str()).map_or(&[], |v| v)),
                service: s.clone(),
            })
            .collect();
        let instances = if cluster.container_instances > 0 {
            let arns = self.aws.list_container_instance_arns(&cluster.name).await?;
            let (mut found, _) = describe_all(&arns, DESCRIBE_CLUSTERS_BATCH, &self.budget, |a| {
                let (aws, c) = (self.aws.clone(), cluster.name.clone());
                async move { aws.describe_container_instances(&c, &a).await }
            })
            .await?;
            found.sort_by(|a, b| a.ec2_instance_id.cmp(&b.ec2_instance_id));
            found
        } else {
            Vec::new()
        };
        Ok(Fresh {
            value: ClusterView {
                cluster,
                rows,
                instances,
                failures: data.value.failures.clone(),
            },
            as_of: data.as_of,
            stale_because: data.stale_because,
        })
    }
}

/// Recently stopped tasks grouped by service name.
pub(super) fn stopped_by_service(stopped: &[Task]) -> HashMap<&str, Vec<&Task>> {
    let since = Timestamp::now().millis() - HOUR_MS;
    let mut map: HashMap<&str, Vec<&Task>> = HashMap::new();
    for t in stopped {
        if t.stopped_at.is_none_or(|at| at.millis() >= since)
            && let Some(service) = t.service_name()
        {
            map.entry(service).or_default().push(t);
        }
    }
    map
}

fn summarize(cluster: Cluster, data: &ClusterData) -> ClusterSummary {
    let stopped = stopped_by_service(&data.stopped);
    let mut problems = Vec::new();
    let (mut failing, mut degraded, mut deploying, mut failed_deployments) = (0, 0, 0, 0);
    for s in &data.services {
        let h = ServiceHealth::of(s, stopped.get(s.name.as_str()).map_or(&[], |v| v));
        match h.health {
            Health::Failing => failing += 1,
            Health::Degraded => degraded += 1,
            Health::Progressing => deploying += 1,
            _ => {}
        }
        if s.primary().is_some_and(|d| d.rollout_state == "FAILED") {
            failed_deployments += 1;
        }
        if h.health.is_problem() {
            problems.push((s.name.clone(), h.health, h.summary()));
        }
    }
    problems.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    let crashed_last_hour = stopped
        .values()
        .flatten()
        .filter(|t| t.stopped_abnormally())
        .count();
    let health = if failing > 0 {
        Health::Failing
    } else if degraded > 0 {
        Health::Degraded
    } else if deploying > 0 {
        Health::Progressing
    } else if data.services.is_empty() {
        Health::Idle
    } else {
        Health::Healthy
    };
    ClusterSummary {
        cluster,
        health,
        services: data.services.len(),
        failing,
        degraded,
        deploying,
        failed_deployments,
        crashed_last_hour,
        problems,
    }
}
