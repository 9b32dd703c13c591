//! The one wildcard matcher behind every pattern flag (`--operator-scope`,
//! `--protected-cluster`, ALB role patterns): `*` matches any run of
//! characters (also none, also `/`), anywhere and any number of times;
//! everything else matches itself.

/// Whether `text` matches `pattern` as a whole.
pub fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, rest) = match parts.split_first() {
        Some(split) => split,
        None => return text.is_empty(),
    };
    let Some((last, middle)) = rest.split_last() else {
        return pattern == text;
    };
    if text.len() < first.len() + last.len() || !text.starts_with(first) || !text.ends_with(last) {
        return false;
    }
    let mut inner = &text[first.len()..text.len() - last.len()];
    for part in middle {
        match inner.find(part) {
            Some(i) => inner = &inner[i + part.len()..],
            None => return false,
        }
    }
    true
}

/// Whether any of `patterns` matches `text`.
pub fn any(patterns: &[String], text: &str) -> bool {
    patterns.iter().any(|p| glob(p, text))
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn literal_patterns_match_only_themselves() {
        assert!(glob("staging", "staging"));
        assert!(!glob("staging", "staging2"));
        assert!(!glob("sandbox/demo", "sandbox/demo2"));
        assert!(glob("", ""));
        assert!(!glob("", "x"));
    }

    #[test]
    fn one_star_anywhere() {
        assert!(glob("prod-*", "prod-eu"));
        assert!(glob("*-prod", "eu-prod"));
        assert!(glob("staging/*", "staging/web"));
        assert!(!glob("staging/*", "production/web"));
        assert!(glob("*", "production/api"));
        assert!(glob("*", ""));
        assert!(glob("sandbox/acme-*", "sandbox/acme-production"));
        assert!(!glob("prod-*", "staging"));
    }

    #[test]
    fn many_stars() {
        assert!(glob("*prod*", "my-prod-cluster"));
        assert!(glob("*prod*", "prod"));
        assert!(!glob("*prod*", "staging"));
        assert!(glob("*/dev-*", "sandbox/dev-one"));
        assert!(glob("a*b*c", "a-x-b-y-c"));
        assert!(!glob("a*b*c", "a-x-c-y-b"));
        assert!(glob("**", "anything"));
    }

    #[test]
    fn prefix_and_suffix_do_not_overlap() {
        assert!(!glob("a*a", "a"));
        assert!(glob("a*a", "aa"));
        assert!(!glob("ab*ba", "aba"));
    }
}
