//! The read model: everything a page shows comes through here, never
//! straight from a handler to the SDK. It paginates every list, batches
//! describes, runs them under a concurrency budget, caches with short TTLs,
//! coalesces identical in-flight reads and serves stale data (with its age)
//! when AWS throttles.

mod alarms;
mod autoscaling;
mod batch;
mod cache;
mod cluster_data;
mod clusters;
mod deployments;
mod images;
pub mod logs;
mod metrics;
mod observer;
mod refresh;
mod services;
mod shared;
mod targets;
mod task_definitions;
mod tasks;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::aws::AwsClients;
use crate::clock::Clock;
use crate::domain::{
    ContainerInstance, Image, Repository, Revision, Service, Task, TaskDefinition,
};

pub use cache::Fresh;
pub use cluster_data::{FIRST_SCREEN, ServiceRow};
pub use clusters::{ClusterSummary, ClusterView};
pub use deployments::{DEPLOYMENTS_SHOWN, DeploymentHistory};
pub use images::{ImageUse, RepositoryView};
pub use metrics::{Metrics, cluster_queries, row_ids, service_queries};
pub use observer::Observer;
pub use refresh::{RefreshTiming, Round};
pub use services::ServiceView;
pub use shared::SharedModel;

use cache::{Cache, CachePolicy};
use cluster_data::{ClusterData, FirstReads};

/// How long the fleet reuses what it read, and the clock it measures by.
#[derive(Clone, Debug)]
pub struct CacheTiming {
    /// Clusters, services and tasks. Short: operators watch deployments
    /// move.
    pub live: Duration,
    /// ECR repositories and images: they change on pushes only.
    pub images: Duration,
    /// Task definition revisions: they never change.
    pub task_definitions: Duration,
    /// System time in production; tests move a manual clock instead of
    /// waiting for a TTL to pass.
    pub clock: Clock,
    /// How the background refresher paces itself.
    pub refresh: RefreshTiming,
}

impl Default for CacheTiming {
    fn default() -> Self {
        Self {
            live: Duration::from_secs(3),
            images: Duration::from_secs(30),
            task_definitions: Duration::from_secs(24 * 3600),
            clock: Clock::system(),
            refresh: RefreshTiming::default(),
        }
    }
}
/// Clusters (and ECR repositories) held at most per environment.
const MAX_CLUSTERS: u64 = 2_000;
/// Services, task lists and task definitions held at most per environment.
const MAX_VIEWS: u64 = 10_000;
/// A key nobody read for this long is dropped.
const IDLE: Duration = Duration::from_secs(15 * 60);
/// CloudWatch publishes ECS metrics once a minute.
const METRICS_AGE: Duration = Duration::from_secs(60);
/// Describe batches in flight at once across all users of one environment,
/// well under ECS's sustained read rates.
const DESCRIBE_BUDGET: usize = 16;

/// The read model of one environment.
pub struct Fleet {
    aws: AwsClients,
    budget: Arc<Semaphore>,
    clusters: Cache<Arc<Vec<crate::domain::Cluster>>>,
    cluster_data: Cache<Arc<ClusterData>>,
    /// Partial copies of big clusters' first reads, for first screens.
    first_reads: FirstReads,
    instances: Cache<Arc<Vec<ContainerInstance>>>,
    tasks: Cache<Arc<Vec<Task>>>,
    services: Cache<Arc<Service>>,
    /// Task definition revisions never change: cached for a day.
    task_definitions: Cache<Arc<TaskDefinition>>,
    repositories: Cache<Arc<Vec<Repository>>>,
    /// Task definition families, and each family's revisions.
    families: Cache<Arc<Vec<String>>>,
    revisions: Cache<Arc<Vec<Revision>>>,
    images: Cache<Arc<Vec<Image>>>,
    /// CloudWatch series (cluster sparklines, service charts).
    metrics: Cache<Arc<metrics::Metrics>>,
    /// Load balancer target groups and target health per service.
    targets: Cache<Arc<Vec<crate::domain::GroupHealth>>>,
    /// CloudWatch alarms on ECS (one key: the environment's list).
    alarms: Cache<Arc<Vec<crate::domain::Alarm>>>,
    /// Application Auto Scaling per service.
    autoscaling: Cache<Arc<crate::domain::Autoscaling>>,
    /// Deployment history per service, and what never changes in it.
    deployments: Cache<Arc<DeploymentHistory>>,
    memo: deployments::Memo,
    refresh: RefreshTiming,
    /// Log reads: recent lines of a view, group and stream listings.
    logs: logs::LogCache,
    /// Told about every read of services and tasks (the history recorder).
    observer: observer::ObserverSlot,
    /// What this replica shares with the others of its environment.
    shared: shared::SharedSlot,
}

