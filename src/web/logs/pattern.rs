//! The plain-term part of CloudWatch filter patterns, for highlighting
//! matches and for filtering live-tail lines. JSON (`{ … }`) and
//! space-delimited (`[ … ]`) patterns are left to CloudWatch.

/// The "errors only" toggle's pattern.
pub const ERRORS_PATTERN: &str = "?ERROR ?Error ?error ?FATAL ?Exception ?panic";

/// A term pattern: every `all` term, at least one `any` term (if any),
/// no `none` term.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Terms {
    pub all: Vec<String>,
    pub any: Vec<String>,
    pub none: Vec<String>,
}

impl Terms {
    /// Parses a term pattern; None for JSON or space-delimited patterns.
    pub fn parse(pattern: &str) -> Option<Self> {
        let p = pattern.trim();
        if p.starts_with('{') || p.starts_with('[') {
            return None;
        }
        let mut terms = Terms::default();
        let mut chars = p.chars().peekable();
        loop {
            while chars.peek().is_some_and(|c| c.is_whitespace()) {
                chars.next();
            }
            let Some(&first) = chars.peek() else {
                return Some(terms);
            };
            let list = match first {
                '?' => {
                    chars.next();
                    &mut terms.any
                }
                '-' => {
                    chars.next();
                    &mut terms.none
                }
                _ => &mut terms.all,
            };
            let mut term = String::new();
            if chars.peek() == Some(&'"') {
                chars.next();
                for c in chars.by_ref() {
                    if c == '"' {
                        break;
                    }
                    term.push(c);
                }
            } else {
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() {
                        break;
                    }
                    term.push(c);
                    chars.next();
                }
            }
            if !term.is_empty() {
                list.push(term);
            }
        }
    }

    /// Terms worth highlighting in a matching line.
    pub fn marks(&self) -> Vec<String> {
        self.all.iter().chain(&self.any).cloned().collect()
    }

    pub fn matches(&self, message: &str) -> bool {
        self.all.iter().all(|t| message.contains(t.as_str()))
            && (self.any.is_empty() || self.any.iter().any(|t| message.contains(t.as_str())))
            && !self.none.iter().any(|t| message.contains(t.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_matches_like_cloudwatch_terms() {
        let t = Terms::parse(r#"GET "500 Internal" -healthz"#).unwrap();
        assert_eq!(t.all, ["GET", "500 Internal"]);
        assert_eq!(t.none, ["healthz"]);
        assert!(t.matches("GET /x 500 Internal"));
        assert!(!t.matches("GET /healthz 500 Internal"));
        let e = Terms::parse(ERRORS_PATTERN).unwrap();
        assert!(e.matches("E, [..] ERROR -- boom") && e.matches("thread 'main' panicked"));
        assert!(!e.matches("I, [..] INFO -- fine"));
        assert_eq!(Terms::parse("{ $.level = \"error\" }"), None);
        assert!(Terms::parse("").unwrap().matches("anything"));
    }
}
