//! Timestamps as AWS reports them (epoch milliseconds), with the two
//! renderings pages need: RFC 3339 for `<time datetime>` and a readable
//! absolute UTC time.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn from_millis(ms: i64) -> Self {
        Self(ms)
    }

    pub fn now() -> Self {
        Self((OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64)
    }

    pub fn millis(self) -> i64 {
        self.0
    }

    fn datetime(self) -> Option<OffsetDateTime> {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.0) * 1_000_000).ok()
    }

    /// `2026-11-23T16:20:00.123Z`, for `<time datetime>` and downloads.
    pub fn rfc3339(self) -> String {
        self.datetime()
            .and_then(|d| d.format(&Rfc3339).ok())
            .unwrap_or_default()
    }

    /// `2026-11-23 16:20:00 UTC`, the absolute time shown on hover.
    pub fn absolute(self) -> String {
        let fmt = format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
        self.datetime()
            .and_then(|d| d.format(&fmt).ok())
            .unwrap_or_default()
    }

    /// `16:20:00.123`, the compact time of a log line.
    pub fn clock(self) -> String {
        let fmt = format_description!("[hour]:[minute]:[second].[subsecond digits:3]");
        self.datetime()
            .and_then(|d| d.format(&fmt).ok())
            .unwrap_or_default()
    }

    /// A coarse "3 min ago" relative to `now`, for server-rendered text
    /// (the browser refreshes it).
    pub fn ago(self, now: Timestamp) -> String {
        let s = (now.0 - self.0) / 1000;
        let (future, s) = (s < 0, s.abs());
        let out = if s < 45 {
            format!("{s}s")
        } else if s < 3600 {
            format!("{} min", (s + 30) / 60)
        } else if s < 86_400 {
            format!("{} h", (s + 1800) / 3600)
        } else {
            format!("{} d", (s + 43_200) / 86_400)
        };
        if future {
            format!("in {out}")
        } else {
            format!("{out} ago")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_rfc3339_absolute_and_relative() {
        let t = Timestamp(1_795_450_800_123);
        assert_eq!(t.rfc3339(), "2026-11-23T16:20:00.123Z");
        assert_eq!(t.absolute(), "2026-11-23 16:20:00 UTC");
        assert_eq!(t.clock(), "16:20:00.123");
        assert_eq!(t.ago(Timestamp(t.0 + 5_000)), "5s ago");
        assert_eq!(t.ago(Timestamp(t.0 + 3 * 60_000)), "3 min ago");
        assert_eq!(t.ago(Timestamp(t.0 + 2 * 3_600_000)), "2 h ago");
        assert_eq!(t.ago(Timestamp(t.0 - 120_000)), "in 2 min");
    }
}
