//! Term patterns: `ERROR`, `"exact phrase"`, `?a ?b`, `-excluded`.

use super::invalid_pattern;
use crate::sandbox::error::ApiError;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TermPattern {
    /// Every one must occur.
    pub all: Vec<String>,
    /// At least one must occur (when any are given).
    pub any: Vec<String>,
    /// None may occur.
    pub none: Vec<String>,
}

impl TermPattern {
    pub fn matches(&self, message: &str) -> bool {
        self.all.iter().all(|t| message.contains(t.as_str()))
            && (self.any.is_empty() || self.any.iter().any(|t| message.contains(t.as_str())))
            && !self.none.iter().any(|t| message.contains(t.as_str()))
    }
}

/// Reads a `"…"` phrase starting after its opening quote; returns the phrase
/// and the index after the closing quote.
pub fn read_quoted(chars: &[char], mut i: usize) -> Result<(String, usize), ApiError> {
    let mut out = String::new();
    while i < chars.len() {
        match chars[i] {
            '\\' if i + 1 < chars.len() => {
                out.push(chars[i + 1]);
                i += 2;
            }
            '"' => return Ok((out, i + 1)),
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Err(invalid_pattern())
}

pub fn parse(pattern: &str) -> Result<TermPattern, ApiError> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = TermPattern::default();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let kind = chars[i];
        if kind == '?' || kind == '-' {
            i += 1;
        }
        let term = if chars.get(i) == Some(&'"') {
            let (phrase, next) = read_quoted(&chars, i + 1)?;
            i = next;
            if chars.get(i).is_some_and(|c| !c.is_whitespace()) {
                return Err(invalid_pattern());
            }
            phrase
        } else {
            let start = i;
            while i < chars.len() && !chars[i].is_whitespace() {
                if matches!(chars[i], '"' | '{' | '}' | '[' | ']') {
                    return Err(invalid_pattern());
                }
                i += 1;
            }
            chars[start..i].iter().collect()
        };
        if term.is_empty() {
            return Err(invalid_pattern());
        }
        match kind {
            '?' => out.any.push(term),
            '-' => out.none.push(term),
            _ => out.all.push(term),
        }
    }
    Ok(out)
}
