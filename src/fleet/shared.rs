//! Replicas share the AWS work: several ecsdeck processes serving one
//! environment elect a leader (`crate::replica`, over PostgreSQL); only
//! the leader's refresher reads AWS, and what the fleet reads for the
//! first screens (the cluster list, each cluster's data and instances,
//! the alarms, the cluster sparklines, task definitions) is published to
//! a shared model that followers load instead of calling AWS.
//!
//! The fleet does not know the store: `SharedModel` is its side, attached
//! once (`Fleet::share`). Without one (SQLite: one process) the fleet is
//! always the leader and nothing changes.
//!
//! A follower loads a key's shared copy (marking it watched, so the
//! leader's refresher renews it as if read there) and falls back to AWS —
//! within its budget — only when there is no copy, the copy cannot be
//! read, or the copy is older than this replica's own last action on that
//! cluster (so an operator sees the effect of their action at once). What
//! a follower reads from AWS it publishes too.

use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use futures::future::BoxFuture;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Fleet;
use super::cache::Loaded;
use crate::aws::AwsError;
use crate::domain::Timestamp;

/// The kinds of shared copies (the `kind` column).
pub(super) mod kind {
    pub const CLUSTERS: &str = "clusters";
    pub const CLUSTER_DATA: &str = "cluster_data";
    pub const INSTANCES: &str = "instances";
    pub const ALARMS: &str = "alarms";
    pub const METRICS: &str = "metrics";
    pub const TASK_DEFINITIONS: &str = "task_definitions";
}

/// A shared copy larger than this is not published (followers read AWS
/// for it): bounds one row.
const MAX_BODY: usize = 32 << 20;
/// Prefixes invalidated by this replica's actions, remembered at most.
const MAX_INVALIDATED: u64 = 2_000;

/// What one environment's replicas share (implemented over the state
/// store by `crate::replica`).
pub trait SharedModel: Send + Sync {
    /// Whether this replica leads: reads AWS and keeps the copies fresh.
    fn is_leader(&self) -> bool;
    /// Stores a copy read from AWS at `as_of` (queued: returns at once).
    fn publish(&self, kind: &'static str, key: &str, body: String, as_of: Timestamp);
    /// The newest copy of `kind`/`key` and when AWS produced it, marking
    /// the key watched by this replica; None when there is none (or the
    /// store cannot answer: the caller reads AWS).
    fn load(
        &self,
        kind: &'static str,
        key: &str,
    ) -> BoxFuture<'static, Option<(String, Timestamp)>>;
    /// Keys (kind, key) some replica marked watched since `since`, bounded.
    fn watched(&self, since: Timestamp) -> BoxFuture<'static, Vec<(String, String)>>;
    /// Drops copies nobody refreshed nor watched since `before`.
    fn forget(&self, before: Timestamp) -> BoxFuture<'static, ()>;
    /// Waits until every copy published before this call is stored.
    fn flush(&self) -> BoxFuture<'static, ()>;
}

/// The fleet's shared-model slot (empty until `Fleet::share`), cheap to
/// clone into a load.
#[derive(Clone)]
pub(super) struct SharedSlot {
    model: Arc<OnceLock<Arc<dyn SharedModel>>>,
    /// `kind:prefix` → when this replica's action invalidated it: older
    /// shared copies are not taken.
    invalidated: moka::sync::Cache<String, Timestamp>,
}

impl Default for SharedSlot {
    fn default() -> Self {
        Self {
            model: Arc::default(),
            invalidated: moka::sync::Cache::builder()
                .max_capacity(MAX_INVALIDATED)
                .time_to_live(Duration::from_secs(15 * 60))
                .build(),
        }
    }
}

impl SharedSlot {
    pub(super) fn model(&self) -> Option<Arc<dyn SharedModel>> {
        self.model.get().cloned()
    }

    fn is_leader(&self) -> bool {
        self.model.get().is_none_or(|m| m.is_leader())
    }

    /// Remembers that an action changed what `kind` keys starting with
    /// `prefix` describe (only followers take copies, so only they care).
    pub(super) fn invalidated(&self, kind: &str, prefix: &str) {
        if !self.is_leader() {
            self.invalidated
                .insert(format!("{kind}:{prefix}"), Timestamp::now());
        }
    }

    fn invalidated_at(&self, kind: &str, key: &str) -> Option<Timestamp> {
        let full = format!("{kind}:{key}");
        self.invalidated
            .iter()
            .filter(|(prefix, _)| full.starts_with(prefix.as_str()))
            .map(|(_, at)| at)
            .max()
    }

