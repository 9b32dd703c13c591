//! Log groups, streams and their append-only, time-ordered events.

use std::collections::BTreeMap;
use std::sync::Arc;

/// The account and region every sandbox ARN uses.
pub use crate::sandbox::region::{ACCOUNT, Region};

/// CloudWatch counts 26 bytes of overhead per event.
pub const EVENT_OVERHEAD: i64 = 26;

/// Events kept per stream: older ones are dropped (as retention would), so a
/// long-running sandbox holds bounded memory.
pub const STREAM_CAP: usize = 100_000;

/// One stored event. `seq` is unique across the store and orders events
/// with equal timestamps in arrival order.
#[derive(Debug, Clone)]
pub struct Event {
    pub ts: i64,
    pub seq: u64,
    pub ingest: i64,
    /// Shared, not `String`: no spare capacity per stored line, and
    /// FilterLogEvents copies its candidates out of the world's lock by
    /// reference count, then matches them without holding it.
    pub message: Arc<str>,
}

impl Event {
    /// The position of this event in a stream's order.
    pub fn key(&self) -> Key {
        Key {
            ts: self.ts,
            seq: self.seq,
        }
    }
}

/// A position in a stream: events sort by (timestamp, seq).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    pub ts: i64,
    pub seq: u64,
}

impl Key {
    /// The first position at or after time `ts`.
    pub fn at(ts: i64) -> Self {
        Key { ts, seq: 0 }
    }

    /// The position just after this one.
    pub fn next(self) -> Self {
        Key {
            ts: self.ts,
            seq: self.seq.saturating_add(1),
        }
    }
}

#[derive(Debug)]
pub struct Stream {
    pub name: String,
    pub creation_ms: i64,
    pub last_ingestion_ms: Option<i64>,
    pub stored_bytes: i64,
    pub upload_count: u64,
    /// Sorted by key; appends are pushes unless an event arrives late.
    pub events: Vec<Event>,
}

impl Stream {
    fn new(name: &str, now_ms: i64) -> Self {
        Self {
            name: name.to_string(),
            creation_ms: now_ms,
            last_ingestion_ms: None,
            stored_bytes: 0,
            upload_count: 0,
            events: Vec::new(),
        }
    }

    pub fn first_ts(&self) -> Option<i64> {
        self.events.first().map(|e| e.ts)
    }

    pub fn last_ts(&self) -> Option<i64> {
        self.events.last().map(|e| e.ts)
    }

    /// Index of the first event at or after `key`.
    pub fn index_of(&self, key: Key) -> usize {
        self.events.partition_point(|e| e.key() < key)
    }

    fn push(&mut self, event: Event) {
        self.stored_bytes += event.message.len() as i64 + EVENT_OVERHEAD;
        self.last_ingestion_ms = Some(event.ingest);
        if self
            .events
            .last()
            .is_none_or(|last| last.key() <= event.key())
        {
            self.events.push(event);
        } else {
            let at = self.index_of(event.key());
            self.events.insert(at, event);
        }
    }

    /// Forgets the `n` oldest events; returns how many went.
    fn drop_oldest(&mut self, n: usize) -> usize {
        let n = n.min(self.events.len());
        let freed: i64 = self.events[..n]
            .iter()
            .map(|e| e.message.len() as i64 + EVENT_OVERHEAD)
            .sum();
        self.events.drain(..n);
        self.stored_bytes -= freed;
        n
    }

    /// The sequence token PutLogEvents would hand out next.
    pub fn sequence_token(&self) -> String {
        format!("4963{:052}", self.upload_count)
    }

    pub fn arn(&self, r: &Region, group: &str) -> String {
        r.arn(
            "logs",
            &format!("log-group:{group}:log-stream:{}", self.name),
        )
    }
}

#[derive(Debug)]
pub struct Group {
    pub name: String,
    pub creation_ms: i64,
    pub retention_days: Option<i32>,
    pub streams: BTreeMap<String, Stream>,
}

impl Group {
    pub fn stored_bytes(&self) -> i64 {
        self.streams.values().map(|s| s.stored_bytes).sum()
    }

    /// `arn:…:log-group:NAME:*` (the `arn` member).
    pub fn arn(&self, r: &Region) -> String {
        format!("{}:*", self.log_group_arn(r))
    }

    /// `arn:…:log-group:NAME` (the `logGroupArn` member).
    pub fn log_group_arn(&self, r: &Region) -> String {
        r.arn("logs", &format!("log-group:{}", self.name))
    }
}

/// Groups by name, and the store-wide event sequence.
#[derive(Debug)]
pub struct Groups {
    pub groups: BTreeMap<String, Group>,
    next_seq: u64,
    /// Appends since the store-wide budget was last checked.
    since_check: usize,
    caps: Caps,
}

