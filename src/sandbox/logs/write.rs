//! CreateLogGroup, CreateLogStream and PutLogEvents (for CLI users and tests).

use serde_json::{Map, Value, json};

use super::input::{opt_i64, req_str};
use super::store::Groups;
use super::{group_not_found, stream_not_found};
use crate::sandbox::error::ApiError;

const DAY_MS: i64 = 86_400_000;

fn already_exists(what: &str) -> ApiError {
    ApiError::new(
        400,
        "ResourceAlreadyExistsException",
        format!("The specified {what} already exists"),
    )
}

pub fn create_log_group(data: &mut Groups, body: &Value, now_ms: i64) -> Result<Value, ApiError> {
    let name = req_str(body, "logGroupName")?;
    if name.len() > 512 {
        return Err(ApiError::invalid(
            "logGroupName must be at most 512 characters",
        ));
    }
    if !data.create_group(name, None, now_ms) {
        return Err(already_exists("log group"));
    }
    Ok(json!({}))
}

pub fn create_log_stream(data: &mut Groups, body: &Value, now_ms: i64) -> Result<Value, ApiError> {
    let group = req_str(body, "logGroupName")?;
    let stream = req_str(body, "logStreamName")?;
    if stream.contains(':') || stream.contains('*') {
        return Err(ApiError::invalid(
            "logStreamName must not contain ':' or '*'",
        ));
    }
    match data.create_stream(group, stream, now_ms) {
        None => Err(group_not_found()),
        Some(false) => Err(already_exists("log stream")),
        Some(true) => Ok(json!({})),
    }
}

pub fn put_log_events(data: &mut Groups, body: &Value, now_ms: i64) -> Result<Value, ApiError> {
    let group = req_str(body, "logGroupName")?;
    let stream = req_str(body, "logStreamName")?;
    let Some(g) = data.groups.get(group) else {
        return Err(group_not_found());
    };
    if !g.streams.contains_key(stream) {
        return Err(stream_not_found());
    }
    let raw = body.get("logEvents").and_then(Value::as_array);
    let Some(raw) = raw.filter(|r| !r.is_empty() && r.len() <= 10_000) else {
        return Err(ApiError::invalid(
            "logEvents must hold between 1 and 10000 events.",
        ));
    };
    let mut events = Vec::with_capacity(raw.len());
    for e in raw {
        let ts =
            opt_i64(e, "timestamp")?.ok_or_else(|| ApiError::invalid("timestamp is required"))?;
        let msg = req_str(e, "message")?;
        events.push((ts, msg.to_string()));
    }
    if events.windows(2).any(|w| w[1].0 < w[0].0) {
        return Err(ApiError::invalid(
            "Log events in a single PutLogEvents request must be in chronological order.",
        ));
    }
    // As AWS: events older than 14 days or more than 2 hours ahead are rejected.
    let too_old_end = events
        .iter()
        .take_while(|e| e.0 < now_ms - 14 * DAY_MS)
        .count();
    let too_new_start = events
        .iter()
        .position(|e| e.0 > now_ms + 2 * 3_600_000)
        .unwrap_or(events.len());
    let accepted = &events[too_old_end..too_new_start.max(too_old_end)];
    data.append(group, stream, accepted, now_ms);
    let token = data
        .groups
        .get(group)
        .and_then(|g| g.streams.get(stream))
        .map(|s| s.sequence_token())
        .unwrap_or_default();
    let mut out = json!({ "nextSequenceToken": token });
    let mut rejected = Map::new();
    if too_old_end > 0 {
        rejected.insert("tooOldLogEventEndIndex".into(), json!(too_old_end));
    }
    if too_new_start < events.len() {
        rejected.insert("tooNewLogEventStartIndex".into(), json!(too_new_start));
    }
    if !rejected.is_empty() {
        out["rejectedLogEventsInfo"] = Value::Object(rejected);
    }
    Ok(out)
}
