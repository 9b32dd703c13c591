//! Who leads an environment: each replica keeps one PostgreSQL session
//! (`store::LockSession`) and, every `retry`, either asks for the
//! environment's advisory lock (a follower) or pings the session that
//! holds it (the leader).
//!
//! Handover: a leader that stops cleanly (SIGTERM) steps down and unlocks;
//! one that dies closes its socket and PostgreSQL frees the lock at once;
//! either way a follower takes it within `retry`. A leader that hangs or
//! loses the network stops pinging: the server ends its session after
//! `idle_session_timeout` and a follower takes over within that plus
//! `retry` (20 s + 5 s by default, under 30 s). A leader whose ping fails
//! or does not answer within `retry` steps down at once, before the
//! server frees the lock, so two replicas never both lead.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use tokio::sync::watch;

use crate::store::{LockSession, Store, StoreError, lock_key};

/// How the election paces itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ElectionTiming {
    /// A follower asks for the lock, and a leader pings, this often; a
    /// step that takes longer counts as failed.
    pub retry: Duration,
    /// The server ends a lock session idle this long (a hung leader).
    pub idle_session_timeout: Duration,
}

impl Default for ElectionTiming {
    fn default() -> Self {
        Self {
            retry: Duration::from_secs(5),
            idle_session_timeout: Duration::from_secs(20),
        }
    }
}

impl ElectionTiming {
    /// The longest a follower waits to lead after the leader's process
    /// stopped or died (its session closed): one retry, plus one step that
    /// may take up to a retry.
    pub fn handover(&self) -> Duration {
        self.retry * 2
    }
}

/// One environment's leadership as this replica sees it.
pub struct Leadership {
    env: String,
    leader: AtomicBool,
    stop: watch::Sender<bool>,
    /// Ends when the election task has stepped down and released the lock.
    stopped: watch::Sender<bool>,
}

impl Leadership {
    /// Starts the election of `env` on `store` (PostgreSQL), ending when
    /// `shutdown` resolves, `stop` is called, or the leadership is dropped.
    pub fn start(
        store: Store,
        env: &str,
        timing: ElectionTiming,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Arc<Self> {
        let me = Arc::new(Self {
            env: env.to_string(),
            leader: AtomicBool::new(false),
            stop: watch::Sender::new(false),
            stopped: watch::Sender::new(false),
        });
        let stop = me.stop.clone();
        tokio::spawn(async move {
            shutdown.await;
            stop.send_replace(true);
        });
        tokio::spawn(run(store, Arc::downgrade(&me), timing));
        me
    }

    /// Whether this replica leads the environment now.
    pub fn is_leader(&self) -> bool {
        self.leader.load(Ordering::SeqCst)
    }

    pub fn env(&self) -> &str {
        &self.env
    }

    /// Steps down and releases the lock (what SIGTERM does), waiting until
    /// it is released.
    pub async fn stop(&self) {
        self.stop.send_replace(true);
        let mut done = self.stopped.subscribe();
        let _ = done.wait_for(|d| *d).await;
    }
}

async fn run(store: Store, me: Weak<Leadership>, timing: ElectionTiming) {
    let (mut stop, stopped, key, env) = match me.upgrade() {
        Some(l) => (
            l.stop.subscribe(),
            l.stopped.clone(),
            lock_key(&format!("ecsdeck/leader/{}", l.env)),
            l.env.clone(),
        ),
        None => return,
    };
    let mut session: Option<LockSession> = None;
    let mut interval = tokio::time::interval(timing.retry);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = interval.tick() => {}
            _ = stop.wait_for(|s| *s) => break,
        }
        let Some(leadership) = me.upgrade() else {
            break;
        };
        let was = leadership.is_leader();
        let outcome =
            tokio::time::timeout(timing.retry, step(&store, &mut session, key, was, timing)).await;
        let now = match outcome {
            Ok(Ok(leading)) => leading,
            Ok(Err(e)) => {
                tracing::warn!(env, error = %e, "leader election: the lock session failed");
                session = None;
                false
            }
            Err(_) => {
                tracing::warn!(
                    env,
                    "leader election: the lock session did not answer in time"
                );
                session = None;
                false
            }
        };
        leadership.leader.store(now, Ordering::SeqCst);
        if now != was {
            if now {
                tracing::info!(env, "this replica leads the environment");
            } else {
                tracing::warn!(env, "this replica no longer leads the environment");
            }
        }
    }
    // Step down before the lock is free, so two replicas never both lead.
    if let Some(l) = me.upgrade() {
        l.leader.store(false, Ordering::SeqCst);
    }
    if let Some(s) = session
        && let Err(e) = s.release(key).await
    {
        tracing::warn!(env, error = %e, "releasing the leader lock failed; closing the session frees it");
    }
    tracing::info!(env, "leader election stopped");
    stopped.send_replace(true);
}

/// One election step: the leader pings its session, a follower asks for
/// the lock (opening a session first if it has none).
async fn step(
    store: &Store,
    session: &mut Option<LockSession>,
    key: i64,
    leading: bool,
    timing: ElectionTiming,
) -> Result<bool, StoreError> {
    let s = match session {
        Some(s) => s,
        None => session.insert(store.lock_session(timing.idle_session_timeout).await?),
    };
    if leading {
        s.ping().await?;
        Ok(true)
    } else {
        s.try_lock(key).await
    }
}
