//! The environments file (`--config ecsdeck.toml`, `ECSDECK_CONFIG`): every
//! account and region the dashboard shows, each named in URLs. The format
//! is fixed in DESIGN.md ("Environments file"):
//!
//! ```toml
//! [[environments]]
//! name = "prod-us"
//! region = "us-east-1"
//! profile = "prod"                                    # optional
//! role_arn = "arn:aws:iam::111122223333:role/ecsdeck" # optional
//! external_id = "…"                                   # optional
//! endpoint_url = "http://127.0.0.1:4510"              # optional
//! protected = true                                    # optional
//! ```
//!
//! Unknown keys, duplicate or non-URL-safe names and more than
//! [`MAX_ENVIRONMENTS`] environments are refused with a message naming the
//! environment and the key.

use std::path::Path;

use serde::Deserialize;

/// At most this many environments: each has its own fleet model, refresher
/// and AWS budget.
pub const MAX_ENVIRONMENTS: usize = 50;
/// Longest environment name (it is a URL segment and a column).
pub const MAX_NAME_LEN: usize = 40;
/// A file larger than this is not an environments file.
const MAX_FILE_BYTES: u64 = 256 * 1024;

/// One environment as the file describes it.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentSpec {
    /// Used in URLs (`/{name}/clusters/…`) and shown in every table.
    pub name: String,
    pub region: String,
    /// A profile of the shared AWS config and credentials files.
    #[serde(default)]
    pub profile: Option<String>,
    /// A role to assume: background reads as session `ecsdeck`, actions as
    /// the signed-in user.
    #[serde(default)]
    pub role_arn: Option<String>,
    #[serde(default)]
    pub external_id: Option<String>,
    /// Any AWS-compatible endpoint (a sandbox) instead of AWS.
    #[serde(default)]
    pub endpoint_url: Option<String>,
    /// Every action in this environment needs the service name typed.
    #[serde(default)]
    pub protected: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    environments: Vec<EnvironmentSpec>,
}

/// Reads and validates the environments file at `path`.
pub fn load(path: &Path) -> anyhow::Result<Vec<EnvironmentSpec>> {
    use anyhow::Context;
    let len = std::fs::metadata(path)
        .with_context(|| format!("cannot read the environments file {}", path.display()))?
        .len();
    anyhow::ensure!(
        len <= MAX_FILE_BYTES,
        "{}: {len} bytes is too large for an environments file (at most {MAX_FILE_BYTES})",
        path.display()
    );
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the environments file {}", path.display()))?;
    parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// Parses and validates the text of an environments file.
pub fn parse(text: &str) -> Result<Vec<EnvironmentSpec>, String> {
    let file: File = toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())?;
    validate(&file.environments)?;
    Ok(file.environments)
}

fn validate(envs: &[EnvironmentSpec]) -> Result<(), String> {
    if envs.is_empty() {
        return Err(
            "no environments: add at least one [[environments]] table with a name and a region"
                .to_string(),
        );
    }
    if envs.len() > MAX_ENVIRONMENTS {
        return Err(format!(
            "{} environments: at most {MAX_ENVIRONMENTS} are allowed",
            envs.len()
        ));
    }
    for (i, env) in envs.iter().enumerate() {
        let at = format!("environment {} ({:?})", i + 1, env.name);
        check_name(&env.name).map_err(|e| format!("{at}: name {e}"))?;
        if let Some(first) = envs[..i].iter().position(|o| o.name == env.name) {
            return Err(format!(
                "{at}: the name {:?} is already used by environment {}; names must be unique",
                env.name,
                first + 1
            ));
        }
        check_region(&env.region).map_err(|e| format!("{at}: region {e}"))?;
        if let Some(arn) = &env.role_arn {
            check_role_arn(arn).map_err(|e| format!("{at}: role_arn {e}"))?;
        } else if env.external_id.is_some() {
            return Err(format!("{at}: external_id needs role_arn"));
        }
        if let Some(id) = &env.external_id {
            let ok = (2..=1224).contains(&id.len())
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+=,.@:/-_".contains(c));
            if !ok {
                return Err(format!(
                    "{at}: external_id must be 2–1224 characters of letters, digits and +=,.@:/-_"
                ));
            }
        }
        if let Some(url) = &env.endpoint_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(format!(
                "{at}: endpoint_url must be an http:// or https:// URL, not {url:?}"
            ));
        }
        if let Some(profile) = &env.profile
            && (profile.is_empty() || profile.len() > 128)
        {
            return Err(format!("{at}: profile must be 1–128 characters"));
        }
    }
    Ok(())
}

