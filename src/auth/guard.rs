//! The guard every row of the route table runs behind: it enforces the
//! row's `Access` (anonymous → sign-in, wrong role → 403), the operator
//! scope, and CSRF on every state-changing request; refused actions are
//! audited as `denied`, under the row's [`Action`] name.

use axum::extract::{FromRequestParts, RawPathParams, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

use super::audit_limit::{DeniedAudit, FIELDS_MAX, clip};
use super::csrf::{buffer_form, is_cross_site, is_unsafe, submitted_token, tokens_match};
use super::session::{CSRF_KEY, Resolved, resolve};
use super::{Access, AuthMode, CurrentUser, Role, client_addr, sign_in_redirect};
use crate::domain::Action;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::AuditRecord;

/// The largest form the guard reads to find the CSRF token.
pub const FORM_LIMIT: usize = 64 * 1024;

/// State of one row's guard.
#[derive(Clone)]
pub struct Guard {
    pub access: Access,
    /// The action the row's POST performs (its refusals' audit name).
    pub action: Option<Action>,
    pub state: AppState,
}

const CSRF_MESSAGE: &str = "This form has expired or did not come from ecsdeck, so nothing was \
changed. Reload the page and try again.";

/// The path parameters that name what an action touches.
async fn path_target(parts: &mut Parts) -> (String, String, String) {
    let mut env = String::new();
    let mut cluster = String::new();
    let mut target = String::new();
    if let Ok(params) = RawPathParams::from_request_parts(parts, &()).await {
        for (k, v) in params.iter() {
            match k {
                "env" => env = v.to_string(),
                "cluster" => cluster = v.to_string(),
                "service" | "task_id" | "task" | "family" | "repository" => target = v.to_string(),
                _ => {}
            }
        }
    }
    (env, cluster, target)
}

/// What a refused request tried, for the audit trail.
struct Refusal {
    user: Option<CurrentUser>,
    env: String,
    cluster: String,
    target: String,
    /// Set for a state-changing request to a row that performs an action:
    /// only those are audited.
    action: Option<Action>,
    request_id: Option<String>,
    fields: Vec<(String, String)>,
}

/// 403, and for a signed-in user's refused action an audit record `denied`
/// (at most `DeniedAuditLimits::per_user` a window, fields clipped).
async fn deny(state: &AppState, a: &Refusal, why: &str, message: String) -> Response {
    if let Some(action) = a.action {
        state.metrics.action(action.as_str(), "denied");
    }
    if let Some(u) = &a.user
        && let Some(action) = a.action
    {
        match state.auth.denied_audit.admit(&u.name) {
            DeniedAudit::Write => write_denied(state, u, action, a, why, &message).await,
            DeniedAudit::SkipFirst => tracing::warn!(
                user = %u.name,
                "refused actions of this user are no longer audited for a while: too many"
            ),
            DeniedAudit::Skip => {}
        }
    }
    let mut resp = AppError::Forbidden(message).into_response();
    if let Some(u) = &a.user {
        resp.extensions_mut().insert(u.clone());
    }
    resp
}

async fn write_denied(
    state: &AppState,
    u: &CurrentUser,
    action: Action,
    a: &Refusal,
    why: &str,
    message: &str,
) {
    let params: serde_json::Map<String, serde_json::Value> = a
        .fields
        .iter()
        .filter(|(k, _)| k != "csrf_token")
        .take(FIELDS_MAX)
        .map(|(k, v)| (clip(k), serde_json::Value::String(clip(v))))
        .collect();
    let rec = AuditRecord {
        user: u.name.clone(),
        role: u.role.to_string(),
        client_addr: clip(&u.client_addr),
        env: clip(&a.env),
        cluster: clip(&a.cluster),
        target: clip(&a.target),
        action: action.as_str().to_string(),
        params: serde_json::Value::Object(params),
        request_id: a.request_id.clone(),
        ..Default::default()
    };
    if let Err(e) = state.store().audit_denied(&rec, why, message).await {
        tracing::error!(error = %e, "cannot audit a refused action");
    }
}

/// Pages for a signed-in user are not kept by browsers or proxies.
fn no_store(mut resp: Response) -> Response {
    resp.headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    resp
}

pub async fn require_access(State(guard): State<Guard>, req: Request, next: Next) -> Response {
    let unsafe_method = is_unsafe(req.method());
    if is_cross_site(req.method(), req.headers()) {
        return AppError::Forbidden(
            "ecsdeck refuses requests made by another site. Open ecsdeck itself and try again."
                .to_string(),
        )
        .into_response();
    }
    if guard.access == Access::Public && !unsafe_method {
        return next.run(req).await;
    }
    let state = &guard.state;
    let Some(session) = req.extensions().get::<Session>().cloned() else {
        return AppError::Internal("no session layer".to_string()).into_response();
    };
    let (mut parts, body) = req.into_parts();
    let addr = client_addr(&parts, &state.auth.config);
    let user = if guard.access == Access::Public {
        None
    } else {
        match resolve(&state.auth, &session, &parts.headers, addr).await {
            Err(e) => return e.into_response(),
            Ok(Resolved::Anonymous) => {
                return match state.auth.config.mode {
                    AuthMode::Local => sign_in_redirect(&parts.method, &parts.uri, &parts.headers),
                    AuthMode::Alb(_) => AppError::Unauthorized(
                        "Sign in through the load balancer to use ecsdeck.".to_string(),
                    )
                    .into_response(),
                };
            }
            Ok(Resolved::Expired) => {
                let mut resp = AppError::Unauthorized(
                    "Your ecsdeck session has expired. Reload the page to sign in again through the load balancer."
                        .to_string(),
                )
                .into_response();
                super::expire_alb_cookies(resp.headers_mut());
                return resp;
            }
            Ok(Resolved::NoRole(name)) => {
                return AppError::Forbidden(format!(
                    "{name} is signed in but has no ecsdeck role. Ask an administrator to grant one."
                ))
                .into_response();
            }
            Ok(Resolved::User(u)) => Some(u),
        }
    };
    let (env, cluster, target) = path_target(&mut parts).await;
    let request_id = parts
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let req = Request::from_parts(parts, body);
    let (req, fields) = if unsafe_method {
        match buffer_form(req, FORM_LIMIT).await {
            Ok(b) => (b.request, b.fields),
            Err(()) => {
                return AppError::BadRequest("The form is too large.".to_string()).into_response();
            }
        }
    } else {
        (req, Vec::new())
    };
    let refusal = Refusal {
        user: user.clone(),
        env,
        cluster,
        target,
        action: guard.action.filter(|_| unsafe_method),
        request_id,
        fields,
    };
    if let Some(u) = &user {
        if !u.role.allows(guard.access) {
            let message = format!(
                "Your role ({}) may not do this; it needs {}.",
                u.role, guard.access
            );
            return no_store(deny(state, &refusal, "role", message).await);
        }
        if unsafe_method
            && u.role == Role::Operator
            && !refusal.env.is_empty()
            && !refusal.cluster.is_empty()
            && !state
                .auth
                .config
                .operator_may_act(&refusal.env, &refusal.cluster)
        {
            let message = format!(
                "Operators may not change cluster {} in {}.",
                refusal.cluster, refusal.env
            );
            return no_store(deny(state, &refusal, "scope", message).await);
        }
    }
    if unsafe_method {
        let expected = match session.get::<String>(CSRF_KEY).await {
            Ok(t) => t.unwrap_or_default(),
            Err(e) => return AppError::from(e).into_response(),
        };
        let given = submitted_token(req.headers(), &refusal.fields).unwrap_or("");
        if !tokens_match(&expected, given) {
            let resp = deny(state, &refusal, "csrf", CSRF_MESSAGE.to_string()).await;
            return if refusal.user.is_some() {
                no_store(resp)
            } else {
                resp
            };
        }
    }
    let mut req = req;
    if let Some(u) = &user {
        req.extensions_mut().insert(u.clone());
    }
    let mut resp = next.run(req).await;
    if let Some(u) = user {
        resp.extensions_mut().insert(u);
        resp = no_store(resp);
    }
    resp
}

/// Access of a route the table does not know (the fallback): signed-in users
/// get the 404, anonymous ones the sign-in page.
pub const FALLBACK_ACCESS: Access = Access::Viewer;
