//! Bounds what refused requests write to the audit trail: at most
//! `per_user` `denied` rows per user in each `window` (the rest are only
//! counted in the log), in a `moka` cache bounded by `max_users`; and every
//! stored field clipped to [`FIELD_MAX`] bytes, marked as truncated.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use moka::sync::Cache;

use super::Clock;

/// The most bytes of one field a `denied` row keeps.
pub const FIELD_MAX: usize = 2 * 1024;
/// What ends a clipped field.
pub const TRUNCATED: &str = "… [truncated]";
/// The most form fields a `denied` row keeps.
pub const FIELDS_MAX: usize = 32;

#[derive(Clone, Copy, Debug)]
pub struct DeniedAuditLimits {
    pub per_user: u32,
    pub window: Duration,
    pub max_users: u64,
}

impl Default for DeniedAuditLimits {
    fn default() -> Self {
        Self {
            per_user: 20,
            window: Duration::from_secs(60),
            max_users: 10_000,
        }
    }
}

/// Whether to write this refusal's audit row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeniedAudit {
    Write,
    /// The first refusal over the limit in this window (worth one log line).
    SkipFirst,
    Skip,
}

/// Start of the user's window (unix ms) and the refusals in it.
type Window = Arc<Mutex<(i64, u32)>>;

pub struct DeniedAuditLimiter {
    limits: DeniedAuditLimits,
    clock: Clock,
    windows: Cache<String, Window>,
}

impl std::fmt::Debug for DeniedAuditLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeniedAuditLimiter")
            .field("limits", &self.limits)
            .finish()
    }
}

impl DeniedAuditLimiter {
    pub fn new(limits: DeniedAuditLimits, clock: Clock) -> Self {
        Self {
            windows: Cache::builder()
                .max_capacity(limits.max_users)
                .time_to_idle(limits.window)
                .build(),
            limits,
            clock,
        }
    }

    /// Counts a refusal of `user`; whether its row is written.
    pub fn admit(&self, user: &str) -> DeniedAudit {
        let now = self.clock.now_ms();
        let window = self
            .windows
            .get_with(user.to_string(), || Arc::new(Mutex::new((now, 0))));
        let mut w = window.lock().unwrap_or_else(PoisonError::into_inner);
        if now - w.0 >= self.limits.window.as_millis() as i64 {
            *w = (now, 0);
        }
        w.1 = w.1.saturating_add(1);
        match w.1 {
            n if n <= self.limits.per_user => DeniedAudit::Write,
            n if n == self.limits.per_user + 1 => DeniedAudit::SkipFirst,
            _ => DeniedAudit::Skip,
        }
    }
}

/// `s` cut to at most [`FIELD_MAX`] bytes (on a character boundary) and
/// marked [`TRUNCATED`] when it was longer.
pub fn clip(s: &str) -> String {
    if s.len() <= FIELD_MAX {
        return s.to_string();
    }
    let mut end = FIELD_MAX - TRUNCATED.len();
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{TRUNCATED}", &s[..end])
}
