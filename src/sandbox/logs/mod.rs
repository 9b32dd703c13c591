//! CloudWatch Logs in the sandbox: groups, streams, events and the
//! `Logs_20140328.*` operations.
//!
//! Interface used by the rest of the sandbox (keep these signatures):
//! `LogStore::new`, `create_group`, `append`, `handle`.

use serde_json::Value;

use crate::sandbox::error::ApiError;

/// All log groups, streams and events of the sandbox.
#[derive(Debug, Default)]
pub struct LogStore {}

impl LogStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Creates a log group (no-op if it exists).
    pub fn create_group(&mut self, _name: &str, _retention_days: Option<i32>, _now_ms: i64) {}

    /// Appends events (timestamp ms, message) to `group/stream`, creating the
    /// stream (and group) if missing. Events are in time order.
    pub fn append(&mut self, _group: &str, _stream: &str, _events: &[(i64, String)], _now_ms: i64) {
    }

    /// Answers one `Logs_20140328.<op>` call.
    pub fn handle(&mut self, op: &str, _body: &Value, _now_ms: i64) -> Result<Value, ApiError> {
        Err(ApiError::new(
            400,
            "UnknownOperationException",
            format!("Logs_20140328.{op} is not supported by the ecsdeck sandbox"),
        ))
    }
}
