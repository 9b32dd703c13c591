//! GetLogEvents (one stream, tail-friendly tokens) and FilterLogEvents
//! (several streams merged in time order, filter patterns).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use serde_json::{Value, json};

use super::filter_pattern::FilterPattern;
use super::input::{limit, opt_bool, opt_i64, opt_str, opt_str_list};
use super::store::{EVENT_OVERHEAD, Event, Groups, Key, Stream};
use super::tokens::{Cursor, decode_filter, encode_filter, key_digits};
use super::{resolve_group, resolve_stream};
use crate::sandbox::error::ApiError;

/// AWS caps a page at 1 MB of events.
const PAGE_BYTES: usize = 1_048_576;
/// Events FilterLogEvents examines per call before handing back a token.
const SCAN_BUDGET: usize = 500_000;

fn size(e: &Event) -> usize {
    e.message.len() + EVENT_OVERHEAD as usize
}

/// The index range of `stream` inside [start, end).
fn time_range(s: &Stream, start: Option<i64>, end: Option<i64>) -> (usize, usize) {
    let lo = start.map_or(0, |t| s.index_of(Key::at(t)));
    let hi = end.map_or(s.events.len(), |t| s.index_of(Key::at(t)));
    (lo, hi.max(lo))
}

/// Up to `limit` events (and ~1 MB) forward from `from`, below `hi`.
fn take_forward(events: &[Event], from: usize, hi: usize, limit: usize) -> (usize, usize) {
    let mut bytes = 0;
    let mut to = from;
    while to < hi && to - from < limit {
        bytes += size(&events[to]);
        if bytes > PAGE_BYTES && to > from {
            break;
        }
        to += 1;
    }
    (from, to)
}

/// Up to `limit` events (and ~1 MB) backward from `to` (exclusive), above `lo`.
fn take_backward(events: &[Event], lo: usize, to: usize, limit: usize) -> (usize, usize) {
    let mut bytes = 0;
    let mut from = to;
    while from > lo && to - from < limit {
        bytes += size(&events[from - 1]);
        if bytes > PAGE_BYTES && from < to {
            break;
        }
        from -= 1;
    }
    (from, to)
}

pub fn get_log_events(data: &Groups, body: &Value) -> Result<Value, ApiError> {
    let group = resolve_group(data, body)?;
    let stream = resolve_stream(group, body)?;
    let start = opt_i64(body, "startTime")?;
    let end = opt_i64(body, "endTime")?;
    let limit = limit(body, "limit", 10_000, 10_000)?;
    let from_head = opt_bool(body, "startFromHead")?.unwrap_or(false);
    let token = opt_str(body, "nextToken")?;
    let cursor = token.map(Cursor::decode).transpose()?;
    let events = &stream.events;
    let (lo, hi) = time_range(stream, start, end);
    let (a, b) = match cursor {
        Some(Cursor::Forward(k)) => {
            take_forward(events, stream.index_of(k).clamp(lo, hi), hi, limit)
        }
        Some(Cursor::Backward(k)) => {
            take_backward(events, lo, stream.index_of(k).clamp(lo, hi), limit)
        }
        None if from_head => take_forward(events, lo, hi, limit),
        None => take_backward(events, lo, hi, limit),
    };
    let page = &events[a..b];
    let (forward, backward) = match (page.first(), page.last(), cursor, token) {
        (Some(first), Some(last), _, _) => (
            Cursor::Forward(last.key().next()).encode(),
            Cursor::Backward(first.key()).encode(),
        ),
        (_, _, Some(Cursor::Forward(k)), Some(t)) => (t.to_string(), Cursor::Backward(k).encode()),
        (_, _, Some(Cursor::Backward(k)), Some(t)) => (Cursor::Forward(k).encode(), t.to_string()),
        _ => {
            let at = Key::at(start.unwrap_or(0));
            (Cursor::Forward(at).encode(), Cursor::Backward(at).encode())
        }
    };
    let out: Vec<Value> = page
        .iter()
        .map(|e| json!({ "timestamp": e.ts, "message": e.message, "ingestionTime": e.ingest }))
        .collect();
    Ok(json!({ "events": out, "nextForwardToken": forward, "nextBackwardToken": backward }))
}

pub fn filter_log_events(data: &Groups, body: &Value) -> Result<Value, ApiError> {
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
    let mut page = Vec::new();
    let mut bytes = 0;
    let mut scanned = 0;
    let mut next: Option<Key> = None;
    while let Some(Reverse((key, si, at))) = heap.pop() {
        let s = streams[si];
        let e = &s.events[at];
        if scanned >= SCAN_BUDGET
            || (page.len() >= limit || bytes >= PAGE_BYTES) && pattern.matches(&e.message)
        {
            next = Some(key);
            break;
        }
        scanned += 1;
        if at + 1 < ends[si] {
            heap.push(Reverse((s.events[at + 1].key(), si, at + 1)));
        }
        if page.len() < limit && bytes < PAGE_BYTES && pattern.matches(&e.message) {
            bytes += size(e);
            page.push(json!({
                "logStreamName": s.name,
                "timestamp": e.ts,
                "message": e.message,
                "ingestionTime": e.ingest,
                "eventId": key_digits(key),
            }));
        }
    }
    let searched: Vec<Value> = streams
        .iter()
        .map(|s| json!({ "logStreamName": s.name, "searchedCompletely": next.is_none() }))
        .collect();
    let mut out = json!({ "events": page, "searchedLogStreams": searched });
    if let Some(k) = next {
        out["nextToken"] = json!(encode_filter(k));
    }
    Ok(out)
}
