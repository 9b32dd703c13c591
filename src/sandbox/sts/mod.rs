//! STS in the sandbox: AssumeRole and GetCallerIdentity over the AWS query
//! protocol (`wire.rs`), on the simulation clock. Every AssumeRole is
//! recorded (role, session name, source identity, external id) for
//! `GET /_sandbox/sts/sessions`; the credentials it issues are remembered
//! by access key, so GetCallerIdentity answers as the assumed role and a
//! call signed with them after their expiration is refused with
//! `ExpiredTokenException`, as AWS does.

pub mod wire;

use std::collections::{HashMap, VecDeque};

use serde::Serialize;

use crate::sandbox::ecs::arn::ACCOUNT;
use crate::sandbox::error::ApiError;

/// Sessions kept for `/_sandbox/sts/sessions` (oldest dropped first).
const MAX_RECORDED: usize = 1000;
/// Issued credentials remembered for GetCallerIdentity and expiry checks.
const MAX_ISSUED: usize = 10_000;
/// Roles whose name starts with this refuse `SourceIdentity` (a trust
/// policy without `sts:SetSourceIdentity`), to exercise the fallback.
pub const NO_SOURCE_IDENTITY_PREFIX: &str = "NoSourceIdentity";

/// One AssumeRole call as the sandbox recorded it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AssumedSession {
    pub role_arn: String,
    pub session_name: String,
    pub source_identity: Option<String>,
    pub external_id: Option<String>,
    /// The access key of the credentials issued.
    pub access_key_id: String,
    /// Epoch milliseconds on the simulation clock.
    pub at_ms: i64,
    pub expires_ms: i64,
}

/// What AssumeRole was asked.
#[derive(Clone, Debug, Default)]
pub struct AssumeRequest {
    pub role_arn: String,
    pub session_name: String,
    pub source_identity: Option<String>,
    pub external_id: Option<String>,
    pub duration_seconds: Option<String>,
}

#[derive(Debug, Default)]
pub struct StsState {
    recorded: VecDeque<AssumedSession>,
    /// Access key → the session it belongs to.
    issued: HashMap<String, AssumedSession>,
    issued_order: VecDeque<String>,
    counter: u64,
}

/// Who signed a call, as GetCallerIdentity reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub user_id: String,
    pub account: String,
    pub arn: String,
}

impl StsState {
    /// Every recorded AssumeRole, oldest first.
    pub fn sessions(&self) -> Vec<AssumedSession> {
        self.recorded.iter().cloned().collect()
    }

    pub fn assume_role(
        &mut self,
        req: &AssumeRequest,
        now: i64,
    ) -> Result<AssumedSession, ApiError> {
        let role_name = role_name(&req.role_arn).ok_or_else(|| {
            validation(format!(
                "{:?} is not a valid role ARN (arn:aws:iam::ACCOUNT:role/NAME)",
                req.role_arn
            ))
        })?;
        check_pattern("roleSessionName", &req.session_name, 2, 64, "")?;
        if let Some(id) = &req.source_identity {
            check_pattern("sourceIdentity", id, 2, 64, "")?;
            if id.to_ascii_lowercase().starts_with("aws:") {
                return Err(validation(
                    "SourceIdentity cannot start with the reserved prefix aws:".to_string(),
                ));
            }
            if role_name.starts_with(NO_SOURCE_IDENTITY_PREFIX) {
                return Err(ApiError::new(
                    403,
                    "AccessDenied",
                    format!(
                        "User: arn:aws:iam::{ACCOUNT}:user/sandbox is not authorized to perform: \
                         sts:SetSourceIdentity on resource: {}",
                        req.role_arn
                    ),
                ));
            }
        }
        if let Some(id) = &req.external_id {
            check_pattern("externalId", id, 2, 1224, ":/")?;
        }
        let duration = match &req.duration_seconds {
            None => 3600,
            Some(s) => match s.parse::<i64>() {
                Ok(d) if (900..=43200).contains(&d) => d,
                _ => {
                    return Err(validation(format!(
                        "1 validation error detected: Value '{s}' at 'durationSeconds' failed to \
                         satisfy constraint: Member must have value between 900 and 43200"
                    )));
                }
            },
        };
        self.counter += 1;
        let session = AssumedSession {
            role_arn: req.role_arn.clone(),
            session_name: req.session_name.clone(),
            source_identity: req.source_identity.clone(),
            external_id: req.external_id.clone(),
            access_key_id: format!("ASIASANDBOX{:09}", self.counter),
            at_ms: now,
            expires_ms: now + duration * 1000,
        };
        if self.recorded.len() >= MAX_RECORDED {
            self.recorded.pop_front();
        }
        self.recorded.push_back(session.clone());
        if self.issued.len() >= MAX_ISSUED
            && let Some(old) = self.issued_order.pop_front()
        {
            self.issued.remove(&old);
        }
        self.issued_order.push_back(session.access_key_id.clone());
        self.issued
            .insert(session.access_key_id.clone(), session.clone());
        Ok(session)
    }