/// Names are URL path segments: letters, digits, `-`, `_` and `.`, not
/// starting with a dot, at most [`MAX_NAME_LEN`] characters. Names that
/// are the first segment of another route are refused too.
fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > MAX_NAME_LEN {
        return Err(format!("must be 1–{MAX_NAME_LEN} characters"));
    }
    if name.starts_with('.')
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        return Err(format!(
            "{name:?} is not URL-safe: use letters, digits, '-', '_' and '.' (not first)"
        ));
    }
    const TAKEN: [&str; 9] = [
        "static", "login", "logout", "audit", "admin", "healthz", "readyz", "metrics", "_sandbox",
    ];
    if TAKEN.contains(&name) {
        return Err(format!("{name:?} is reserved for ecsdeck's own pages"));
    }
    Ok(())
}

fn check_region(region: &str) -> Result<(), String> {
    let ok = !region.is_empty()
        && region.len() <= 32
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && region.contains('-');
    if ok {
        Ok(())
    } else {
        Err(format!("{region:?} is not an AWS region (e.g. us-east-1)"))
    }
}

/// `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`.
pub fn check_role_arn(arn: &str) -> Result<(), String> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let ok = arn.len() <= 2048
        && parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == "iam"
        && parts[3].is_empty()
        && parts[4].len() == 12
        && parts[4].chars().all(|c| c.is_ascii_digit())
        && parts[5]
            .strip_prefix("role/")
            .is_some_and(|r| !r.is_empty());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{arn:?} is not a role ARN (arn:aws:iam::ACCOUNT:role/NAME)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_file_parses() {
        let envs = parse(
            r#"
            [[environments]]
            name = "prod-us"
            region = "us-east-1"
            profile = "prod"
            role_arn = "arn:aws:iam::111122223333:role/ecsdeck"
            external_id = "ext-123"
            endpoint_url = "http://127.0.0.1:4510"
            protected = true

            [[environments]]
            name = "staging.eu"
            region = "eu-west-1"
            "#,
        )
        .unwrap();
        assert_eq!(envs.len(), 2);
        assert!(envs[0].protected && !envs[1].protected);
        assert_eq!(envs[0].external_id.as_deref(), Some("ext-123"));
        assert_eq!(envs[1].role_arn, None);
    }

    #[test]
    fn mistakes_are_named() {
        let cases = [
            ("", "no environments"),
            (
                "[[environments]]\nname = \"a\"\nregion = \"us-east-1\"\nrole = \"x\"\n",
                "unknown field `role`",
            ),
            (
                "[[environments]]\nname = \"a b\"\nregion = \"us-east-1\"\n",
                "is not URL-safe",
            ),
            (
                "[[environments]]\nname = \"audit\"\nregion = \"us-east-1\"\n",
                "reserved",
            ),
            (
                "[[environments]]\nname = \"a\"\nregion = \"us-east-1\"\n[[environments]]\nname = \"a\"\nregion = \"eu-west-1\"\n",
                "already used by environment 1",
            ),
            (
                "[[environments]]\nname = \"a\"\nregion = \"Mars\"\n",
                "is not an AWS region",
            ),
            (
                "[[environments]]\nname = \"a\"\nregion = \"us-east-1\"\nrole_arn = \"arn:aws:iam::1:user/x\"\n",
                "is not a role ARN",
            ),
            (
                "[[environments]]\nname = \"a\"\nregion = \"us-east-1\"\nexternal_id = \"xyz\"\n",
                "external_id needs role_arn",
            ),
            (
                "[[environments]]\nregion = \"us-east-1\"\n",
                "missing field `name`",
            ),
            ("[settings]\n", "unknown field `settings`"),
        ];
        for (text, expected) in cases {
            let err = parse(text).unwrap_err();
            assert!(err.contains(expected), "{text:?}: {err}");
        }
        let many: String = (0..=MAX_ENVIRONMENTS)
            .map(|i| format!("[[environments]]\nname = \"e{i}\"\nregion = \"us-east-1\"\n"))
            .collect();
        assert!(parse(&many).unwrap_err().contains("at most 50"));
    }
}
