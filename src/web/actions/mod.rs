//! The forms that change production: scale, redeploy, deploy an image,
//! roll back, stop a deployment, stop a task. Every action is two POSTs to
//! the same URL: the first (no `confirmed`) validates and shows what will
//! happen; the second (`confirmed=1`, same one-time `action_id`) records the
//! attempt in the audit trail, calls AWS once, records the result and shows
//! it. The guard has already checked the role, scope and CSRF token.

mod confirm;
mod deploy_image;
mod panel;
mod redeploy;
mod rollback;
mod scale;
mod stop_task;

use std::collections::HashMap;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::auth::CurrentUser;
use crate::aws::AwsError;
use crate::domain::Cluster;
use crate::error::AppError;
use crate::state::{AppState, Environment};
use crate::store::{AuditRecord, AuditResult, StoreError};
use crate::web::htmx::render;

pub use confirm::{ActionDone, Confirm};
pub use deploy_image::{deploy_image, show_deploy_image};
pub use panel::{ActionPanel, recent_audit};
pub use redeploy::redeploy_service;
pub use rollback::{rollback_service, show_rollback, stop_deployment};
pub use scale::scale_service;
pub use stop_task::stop_task;

/// The posted fields of any action form.
pub type Fields = HashMap<String, String>;

pub fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields.get(name).map(|s| s.trim()).unwrap_or("")
}

/// A fresh one-time action id for a form.
pub fn new_action_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The submitted form's action id, or a fresh one for a first submission.
pub fn action_id(fields: &Fields) -> String {
    match field(fields, "action_id") {
        "" => new_action_id(),
        id => id.to_string(),
    }
}

/// Checks that run before anything else: the environment exists and the
/// dashboard is not read-only.
pub fn preflight<'a>(state: &'a AppState, env: &str) -> Result<&'a Environment, AppError> {
    let environment = state
        .environment(env)
        .ok_or_else(|| AppError::NotFound(format!("There is no environment named {env}.")))?;
    if state.settings.read_only {
        return Err(AppError::Forbidden(
            "This ecsdeck runs read-only (--read-only): no action can change AWS.".to_string(),
        ));
    }
    Ok(environment)
}

/// Whether actions on `cluster` need the service name typed to confirm:
/// tagged `environment=production` (or similar), or configured protected.
pub fn is_protected(state: &AppState, env: &str, cluster: &Cluster) -> bool {
    let tagged = ["environment", "env", "stage"].iter().any(|k| {
        cluster
            .tag(k)
            .is_some_and(|v| v.to_ascii_lowercase().starts_with("prod"))
    });
    tagged
        || crate::glob::any(&state.settings.protected_clusters, &cluster.name)
        || crate::glob::any(
            &state.settings.protected_clusters,
            &format!("{env}/{}", cluster.name),
        )
}

/// Rejects input that is not valid, with the message shown to the user.
pub fn invalid(message: impl Into<String>) -> AppError {
    AppError::BadRequest(message.into())
}

/// What one confirmed action does, for the audit trail and the result.
pub struct Attempt<'a> {
    pub state: &'a AppState,
    pub user: &'a CurrentUser,
    pub env: &'a str,
    pub cluster: &'a str,
    pub target: &'a str,
    pub action: &'static str,
    pub params: serde_json::Value,
    pub before: String,
    pub after: String,
    pub action_id: String,
    pub request_id: Option<String>,
    /// Where to go afterwards (the service page).
    pub back: String,
    pub htmx: bool,
}

impl Attempt<'_> {
    /// Records the attempt, runs `call` once, records the outcome and
    /// answers with the result. A reused action id never calls AWS.
    pub async fn run<F, Fut>(self, call: F) -> Result<Response, AppError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<(), AwsError>>,
    {
        self.run_with_after(|| async move { call().await.map(|()| None) })
            .await
    }

    /// Like [`Attempt::run`], for calls that learn the after-state
    /// themselves (e.g. the new revision number).
    pub async fn run_with_after<F, Fut>(mut self, call: F) -> Result<Response, AppError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Option<String>, AwsError>>,
    {
        let record = AuditRecord {
            user: self.user.name.clone(),
            role: self.user.role.as_str().to_string(),
            client_addr: self.user.client_addr.clone(),
            env: self.env.to_string(),
            cluster: self.cluster.to_string(),
            target: self.target.to_string(),
            action: self.action.to_string(),
            params: self.params.clone(),
            before: Some(self.before.clone()),
            request_id: self.request_id.clone(),
            action_id: Some(self.action_id.clone()),
        };
        let id = match self.state.store().audit_begin(&record).await {
            Ok(id) => id,
            Err(StoreError::Duplicate(_)) => {
                let done = ActionDone {
                    ok: false,
                    title: "Already submitted".to_string(),
                    message: "This form was already submitted; AWS was not called again. \
                              The service page shows what the first submission did."
                        .to_string(),
                    back: self.back.clone(),
                };
                return respond(StatusCode::CONFLICT, done, self.htmx);
            }
            Err(e) => return Err(e.into()),
        };
        let outcome = call().await;
        if let Ok(Some(after)) = &outcome {
            self.after = after.clone();
        }
        let (result, done, status) = match &outcome {
            Ok(_) => (
                AuditResult::ok(self.after.clone()),
                ActionDone {
                    ok: true,
                    title: "Done".to_string(),
                    message: format!("{}: {} → {}.", self.action, self.before, self.after),
                    back: self.back.clone(),
                },
                StatusCode::OK,
            ),
            Err(e) => (
                AuditResult::error(e.code(), e.message()),
                ActionDone {
                    ok: false,
                    title: "AWS refused".to_string(),
                    message: format!("AWS said: {} ({})", e.message(), e.code()),
                    back: self.back.clone(),
                },
                StatusCode::BAD_GATEWAY,
            ),
        };
        if let Err(e) = self.state.store().audit_finish(id, &result).await {
            tracing::error!(error = %e, audit_id = id, "cannot finish the audit record");
        }
        if let Some(env) = self.state.environment(self.env) {
            env.fleet.invalidate_cluster(self.cluster);
        }
        respond(status, done, self.htmx)
    }
}

/// The result: a fragment for htmx, else back to the service page.
fn respond(status: StatusCode, done: ActionDone, htmx: bool) -> Result<Response, AppError> {
    if htmx {
        let mut resp = render(&done)?;
        *resp.status_mut() = status;
        resp.headers_mut().insert(
            "HX-Trigger",
            axum::http::HeaderValue::from_static("service-changed"),
        );
        Ok(resp)
    } else {
        Ok(Redirect::to(&done.back).into_response())
    }
}

/// The request id set by the request-id layer.
pub fn request_id(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}
