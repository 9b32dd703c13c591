//! Reading request members the way CloudWatch Logs validates them.

use serde_json::Value;

use crate::sandbox::error::ApiError;

/// An optional string member; a non-string value is an invalid parameter.
pub fn opt_str<'a>(body: &'a Value, key: &str) -> Result<Option<&'a str>, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(_) => Err(ApiError::invalid(format!("{key} must be a string"))),
    }
}

/// A required, non-empty string member.
pub fn req_str<'a>(body: &'a Value, key: &str) -> Result<&'a str, ApiError> {
    match opt_str(body, key)? {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(ApiError::invalid(format!(
            "1 validation error detected: Value null at '{key}' failed to satisfy constraint: Member must not be null"
        ))),
    }
}

/// An optional integer member.
pub fn opt_i64(body: &Value, key: &str) -> Result<Option<i64>, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_i64()
            .map(Some)
            .ok_or_else(|| ApiError::invalid(format!("{key} must be an integer"))),
    }
}

/// An optional boolean member.
pub fn opt_bool(body: &Value, key: &str) -> Result<Option<bool>, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(ApiError::invalid(format!("{key} must be a boolean"))),
    }
}

/// `limit` within `1..=max`, `default` when absent.
pub fn limit(body: &Value, key: &str, max: i64, default: i64) -> Result<usize, ApiError> {
    match opt_i64(body, key)? {
        None => Ok(default as usize),
        Some(n) if (1..=max).contains(&n) => Ok(n as usize),
        Some(n) => Err(ApiError::invalid(format!(
            "1 validation error detected: Value '{n}' at '{key}' failed to satisfy constraint: Member must have value less than or equal to {max} and greater than or equal to 1"
        ))),
    }
}

/// An optional list of strings.
pub fn opt_str_list(body: &Value, key: &str) -> Result<Option<Vec<String>>, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| ApiError::invalid(format!("{key} must hold strings")))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(ApiError::invalid(format!("{key} must be a list"))),
    }
}