/// Memory bounds: events per stream and across the store. Trimming happens
/// in batches of `slack` events so appends stay amortised O(1).
#[derive(Debug, Clone, Copy)]
pub struct Caps {
    pub stream: usize,
    pub store: usize,
    pub slack: usize,
}

impl Default for Groups {
    fn default() -> Self {
        Self::with_caps(Caps {
            stream: STREAM_CAP,
            store: STORE_CAP,
            slack: STREAM_CAP / 10,
        })
    }
}

/// Events kept across all streams: past this, the biggest streams lose their
/// oldest events first, so a large fleet left running stays bounded.
pub const STORE_CAP: usize = 2_000_000;

impl Groups {
    /// The sequence number of the newest event appended (0: none yet).
    pub fn max_seq(&self) -> u64 {
        self.next_seq
    }

    pub fn with_caps(caps: Caps) -> Self {
        Self {
            groups: BTreeMap::new(),
            next_seq: 0,
            since_check: 0,
            caps,
        }
    }

    /// Creates a group; false if it already existed.
    pub fn create_group(&mut self, name: &str, retention_days: Option<i32>, now_ms: i64) -> bool {
        if self.groups.contains_key(name) {
            return false;
        }
        let group = Group {
            name: name.to_string(),
            creation_ms: now_ms,
            retention_days,
            streams: BTreeMap::new(),
        };
        self.groups.insert(name.to_string(), group);
        true
    }

    /// Creates a stream in an existing group; `None` if the group is missing,
    /// `Some(false)` if the stream already existed.
    pub fn create_stream(&mut self, group: &str, stream: &str, now_ms: i64) -> Option<bool> {
        let g = self.groups.get_mut(group)?;
        if g.streams.contains_key(stream) {
            return Some(false);
        }
        g.streams
            .insert(stream.to_string(), Stream::new(stream, now_ms));
        Some(true)
    }

    /// Appends events, creating the group and stream when missing.
    pub fn append(&mut self, group: &str, stream: &str, events: &[(i64, String)], now_ms: i64) {
        self.create_group(group, None, now_ms);
        self.create_stream(group, stream, now_ms);
        let Some(s) = self
            .groups
            .get_mut(group)
            .and_then(|g| g.streams.get_mut(stream))
        else {
            return;
        };
        s.events.reserve(events.len());
        for (ts, message) in events {
            self.next_seq += 1;
            s.push(Event {
                ts: *ts,
                seq: self.next_seq,
                ingest: now_ms.max(*ts),
                message: message.as_str().into(),
            });
        }
        s.upload_count += 1;
        let caps = self.caps;
        if s.events.len() > caps.stream + caps.slack {
            s.drop_oldest(s.events.len() - caps.stream);
        }
        self.since_check += events.len();
        if self.since_check >= caps.slack {
            self.since_check = 0;
            self.enforce_store_cap();
        }
    }

    pub fn total_events(&self) -> usize {
        self.groups
            .values()
            .flat_map(|g| g.streams.values())
            .map(|s| s.events.len())
            .sum()
    }

    fn enforce_store_cap(&mut self) {
        let mut total = self.total_events();
        let caps = self.caps;
        while total > caps.store {
            let biggest = self
                .groups
                .values_mut()
                .flat_map(|g| g.streams.values_mut())
                .max_by_key(|s| s.events.len());
            let Some(s) = biggest else {
                return;
            };
            let excess = total - caps.store + caps.slack;
            let gone = s.drop_oldest(excess.min(s.events.len().div_ceil(4)));
            if gone == 0 {
                return;
            }
            total -= gone;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: Caps = Caps {
        stream: 1_000,
        store: 5_000,
        slack: 100,
    };

    #[test]
    fn streams_keep_at_most_their_cap_and_bytes_follow() {
        let mut g = Groups::with_caps(SMALL);
        let batch: Vec<(i64, String)> = (0..250).map(|i| (i, format!("line {i}"))).collect();
        for _ in 0..13 {
            g.append("g", "s", &batch, 0);
        }
        let s = &g.groups["g"].streams["s"];
        assert!(s.events.len() <= SMALL.stream + SMALL.slack);
        assert!(s.events.len() >= SMALL.stream);
        let bytes: i64 = s
            .events
            .iter()
            .map(|e| e.message.len() as i64 + EVENT_OVERHEAD)
            .sum();
        assert_eq!(s.stored_bytes, bytes);
        assert!(s.events.windows(2).all(|w| w[0].key() <= w[1].key()));
    }

    #[test]
    fn the_store_as_a_whole_is_capped() {
        let mut g = Groups::with_caps(SMALL);
        let batch: Vec<(i64, String)> = (0..100).map(|i| (i, String::new())).collect();
        for i in 0..200 {
            g.append("g", &format!("s{}", i % 30), &batch, 0);
        }
        let total = g.total_events();
        assert!(total <= SMALL.store + SMALL.slack, "{total}");
        assert!(total > SMALL.store / 2, "{total}");
    }
}
