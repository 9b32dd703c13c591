//! Sign-in attempt limits, in memory (per replica). Every attempt is
//! counted before its password is verified — checked and counted under one
//! lock, so concurrent posts cannot all slip past the check — per client
//! address and per (address, user name) pair, in a sliding window:
//!
//! - an address is limited across every name it tries (`per_addr`);
//! - a user name is limited only from the address that keeps failing
//!   (`per_pair`), so a stranger guessing elsewhere cannot lock its owner out.
//!
//! The windows live in a `moka` cache bounded by `max_keys` (and dropped
//! after `window` without attempts), so made-up names cannot grow it.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use moka::sync::Cache;

use super::Clock;

/// How many attempts are allowed in `window` before sign-in answers 429,
/// and how many passwords are verified at once.
#[derive(Clone, Copy, Debug)]
pub struct LoginLimits {
    /// Attempts for one user name from one address.
    pub per_pair: usize,
    /// Attempts from one address, whatever the names.
    pub per_addr: usize,
    pub window: Duration,
    /// Addresses and pairs tracked at most.
    pub max_keys: u64,
    /// Password verifications running at once (each argon2id takes 19 MiB
    /// and a core); past it sign-in answers 429 at once.
    pub max_verifying: usize,
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self {
            per_pair: 5,
            per_addr: 20,
            window: Duration::from_secs(5 * 60),
            max_keys: 100_000,
            max_verifying: std::thread::available_parallelism().map_or(2, usize::from),
        }
    }
}

/// Attempt times (unix ms) of one key, oldest first.
type Window = Arc<Mutex<VecDeque<i64>>>;

pub struct LoginLimiter {
    limits: LoginLimits,
    clock: Clock,
    windows: Cache<String, Window>,
    /// Makes check-and-count atomic across an address and its pair.
    counting: Mutex<()>,
}

impl std::fmt::Debug for LoginLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginLimiter")
            .field("limits", &self.limits)
            .field("keys", &self.windows.entry_count())
            .finish()
    }
}

/// This attempt is over a limit: refused without verifying.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limited;

impl LoginLimiter {
    pub fn new(limits: LoginLimits, clock: Clock) -> Self {
        Self {
            windows: Cache::builder()
                .max_capacity(limits.max_keys)
                .time_to_idle(limits.window)
                .build(),
            limits,
            clock,
            counting: Mutex::new(()),
        }
    }

    pub fn limits(&self) -> LoginLimits {
        self.limits
    }

    fn pair_key(user: &str, addr: &str) -> String {
        format!("p:{addr} {}", user.to_lowercase())
    }

    fn addr_key(addr: &str) -> String {
        format!("a:{addr}")
    }

    /// Attempts in the window of `key`, the older ones dropped.
    fn recent(&self, key: &str, cutoff: i64) -> usize {
        let Some(window) = self.windows.get(key) else {
            return 0;
        };
        let mut times = window.lock().unwrap_or_else(PoisonError::into_inner);
        while times.front().is_some_and(|t| *t <= cutoff) {
            times.pop_front();
        }
        times.len()
    }

    fn count(&self, key: String, now: i64) {
        let window = self.windows.get_with(key, Window::default);
        window
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push_back(now);
    }

    /// Counts an attempt by `user` from `addr`, or refuses it (counting
    /// nothing) when the address or the pair is at its limit. Call before
    /// verifying the password; on success call [`Self::succeeded`].
    pub fn try_attempt(&self, user: &str, addr: &str) -> Result<(), Limited> {
        let _one_at_a_time = self.counting.lock().unwrap_or_else(PoisonError::into_inner);
        let now = self.clock.now_ms();
        let cutoff = now - self.limits.window.as_millis() as i64;
        let (pair, addr_key) = (Self::pair_key(user, addr), Self::addr_key(addr));
        if self.recent(&addr_key, cutoff) >= self.limits.per_addr
            || self.recent(&pair, cutoff) >= self.limits.per_pair
        {
            return Err(Limited);
        }
        self.count(addr_key, now);
        self.count(pair, now);
        Ok(())
    }

    /// A counted attempt signed in: the pair starts afresh and the
    /// attempt no longer counts against the address.
    pub fn succeeded(&self, user: &str, addr: &str) {
        let _one_at_a_time = self.counting.lock().unwrap_or_else(PoisonError::into_inner);
        self.windows.invalidate(&Self::pair_key(user, addr));
        if let Some(window) = self.windows.get(&Self::addr_key(addr)) {
            window
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .pop_back();
        }
    }

    /// Addresses and pairs tracked right now (for tests and metrics).
    pub fn tracked_keys(&self) -> u64 {
        self.windows.run_pending_tasks();
        self.windows.entry_count()
    }
}
