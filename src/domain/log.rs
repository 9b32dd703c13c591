//! CloudWatch Logs as the dashboard sees them: groups, streams and events.

use super::Timestamp;

/// A log group in a listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogGroup {
    pub name: String,
    pub stored_bytes: i64,
    /// None = never expire.
    pub retention_days: Option<i32>,
    pub created_at: Option<Timestamp>,
}

/// A log stream in a group's listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogStream {
    pub name: String,
    pub created_at: Option<Timestamp>,
    pub first_event_at: Option<Timestamp>,
    pub last_event_at: Option<Timestamp>,
}

/// One log line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEvent {
    pub timestamp: Timestamp,
    pub message: String,
    /// The stream it came from (set for FilterLogEvents and tails).
    pub stream: String,
}

/// A page of GetLogEvents: the events and the tokens to read on.
#[derive(Clone, Debug, Default)]
pub struct EventsPage {
    pub events: Vec<LogEvent>,
    pub forward_token: Option<String>,
    pub backward_token: Option<String>,
}

/// A page of FilterLogEvents.
#[derive(Clone, Debug, Default)]
pub struct FilterPage {
    pub events: Vec<LogEvent>,
    pub next_token: Option<String>,
}

/// A page of a listing and the token for the next one.
#[derive(Clone, Debug)]
pub struct Listing<T> {
    pub items: Vec<T>,
    pub next_token: Option<String>,
}

/// Human-readable byte size: `512 B`, `3.4 KB`, `1.2 GB`.
pub fn human_bytes(bytes: i64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = bytes.max(0) as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_read_like_a_human_wrote_them() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(3_500), "3.4 KB");
        assert_eq!(human_bytes(5 * 1024 * 1024 * 1024), "5.0 GB");
    }
}
