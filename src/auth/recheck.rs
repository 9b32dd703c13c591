//! Answers that last (the live tail) outlive the request the guard checked.
//! [`still_signed_in`] looks at the session and the user again, so a tail
//! ends soon after sign-out, session expiry, `user remove` or a role change
//! (its caller does so every `AuthConfig::recheck_every`).

use tower_sessions::SessionStore;
use tower_sessions::session::Id;

use super::session::{AUTH_KEY, SessionAuth};
use super::{AuthState, CurrentUser, Role};

/// Why a long-lived answer ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ended {
    /// The session is gone: signed out, or ended by `user set-password`.
    SignedOut,
    /// Idle or absolute timeout passed.
    Expired,
    /// `user remove`.
    UserRemoved,
    /// `user set-role`: the next request decides anew.
    RoleChanged,
    /// The store could not be asked; the answer ends rather than trusting
    /// an unchecked session.
    Unverified,
}

impl Ended {
    /// What the user is told.
    pub fn message(self) -> &'static str {
        match self {
            Ended::SignedOut => {
                "Your session has ended (signed out). Sign in again to follow the logs."
            }
            Ended::Expired => "Your session has expired. Sign in again to follow the logs.",
            Ended::UserRemoved => "Your user was removed; the session has ended.",
            Ended::RoleChanged => "Your role changed. Reload the page to follow the logs again.",
            Ended::Unverified => {
                "The session could not be checked, so the live tail stopped. Reload the page."
            }
        }
    }
}

/// Whether `user`, who made a request with session `id`, still may: the
/// session exists, is within its timeouts and names the same user, and (for
/// local users) the user exists with the same role.
pub async fn still_signed_in(
    auth: &AuthState,
    id: Option<Id>,
    user: &CurrentUser,
) -> Result<(), Ended> {
    let Some(id) = id else {
        return Err(Ended::SignedOut);
    };
    let record = match auth.store.load(&id).await {
        Ok(Some(r)) => r,
        Ok(None) => return Err(Ended::SignedOut),
        Err(e) => {
            tracing::warn!(error = %e, "cannot re-check a session");
            return Err(Ended::Unverified);
        }
    };
    let Some(s) = record
        .data
        .get(AUTH_KEY)
        .and_then(|v| serde_json::from_value::<SessionAuth>(v.clone()).ok())
        .filter(|s| s.name == user.name)
    else {
        return Err(Ended::SignedOut);
    };
    let config = &auth.config;
    let now = config.clock.now_ms();
    if now - s.last_seen_ms >= config.idle_timeout.as_millis() as i64
        || now - s.signed_in_ms >= config.absolute_timeout.as_millis() as i64
    {
        return Err(Ended::Expired);
    }
    if auth.alb.is_some() {
        // Roles come from the load balancer's claims, checked per request.
        if !auth.alb_sessions.is_live(&user.name, config, now) {
            return Err(Ended::Expired);
        }
        return Ok(());
    }
    match auth.store.user_get(&user.name).await {
        Ok(Some(u)) if u.role.parse::<Role>().ok() == Some(user.role) => Ok(()),
        Ok(Some(_)) => Err(Ended::RoleChanged),
        Ok(None) => Err(Ended::UserRemoved),
        Err(e) => {
            tracing::warn!(error = %e, "cannot re-check a user");
            Err(Ended::Unverified)
        }
    }
}