    /// The caller signing with `access_key`: the assumed role for keys the
    /// sandbox issued, the sandbox's IAM user for any other key.
    pub fn caller(&self, access_key: &str) -> Caller {
        match self.issued.get(access_key) {
            Some(s) => {
                let role = role_name(&s.role_arn).unwrap_or_default();
                let account = role_account(&s.role_arn).unwrap_or(ACCOUNT).to_string();
                Caller {
                    user_id: format!("{}:{}", role_id(role), s.session_name),
                    arn: format!(
                        "arn:aws:sts::{account}:assumed-role/{role}/{}",
                        s.session_name
                    ),
                    account,
                }
            }
            None => Caller {
                user_id: "AIDASANDBOXUSER0000001".to_string(),
                account: ACCOUNT.to_string(),
                arn: format!("arn:aws:iam::{ACCOUNT}:user/sandbox"),
            },
        }
    }

    /// Refuses a call signed with credentials this sandbox issued once they
    /// have expired.
    pub fn check_key(&self, access_key: &str, now: i64) -> Result<(), ApiError> {
        match self.issued.get(access_key) {
            Some(s) if now >= s.expires_ms => Err(ApiError::new(
                400,
                "ExpiredTokenException",
                "The security token included in the request is expired",
            )),
            _ => Ok(()),
        }
    }
}

fn validation(message: String) -> ApiError {
    ApiError::new(400, "ValidationError", message)
}

/// `[\w+=,.@-]` plus `extra`, `min..=max` characters.
fn check_pattern(
    member: &str,
    value: &str,
    min: usize,
    max: usize,
    extra: &str,
) -> Result<(), ApiError> {
    let len = value.chars().count();
    if !(min..=max).contains(&len) {
        return Err(validation(format!(
            "1 validation error detected: Value at '{member}' failed to satisfy constraint: \
             Member must have length between {min} and {max}"
        )));
    }
    let ok = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c) || extra.contains(c));
    if !ok {
        return Err(validation(format!(
            "1 validation error detected: Value '{value}' at '{member}' failed to satisfy \
             constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"
        )));
    }
    Ok(())
}

/// `NAME` of `arn:aws:iam::ACCOUNT:role/[PATH/]NAME`.
pub fn role_name(arn: &str) -> Option<&str> {
    let rest = arn.strip_prefix("arn:aws:iam::")?;
    let (account, resource) = rest.split_once(':')?;
    if account.len() != 12 || !account.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let path = resource.strip_prefix("role/")?;
    let name = path.rsplit('/').next()?;
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c));
    ok.then_some(name)
}

fn role_account(arn: &str) -> Option<&str> {
    arn.strip_prefix("arn:aws:iam::")?.split(':').next()
}

/// A stable `AROA…` id for a role name.
fn role_id(role: &str) -> String {
    let sum: u64 = role.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    format!("AROA{sum:016X}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(session: &str) -> AssumeRequest {
        AssumeRequest {
            role_arn: "arn:aws:iam::111122223333:role/ecsdeck".to_string(),
            session_name: session.to_string(),
            ..Default::default()
        }
    }

    #[test]
    fn assume_role_validates_like_sts() {
        let mut sts = StsState::default();
        assert!(sts.assume_role(&req("alice"), 0).is_ok());
        for bad in ["a", "has space", &"x".repeat(65)] {
            let e = sts.assume_role(&req(bad), 0).unwrap_err();
            assert_eq!(e.kind, "ValidationError", "{bad}");
        }
        let mut r = req("alice");
        r.role_arn = "arn:aws:iam::111122223333:user/alice".to_string();
        assert_eq!(sts.assume_role(&r, 0).unwrap_err().kind, "ValidationError");
        let mut r = req("alice");
        r.duration_seconds = Some("899".to_string());
        assert_eq!(sts.assume_role(&r, 0).unwrap_err().kind, "ValidationError");
        let mut r = req("alice");
        r.source_identity = Some("aws:me".to_string());
        assert_eq!(sts.assume_role(&r, 0).unwrap_err().kind, "ValidationError");
        assert_eq!(sts.sessions().len(), 1, "only valid calls are recorded");
    }

    #[test]
    fn issued_keys_name_the_assumed_role_until_they_expire() {
        let mut sts = StsState::default();
        let s = sts.assume_role(&req("alice"), 1_000).unwrap();
        let caller = sts.caller(&s.access_key_id);
        assert_eq!(
            caller.arn,
            "arn:aws:sts::111122223333:assumed-role/ecsdeck/alice"
        );
        assert_eq!(caller.account, "111122223333");
        assert!(caller.user_id.ends_with(":alice"));
        assert!(sts.check_key(&s.access_key_id, 1_000 + 3_599_000).is_ok());
        let e = sts
            .check_key(&s.access_key_id, 1_000 + 3_600_000)
            .unwrap_err();
        assert_eq!(e.kind, "ExpiredTokenException");
        assert_eq!(
            sts.caller("AKIDOTHER").arn,
            format!("arn:aws:iam::{ACCOUNT}:user/sandbox")
        );
    }
}
