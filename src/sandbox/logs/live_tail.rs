//! StartLiveTail: a push session over the SDK's event-stream framing
//! (`application/vnd.amazon.eventstream`; each message carries
//! `:message-type`, `:event-type` or `:exception-type` and
//! `:content-type` headers and a JSON payload). The session opens with a
//! `sessionStart` event, then sends a `sessionUpdate` every second — empty
//! when nothing new arrived, at most 500 events (`sampled` past that) —
//! with the events ingested since the previous one into its log groups
//! (and streams or stream prefixes, and filter pattern). After 3 hours of
//! simulated time it ends with a `SessionTimeoutException`.
//!
//! Limits as AWS's: 1–10 log groups, stream names or prefixes (at most
//! 100, not both) only with a single group, 15 concurrent sessions per
//! account (`LimitExceededException`), 5 starts per second
//! (`ThrottlingException`).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_smithy_eventstream::frame::write_message_to;
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use axum::body::{Body, Bytes};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::filter_pattern::FilterPattern;
use super::input;
use crate::sandbox::error::ApiError;
use crate::sandbox::server::lock;
use crate::sandbox::world::World;

pub const MAX_CONCURRENT: usize = 15;
pub const MAX_STARTS_PER_SECOND: usize = 5;
pub const MAX_GROUPS: usize = 10;
pub const MAX_SESSION_MS: i64 = 3 * 3_600_000;
const MAX_EVENTS_PER_UPDATE: usize = 500;
const UPDATE_EVERY: Duration = Duration::from_secs(1);

/// The account's sessions: open now, and recent starts (simulated ms).
#[derive(Debug, Default)]
pub struct Sessions {
    pub active: usize,
    starts: VecDeque<i64>,
}

/// What one session follows.
struct Spec {
    groups: Vec<String>,
    identifiers: Vec<String>,
    streams: Vec<String>,
    prefixes: Vec<String>,
    pattern: Option<FilterPattern>,
    pattern_text: String,
}

impl Spec {
    fn parse(body: &Value) -> Result<Self, ApiError> {
        let identifiers = input::opt_str_list(body, "logGroupIdentifiers")?.unwrap_or_default();
        if identifiers.is_empty() || identifiers.len() > MAX_GROUPS {
            return Err(ApiError::invalid(format!(
                "logGroupIdentifiers must name 1 to {MAX_GROUPS} log groups."
            )));
        }
        let streams = input::opt_str_list(body, "logStreamNames")?.unwrap_or_default();
        let prefixes = input::opt_str_list(body, "logStreamNamePrefixes")?.unwrap_or_default();
        if !streams.is_empty() && !prefixes.is_empty() {
            return Err(ApiError::invalid(
                "logStreamNames and logStreamNamePrefixes are mutually exclusive.",
            ));
        }
        if (!streams.is_empty() || !prefixes.is_empty()) && identifiers.len() != 1 {
            return Err(ApiError::invalid(
                "Log stream filters can be used only with a single log group.",
            ));
        }
        if streams.len() > 100 || prefixes.len() > 100 {
            return Err(ApiError::invalid("At most 100 log streams or prefixes."));
        }
        let pattern_text = input::opt_str(body, "logEventFilterPattern")?
            .unwrap_or("")
            .to_string();
        let pattern = if pattern_text.trim().is_empty() {
            None
        } else {
            Some(FilterPattern::parse(&pattern_text)?)
        };
        let groups = identifiers
            .iter()
            .map(|id| {
                if !id.starts_with("arn:") || id.ends_with('*') {
                    return Err(ApiError::invalid(format!(
                        "{id} is not a log group ARN (without a trailing *)."
                    )));
                }
                Ok(super::group_name_from_identifier(id).to_string())
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            groups,
            identifiers,
            streams,
            prefixes,
            pattern,
            pattern_text,
        })
    }

    fn wants(&self, stream: &str, message: &str) -> bool {
        (self.streams.is_empty() || self.streams.iter().any(|s| s == stream))
            && (self.prefixes.is_empty() || self.prefixes.iter().any(|p| stream.starts_with(p)))
            && self.pattern.as_ref().is_none_or(|p| p.matches(message))
    }
}

/// A running session's state between updates.
struct Session {
    slot: Slot,
    spec: Spec,
    /// The newest event sequence number already considered.
    cursor: u64,
    /// Simulated start, and the previous update's time.
    started: i64,
    checked: i64,
    first: Option<Bytes>,
    done: bool,
}

/// Frees the session's slot however the stream ends.
struct Slot(Arc<Mutex<World>>);

impl Drop for Slot {
    fn drop(&mut self) {
        let mut w = lock(&self.0);
        w.logs.live.active = w.logs.live.active.saturating_sub(1);
    }
}

