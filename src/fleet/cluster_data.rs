//! One cluster's services, read together and kept in memory: the rows of
//! the cluster page (health judged once per read, problems first) and the
//! overview's roll-up.
//!
//! The first read of a big cluster is shown as it arrives: ListServices
//! names every service, then DescribeServices runs in batches in list
//! order. Once the first screen's worth is described, a reader waiting
//! for the first load gets that partial copy (counts from the cluster,
//! the rows described so far) and the page fills in as the rest arrive,
//! instead of waiting for describes of rows nobody is looking at.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::watch;

use super::batch::{describe_all, describe_all_progress};
use super::observer::ObserverSlot;
use super::shared::kind;
use super::{Fleet, Fresh};
use crate::aws::{
    AwsClients, AwsError, DESCRIBE_CLUSTERS_BATCH, DESCRIBE_SERVICES_BATCH, DESCRIBE_TASKS_BATCH,
    TaskQuery,
};
use crate::domain::{ContainerInstance, Failure, Health, Service, ServiceHealth, Task, Timestamp};

/// Stopped tasks looked at per cluster for crash evidence (ECS keeps
/// stopped tasks for about an hour; the newest are what matter).
const STOPPED_SAMPLE: usize = 300;
const HOUR_MS: i64 = 3_600_000;
/// Rows a first screen needs (the cluster page's first page).
pub const FIRST_SCREEN: usize = 100;
/// While the rest of a big cluster is described, a new partial copy is
/// published after this many more services.
const PUBLISH_EVERY: usize = 250;

/// A service as the cluster table shows it.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct ServiceRow {
    pub service: Arc<Service>,
    pub health: ServiceHealth,
}

/// Everything about one cluster's services, loaded together and cached
/// (and shared with other replicas as it is).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct ClusterData {
    /// Every service described, problems first, then by name.
    pub rows: Vec<ServiceRow>,
    pub failures: Vec<Failure>,
    /// How many services ListServices named: more than `rows` while the
    /// first read of a big cluster is still describing the rest.
    pub listed: usize,
    /// The overview's roll-up, judged once per read.
    pub roll_up: RollUp,
}

/// One cluster's health roll-up over its services.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct RollUp {
    pub health: Health,
    pub failing: usize,
    pub degraded: usize,
    pub deploying: usize,
    pub failed_deployments: usize,
    /// Tasks stopped in the last hour for reasons other than a user or a
    /// deployment.
    pub crashed_last_hour: usize,
    /// The broken services, worst first: (name, health, why).
    pub problems: Vec<(String, Health, String)>,
}

impl RollUp {
    fn of(rows: &[ServiceRow], stopped: &HashMap<&str, Vec<&Task>>, listed: usize) -> Self {
        let mut problems = Vec::new();
        let (mut failing, mut degraded, mut deploying, mut failed_deployments) = (0, 0, 0, 0);
        for row in rows {
            let (s, h) = (&row.service, &row.health);
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
        } else if listed == 0 {
            Health::Idle
        } else {
            Health::Healthy
        };
        Self {
            health,
            failing,
            degraded,
            deploying,
            failed_deployments,
            crashed_last_hour,
            problems,
        }
    }
}

impl ClusterData {
    fn new(
        services: Vec<Service>,
        stopped: Vec<Task>,
        failures: Vec<Failure>,
        listed: usize,
    ) -> Self {
        let by_service = stopped_by_service(&stopped);
        let mut rows: Vec<ServiceRow> = services
            .into_iter()
            .map(|s| ServiceRow {
                health: ServiceHealth::of(&s, by_service.get(s.name.as_str()).map_or(&[], |v| v)),
                service: Arc::new(s),
            })
            .collect();
        rows.sort_by(|a, b| {
            (a.health.health, &a.service.name).cmp(&(b.health.health, &b.service.name))
        });
        let roll_up = RollUp::of(&rows, &by_service, listed);
        Self {
            rows,
            failures,
            listed,
            roll_up,
        }
    }

    pub fn services(&self) -> impl Iterator<Item = &Service> {
        self.rows.iter().map(|r| r.service.as_ref())
    }

    /// Whether this is a first read's partial copy.
    pub fn filling(&self) -> bool {
        self.rows.len() < self.listed
    }
}

/// Partial copies of first reads in progress, by cache key; an entry
/// exists only while a reader waits for a first screen.
pub(super) type FirstReads =
    moka::sync::Cache<String, Arc<watch::Sender<Option<Arc<ClusterData>>>>>;

fn data_key(cluster: &str) -> String {
    format!("{cluster}/data")
}

impl Fleet {
    /// The cluster's data, waiting for the whole first read if there is no
    /// copy yet.
    pub(super) async fn cluster_data(
        &self,
        cluster: &str,
    ) -> Result<Fresh<Arc<ClusterData>>, AwsError> {
        let (aws, budget, first, observer, shared) = (
            self.aws.clone(),
            self.budget.clone(),
            self.first_reads.clone(),
            self.observer.clone(),
            self.shared.clone(),
        );
        let cluster = cluster.to_string();
        let key = data_key(&cluster);
        self.cluster_data
            .get_dated(&key.clone(), move || {
                let read = load(
                    aws.clone(),
                    budget.clone(),
                    first.clone(),
                    observer.clone(),
                    cluster.clone(),
                );
                shared.load(kind::CLUSTER_DATA, key.clone(), read)
            })
            .await
    }