impl Fleet {
    pub fn new(aws: AwsClients) -> Self {
        Self::with_timing(aws, CacheTiming::default())
    }

    /// A fleet whose caches keep values for `timing`'s TTLs by its clock.
    pub fn with_timing(aws: AwsClients, timing: CacheTiming) -> Self {
        let CacheTiming {
            live,
            images,
            task_definitions,
            clock,
            refresh,
        } = timing;
        let policy = |refresh_after, max_keys| CachePolicy {
            refresh_after,
            max_keys,
            idle: IDLE,
        };
        Self {
            aws,
            budget: Arc::new(Semaphore::new(DESCRIBE_BUDGET)),
            clusters: Cache::new(policy(live, 4), clock.clone()),
            cluster_data: Cache::new(policy(live, MAX_CLUSTERS), clock.clone()),
            first_reads: moka::sync::Cache::builder()
                .max_capacity(MAX_CLUSTERS)
                .time_to_live(IDLE)
                .build(),
            instances: Cache::new(policy(live, MAX_CLUSTERS), clock.clone()),
            tasks: Cache::new(policy(live, MAX_VIEWS), clock.clone()),
            services: Cache::new(policy(live, MAX_VIEWS), clock.clone()),
            task_definitions: Cache::new(policy(task_definitions, MAX_VIEWS), clock.clone()),
            repositories: Cache::new(policy(images, 4), clock.clone()),
            families: Cache::new(policy(images, 4), clock.clone()),
            revisions: Cache::new(policy(images, MAX_VIEWS), clock.clone()),
            images: Cache::new(policy(images, MAX_CLUSTERS), clock.clone()),
            metrics: Cache::new(policy(METRICS_AGE, MAX_VIEWS), clock.clone()),
            alarms: Cache::new(policy(METRICS_AGE, 1), clock.clone()),
            autoscaling: Cache::new(policy(live, MAX_VIEWS), clock.clone()),
            deployments: Cache::new(policy(live, MAX_VIEWS), clock.clone()),
            memo: deployments::Memo::default(),
            targets: Cache::new(policy(live, MAX_VIEWS), clock),
            refresh,
            logs: logs::LogCache::new(logs::LogCacheLimits::default()),
            observer: observer::ObserverSlot::default(),
            shared: shared::SharedSlot::default(),
        }
    }

    pub fn refresh_timing(&self) -> RefreshTiming {
        self.refresh
    }

    /// How many services each cluster in memory has (for the sweep's
    /// size).
    pub(crate) fn known_service_counts(&self) -> Vec<usize> {
        self.cluster_data
            .values()
            .iter()
            .map(|d| d.listed)
            .collect()
    }

    /// Keys the model holds, per cache (bounded; for tests and metrics).
    pub fn sizes(&self) -> Vec<(&'static str, u64)> {
        vec![
            ("clusters", self.clusters.key_count()),
            ("cluster_data", self.cluster_data.key_count()),
            ("instances", self.instances.key_count()),
            ("services", self.services.key_count()),
            ("tasks", self.tasks.key_count()),
            ("task_definitions", self.task_definitions.key_count()),
            ("repositories", self.repositories.key_count()),
            ("families", self.families.key_count()),
            ("revisions", self.revisions.key_count()),
            ("images", self.images.key_count()),
            ("metrics", self.metrics.key_count()),
            ("alarms", self.alarms.key_count()),
            ("targets", self.targets.key_count()),
            ("autoscaling", self.autoscaling.key_count()),
            ("deployments", self.deployments.key_count()),
        ]
    }

    /// The same read model with other log cache limits.
    pub fn with_log_cache(mut self, limits: logs::LogCacheLimits) -> Self {
        self.logs = logs::LogCache::new(limits);
        self
    }

    /// Forgets what an action on `cluster` may have changed.
    pub fn invalidate_cluster(&self, cluster: &str) {
        let prefix = format!("{cluster}/");
        self.clusters.invalidate("");
        self.cluster_data.invalidate(&prefix);
        self.instances.invalidate(&prefix);
        // An action may have registered a revision.
        self.families.invalidate("");
        self.revisions.invalidate("");
        self.tasks.invalidate(&prefix);
        self.services.invalidate(&prefix);
        self.targets.invalidate(&prefix);
        self.autoscaling.invalidate(&prefix);
        self.deployments.invalidate(&prefix);
        // On a follower, the shared copies from before the action are not
        // taken: the next read goes to AWS (and is published).
        self.shared.invalidated(shared::kind::CLUSTERS, "");
        self.shared.invalidated(shared::kind::CLUSTER_DATA, &prefix);
        self.shared.invalidated(shared::kind::INSTANCES, &prefix);
    }
}
