//! What the session holds about sign-in, and turning a request into a user:
//! from the session (local users) or the ALB's signed header.

use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tower_sessions::{Expiry, Session};

use super::alb::OIDC_DATA_HEADER;
use super::{AuthConfig, AuthState, CurrentUser, Role};
use crate::error::AppError;

/// Session key of [`SessionAuth`] (the store indexes its `name`).
pub const AUTH_KEY: &str = crate::store::SESSION_AUTH_KEY;
/// Session key of the CSRF token.
pub const CSRF_KEY: &str = "csrf";

/// The signed-in user, as the session stores it. The role is not stored:
/// it is read from the users table on each request, so `user set-role` and
/// `user remove` act at once.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SessionAuth {
    pub name: String,
    /// `local` or `alb`.
    pub via: String,
    pub signed_in_ms: i64,
    pub last_seen_ms: i64,
}

/// The outcome of looking at a request.
#[derive(Debug)]
pub enum Resolved {
    /// Nobody signed in (or the session expired).
    Anonymous,
    User(CurrentUser),
    /// The load balancer vouches for this user, but no role maps to them.
    NoRole(String),
    /// The load balancer vouches for this user, but their session is past
    /// ecsdeck's idle or absolute timeout: they must sign in again.
    Expired,
}

/// A fresh random token (256 bits, hex).
pub fn new_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// The session's CSRF token, created on first use.
pub async fn csrf_token(session: &Session) -> Result<String, AppError> {
    if let Some(t) = session.get::<String>(CSRF_KEY).await? {
        return Ok(t);
    }
    let t = new_token();
    session.insert(CSRF_KEY, &t).await?;
    Ok(t)
}

fn deadline(config: &AuthConfig, auth: &SessionAuth, now: i64) -> Expiry {
    let idle_end = now + config.idle_timeout.as_millis() as i64;
    let hard_end = auth.signed_in_ms + config.absolute_timeout.as_millis() as i64;
    let end_ms = idle_end.min(hard_end);
    let at = OffsetDateTime::from_unix_timestamp_nanos(i128::from(end_ms) * 1_000_000)
        .unwrap_or_else(|_| OffsetDateTime::now_utc());
    Expiry::AtDateTime(at)
}

/// Signs `name` in: a new session id (no fixation), a new CSRF token, the
/// timeouts started.
pub async fn sign_in(
    session: &Session,
    config: &AuthConfig,
    name: &str,
    via: &str,
) -> Result<(), AppError> {
    let now = config.clock.now_ms();
    session.cycle_id().await?;
    session.clear().await;
    let auth = SessionAuth {
        name: name.to_string(),
        via: via.to_string(),
        signed_in_ms: now,
        last_seen_ms: now,
    };
    session.insert(AUTH_KEY, &auth).await?;
    session.insert(CSRF_KEY, new_token()).await?;
    session.set_expiry(Some(deadline(config, &auth, now)));
    Ok(())
}

/// Ends the session (deleted from the store; the cookie is removed).
pub async fn sign_out(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(AppError::from)
}

/// How often `last_seen` is written back (at most once a minute).
fn touch_every_ms(config: &AuthConfig) -> i64 {
    (config.idle_timeout.as_millis() as i64 / 10).clamp(1, 60_000)
}

/// Records activity (at most every `touch_every_ms`) and moves the expiry.
async fn touch(
    session: &Session,
    config: &AuthConfig,
    mut s: SessionAuth,
    now: i64,
) -> Result<(), AppError> {
    if now - s.last_seen_ms >= touch_every_ms(config) {
        s.last_seen_ms = now;
        session.set_expiry(Some(deadline(config, &s, now)));
        session.insert(AUTH_KEY, &s).await?;
    }
    Ok(())
}

/// Who made this request.
pub async fn resolve(
    auth: &AuthState,
    session: &Session,
    headers: &HeaderMap,
    client_addr: String,
) -> Result<Resolved, AppError> {
    let config = &auth.config;
    let now = config.clock.now_ms();
    let (name, role) = match &auth.alb {
        Some(verifier) => {
            let Some(token) = headers.get(OIDC_DATA_HEADER).and_then(|v| v.to_str().ok()) else {
                return Ok(Resolved::Anonymous);
            };
            let id = match verifier.verify(token).await {
                Ok(id) => id,
                Err(e) => {
                    tracing::warn!(error = %e, "refused the load balancer's user token");
                    return Ok(Resolved::Anonymous);
                }
            };
            let Some(role) = id.role else {
                let who = if id.email_unverified {
                    format!("{} (whose e-mail address is not verified)", id.name)
                } else {
                    id.name
                };
                return Ok(Resolved::NoRole(who));
            };
            if auth.alb_sessions.check(&id, config, now).is_err() {
                tracing::info!(user = %id.name, "the load balancer's session is past ecsdeck's timeouts");
                sign_out(session).await?;
                return Ok(Resolved::Expired);
            }
            match session.get::<SessionAuth>(AUTH_KEY).await? {
                Some(s) if s.name == id.name && s.via == "alb" => {
                    touch(session, config, s, now).await?
                }
                _ => sign_in(session, config, &id.name, "alb").await?,
            }
            (id.name, role)
        }
        None => {
            let Some(s) = session.get::<SessionAuth>(AUTH_KEY).await? else {
                return Ok(Resolved::Anonymous);
            };
            let idle = now - s.last_seen_ms >= config.idle_timeout.as_millis() as i64;
            let over = now - s.signed_in_ms >= config.absolute_timeout.as_millis() as i64;
            if idle || over || s.via != "local" {
                sign_out(session).await?;
                return Ok(Resolved::Anonymous);
            }
            let role = match auth.store.user_get(&s.name).await {
                Ok(Some(u)) => u.role.parse::<Role>().ok(),
                Ok(None) => None,
                Err(e) => return Err(e.into()),
            };
            let Some(role) = role else {
                sign_out(session).await?;
                return Ok(Resolved::Anonymous);
            };
            let name = s.name.clone();
            touch(session, config, s, now).await?;
            (name, role)
        }
    };
    Ok(Resolved::User(CurrentUser {
        name,
        role,
        csrf_token: csrf_token(session).await?,
        client_addr,
    }))
}
