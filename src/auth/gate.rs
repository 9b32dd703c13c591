//! Bounds how many password verifications run at once. Each argon2id
//! verification takes 19 MiB and a core on the blocking pool, so without a
//! bound a few hundred concurrent posts exhaust memory. Past the bound
//! sign-in answers 429 at once instead of queueing.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::password::verify_password_or_dummy;

/// The right to run one verification, taken before anything else is done
/// for the attempt.
pub struct VerifyPermit {
    _held: OwnedSemaphorePermit,
}

/// How many verifications run now, the most seen at once, and how many ran.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VerifyStats {
    pub running: usize,
    pub peak: usize,
    pub verified: u64,
}

#[derive(Debug, Default)]
struct Counters {
    running: AtomicUsize,
    peak: AtomicUsize,
    verified: AtomicU64,
}

/// Decrements `running` when the verification ends, however it ends.
struct Running(Arc<Counters>);

impl Running {
    fn start(counters: &Arc<Counters>) -> Self {
        let now = counters.running.fetch_add(1, Ordering::SeqCst) + 1;
        counters.peak.fetch_max(now, Ordering::SeqCst);
        counters.verified.fetch_add(1, Ordering::SeqCst);
        Self(counters.clone())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.running.fetch_sub(1, Ordering::SeqCst);
    }
}

#[derive(Debug)]
pub struct VerifyGate {
    permits: Arc<Semaphore>,
    counters: Arc<Counters>,
}

impl VerifyGate {
    pub fn new(max_verifying: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(max_verifying.max(1))),
            counters: Arc::default(),
        }
    }

    /// A permit if fewer than the maximum verifications run; never waits.
    pub fn try_enter(&self) -> Option<VerifyPermit> {
        self.permits
            .clone()
            .try_acquire_owned()
            .ok()
            .map(|held| VerifyPermit { _held: held })
    }

    /// Verifies `password` against `hash` (None: no such user, a dummy
    /// verification all the same) on the blocking pool. The permit is held
    /// until the verification itself ends, even if the request is dropped.
    pub async fn verify(
        &self,
        permit: VerifyPermit,
        password: String,
        hash: Option<String>,
    ) -> bool {
        let counters = self.counters.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let _running = Running::start(&counters);
            verify_password_or_dummy(&password, hash.as_deref())
        })
        .await
        .unwrap_or(false)
    }

    pub fn stats(&self) -> VerifyStats {
        VerifyStats {
            running: self.counters.running.load(Ordering::SeqCst),
            peak: self.counters.peak.load(Ordering::SeqCst),
            verified: self.counters.verified.load(Ordering::SeqCst),
        }
    }

    /// The semaphore the permits come from (tests hold it to fill the gate).
    pub fn permits(&self) -> Arc<Semaphore> {
        self.permits.clone()
    }
}
