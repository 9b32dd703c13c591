//! Time order for a tail of several streams. Each stream's poller (or a
//! Live Tail session) delivers lines when it gets them, so lines of
//! different tasks arrive out of event-time order: task A's batch of
//! 10:55:06 can come in before task B's line of 10:55:04. A viewer's tail
//! of several streams therefore holds every line for a short window after
//! it arrived, and releases lines in event-time order: when a line is due,
//! every held line no newer than it goes out with it, sorted. A line that
//! arrives with a time older than what was already sent (later than the
//! window) is still sent; the browser inserts every line in place by its
//! time (`data-ts`) instead of appending it.
//!
//! The buffer is plain data driven by the caller's clock (`Instant`s), so it
//! is tested without sleeping; the tail's SSE stream ticks it.

use std::time::Duration;

use tokio::time::Instant;

use crate::domain::LogEvent;

/// How long a line is held for lines of other streams to catch up.
pub const REORDER_WINDOW: Duration = Duration::from_secs(2);
/// Lines held at most (a flood is released at once rather than grow).
const MAX_HELD: usize = 5_000;

/// Held lines of one viewer's tail.
pub struct Reorder {
    window: Duration,
    /// (arrival, event), in arrival order.
    held: Vec<(Instant, LogEvent)>,
}

impl Reorder {
    pub fn new(window: Duration) -> Self {
        Self {
            window,
            held: Vec::new(),
        }
    }

    /// Holds `events` that arrived at `now`.
    pub fn push(&mut self, events: impl IntoIterator<Item = LogEvent>, now: Instant) {
        self.held.extend(events.into_iter().map(|e| (now, e)));
    }

    /// Lines held right now.
    pub fn held(&self) -> usize {
        self.held.len()
    }

    /// When the oldest held line is due, if any is held.
    pub fn next_due(&self) -> Option<Instant> {
        self.held.iter().map(|(at, _)| *at + self.window).min()
    }

    /// The lines due at `now` in event-time order (empty when none is):
    /// every line held for the window, and with them every held line no
    /// newer than the newest of those.
    pub fn due(&mut self, now: Instant) -> Vec<LogEvent> {
        let flood = self.held.len() > MAX_HELD;
        let cut = self
            .held
            .iter()
            .filter(|(at, _)| flood || *at + self.window <= now)
            .map(|(_, e)| e.timestamp.millis())
            .max();
        let Some(cut) = cut else {
            return Vec::new();
        };
        let (mut out, keep): (Vec<_>, Vec<_>) = std::mem::take(&mut self.held)
            .into_iter()
            .partition(|(at, e)| flood || *at + self.window <= now || e.timestamp.millis() <= cut);
        self.held = keep;
        out.sort_by_key(|(_, e)| e.timestamp);
        out.into_iter().map(|(_, e)| e).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Timestamp;

    fn ev(ms: i64, stream: &str) -> LogEvent {
        LogEvent {
            timestamp: Timestamp::from_millis(ms),
            message: format!("{stream}@{ms}"),
            stream: stream.to_string(),
        }
    }

    fn times(events: &[LogEvent]) -> Vec<i64> {
        events.iter().map(|e| e.timestamp.millis()).collect()
    }

    #[test]
    fn lines_of_several_streams_come_out_in_event_time_order() {
        let t0 = Instant::now();
        let mut r = Reorder::new(REORDER_WINDOW);
        // Task A's batch arrives first although task B wrote earlier.
        r.push([ev(6_400, "a"), ev(7_000, "a")], t0);
        r.push(
            [ev(4_900, "b"), ev(6_500, "b")],
            t0 + Duration::from_millis(900),
        );
        assert_eq!(r.next_due(), Some(t0 + REORDER_WINDOW));
        assert!(r.due(t0 + Duration::from_millis(1_999)).is_empty());
        // A's lines are due; B's older ones go with them, in order.
        let out = r.due(t0 + REORDER_WINDOW);
        assert_eq!(times(&out), [4_900, 6_400, 6_500, 7_000]);
        assert_eq!(r.held(), 0);
    }

    #[test]
    fn a_newer_line_waits_its_own_window_and_a_late_one_still_goes_out() {
        let t0 = Instant::now();
        let mut r = Reorder::new(REORDER_WINDOW);
        r.push([ev(5_000, "a")], t0);
        r.push([ev(9_000, "b")], t0 + Duration::from_secs(1));
        let out = r.due(t0 + REORDER_WINDOW);
        assert_eq!(times(&out), [5_000]);
        assert_eq!(r.held(), 1, "the newer line waits for its window");
        // A line older than what went out: released with the next due
        // ones (the browser inserts it in place by its time).
        r.push([ev(4_000, "c")], t0 + Duration::from_millis(2_500));
        let out = r.due(t0 + Duration::from_secs(3));
        assert_eq!(times(&out), [4_000, 9_000]);
        assert_eq!(r.held(), 0);
    }
}
