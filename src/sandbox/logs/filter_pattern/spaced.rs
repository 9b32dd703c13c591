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

/// Whether `fields` match `values` as a whole, and how many steps that
/// took. Dynamic programming over (field, value position) — `reach[j]`:
/// the fields so far match exactly `values[..j]` — so any number of `...`
/// costs at most (fields) × (values + 1) steps, never the exponential
/// backtracking of trying every split.
fn match_fields(fields: &[Field], values: &[&str]) -> (bool, usize) {
    let n = values.len();
    let mut steps = 0;
    let mut reach = vec![false; n + 1];
    reach[0] = true;
    for field in fields {
        let mut next = vec![false; n + 1];
        match field {
            Field::Ellipsis => {
                let mut any = false;
                for (j, r) in reach.iter().enumerate() {
                    steps += 1;
                    any |= *r;
                    next[j] = any;
                }
            }
            Field::Named(cond) => {
                for (j, v) in values.iter().enumerate() {
                    steps += 1;
                    next[j + 1] = reach[j] && field_ok(cond, v);
                }
            }
        }
        reach = next;
        if !reach.contains(&true) {
            return (false, steps);
        }
    }
    (reach[n], steps)
}

impl SpacedPattern {
    pub fn matches(&self, message: &str) -> bool {
        self.matches_counting(message).0
    }

    /// `matches`, and the matcher's step count (bounded by fields ×
    /// (words + 1); tests hold it to that).
    pub fn matches_counting(&self, message: &str) -> (bool, usize) {
        match_fields(&self.0, &split_fields(message))
    }
}
