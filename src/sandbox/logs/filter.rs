//! FilterLogEvents: several streams merged in time order, filter patterns.
//!
//! In two steps, so a costly pattern never stalls the sandbox: `scan`
//! runs under the world's lock and only picks the candidate events (the
//! next `SCAN_BUDGET` of the streams, merged in time order; their messages
//! are shared `Arc<str>`, so this copies pointers); `FilterScan::run`
//! matches them against the pattern after the lock is released.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

use serde_json::{Value, json};

use super::events::{PAGE_BYTES, time_range};
use super::filter_pattern::FilterPattern;
use super::input::{limit, opt_i64, opt_str, opt_str_list};
use super::resolve_group;
use super::store::{EVENT_OVERHEAD, Event, Groups, Key, Stream};
use super::tokens::{decode_filter, encode_filter, key_digits};
use crate::sandbox::error::ApiError;

/// Events FilterLogEvents examines per call before handing back a token.
const SCAN_BUDGET: usize = 500_000;

/// One candidate event: its key, stream (index into `streams`) and data.
struct Candidate {
    key: Key,
    stream: usize,
    ts: i64,
    ingest: i64,
    message: Arc<str>,
}

/// What one FilterLogEvents call examines, copied out of the store.
pub struct FilterScan {
    pattern: FilterPattern,
    limit: usize,
    streams: Vec<String>,
    candidates: Vec<Candidate>,
    /// The key of the first event past the scan budget, if any.
    after_budget: Option<Key>,
}

/// Validates the call and picks its candidates (call under the lock).
pub fn scan(data: &Groups, body: &Value) -> Result<FilterScan, ApiError> {
    let group = resolve_group(data, body)?;
    let names = opt_str_list(body, "logStreamNames")?;
    let prefix = opt_str(body, "logStreamNamePrefix")?;
    let streams: Vec<&Stream> = match (&names, prefix) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid(
                "logStreamNames and logStreamNamePrefix are mutually exclusive parameters.",
            ));
        }
        (Some(names), None) => {
            if names.is_empty() || names.len() > 100 {
                return Err(ApiError::invalid(
                    "logStreamNames must hold between 1 and 100 stream names.",
                ));
            }
            names.iter().filter_map(|n| group.streams.get(n)).collect()
        }
        (None, Some(p)) => group
            .streams
            .values()
            .filter(|s| s.name.starts_with(p))
            .collect(),
        (None, None) => group.streams.values().collect(),
    };
    let start = opt_i64(body, "startTime")?;
    let end = opt_i64(body, "endTime")?;
    let pattern = FilterPattern::parse(opt_str(body, "filterPattern")?.unwrap_or(""))?;
    let limit = limit(body, "limit", 10_000, 10_000)?;
    let resume = opt_str(body, "nextToken")?.map(decode_filter).transpose()?;
    let from = resume
        .unwrap_or(Key::at(i64::MIN))
        .max(Key::at(start.unwrap_or(i64::MIN)));

    let mut ends = Vec::with_capacity(streams.len());
    let mut heap = BinaryHeap::with_capacity(streams.len());
    for (i, s) in streams.iter().enumerate() {
        let (_, hi) = time_range(s, start, end);
        let at = s.index_of(from).min(hi);
        ends.push(hi);
        if at < hi {
            heap.push(Reverse((s.events[at].key(), i, at)));
        }
    }
    let mut candidates = Vec::new();
    let mut after_budget = None;
    while let Some(Reverse((key, si, at))) = heap.pop() {
        if candidates.len() >= SCAN_BUDGET {
            after_budget = Some(key);
            break;
        }
        let e: &Event = &streams[si].events[at];
        candidates.push(Candidate {
            key,
            stream: si,
            ts: e.ts,
            ingest: e.ingest,
            message: e.message.clone(),
        });
        if at + 1 < ends[si] {
            heap.push(Reverse((streams[si].events[at + 1].key(), si, at + 1)));
        }
    }
    Ok(FilterScan {
        pattern,
        limit,
        streams: streams.iter().map(|s| s.name.clone()).collect(),
        candidates,
        after_budget,
    })
}

impl FilterScan {
    /// Matches the candidates (no lock needed) and builds the answer: a
    /// page of up to `limit` events (~1 MB), and a token at the next match
    /// past a full page, or past the scan budget.
    pub fn run(self) -> Value {
        let mut page = Vec::new();
        let mut bytes = 0;
        let mut next = None;
        for c in &self.candidates {
            if !self.pattern.matches(&c.message) {
                continue;
            }
            if page.len() >= self.limit || bytes >= PAGE_BYTES {
                next = Some(c.key);
                break;
            }
            bytes += c.message.len() + EVENT_OVERHEAD as usize;
            page.push(json!({
                "logStreamName": self.streams[c.stream],
                "timestamp": c.ts,
                "message": &*c.message,
                "ingestionTime": c.ingest,
                "eventId": key_digits(c.key),
            }));
        }
        let next = next.or(self.after_budget);
        let searched: Vec<Value> = self
            .streams
            .iter()
            .map(|s| json!({ "logStreamName": s, "searchedCompletely": next.is_none() }))
            .collect();
        let mut out = json!({ "events": page, "searchedLogStreams": searched });
        if let Some(k) = next {
            out["nextToken"] = json!(encode_filter(k));
        }
        out
    }
}

/// The whole call at once (for callers already outside any shared lock).
pub fn filter_log_events(data: &Groups, body: &Value) -> Result<Value, ApiError> {
    scan(data, body).map(FilterScan::run)
}