/// Answers StartLiveTail: an error, or the event stream.
pub fn start(world: Arc<Mutex<World>>, body: &Value) -> Result<Response, ApiError> {
    let spec = Spec::parse(body)?;
    let (cursor, started) = {
        let mut w = lock(&world);
        let now = w.clock.now_ms();
        for g in &spec.groups {
            if !w.logs.data.groups.contains_key(g) {
                return Err(super::group_not_found());
            }
        }
        let live = &mut w.logs.live;
        while live.starts.front().is_some_and(|t| *t <= now - 1_000) {
            live.starts.pop_front();
        }
        if live.starts.len() >= MAX_STARTS_PER_SECOND {
            return Err(ApiError::new(400, "ThrottlingException", "Rate exceeded"));
        }
        if live.active >= MAX_CONCURRENT {
            return Err(ApiError::new(
                400,
                "LimitExceededException",
                format!("Reached the maximum of {MAX_CONCURRENT} concurrent Live Tail sessions."),
            ));
        }
        live.starts.push_back(now);
        live.active += 1;
        (w.logs.data.max_seq(), now)
    };
    let slot = Slot(world.clone());
    let session_id = uuid::Uuid::new_v4().to_string();
    let first = event(
        "sessionStart",
        &json!({
            "requestId": uuid::Uuid::new_v4().to_string(),
            "sessionId": session_id,
            "logGroupIdentifiers": spec.identifiers,
            "logStreamNames": spec.streams,
            "logStreamNamePrefixes": spec.prefixes,
            "logEventFilterPattern": spec.pattern_text,
        }),
    );
    let state = Session {
        slot,
        spec,
        cursor,
        started,
        checked: started,
        first: Some(first),
        done: false,
    };
    let frames = futures::stream::unfold(state, |mut s| async move {
        if s.done {
            return None;
        }
        if let Some(f) = s.first.take() {
            return Some((Ok::<_, std::io::Error>(f), s));
        }
        tokio::time::sleep(UPDATE_EVERY).await;
        let frame = {
            let w = lock(&s.slot.0);
            let now = w.clock.now_ms();
            if now - s.started >= MAX_SESSION_MS {
                s.done = true;
                timeout_exception()
            } else {
                let (results, sampled, newest) = collect(&w, &s.spec, s.cursor, s.checked);
                s.cursor = newest;
                s.checked = now;
                let update = json!({
                    "sessionMetadata": { "sampled": sampled },
                    "sessionResults": results,
                });
                event("sessionUpdate", &update)
            }
        };
        Some((Ok(frame), s))
    });
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/vnd.amazon.eventstream")],
        Body::from_stream(frames),
    )
        .into_response())
}

/// Events ingested after `cursor` that the session wants (oldest first, at
/// most 500), whether some were left out, and the new cursor.
fn collect(w: &World, spec: &Spec, cursor: u64, since_ms: i64) -> (Vec<Value>, bool, u64) {
    let mut found = Vec::new();
    let mut newest = cursor;
    for (id, name) in spec.identifiers.iter().zip(&spec.groups) {
        let Some(group) = w.logs.data.groups.get(name) else {
            continue;
        };
        // Only streams written since the previous update can hold new events.
        let written = group
            .streams
            .values()
            .filter(|s| s.last_ingestion_ms.is_some_and(|t| t >= since_ms));
        for stream in written {
            for e in stream.events.iter().filter(|e| e.seq > cursor) {
                newest = newest.max(e.seq);
                if spec.wants(&stream.name, &e.message) {
                    found.push((
                        e.seq,
                        json!({
                            "logStreamName": stream.name,
                            "logGroupIdentifier": id,
                            "message": &*e.message,
                            "timestamp": e.ts,
                            "ingestionTime": e.ingest,
                        }),
                    ));
                }
            }
        }
    }
    found.sort_by_key(|(seq, _)| *seq);
    let sampled = found.len() > MAX_EVENTS_PER_UPDATE;
    if sampled {
        let step = found.len().div_ceil(MAX_EVENTS_PER_UPDATE);
        found = found.into_iter().step_by(step).collect();
    }
    (found.into_iter().map(|(_, v)| v).collect(), sampled, newest)
}

fn frame(message: &Message) -> Bytes {
    let mut buf = Vec::new();
    // Writing to a Vec fails only for oversized headers, which ours are not.
    if let Err(e) = write_message_to(message, &mut buf) {
        tracing::error!(error = %e, "live tail frame not written");
    }
    Bytes::from(buf)
}

fn event(kind: &'static str, payload: &Value) -> Bytes {
    frame(
        &Message::new(payload.to_string().into_bytes())
            .add_header(Header::new(
                ":message-type",
                HeaderValue::String("event".into()),
            ))
            .add_header(Header::new(":event-type", HeaderValue::String(kind.into())))
            .add_header(Header::new(
                ":content-type",
                HeaderValue::String("application/json".into()),
            )),
    )
}

fn timeout_exception() -> Bytes {
    let payload = json!({
        "__type": "SessionTimeoutException",
        "message": "Live Tail sessions end after 3 hours.",
    });
    frame(
        &Message::new(payload.to_string().into_bytes())
            .add_header(Header::new(
                ":message-type",
                HeaderValue::String("exception".into()),
            ))
            .add_header(Header::new(
                ":exception-type",
                HeaderValue::String("SessionTimeoutException".into()),
            ))
            .add_header(Header::new(
                ":content-type",
                HeaderValue::String("application/json".into()),
            )),
    )
}
