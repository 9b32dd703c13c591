//! The one place that decides what looks secret, and what is shown instead.
//! Task definitions often carry passwords in plain environment variables,
//! log-driver options (`splunk-token`, `apikey`, `HTTP_Passwd`), command
//! arguments (`--password=…`, `--token xyz`, `DB_PASSWORD=…`), URL
//! credentials (`https://user:pw@host`) and query strings (`?token=…`);
//! nobody — admins included — sees them in ecsdeck. The task-definition
//! page, every diff (`td_diff`) and the deploy preview all mask through
//! here. Masking keeps what is not secret (names, flags, hosts, paths) so a
//! reader still sees what the setting is.

/// Name fragments that mark a variable, option, flag or parameter as secret.
const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASS",
    "PWD",
    "SECRET",
    "TOKEN",
    "KEY",
    "CREDENTIAL",
    "PRIVATE",
    "AUTH",
    "CERT",
    "SIGNATURE",
    "SALT",
    "DSN",
];

/// What a masked value shows instead.
pub const MASK: &str = "••••••••";

/// True when `name` looks like it holds a secret (case-insensitive).
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    SECRET_WORDS.iter().any(|w| upper.contains(w))
}

/// The value to display for environment variable `name`: all of it masked
/// when the name looks secret or the value embeds a credential.
pub fn display_value(name: &str, value: &str) -> String {
    if is_secret_name(name) || mask_text(value) != value {
        MASK.to_string()
    } else {
        value.to_string()
    }
}

/// The value to display for log-driver option `key` (`splunk-token`,
/// `apikey`, `HTTP_Passwd`… masked whole; URL credentials and secret query
/// parameters in any other option masked in place).
pub fn display_option(key: &str, value: &str) -> String {
    if is_secret_name(key) {
        MASK.to_string()
    } else {
        mask_text(value)
    }
}

