//! The read model: everything a page shows comes through here, never
//! straight from a handler to the SDK. It paginates every list, batches
//! describes, runs them under a concurrency budget, caches with short TTLs,
//! coalesces identical in-flight reads and serves stale data (with its age)
//! when AWS throttles.

mod batch;
mod cache;
mod clusters;
mod images;
pub mod logs;
mod services;
mod task_definitions;
mod tasks;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::aws::AwsClients;
use crate::domain::{Image, Repository, Service, Task, TaskDefinition};

pub use cache::Fresh;
pub use clusters::{ClusterSummary, ClusterView, ServiceRow};
pub use images::{ImageUse, RepositoryView};
pub use services::ServiceView;

use cache::Cache;
use clusters::ClusterData;

/// How long list/describe results are reused. Short: operators watch
/// deployments move.
const LIVE_TTL: Duration = Duration::from_secs(3);
/// ECR listings change on pushes only.
const IMAGES_TTL: Duration = Duration::from_secs(30);
/// Describe batches in flight at once across all users of one environment,
/// well under ECS's sustained read rates.
const DESCRIBE_BUDGET: usize = 16;

/// The read model of one environment.
pub struct Fleet {
    aws: AwsClients,
    budget: Arc<Semaphore>,
    clusters: Cache<Arc<Vec<crate::domain::Cluster>>>,
    cluster_data: Cache<Arc<ClusterData>>,
    tasks: Cache<Arc<Vec<Task>>>,
    services: Cache<Arc<Service>>,
    /// Task definition revisions never change: cached for the process.
    task_definitions: Cache<Arc<TaskDefinition>>,
    repositories: Cache<Arc<Vec<Repository>>>,
    images: Cache<Arc<Vec<Image>>>,
    /// Log reads: recent lines of a view, group and stream listings.
    logs: logs::LogCache,
}

impl Fleet {
    pub fn new(aws: AwsClients) -> Self {
        Self {
            aws,
            budget: Arc::new(Semaphore::new(DESCRIBE_BUDGET)),
            clusters: Cache::new(LIVE_TTL),
            cluster_data: Cache::new(LIVE_TTL),
            tasks: Cache::new(LIVE_TTL),
            services: Cache::new(LIVE_TTL),
            task_definitions: Cache::new(Duration::from_secs(24 * 3600)),
            repositories: Cache::new(IMAGES_TTL),
            images: Cache::new(IMAGES_TTL),
            logs: logs::LogCache::new(logs::LogCacheLimits::default()),
        }
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
        self.tasks.invalidate(&prefix);
        self.services.invalidate(&prefix);
    }
}
