//! The fleet's `SharedModel` over the state store: copies the leader (or
//! a follower, for what the leader had not read) publishes are queued and
//! written by one task per environment; loads read the table directly and
//! mark the key wanted (at most every `WANT_EVERY` per key and replica),
//! which the leader's refresher treats as a read of its own.

use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt;
use futures::future::BoxFuture;
use tokio::sync::{mpsc, oneshot};

use super::Leadership;
use crate::domain::Timestamp;
use crate::fleet::SharedModel;
use crate::store::{Snapshot, Store};

/// Copies waiting to be written at most; a full queue drops a copy (the
/// next refresh publishes it again).
const QUEUE: usize = 256;
/// A key is marked wanted at most this often per replica.
const WANT_EVERY: Duration = Duration::from_secs(10);
/// Keys whose last mark is remembered at most.
const MAX_MARKED: u64 = 10_000;

enum Message {
    Put(&'static str, String, Snapshot),
    Flush(oneshot::Sender<()>),
}

/// One environment's shared model on the store.
pub struct StoreModel {
    store: Store,
    env: String,
    leadership: Arc<Leadership>,
    queue: mpsc::Sender<Message>,
    marked: moka::sync::Cache<String, ()>,
}

impl StoreModel {
    /// Starts the writer of `leadership`'s environment (needs a runtime).
    pub fn start(store: Store, leadership: Arc<Leadership>) -> Arc<Self> {
        let (queue, rx) = mpsc::channel(QUEUE);
        let env = leadership.env().to_string();
        tokio::spawn(write_loop(store.clone(), env.clone(), rx));
        Arc::new(Self {
            store,
            env,
            leadership,
            queue,
            marked: moka::sync::Cache::builder()
                .max_capacity(MAX_MARKED)
                .time_to_live(WANT_EVERY)
                .build(),
        })
    }

    pub fn leadership(&self) -> &Arc<Leadership> {
        &self.leadership
    }
}

async fn write_loop(store: Store, env: String, mut rx: mpsc::Receiver<Message>) {
    // Ends when the model (the only sender) is dropped.
    while let Some(message) = rx.recv().await {
        match message {
            Message::Put(kind, key, snapshot) => {
                if let Err(e) = store.snapshot_put(&env, kind, &key, &snapshot).await {
                    tracing::warn!(env, kind, error = %e, "sharing a copy failed");
                }
            }
            Message::Flush(done) => {
                let _ = done.send(());
            }
        }
    }
}

impl SharedModel for StoreModel {
    fn is_leader(&self) -> bool {
        self.leadership.is_leader()
    }

    fn publish(&self, kind: &'static str, key: &str, body: String, as_of: Timestamp) {
        let snapshot = Snapshot {
            body,
            fetched_ms: as_of.millis(),
        };
        if self
            .queue
            .try_send(Message::Put(kind, key.to_string(), snapshot))
            .is_err()
        {
            tracing::debug!(kind, "shared copy queue full; published by a later read");
        }
    }

    fn load(
        &self,
        kind: &'static str,
        key: &str,
    ) -> BoxFuture<'static, Option<(String, Timestamp)>> {
        let (store, env, key) = (self.store.clone(), self.env.clone(), key.to_string());
        let marked = self.marked.clone();
        async move {
            let found = match store.snapshot_get(&env, kind, &key).await {
                Ok(found) => found?,
                Err(e) => {
                    tracing::warn!(env, kind, error = %e, "shared copy unavailable; reading AWS");
                    return None;
                }
            };
            let mark = format!("{kind}:{key}");
            if marked.get(&mark).is_none() {
                marked.insert(mark, ());
                let now = crate::store::now_ms();
                if let Err(e) = store.snapshot_want(&env, kind, &key, now).await {
                    tracing::debug!(env, kind, error = %e, "marking a copy wanted failed");
                }
            }
            Some((found.body, Timestamp::from_millis(found.fetched_ms)))
        }
        .boxed()
    }

    fn watched(&self, since: Timestamp) -> BoxFuture<'static, Vec<(String, String)>> {
        let (store, env) = (self.store.clone(), self.env.clone());
        async move {
            store
                .snapshot_watched(&env, since.millis())
                .await
                .unwrap_or_else(|e| {
                    tracing::warn!(env, error = %e, "reading watched keys failed");
                    Vec::new()
                })
        }
        .boxed()
    }

    fn forget(&self, before: Timestamp) -> BoxFuture<'static, ()> {
        let (store, env) = (self.store.clone(), self.env.clone());
        async move {
            match store.snapshot_forget(&env, before.millis()).await {
                Ok(0) => {}
                Ok(n) => tracing::debug!(env, rows = n, "dropped shared copies nobody uses"),
                Err(e) => tracing::warn!(env, error = %e, "dropping old shared copies failed"),
            }
        }
        .boxed()
    }

    fn flush(&self) -> BoxFuture<'static, ()> {
        let queue = self.queue.clone();
        async move {
            let (tx, rx) = oneshot::channel();
            if queue.send(Message::Flush(tx)).await.is_ok() {
                let _ = rx.await;
            }
        }
        .boxed()
    }
}
