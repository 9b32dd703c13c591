//! Space-delimited patterns: `[ip, id, user, ts, request, status=5*, size>1000]`.
//! Fields of a line are split on spaces; `"…"` and `[…]` group one field.

use super::{glob, invalid_pattern, json::Op};
use crate::sandbox::error::ApiError;

#[derive(Debug, Clone, PartialEq)]
pub struct SpacedPattern(pub Vec<Field>);

#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    /// `...`: any number of fields.
    Ellipsis,
    /// A named field with an optional condition.
    Named(Option<(Op, String)>),
}

pub fn parse(pattern: &str) -> Result<SpacedPattern, ApiError> {
    let inner = pattern
        .strip_prefix('[')
        .and_then(|p| p.strip_suffix(']'))
        .ok_or_else(invalid_pattern)?;
    let mut fields = Vec::new();
    for raw in inner.split(',') {
        let raw = raw.trim();
        if raw == "..." {
            fields.push(Field::Ellipsis);
            continue;
        }
        let cond = ["!=", "<=", ">=", "=", "<", ">"]
            .iter()
            .find_map(|s| raw.find(s).map(|at| (at, *s)));
        let (name, cond) = match cond {
            None => (raw, None),
            Some((at, s)) => {
                let op = match s {
                    "!=" => Op::Ne,
                    "<=" => Op::Le,
                    ">=" => Op::Ge,
                    "=" => Op::Eq,
                    "<" => Op::Lt,
                    _ => Op::Gt,
                };
                let value = raw[at + s.len()..].trim().trim_matches('"').to_string();
                if value.is_empty() {
                    return Err(invalid_pattern());
                }
                if !matches!(op, Op::Eq | Op::Ne) && value.parse::<f64>().is_err() {
                    return Err(invalid_pattern());
                }
                (raw[..at].trim(), Some((op, value)))
            }
        };
        if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return Err(invalid_pattern());
        }
        fields.push(Field::Named(cond));
    }
    if fields.is_empty() {
        return Err(invalid_pattern());
    }
    Ok(SpacedPattern(fields))
}

/// Splits a line into fields, grouping `"…"` and `[…]`.
fn split_fields(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b' ' || bytes[i] == b'\t' {
            i += 1;
            continue;
        }
        let close = match bytes[i] {
            b'"' => Some(b'"'),
            b'[' => Some(b']'),
            _ => None,
        };
        if let Some(close) = close {
            let start = i + 1;
            let end = line[start..]
                .bytes()
                .position(|b| b == close)
                .map_or(bytes.len(), |p| start + p);
            out.push(&line[start..end]);
            i = end + 1;
        } else {
            let start = i;
            while i < bytes.len() && bytes[i] != b' ' && bytes[i] != b'\t' {
                i += 1;
            }
            out.push(&line[start..i]);
        }
    }
    out
}

fn field_ok(cond: &Option<(Op, String)>, value: &str) -> bool {
    let Some((op, want)) = cond else {
        return true;
    };
    if let (Ok(a), Ok(b)) = (value.parse::<f64>(), want.parse::<f64>()) {
        return match op {
            Op::Eq => a == b,
            Op::Ne => a != b,
            Op::Lt => a < b,
            Op::Le => a <= b,
            Op::Gt => a > b,
            Op::Ge => a >= b,
        };
    }
    match op {
        Op::Eq => glob(want, value),
        Op::Ne => !glob(want, value),
        _ => false,
    }
}

fn match_from(fields: &[Field], values: &[&str]) -> bool {
    match fields.split_first() {
        None => values.is_empty(),
        Some((Field::Ellipsis, rest)) => {
            (0..=values.len()).any(|skip| match_from(rest, &values[skip..]))
        }
        Some((Field::Named(cond), rest)) => values
            .split_first()
            .is_some_and(|(v, more)| field_ok(cond, v) && match_from(rest, more)),
    }
}

impl SpacedPattern {
    pub fn matches(&self, message: &str) -> bool {
        match_from(&self.0, &split_fields(message))
    }
}
