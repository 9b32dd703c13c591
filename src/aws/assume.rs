//! Role assumption for an environment with `role_arn`: the background reads
//! run as the role's session `ecsdeck` (aws-config's `AssumeRoleProvider`,
//! refreshed before expiry), and each signed-in user's actions run with
//! credentials assumed for that user — `RoleSessionName` and
//! `SourceIdentity` name the person, so CloudTrail does too. Every STS call
//! spends the environment's budget (the STS client shares its HTTP client).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use aws_config::SdkConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_credential_types::provider::SharedCredentialsProvider;

use super::budget::Budget;
use super::clients::AwsClients;
use super::error::{AwsError, classify};

/// The session name of the background reads.
pub const READ_SESSION: &str = "ecsdeck";
/// How long a user's assumed credentials are asked for.
const USER_SESSION: Duration = Duration::from_secs(3600);
/// Credentials this close to expiry are assumed again before use.
const RENEW_BEFORE: Duration = Duration::from_secs(300);
/// Users whose credentials are held at once (least recently used go).
const MAX_USERS: u64 = 1000;

/// The role an environment assumes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleSpec {
    pub arn: String,
    pub external_id: Option<String>,
}

/// Per-user sessions of one environment's role.
pub(crate) struct UserSessions {
    /// The environment's config with the ambient (source) credentials.
    base: SdkConfig,
    budget: Arc<Budget>,
    role: RoleSpec,
    sts: aws_sdk_sts::Client,
    /// User name → clients with that user's credentials, until near expiry.
    cache: moka::future::Cache<String, (AwsClients, SystemTime)>,
    /// The role's trust policy refused `sts:SetSourceIdentity` once: later
    /// sessions are assumed without it.
    no_source_identity: AtomicBool,
}

impl std::fmt::Debug for UserSessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserSessions")
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

impl AwsClients {
    /// Clients of an environment that assumes `role`: reads as the session
    /// `ecsdeck`, actions (`for_user`) as the signed-in user. `base` holds
    /// the source credentials and must spend `budget`.
    pub async fn assuming(base: &SdkConfig, budget: Arc<Budget>, role: RoleSpec) -> Self {
        let mut reads = AssumeRoleProvider::builder(role.arn.clone())
            .session_name(READ_SESSION)
            .configure(base);
        if let Some(id) = &role.external_id {
            reads = reads.external_id(id.clone());
        }
        let provider = reads.build().await;
        let config = base
            .to_builder()
            .credentials_provider(SharedCredentialsProvider::new(provider))
            .build();
        let users = UserSessions {
            base: base.clone(),
            budget: budget.clone(),
            sts: aws_sdk_sts::Client::new(base),
            role,
            cache: moka::future::Cache::builder()
                .max_capacity(MAX_USERS)
                .time_to_live(USER_SESSION)
                .build(),
            no_source_identity: AtomicBool::new(false),
        };
        let mut clients = Self::new(&config, budget);
        clients.users = Some(Arc::new(users));
        clients
    }

    /// The clients `user`'s actions use: with a role, credentials assumed
    /// for that user (cached until near expiry); otherwise these clients.
    pub async fn for_user(&self, user: &str) -> Result<AwsClients, AwsError> {
        match &self.users {
            Some(users) => users.clients(user).await,
            None => Ok(self.clone()),
        }
    }
}

impl UserSessions {
    async fn clients(&self, user: &str) -> Result<AwsClients, AwsError> {
        if let Some((clients, expires)) = self.cache.get(user).await {
            if expires > SystemTime::now() + RENEW_BEFORE {
                return Ok(clients);
            }
            self.cache.invalidate(user).await;
        }
        let found = self
            .cache
            .try_get_with(user.to_string(), self.assume(user))
            .await
            .map_err(|e: Arc<AwsError>| (*e).clone())?;
        Ok(found.0)
    }

    /// AssumeRole as `user`: the session named after them, their name as
    /// the source identity unless the trust policy refused it before.
    async fn assume(&self, user: &str) -> Result<(AwsClients, SystemTime), AwsError> {
        let name = session_name(user);
        let with_identity = !self.no_source_identity.load(Ordering::Relaxed);
        let answer = match self
            .call(&name, with_identity.then_some(name.as_str()))
            .await
        {
            Err(AwsError::AccessDenied { .. }) if with_identity => {
                tracing::warn!(
                    role = %self.role.arn,
                    "the role's trust policy does not allow sts:SetSourceIdentity; \
                     assuming it without a source identity (the session name still names the user)"
                );
                self.no_source_identity.store(true, Ordering::Relaxed);
                self.call(&name, None).await?
            }
            other => other?,
        };
        let expires = answer.expiry().unwrap_or_else(SystemTime::now);
        let config = self
            .base
            .to_builder()
            .credentials_provider(SharedCredentialsProvider::new(answer))
            .build();
        Ok((AwsClients::new(&config, self.budget.clone()), expires))
    }

    async fn call(
        &self,
        session: &str,
        source_identity: Option<&str>,
    ) -> Result<aws_credential_types::Credentials, AwsError> {
        let out = self
            .sts
            .assume_role()
            .role_arn(&self.role.arn)
            .role_session_name(session)
            .set_source_identity(source_identity.map(str::to_string))
            .set_external_id(self.role.external_id.clone())
            .duration_seconds(USER_SESSION.as_secs() as i32)
            .send()
            .await
            .map_err(classify)?;
        let Some(c) = out.credentials() else {
            return Err(AwsError::Unavailable {
                code: "NoCredentials".to_string(),
                message: "STS AssumeRole answered without credentials".to_string(),
            });
        };
        let expiry = SystemTime::try_from(*c.expiration()).ok();
        Ok(aws_credential_types::Credentials::new(
            c.access_key_id(),
            c.secret_access_key(),
            Some(c.session_token().to_string()),
            expiry,
            "ecsdeck-user-session",
        ))
    }
}

/// A user name as STS accepts it for `RoleSessionName` and
/// `SourceIdentity`: 2–64 characters of `[A-Za-z0-9_+=,.@-]`, anything else
/// replaced by `-`.
pub fn session_name(user: &str) -> String {
    let mut name: String = user
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_+=,.@-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect();
    if name.len() < 2 {
        name = format!("u-{name}");
    }
    name
}

#[cfg(test)]
mod tests {
    use super::session_name;

    #[test]
    fn session_names_follow_sts_rules() {
        assert_eq!(session_name("alice@example.com"), "alice@example.com");
        assert_eq!(session_name("Bob Smith/ops"), "Bob-Smith-ops");
        assert_eq!(session_name("x"), "u-x");
        assert_eq!(session_name(&"a".repeat(100)).len(), 64);
        assert_eq!(session_name("ünï"), "-n-");
    }
}
