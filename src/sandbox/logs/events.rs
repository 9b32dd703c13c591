//! GetLogEvents (one stream, tail-friendly tokens). FilterLogEvents is in
//! `filter.rs`.

use serde_json::{Value, json};

use super::input::{limit, opt_bool, opt_i64, opt_str};
use super::store::{EVENT_OVERHEAD, Event, Groups, Key, Stream};
use super::tokens::Cursor;
use super::{resolve_group, resolve_stream};
use crate::sandbox::error::ApiError;

/// AWS caps a page at 1 MB of events.
pub(super) const PAGE_BYTES: usize = 1_048_576;

fn size(e: &Event) -> usize {
    e.message.len() + EVENT_OVERHEAD as usize
}

/// The index range of `stream` inside [start, end).
pub(super) fn time_range(s: &Stream, start: Option<i64>, end: Option<i64>) -> (usize, usize) {
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
        .map(|e| json!({ "timestamp": e.ts, "message": &*e.message, "ingestionTime": e.ingest }))
        .collect();
    Ok(json!({ "events": out, "nextForwardToken": forward, "nextBackwardToken": backward }))
}
