//! Who may do what: roles, the access decision every route carries,
//! sign-in (local users or an ALB's OIDC header), sessions, CSRF and the
//! guard that enforces them on every route.
//!
//! For handlers of actions (a route-table row with `Access::Operator`):
//! - the guard has already refused anonymous users (303 to /login, htmx:
//!   401 + `HX-Redirect`), other roles (403), operators outside
//!   `--operator-scope` (403) and POSTs without the session's CSRF token or
//!   from another site (403), and audited those refusals as `denied`;
//! - take `user: CurrentUser` for the name, role and client address (and
//!   `user.csrf_token` for plain forms; htmx sends it by itself);
//! - record the attempt with `state.store().audit_begin(&AuditRecord{…})`
//!   before calling AWS (`StoreError::Duplicate` = the action id was used:
//!   do not call AWS again) and `audit_finish(id, &AuditResult)` after;
//! - pass the user to `Shell::for_env(env, Some(&user), title)`; templates
//!   get it from the shell (`shell.can_operate()`) and hide what the role
//!   cannot do.

mod access;
pub mod alb;
mod alb_sessions;
mod audit_limit;
mod config;
pub mod csrf;
mod current;
mod gate;
mod guard;
mod limiter;
pub mod password;
mod recheck;
mod role;
pub mod session;

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRef, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

pub use crate::clock::Clock;
pub use access::Access;
pub use alb::AlbConfig;
pub use alb_sessions::{AlbSessions, SpanExpired, expire_alb_cookies};
pub use audit_limit::{
    DeniedAudit, DeniedAuditLimiter, DeniedAuditLimits, FIELD_MAX, TRUNCATED, clip,
};
pub use config::{AuthConfig, AuthMode, AuthState};
pub use current::CurrentUser;
pub use gate::{VerifyGate, VerifyPermit, VerifyStats};
pub use guard::{FALLBACK_ACCESS, Guard, require_access};
pub use limiter::{Limited, LoginLimiter, LoginLimits};
pub use recheck::{Ended, still_signed_in};
pub use role::Role;

use crate::state::AppState;
use crate::store::Store;

/// The session layer: cookie `HttpOnly`, `SameSite=Lax`, `Secure` with the
/// `__Host-` prefix unless cookies are insecure; sessions in the store.
pub fn session_layer(auth: &AuthState) -> SessionManagerLayer<Store> {
    let config = &auth.config;
    let idle = time::Duration::try_from(config.idle_timeout).unwrap_or(time::Duration::minutes(30));
    SessionManagerLayer::new(auth.store.clone())
        .with_name(config.cookie_name())
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.secure_cookies)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle))
}

/// The client's address: the socket's, or with `trust_forwarded_for` the
/// last `X-Forwarded-For` entry (the one the load balancer added).
pub fn client_addr(parts: &Parts, config: &AuthConfig) -> String {
    if config.trust_forwarded_for
        && let Some(last) = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    {
        return last.to_string();
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".to_string())
}

/// The client address as an extractor (for the audit trail).
#[derive(Clone, Debug)]
pub struct ClientAddr(pub String);

impl<S> FromRequestParts<S> for ClientAddr
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let app = AppState::from_ref(state);
        Ok(Self(client_addr(parts, &app.auth.config)))
    }
}

/// `next` values that stay on this site (a path, not `//host` or a URL).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.chars().any(char::is_control) =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

/// Sends an anonymous request to the sign-in page: 303 to
/// `/login?next=…`, or for htmx 401 with `HX-Redirect` (so a fragment never
/// swaps a sign-in form into the page).
pub fn sign_in_redirect(method: &Method, uri: &Uri, headers: &HeaderMap) -> Response {
    let htmx = headers.get("hx-request").is_some_and(|v| v == "true");
    let here = if htmx {
        headers
            .get("hx-current-url")
            .and_then(|v| v.to_str().ok())
            .and_then(|u| u.split_once("://").map(|(_, rest)| rest))
            .and_then(|rest| rest.find('/').map(|i| rest[i..].to_string()))
    } else if method == Method::GET {
        uri.path_and_query().map(|p| p.as_str().to_string())
    } else {
        None
    };
    let location = match here.filter(|h| h != "/") {
        Some(h) => crate::web::urls::login_then(&safe_next(Some(&h))),
        None => crate::web::urls::login(),
    };
    let location = HeaderValue::from_str(&location).unwrap_or(HeaderValue::from_static("/login"));
    let mut resp = if htmx {
        let mut r = StatusCode::UNAUTHORIZED.into_response();
        r.headers_mut().insert("hx-redirect", location);
        r
    } else {
        let mut r = StatusCode::SEE_OTHER.into_response();
        r.headers_mut().insert(header::LOCATION, location);
        r
    };
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// `Strict-Transport-Security` when cookies are secure (the site is HTTPS).
pub async fn hsts(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    if state.auth.config.secure_cookies {
        resp.headers_mut()
            .entry(header::STRICT_TRANSPORT_SECURITY)
            .or_insert(HeaderValue::from_static(
                "max-age=31536000; includeSubDomains",
            ));
    }
    resp
}
