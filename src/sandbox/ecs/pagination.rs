//! Opaque `nextToken`s and `maxResults` checks, as ECS does them.
//!
//! A token encodes the operation and the offset of the next item, plus a
//! check so that a forged or foreign token is refused with
//! InvalidParameterException.

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::sandbox::error::ApiError;

fn check(op: &str, offset: usize) -> String {
    let mut h = Sha256::new();
    h.update(b"ecsdeck-sandbox-page|");
    h.update(op.as_bytes());
    h.update(b"|");
    h.update(offset.to_string().as_bytes());
    hex::encode(&h.finalize()[..12])
}

pub fn encode(op: &str, offset: usize) -> String {
    format!("{}{:08x}", check(op, offset), offset)
}

pub fn decode(op: &str, token: &str) -> Result<usize, ApiError> {
    let bad = || ApiError::invalid("Invalid token");
    if token.len() < 25 || !token.is_ascii() {
        return Err(bad());
    }
    let (sum, off) = token.split_at(24);
    let offset = usize::from_str_radix(off, 16).map_err(|_| bad())?;
    if sum != check(op, offset) {
        return Err(bad());
    }
    Ok(offset)
}

/// `maxResults` from the request: default `default`, allowed 1..=`max`.
pub fn max_results(body: &Value, default: usize, max: usize) -> Result<usize, ApiError> {
    match body.get("maxResults") {
        None | Some(Value::Null) => Ok(default),
        Some(v) => match v.as_i64() {
            Some(n) if n >= 1 && n as usize <= max => Ok(n as usize),
            _ => Err(ApiError::invalid(format!(
                "maxResults must be between 1 and {max}, got {v}"
            ))),
        },
    }
}

/// One page of `items` per the request's `nextToken`/`maxResults`.
pub fn page<T: Clone>(
    op: &str,
    body: &Value,
    items: &[T],
    default: usize,
    max: usize,
) -> Result<(Vec<T>, Option<String>), ApiError> {
    let limit = max_results(body, default, max)?;
    let start = match body.get("nextToken").and_then(Value::as_str) {
        None | Some("") => 0,
        Some(t) => decode(op, t)?,
    };
    if start > items.len() {
        return Err(ApiError::invalid("Invalid token"));
    }
    let end = (start + limit).min(items.len());
    let next = (end < items.len()).then(|| encode(op, end));
    Ok((items[start..end].to_vec(), next))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_reject_forgery() {
        let t = encode("ListServices", 10);
        assert_eq!(decode("ListServices", &t).unwrap(), 10);
        assert!(decode("ListTasks", &t).is_err());
        assert!(decode("ListServices", "garbage").is_err());
        let mut forged = t.clone();
        forged.replace_range(t.len() - 1.., "b");
        assert!(decode("ListServices", &forged).is_err());
    }
}
