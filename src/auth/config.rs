//! How sign-in behaves, fixed at start-up, and the auth part of AppState.

use std::sync::Arc;
use std::time::Duration;

use super::alb::{AlbConfig, AlbVerifier};
use super::audit_limit::{DeniedAuditLimiter, DeniedAuditLimits};
use super::gate::VerifyGate;
use super::limiter::{LoginLimiter, LoginLimits};
use super::{AlbSessions, Clock};
use crate::store::Store;

/// Where users come from.
#[derive(Clone, Debug)]
pub enum AuthMode {
    /// Local users (`ecsdeck user add`) sign in with a password at /login.
    Local,
    /// An Application Load Balancer authenticates users with OIDC and vouches
    /// for them in `x-amzn-oidc-data`.
    Alb(AlbConfig),
}

#[derive(Clone, Debug)]
pub struct AuthConfig {
    pub mode: AuthMode,
    /// `Secure` cookies with the `__Host-` prefix, and HSTS. Off only for
    /// plain-HTTP local use (`--insecure-cookies`, the demo).
    pub secure_cookies: bool,
    /// A session unused this long ends.
    pub idle_timeout: Duration,
    /// A session ends this long after sign-in, used or not.
    pub absolute_timeout: Duration,
    /// How often an answer that lasts (the live tail) checks its session
    /// and user again; it ends once they are gone or changed.
    pub recheck_every: Duration,
    /// Where operators may act, as `ENV/CLUSTER` patterns (`*` matches any
    /// run of characters); empty means everywhere. Admins act everywhere.
    pub operator_scope: Vec<String>,
    pub limits: LoginLimits,
    /// How many refusals per user are written to the audit trail.
    pub denied_audit: DeniedAuditLimits,
    /// Take the client address from the last `X-Forwarded-For` entry (behind
    /// a load balancer) instead of the socket.
    pub trust_forwarded_for: bool,
    pub clock: Clock,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            mode: AuthMode::Local,
            secure_cookies: true,
            idle_timeout: Duration::from_secs(30 * 60),
            absolute_timeout: Duration::from_secs(12 * 60 * 60),
            recheck_every: Duration::from_secs(30),
            operator_scope: Vec::new(),
            limits: LoginLimits::default(),
            denied_audit: DeniedAuditLimits::default(),
            trust_forwarded_for: false,
            clock: Clock::system(),
        }
    }
}

impl AuthConfig {
    /// The session cookie's name (`__Host-` requires Secure, path /, no domain).
    pub fn cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-ecsdeck-session"
        } else {
            "ecsdeck-session"
        }
    }

    /// Whether operators may act on `cluster` in `env`.
    pub fn operator_may_act(&self, env: &str, cluster: &str) -> bool {
        if self.operator_scope.is_empty() {
            return true;
        }
        let target = format!("{env}/{cluster}");
        crate::glob::any(&self.operator_scope, &target)
    }
}

/// Sign-in state shared by every request (cheap to clone).
#[derive(Clone, Debug)]
pub struct AuthState {
    pub store: Store,
    pub config: Arc<AuthConfig>,
    pub limiter: Arc<LoginLimiter>,
    /// Bounds the password verifications running at once.
    pub verify_gate: Arc<VerifyGate>,
    /// Bounds the `denied` audit rows each user causes.
    pub denied_audit: Arc<DeniedAuditLimiter>,
    pub alb: Option<Arc<AlbVerifier>>,
    /// ecsdeck's own timeouts for users the ALB vouches for.
    pub alb_sessions: Arc<AlbSessions>,
}

impl AuthState {
    pub fn new(store: Store, config: AuthConfig) -> anyhow::Result<Self> {
        let alb = match &config.mode {
            AuthMode::Alb(alb) => Some(Arc::new(AlbVerifier::new(
                alb.clone(),
                config.clock.clone(),
            )?)),
            AuthMode::Local => None,
        };
        Ok(Self {
            store,
            limiter: Arc::new(LoginLimiter::new(config.limits, config.clock.clone())),
            verify_gate: Arc::new(VerifyGate::new(config.limits.max_verifying)),
            denied_audit: Arc::new(DeniedAuditLimiter::new(
                config.denied_audit,
                config.clock.clone(),
            )),
            alb_sessions: Arc::new(AlbSessions::new(&config)),
            config: Arc::new(config),
            alb,
        })
    }

    /// Deletes expired sessions every few minutes, for as long as the
    /// runtime lives.
    pub fn spawn_session_cleanup(&self) {
        let store = self.store.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(5 * 60));
            loop {
                tick.tick().await;
                if let Err(e) = tower_sessions::ExpiredDeletion::delete_expired(&store).await {
                    tracing::warn!(error = %e, "cannot delete expired sessions");
                }
            }
        });
    }
}
