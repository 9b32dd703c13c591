//! Sign-in attempt limits: failures counted per user name and per client
//! address in a sliding window, in memory (per replica).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use super::Clock;

/// How many failures are allowed in `window` before sign-in answers 429.
#[derive(Clone, Copy, Debug)]
pub struct LoginLimits {
    pub per_user: usize,
    pub per_addr: usize,
    pub window: Duration,
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self {
            per_user: 5,
            per_addr: 20,
            window: Duration::from_secs(5 * 60),
        }
    }
}

/// Keys tracked at most; beyond this the oldest windows are dropped first.
const MAX_KEYS: usize = 100_000;

#[derive(Debug)]
pub struct LoginLimiter {
    limits: LoginLimits,
    clock: Clock,
    failures: Mutex<HashMap<String, VecDeque<i64>>>,
}

impl LoginLimiter {
    pub fn new(limits: LoginLimits, clock: Clock) -> Self {
        Self {
            limits,
            clock,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn user_key(user: &str) -> String {
        format!("u:{}", user.to_lowercase())
    }

    fn addr_key(addr: &str) -> String {
        format!("a:{addr}")
    }

    fn recent(&self, map: &mut HashMap<String, VecDeque<i64>>, key: &str) -> usize {
        let cutoff = self.clock.now_ms() - self.limits.window.as_millis() as i64;
        match map.get_mut(key) {
            Some(q) => {
                while q.front().is_some_and(|t| *t <= cutoff) {
                    q.pop_front();
                }
                q.len()
            }
            None => 0,
        }
    }

    /// True when this user name or address has failed too often lately.
    pub fn is_blocked(&self, user: &str, addr: &str) -> bool {
        let Ok(mut map) = self.failures.lock() else {
            return true;
        };
        self.recent(&mut map, &Self::user_key(user)) >= self.limits.per_user
            || self.recent(&mut map, &Self::addr_key(addr)) >= self.limits.per_addr
    }

    /// Counts a failed attempt against both the user name and the address.
    pub fn record_failure(&self, user: &str, addr: &str) {
        let now = self.clock.now_ms();
        let Ok(mut map) = self.failures.lock() else {
            return;
        };
        if map.len() >= MAX_KEYS {
            let cutoff = now - self.limits.window.as_millis() as i64;
            map.retain(|_, q| q.back().is_some_and(|t| *t > cutoff));
        }
        for key in [Self::user_key(user), Self::addr_key(addr)] {
            if map.len() < MAX_KEYS || map.contains_key(&key) {
                map.entry(key).or_default().push_back(now);
            }
        }
    }

    /// Forgets the user name's failures after a successful sign-in (the
    /// address keeps its count: one address guessing many names stays slow).
    pub fn record_success(&self, user: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(&Self::user_key(user));
        }
    }
}
