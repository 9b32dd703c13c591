//! Masking environment values that look secret. Task definitions often
//! carry passwords in plain environment variables; nobody — admins included
//! — sees them in ecsdeck.

/// Name fragments that mark a variable as secret.
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

/// True when `value` embeds credentials, like `postgres://user:pw@host/db`.
fn has_url_credentials(value: &str) -> bool {
    value
        .split_once("://")
        .and_then(|(_, rest)| rest.split('/').next())
        .is_some_and(|authority| authority.contains('@') && authority.contains(':'))
}

/// The value to display for environment variable `name`.
pub fn display_value(name: &str, value: &str) -> String {
    if is_secret_name(name) || has_url_credentials(value) {
        MASK.to_string()
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(
            display_value("UPSTREAM", "http://api.internal:8080/v1"),
            "http://api.internal:8080/v1"
        );
    }
}
