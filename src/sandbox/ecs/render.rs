//! Small wire-format helpers shared by the ECS operations.

use serde_json::{Value, json};

use super::model::Tags;

/// An ECS timestamp: epoch seconds as a JSON number.
pub fn ts(ms: i64) -> Value {
    json!(ms as f64 / 1000.0)
}

pub fn tags(tags: &Tags) -> Value {
    Value::Array(
        tags.iter()
            .map(|(k, v)| json!({ "key": k, "value": v }))
            .collect(),
    )
}

/// Adds `nextToken` when there is a next page.
pub fn with_token(mut v: Value, next: Option<String>) -> Value {
    if let Some(t) = next {
        v["nextToken"] = json!(t);
    }
    v
}

/// A `failures[]` entry.
pub fn failure(arn: &str, reason: &str) -> Value {
    json!({ "arn": arn, "reason": reason })
}

/// Inserts `key` only when `v` is `Some` (AWS omits absent members).
pub fn opt<T: Into<Value>>(obj: &mut Value, key: &str, v: Option<T>) {
    if let Some(v) = v {
        obj[key] = v.into();
    }
}