    /// The cluster's data for a page: the copy in memory, or on a first
    /// read whichever comes first of the whole read and a partial copy
    /// with a first screen's rows.
    pub(super) async fn cluster_data_first_screen(
        &self,
        cluster: &str,
    ) -> Result<Fresh<Arc<ClusterData>>, AwsError> {
        let key = data_key(cluster);
        if self.cluster_data.peek(&key).is_some() {
            return self.cluster_data(cluster).await;
        }
        let mut partial = self
            .first_reads
            .get_with(key, || Arc::new(watch::channel(None).0))
            .subscribe();
        let whole = self.cluster_data(cluster);
        tokio::pin!(whole);
        let part = async {
            let copy = partial.wait_for(Option::is_some).await;
            copy.ok().and_then(|p| (*p).clone())
        };
        tokio::select! {
            biased;
            r = &mut whole => r,
            part = part => match part {
                Some(value) => Ok(Fresh {
                    value,
                    as_of: Timestamp::now(),
                    stale_because: None,
                }),
                None => whole.await,
            },
        }
    }

    /// The cluster's container instances (EC2 capacity), cached like its
    /// services.
    pub(super) async fn instances(
        &self,
        cluster: &str,
    ) -> Result<Fresh<Arc<Vec<ContainerInstance>>>, AwsError> {
        let (aws, budget, shared) = (self.aws.clone(), self.budget.clone(), self.shared.clone());
        let cluster = cluster.to_string();
        let key = format!("{cluster}/instances");
        self.instances
            .get_dated(&key.clone(), move || {
                let (aws, budget, cluster) = (aws.clone(), budget.clone(), cluster.clone());
                shared.load(kind::INSTANCES, key.clone(), async move {
                    let arns = aws.list_container_instance_arns(&cluster).await?;
                    let (mut found, _) =
                        describe_all(&arns, DESCRIBE_CLUSTERS_BATCH, &budget, |a| {
                            let (aws, c) = (aws.clone(), cluster.clone());
                            async move { aws.describe_container_instances(&c, &a).await }
                        })
                        .await?;
                    found.sort_by(|a, b| a.ec2_instance_id.cmp(&b.ec2_instance_id));
                    Ok(Arc::new(found))
                })
            })
            .await
    }
}

/// Reads one cluster's services and recently stopped tasks, publishing
/// partial copies to a waiting first screen.
async fn load(
    aws: AwsClients,
    budget: Arc<tokio::sync::Semaphore>,
    first: FirstReads,
    observer: ObserverSlot,
    cluster: String,
) -> Result<Arc<ClusterData>, AwsError> {
    let key = data_key(&cluster);
    let result = read(&aws, &budget, &first, &cluster, &key).await;
    // The whole copy is in the cache from now on; nobody waits for parts.
    first.invalidate(&key);
    let (services, stopped, failures, listed) = result?;
    // The history recorder keeps what this read saw (no call of its own).
    observer.services(&services);
    observer.tasks(&stopped);
    Ok(Arc::new(ClusterData::new(
        services, stopped, failures, listed,
    )))
}

/// One whole read: services, stopped tasks, failures, services listed.
type Read = (Vec<Service>, Vec<Task>, Vec<Failure>, usize);

async fn read(
    aws: &AwsClients,
    budget: &Arc<tokio::sync::Semaphore>,
    first: &FirstReads,
    cluster: &str,
    key: &str,
) -> Result<Read, AwsError> {
    let arns = aws.list_service_arns(cluster).await?;
    let listed = arns.len();
    let mut published = 0;
    let (services, failures) = describe_all_progress(
        &arns,
        DESCRIBE_SERVICES_BATCH,
        budget,
        |s| async move { aws.describe_services(cluster, &s).await },
        |so_far: &[Service]| {
            let n = so_far.len();
            let due = if published == 0 {
                n >= FIRST_SCREEN
            } else {
                n >= published + PUBLISH_EVERY
            };
            if due
                && n < listed
                && let Some(waiting) = first.get(key)
            {
                published = n;
                let part = ClusterData::new(so_far.to_vec(), Vec::new(), Vec::new(), listed);
                waiting.send_replace(Some(Arc::new(part)));
            }
        },
    )
    .await?;
    let query = TaskQuery {
        desired_status: Some("STOPPED".to_string()),
        ..Default::default()
    };
    let mut stopped_arns = aws.list_task_arns(cluster, &query).await?;
    stopped_arns.truncate(STOPPED_SAMPLE);
    let (mut stopped, _) = describe_all(
        &stopped_arns,
        DESCRIBE_TASKS_BATCH,
        budget,
        |t| async move { aws.describe_tasks(cluster, &t).await },
    )
    .await?;
    stopped.sort_by_key(|t| std::cmp::Reverse(t.stopped_at));
    Ok((services, stopped, failures, listed))
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
