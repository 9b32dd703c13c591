//! The signed-in user of a request: `CurrentUser`, an extractor. The guard
//! resolves it once and leaves it in the request (and response) extensions;
//! handlers take it and pass it explicitly to what renders the page shell.

use axum::extract::{FromRef, FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

use super::session::{Resolved, resolve};
use super::{Access, Role, client_addr, sign_in_redirect};
use crate::error::AppError;
use crate::state::AppState;

/// Who is making this request. On every route the guard has already
/// checked the role and, for POSTs, the CSRF token; handlers just read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurrentUser {
    pub name: String,
    pub role: Role,
    /// The session's CSRF token, for forms (`<input type=hidden
    /// name=csrf_token>`); htmx sends it as `X-CSRF-Token` by itself.
    pub csrf_token: String,
    /// The client's address (the socket's, or the load balancer's
    /// `X-Forwarded-For` when trusted), for the audit trail.
    pub client_addr: String,
}

impl CurrentUser {
    /// Whether this user's role reaches routes with `access`.
    pub fn can(&self, access: Access) -> bool {
        self.role.allows(access)
    }

    /// Whether this user may change `cluster` in `env` (operators may be
    /// limited by `--operator-scope`; admins act everywhere).
    pub fn may_act_on(&self, state: &AppState, env: &str, cluster: &str) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Operator => state.auth.config.operator_may_act(env, cluster),
            Role::Viewer => false,
        }
    }
}

/// Resolves the user on routes the guard did not resolve (public ones).
async fn lookup<S>(parts: &mut Parts, state: &S) -> Result<Option<CurrentUser>, Response>
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    if let Some(u) = parts.extensions.get::<CurrentUser>() {
        return Ok(Some(u.clone()));
    }
    let app = AppState::from_ref(state);
    let session = Session::from_request_parts(parts, state)
        .await
        .map_err(|(_, m)| AppError::Internal(m.to_string()).into_response())?;
    let addr = client_addr(parts, &app.auth.config);
    match resolve(&app.auth, &session, &parts.headers, addr).await {
        Ok(Resolved::User(u)) => Ok(Some(u)),
        Ok(_) => Ok(None),
        Err(e) => Err(e.into_response()),
    }
}

impl<S> FromRequestParts<S> for CurrentUser
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        match lookup(parts, state).await? {
            Some(u) => Ok(u),
            None => Err(sign_in_redirect(&parts.method, &parts.uri, &parts.headers)),
        }
    }
}

impl<S> OptionalFromRequestParts<S> for CurrentUser
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Option<Self>, Response> {
        lookup(parts, state).await
    }
}
