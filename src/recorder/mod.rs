//! The history recorder: keeps what ECS forgets, from what the fleet model
//! reads anyway. It is the fleet's observer (`fleet::Observer`) and
//! writes to the state store's history (`store::history`); it makes no
//! AWS call of its own.
//!
//! The fleet tells it about every read on the reading task, so it only
//! picks what is new and queues it: a bounded in-memory set of what it
//! wrote remembers stopped tasks and events by id and deployments by
//! state, and a writer task writes each read's news in one transaction.
//! When the queue is full a read's news are dropped and recorded from the
//! next read (the fleet reads again within seconds while anyone watches,
//! within its rotation period otherwise, and ECS lists stopped tasks for
//! an hour). The writer also prunes what is older than the retention,
//! at start and hourly.
//!
//! Like `commands` and `state`, this module wires layers: it may import
//! `fleet`, `domain` and `store`.

mod convert;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use crate::clock::Clock;
use crate::domain::{Service, Task, short_id};
use crate::fleet::Observer;
use crate::store::Store;
use crate::store::history::{HistoryBatch, Pruned};

pub use convert::task_from_row;

/// Reads waiting to be written at most.
const QUEUE: usize = 64;
/// Ids and states remembered as written (tasks, events, deployments).
const REMEMBERED: u64 = 200_000;
/// How often the writer prunes.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// How long history is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retention(pub Duration);

impl Default for Retention {
    fn default() -> Self {
        Self(Duration::from_secs(30 * 86_400))
    }
}

enum Message {
    Batch(HistoryBatch, Vec<(String, String)>),
    Flush(oneshot::Sender<()>),
    Prune(i64, oneshot::Sender<Option<Pruned>>),
}

/// One environment's recorder.
pub struct HistoryRecorder {
    env: String,
    queue: mpsc::Sender<Message>,
    /// Key → the state written (an id's state never changes for tasks and
    /// events; a deployment's does).
    written: moka::sync::Cache<String, String>,
    clock: Clock,
    retention: Retention,
    /// When set, prunes only while it answers true (replicas: the leader).
    prune_gate: std::sync::OnceLock<PruneGate>,
    /// Batches written (for tests: replicas record once).
    batches_written: std::sync::atomic::AtomicU64,
}

/// Whether this replica should prune now.
pub type PruneGate = Arc<dyn Fn() -> bool + Send + Sync>;

impl HistoryRecorder {
    /// Starts the recorder of environment `env` writing to `store` (needs
    /// a tokio runtime: the writer is a task).
    pub fn start(env: &str, store: Store, retention: Retention, clock: Clock) -> Arc<Self> {
        let (queue, rx) = mpsc::channel(QUEUE);
        let written = moka::sync::Cache::builder()
            .max_capacity(REMEMBERED)
            .time_to_idle(Duration::from_secs(2 * 3600))
            .build();
        let recorder = Arc::new(Self {
            env: env.to_string(),
            queue,
            written,
            clock,
            retention,
            prune_gate: std::sync::OnceLock::new(),
            batches_written: std::sync::atomic::AtomicU64::new(0),
        });
        tokio::spawn(write_loop(store, rx, Arc::downgrade(&recorder)));
        tokio::spawn(prune_loop(Arc::downgrade(&recorder)));
        recorder
    }

    pub fn retention(&self) -> Retention {
        self.retention
    }

    /// Prunes only while `gate` answers true (the environment's leader
    /// prunes for every replica); a second call is ignored.
    pub fn prune_only_when(&self, gate: PruneGate) {
        let _ = self.prune_gate.set(gate);
    }

    fn may_prune(&self) -> bool {
        self.prune_gate.get().is_none_or(|g| g())
    }