    /// The load of `kind`/`key`: the shared copy on a follower (see the
    /// module's rules), otherwise `read` from AWS, published.
    pub(super) fn load<V, Fut>(
        &self,
        kind: &'static str,
        key: String,
        read: Fut,
    ) -> impl Future<Output = Loaded<V>> + Send + use<V, Fut>
    where
        V: Serialize + DeserializeOwned + Send + 'static,
        Fut: Future<Output = Result<V, AwsError>> + Send + 'static,
    {
        let slot = self.clone();
        async move {
            let model = slot.model();
            if let Some(m) = model.as_ref().filter(|m| !m.is_leader())
                && let Some((body, as_of)) = m.load(kind, &key).await
                && slot.invalidated_at(kind, &key).is_none_or(|at| as_of >= at)
            {
                match serde_json::from_str::<V>(&body) {
                    Ok(v) => return Ok((v, as_of)),
                    Err(e) => {
                        tracing::warn!(kind, error = %e, "shared copy unreadable; reading AWS")
                    }
                }
            }
            let v = read.await?;
            let as_of = Timestamp::now();
            if let Some(m) = &model {
                publish(m.as_ref(), kind, &key, &v, as_of);
            }
            Ok((v, as_of))
        }
    }
}

fn publish<V: Serialize>(m: &dyn SharedModel, kind: &'static str, key: &str, v: &V, at: Timestamp) {
    match serde_json::to_string(v) {
        Ok(body) if body.len() <= MAX_BODY => m.publish(kind, key, body, at),
        Ok(body) => tracing::warn!(kind, bytes = body.len(), "copy too big to share"),
        Err(e) => tracing::warn!(kind, error = %e, "copy cannot be shared"),
    }
}

impl Fleet {
    /// Shares this fleet's reads with other replicas through `model`; a
    /// second call is ignored.
    pub fn share(&self, model: Arc<dyn SharedModel>) {
        let _ = self.shared.model.set(model);
    }

    /// The attached shared model, if any (to carry it over to a fleet
    /// built with other timing).
    pub fn shared_model(&self) -> Option<Arc<dyn SharedModel>> {
        self.shared.model()
    }

    /// Whether this replica leads its environment (always, alone).
    pub fn is_leader(&self) -> bool {
        self.shared.is_leader()
    }

    /// Waits until what this replica published is stored (tests).
    pub async fn flush_shared(&self) {
        if let Some(m) = self.shared.model() {
            m.flush().await;
        }
    }

    /// On the leader: counts the keys other replicas watch as read here,
    /// and starts the first read of those it does not hold, so the
    /// refresher keeps them fresh for everyone. Returns how many keys.
    pub async fn serve_watched(self: &Arc<Self>) -> usize {
        let Some(m) = self.shared.model().filter(|m| m.is_leader()) else {
            return 0;
        };
        let within = i64::try_from(self.refresh.watched_within.as_millis()).unwrap_or(i64::MAX);
        let since = Timestamp::from_millis(Timestamp::now().millis().saturating_sub(within));
        let keys = m.watched(since).await;
        for (kind, key) in &keys {
            self.touch_shared(kind, key);
        }
        keys.len()
    }

    /// Counts `kind`/`key` as read; if not held, starts its read through
    /// the same method a page would call (names the leader's cluster list
    /// does not have cost nothing).
    fn touch_shared(self: &Arc<Self>, kind: &str, key: &str) {
        let held = match kind {
            kind::CLUSTERS => self.clusters.touch(key),
            kind::CLUSTER_DATA => self.cluster_data.touch(key),
            kind::INSTANCES => self.instances.touch(key),
            kind::ALARMS => self.alarms.touch(key),
            kind::METRICS => self.metrics.touch(key),
            _ => true,
        };
        if held {
            return;
        }
        let cluster = key.split_once('/').map(|(c, _)| c.to_string());
        let fleet = self.clone();
        let kind = kind.to_string();
        tokio::spawn(async move {
            let known = match &cluster {
                Some(c) => fleet.cluster(c).await.is_ok(),
                None => true,
            };
            if !known {
                return;
            }
            let result = match (kind.as_str(), cluster) {
                (kind::CLUSTERS, _) => fleet.clusters().await.map(drop),
                (kind::ALARMS, _) => {
                    fleet.firing_alarms();
                    Ok(())
                }
                (kind::CLUSTER_DATA, Some(c)) => fleet.cluster_data(&c).await.map(drop),
                (kind::INSTANCES, Some(c)) => fleet.instances(&c).await.map(drop),
                (kind::METRICS, Some(c)) => {
                    let names = fleet.cluster_service_names(&c).await;
                    names.and_then(|n| fleet.cluster_metrics(&c, n).map(drop))
                }
                _ => Ok(()),
            };
            if let Err(e) = result {
                tracing::debug!(error = %e, "reading a key another replica watches failed");
            }
        });
    }

    /// The names of `cluster`'s services as its data in memory lists them
    /// (what the cluster page builds its sparklines from).
    async fn cluster_service_names(&self, cluster: &str) -> Result<Vec<String>, AwsError> {
        let data = self.cluster_data(cluster).await?;
        Ok(data.value.services().map(|s| s.name.clone()).collect())
    }
}
