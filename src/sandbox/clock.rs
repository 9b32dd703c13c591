//! The simulated clock: real time multiplied by `speed`, so tests can run a
//! minute of fleet life in a few seconds.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone)]
pub struct SimClock {
    started: Instant,
    start_ms: i64,
    speed: f64,
    /// Simulated time skipped ahead (tests: minutes of fleet life at once,
    /// without sleeping).
    skipped_ms: i64,
}

impl SimClock {
    /// A clock starting at the current wall time, running `speed` times faster.
    pub fn new(speed: f64) -> Self {
        let start_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        Self {
            started: Instant::now(),
            start_ms,
            skipped_ms: 0,
            speed: if speed.is_finite() && speed > 0.0 {
                speed
            } else {
                1.0
            },
        }
    }

    /// Simulated now, in milliseconds since the Unix epoch.
    pub fn now_ms(&self) -> i64 {
        let elapsed = self.started.elapsed().as_secs_f64() * 1000.0 * self.speed;
        self.start_ms + self.skipped_ms + elapsed as i64
    }

    /// Moves simulated time `ms` ahead at once (never back).
    pub fn skip(&mut self, ms: i64) {
        self.skipped_ms = self.skipped_ms.saturating_add(ms.max(0));
    }

    pub fn speed(&self) -> f64 {
        self.speed
    }
}