    /// How many batches of news this recorder has written.
    pub fn batches_written(&self) -> u64 {
        self.batches_written
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Waits until everything queued before this call is written.
    pub async fn flush(&self) {
        let (tx, rx) = oneshot::channel();
        if self.queue.send(Message::Flush(tx)).await.is_ok() {
            let _ = rx.await;
        }
    }

    /// Deletes what is older than the retention as of `now_ms` (the
    /// writer does this hourly by its clock).
    pub async fn prune_at(&self, now_ms: i64) -> Option<Pruned> {
        let cutoff = now_ms - self.retention.0.as_millis() as i64;
        let (tx, rx) = oneshot::channel();
        self.queue.send(Message::Prune(cutoff, tx)).await.ok()?;
        rx.await.ok().flatten()
    }

    fn is_new(&self, key: &str, state: &str) -> bool {
        self.written.get(key).is_none_or(|s| s != state)
    }

    fn enqueue(&self, batch: HistoryBatch, keys: Vec<(String, String)>) {
        if batch.is_empty() {
            return;
        }
        let n = batch.len();
        if self.queue.try_send(Message::Batch(batch, keys)).is_err() {
            tracing::debug!(rows = n, "history queue full; recorded from a later read");
        }
    }
}

impl Observer for HistoryRecorder {
    fn services(&self, services: &[Service]) {
        let now = self.clock.now_ms();
        let mut batch = HistoryBatch::default();
        let mut keys = Vec::new();
        for s in services {
            let base = format!("{}/{}", short_id(&s.cluster_arn), s.name);
            for e in &s.events {
                let key = format!("e/{base}/{}", e.id);
                if self.is_new(&key, "") {
                    batch.events.push(convert::event_row(&self.env, s, e, now));
                    keys.push((key, String::new()));
                }
            }
            for d in &s.deployments {
                let key = format!("d/{base}/{}", d.id);
                let state = convert::deployment_fingerprint(d);
                if self.is_new(&key, &state) {
                    batch
                        .deployments
                        .push(convert::deployment_row(&self.env, s, d, now));
                    keys.push((key, state));
                }
            }
        }
        self.enqueue(batch, keys);
    }

    fn tasks(&self, tasks: &[Task]) {
        let now = self.clock.now_ms();
        let mut batch = HistoryBatch::default();
        let mut keys = Vec::new();
        for t in tasks {
            let key = format!("t/{}", t.arn);
            if self.is_new(&key, "")
                && let Some(row) = convert::task_row(&self.env, t, now)
            {
                batch.tasks.push(row);
                keys.push((key, String::new()));
            }
        }
        self.enqueue(batch, keys);
    }
}

async fn write_loop(
    store: Store,
    mut rx: mpsc::Receiver<Message>,
    recorder: std::sync::Weak<HistoryRecorder>,
) {
    // Ends when the recorder (the only sender) is dropped.
    while let Some(message) = rx.recv().await {
        match message {
            Message::Batch(batch, keys) => match store.history_record(&batch).await {
                Ok(()) => {
                    if let Some(r) = recorder.upgrade() {
                        r.batches_written
                            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        for (key, state) in keys {
                            r.written.insert(key, state);
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "recording history failed"),
            },
            Message::Flush(done) => {
                let _ = done.send(());
            }
            Message::Prune(cutoff, done) => {
                let result = store.history_prune(cutoff).await;
                if let Err(e) = &result {
                    tracing::warn!(error = %e, "pruning history failed");
                }
                let _ = done.send(result.ok());
            }
        }
    }
}

/// Prunes at start and then every `PRUNE_EVERY`, until the recorder is
/// dropped.
async fn prune_loop(recorder: std::sync::Weak<HistoryRecorder>) {
    let mut interval = tokio::time::interval(PRUNE_EVERY);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        let Some(r) = recorder.upgrade() else { break };
        if !r.may_prune() {
            continue;
        }
        if let Some(p) = r.prune_at(r.clock.now_ms()).await
            && p != Pruned::default()
        {
            tracing::info!(
                tasks = p.tasks,
                events = p.events,
                deployments = p.deployments,
                "history pruned"
            );
        }
    }
}