/// Command, entry point or health-check arguments as displayed: the value
/// of a secret-looking flag (`--password=x`, `--token x`), of a
/// secret-looking `KEY=value`, URL credentials and secret query parameters
/// are masked. Arguments are read word by word, so a shell string
/// (`sh -c "app --token x"`) is masked too.
pub fn mask_args(args: &[String]) -> Vec<String> {
    let mut mask_next = false;
    args.iter()
        .map(|arg| {
            arg.split(' ')
                .map(|word| mask_word(word, &mut mask_next))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// One word of an argument list; `mask_next` carries "the previous word was
/// a secret-looking flag" to the next word.
fn mask_word(word: &str, mask_next: &mut bool) -> String {
    if word.is_empty() {
        return String::new();
    }
    let (open, inner, close) = peel_quotes(word);
    let masked = if inner.starts_with('-') {
        *mask_next = false;
        match inner.split_once('=') {
            Some((flag, _)) if is_secret_name(flag) => format!("{flag}={MASK}"),
            Some((flag, value)) => format!("{flag}={}", mask_text(value)),
            None => {
                *mask_next = inner.trim_start_matches('-').len() > 1 && is_secret_name(inner);
                inner.to_string()
            }
        }
    } else if std::mem::take(mask_next) {
        MASK.to_string()
    } else {
        match inner.split_once('=') {
            Some((key, _)) if is_plain_key(key) && is_secret_name(key) => {
                format!("{key}={MASK}")
            }
            Some((key, value)) if is_plain_key(key) => format!("{key}={}", mask_text(value)),
            _ => mask_text(inner),
        }
    };
    format!("{open}{masked}{close}")
}

/// Splits leading and trailing quote characters off a word.
fn peel_quotes(word: &str) -> (&str, &str, &str) {
    let quote = |c: char| c == '"' || c == '\'';
    let inner_start = word.len() - word.trim_start_matches(quote).len();
    let rest = &word[inner_start..];
    let inner = rest.trim_end_matches(quote);
    (&word[..inner_start], inner, &rest[inner.len()..])
}

/// A `KEY` of `KEY=value`: letters, digits, `_`, `.` and `-`.
fn is_plain_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// Free text with URL credentials (`scheme://user:PASSWORD@host`, the
/// password even when it holds `/`, `?` or `@`) and secret query parameters
/// (`?token=…&api_key=…`) masked; everything else as it was.
pub fn mask_text(text: &str) -> String {
    text.split(' ')
        .map(|word| mask_query(&mask_url_credentials(word)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `scheme://user:secret@host…` → `scheme://user:MASK@host…`.
fn mask_url_credentials(word: &str) -> String {
    let Some(scheme_end) = word.find("://").map(|i| i + 3) else {
        return word.to_string();
    };
    let rest = &word[scheme_end..];
    let Some(first_at) = rest.find('@') else {
        return word.to_string();
    };
    let Some((user, _)) = rest[..first_at].split_once(':') else {
        return word.to_string();
    };
    if user.contains(['/', '?', '#']) {
        return word.to_string();
    }
    // The userinfo runs to the last `@` that still precedes the host: an
    // unencoded `@` in the password moves it right.
    let mut end = first_at;
    while let Some(next) = rest[end + 1..].find('@') {
        if rest[end + 1..end + 1 + next].contains(['/', '?', '#']) {
            break;
        }
        end += 1 + next;
    }
    format!(
        "{}{user}:{MASK}@{}",
        &word[..scheme_end],
        mask_url_credentials(&rest[end + 1..])
    )
}

/// `…?token=x&page=2#top` → `…?token=MASK&page=2#top`.
fn mask_query(word: &str) -> String {
    let Some((base, query)) = word.split_once('?') else {
        return word.to_string();
    };
    let (query, fragment) = match query.split_once('#') {
        Some((q, f)) => (q, Some(f)),
        None => (query, None),
    };
    let params: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if is_secret_name(k) => format!("{k}={MASK}"),
            _ => pair.to_string(),
        })
        .collect();
    let mut out = base.to_string();
    out.push('?');
    out.push_str(&params.join("&"));
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        mask_args(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn masks_secret_looking_names_and_url_credentials() {
        for name in [
            "POSTGRES_PROD_PASSWORD",
            "RAILS_MASTER_KEY",
            "aws_secret_access_key",
            "GITHUB_TOKEN",
            "SMTP_PASS",
            "GOOGLE_APPLICATION_CREDENTIALS",
            "PRIVATE_KEY_PEM",
            "SENTRY_DSN",
        ] {
            assert_eq!(display_value(name, "hunter2"), MASK, "{name}");
        }
        assert_eq!(display_value("RAILS_ENV", "production"), "production");
        assert_eq!(display_value("PORT", "4000"), "4000");
        assert_eq!(
            display_value("DATABASE_URL", "postgres://app:s3cret@db:5432/app"),
            MASK
        );
        assert_eq!(display_value("HOOK", "https://h/x?token=abc"), MASK);
        assert_eq!(
            display_value("UPSTREAM", "http://api.internal:8080/v1"),
            "http://api.internal:8080/v1"
        );
    }

    #[test]
    fn url_credentials_with_slashes_and_at_signs_are_masked() {
        assert_eq!(
            mask_text("https://user:pa/ss@host/path"),
            format!("https://user:{MASK}@host/path")
        );
        assert_eq!(
            mask_text("redis://:p@ss@cache:6379"),
            format!("redis://:{MASK}@cache:6379")
        );
        assert_eq!(
            mask_text("https://host/a@b"),
            "https://host/a@b",
            "an @ in the path is no credential"
        );
    }

    #[test]
    fn secret_query_parameters_are_masked() {
        assert_eq!(
            mask_text("https://hooks.example/x?token=abc&page=2&api_key=def#top"),
            format!("https://hooks.example/x?token={MASK}&page=2&api_key={MASK}#top")
        );
    }

    #[test]
    fn arguments_keep_flags_and_mask_their_secret_values() {
        assert_eq!(
            args(&[
                "app",
                "--password=hunter2",
                "--token",
                "xyz",
                "--port",
                "80"
            ]),
            [
                "app",
                &format!("--password={MASK}"),
                "--token",
                MASK,
                "--port",
                "80"
            ]
        );
        assert_eq!(
            args(&[
                "sh",
                "-c",
                "exec app --api-key 'k1' DB_PASSWORD=pw LEVEL=info"
            ]),
            [
                "sh",
                "-c",
                &format!("exec app --api-key '{MASK}' DB_PASSWORD={MASK} LEVEL=info")
            ]
        );
        assert_eq!(
            args(&["--secret", "--verbose", "x"]),
            ["--secret", "--verbose", "x"],
            "a flag after a secret flag is not its value"
        );
    }

    #[test]
    fn log_options_mask_secret_keys() {
        assert_eq!(display_option("splunk-token", "t0k"), MASK);
        assert_eq!(display_option("apikey", "dd"), MASK);
        assert_eq!(display_option("HTTP_Passwd", "pw"), MASK);
        assert_eq!(display_option("awslogs-group", "/ecs/app"), "/ecs/app");
    }
}
