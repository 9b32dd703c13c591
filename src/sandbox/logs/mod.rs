//! CloudWatch Logs in the sandbox: groups, streams, events and the
//! `Logs_20140328.*` operations.
//!
//! Interface used by the rest of the sandbox (keep these signatures):
//! `LogStore::new`, `create_group`, `append`, `handle`, `filter_scan`.

mod describe;
mod events;
pub mod filter;
pub mod filter_pattern;
pub(crate) mod input;
pub mod live_tail;
pub mod store;
mod tokens;
mod write;

use serde_json::Value;

use crate::sandbox::error::ApiError;
use store::{Group, Groups, Stream};

/// All log groups, streams and events of the sandbox.
#[derive(Debug, Default)]
pub struct LogStore {
    /// The sandbox's region (set by `World`), for the ARNs rendered here.
    pub region: crate::sandbox::region::Region,
    data: Groups,
    /// Open Live Tail sessions and recent starts (`live_tail`).
    pub live: live_tail::Sessions,
}

impl LogStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Creates a log group (no-op if it exists).
    pub fn create_group(&mut self, name: &str, retention_days: Option<i32>, now_ms: i64) {
        self.data.create_group(name, retention_days, now_ms);
    }

    /// Appends events (timestamp ms, message) to `group/stream`, creating the
    /// stream (and group) if missing. Events are in time order.
    pub fn append(&mut self, group: &str, stream: &str, events: &[(i64, String)], now_ms: i64) {
        self.data.append(group, stream, events, now_ms);
    }

    /// Number of events stored in `group/stream` (0 when missing).
    pub fn event_count(&self, group: &str, stream: &str) -> usize {
        self.data
            .groups
            .get(group)
            .and_then(|g| g.streams.get(stream))
            .map_or(0, |s| s.events.len())
    }

    /// Names of the streams of `group` (empty when missing).
    pub fn stream_names(&self, group: &str) -> Vec<String> {
        self.data
            .groups
            .get(group)
            .map(|g| g.streams.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// FilterLogEvents' first step, under the world's lock: validate and
    /// pick the candidate events; `FilterScan::run` matches them after the
    /// lock is released (a costly pattern must not stall the sandbox).
    pub fn filter_scan(&self, body: &Value) -> Result<filter::FilterScan, ApiError> {
        filter::scan(&self.data, body)
    }

    /// Answers one `Logs_20140328.<op>` call.
    pub fn handle(&mut self, op: &str, body: &Value, now_ms: i64) -> Result<Value, ApiError> {
        match op {
            "DescribeLogGroups" => describe::describe_log_groups(&self.region, &self.data, body),
            "DescribeLogStreams" => describe::describe_log_streams(&self.region, &self.data, body),
            "GetLogEvents" => events::get_log_events(&self.data, body),
            "FilterLogEvents" => filter::filter_log_events(&self.data, body),
            "CreateLogGroup" => write::create_log_group(&mut self.data, body, now_ms),
            "CreateLogStream" => write::create_log_stream(&mut self.data, body, now_ms),
            "PutLogEvents" => write::put_log_events(&mut self.data, body, now_ms),
            _ => Err(ApiError::new(
                400,
                "UnknownOperationException",
                format!("Logs_20140328.{op} is not supported by the ecsdeck sandbox"),
            )),
        }
    }
}

fn group_not_found() -> ApiError {
    ApiError::new(
        400,
        "ResourceNotFoundException",
        "The specified log group does not exist.",
    )
}

fn stream_not_found() -> ApiError {
    ApiError::new(
        400,
        "ResourceNotFoundException",
        "The specified log stream does not exist.",
    )
}

/// The group named by `logGroupName` or `logGroupIdentifier` (a name or ARN).
fn resolve_group<'a>(data: &'a Groups, body: &Value) -> Result<&'a Group, ApiError> {
    let name = input::opt_str(body, "logGroupName")?;
    let ident = input::opt_str(body, "logGroupIdentifier")?;
    let name = match (name, ident) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid(
                "LogGroup name and LogGroup ARN are mutually exclusive parameters.",
            ));
        }
        (Some(n), None) => n,
        (None, Some(id)) => group_name_from_identifier(id),
        (None, None) => {
            return Err(ApiError::invalid(
                "Should provide either name or ARN of the log group.",
            ));
        }
    };
    data.groups.get(name).ok_or_else(group_not_found)
}

/// `arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*]` → `NAME`; names pass through.
fn group_name_from_identifier(id: &str) -> &str {
    match id.split_once(":log-group:") {
        Some((_, rest)) if id.starts_with("arn:") => rest.strip_suffix(":*").unwrap_or(rest),
        _ => id,
    }
}

fn resolve_stream<'a>(group: &'a Group, body: &Value) -> Result<&'a Stream, ApiError> {
    let name = input::req_str(body, "logStreamName")?;
    group.streams.get(name).ok_or_else(stream_not_found)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn no_input_makes_it_panic() {
        let mut store = LogStore::new();
        store.append(
            "g",
            "s",
            &[(5, "a".into()), (5, "b".into()), (9, "c".into())],
            10,
        );
        let deep = format!("{{ {}$.a = 1{} }}", "(".repeat(2_000), ")".repeat(2_000));
        let bodies = [
            json!({}),
            json!({"logGroupName": 5}),
            json!({"logGroupName": "g", "logStreamName": "s", "limit": -1}),
            json!({"logGroupName": "g", "logStreamName": "s", "limit": 0}),
            json!({"logGroupName": "g", "logStreamName": "s", "nextToken": "f/zz"}),
            json!({"logGroupName": "g", "logStreamName": "s", "nextToken": "b/00000000000000000000000000000000000000000000/s"}),
            json!({"logGroupName": "g", "logStreamName": "s", "startTime": i64::MAX, "endTime": i64::MIN}),
            json!({"logGroupName": "g", "logStreamName": "s", "startTime": i64::MIN, "endTime": i64::MAX, "startFromHead": true}),
            json!({"logGroupName": "g", "filterPattern": deep}),
            json!({"logGroupName": "g", "filterPattern": "{ $.a[99999999999999999999] = 1 }"}),
            json!({"logGroupName": "g", "filterPattern": "[...,...,...]"}),
            json!({"logGroupName": "g", "logStreamNames": [], "nextToken": "F"}),
            json!({"logGroupIdentifier": "arn:aws:logs:us-east-1:1:log-group:g:*", "orderBy": "LastEventTime", "nextToken": "N1/zz"}),
            json!({"logGroupName": "g", "logStreamName": "s", "logEvents": [{"timestamp": "x"}]}),
            json!({"logGroupName": "g", "logStreamName": "s", "logEvents": [{"timestamp": i64::MIN, "message": "m"}]}),
        ];
        for op in [
            "DescribeLogGroups",
            "DescribeLogStreams",
            "GetLogEvents",
            "FilterLogEvents",
            "PutLogEvents",
            "CreateLogStream",
            "Nope",
        ] {
            for b in &bodies {
                let _ = store.handle(op, b, 10);
            }
        }
        // Equal timestamps page in arrival order, both ways.
        let out = store
            .handle("GetLogEvents", &json!({"logGroupName": "g", "logStreamName": "s", "limit": 1, "startFromHead": true}), 10)
            .unwrap();
        assert_eq!(out["events"][0]["message"], "a");
        let next = store
            .handle("GetLogEvents", &json!({"logGroupName": "g", "logStreamName": "s", "limit": 1, "nextToken": out["nextForwardToken"]}), 10)
            .unwrap();
        assert_eq!(next["events"][0]["message"], "b");
    }
}
