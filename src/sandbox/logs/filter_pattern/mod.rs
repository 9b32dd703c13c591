//! CloudWatch Logs filter patterns: the sandbox's simulator of AWS's pattern
//! language (no regex engine, a small hand-written parser and matcher).
//!
//! Supported: empty (everything); plain terms, ANDed, case-sensitive;
//! `"quoted phrases"`; `?term` (at least one of the `?` terms); `-term` and
//! `-"phrase"` (exclusion); JSON patterns `{ $.a.b = "x*" }` with `=`, `!=`,
//! `<`, `<=`, `>`, `>=`, `&&`, `||`, parentheses, `IS TRUE|FALSE|NULL`,
//! `NOT EXISTS`; space-delimited patterns `[ip, user, ..., status=5*]`.

mod json;
mod spaced;
mod terms;

use crate::sandbox::error::ApiError;

pub use json::JsonExpr;
pub use spaced::SpacedPattern;
pub use terms::TermPattern;

/// A parsed filter pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum FilterPattern {
    All,
    Terms(TermPattern),
    Json(JsonExpr),
    Spaced(SpacedPattern),
}

/// The error AWS answers for a pattern it cannot parse.
pub fn invalid_pattern() -> ApiError {
    ApiError::invalid("Invalid filter pattern")
}

impl FilterPattern {
    pub fn parse(pattern: &str) -> Result<Self, ApiError> {
        // AWS's limit; it also bounds the parser's recursion.
        if pattern.chars().count() > 1024 {
            return Err(ApiError::invalid(
                "1 validation error detected: Value at 'filterPattern' failed to satisfy constraint: Member must have length less than or equal to 1024",
            ));
        }
        let p = pattern.trim();
        if p.is_empty() {
            Ok(FilterPattern::All)
        } else if p.starts_with('{') {
            json::parse(p).map(FilterPattern::Json)
        } else if p.starts_with('[') {
            spaced::parse(p).map(FilterPattern::Spaced)
        } else {
            terms::parse(p).map(FilterPattern::Terms)
        }
    }

    pub fn matches(&self, message: &str) -> bool {
        match self {
            FilterPattern::All => true,
            FilterPattern::Terms(t) => t.matches(message),
            FilterPattern::Json(j) => j.matches_message(message),
            FilterPattern::Spaced(s) => s.matches(message),
        }
    }
}

/// `*` wildcard match (any run of characters), otherwise exact.
pub fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, rest) = (parts[0], &parts[1..]);
    let Some(mut remaining) = text.strip_prefix(first) else {
        return false;
    };
    let last = rest.len() - 1;
    for (i, part) in rest.iter().enumerate() {
        if i == last {
            return remaining.ends_with(part);
        }
        match remaining.find(part) {
            Some(at) => remaining = &remaining[at + part.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests;
