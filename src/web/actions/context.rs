//! `ActionCtx`: what every action handler needs before it can say anything
//! specific — the environment, the cluster and target named by the path, the
//! signed-in user, the request id, whether htmx asked, the read-only
//! refusal and the protected-cluster rule — plus the one way an action is
//! carried out ([`ActionCtx::run`]): audit row first, one AWS call, result
//! recorded, caches invalidated, answer rendered.

use std::sync::{Arc, OnceLock};

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::protect::is_protected;
use super::{ActionDone, Confirm};
use crate::auth::CurrentUser;
use crate::aws::AwsError;
use crate::domain::{Action, Cluster, Service};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{AuditRecord, AuditResult, StoreError};
use crate::web::extract::{Env, Htmx, Path, RequestId};
use crate::web::htmx::render;
use crate::web::shell::Shell;
use crate::web::urls;

/// The message every action gets in `--read-only` mode.
const READ_ONLY: &str = "This ecsdeck runs read-only (--read-only): no action can change AWS.";

/// The path of an action route: a service's (`…/services/{service}/…`) or
/// a task's (`…/tasks/{task_id}/stop`).
#[derive(Debug, Deserialize)]
struct ActionPath {
    cluster: String,
    #[serde(default)]
    service: Option<String>,
    #[serde(default)]
    task_id: Option<String>,
}

/// The shared preflight of every action route, done once by extraction.
pub struct ActionCtx {
    pub state: AppState,
    pub env: Env,
    /// The cluster as named in the path.
    pub cluster_name: String,
    /// The service name, or the task id, as named in the path.
    pub target: String,
    pub user: CurrentUser,
    pub request_id: Option<String>,
    pub htmx: bool,
    /// Whether the path names a task rather than a service.
    on_task: bool,
    /// Where to go after the action (see [`ActionCtx::back`]).
    back: String,
    /// The cluster, looked up on first use (so input that is refused
    /// before it is needed costs no AWS call).
    cluster: OnceLock<Cluster>,
}

impl FromRequestParts<AppState> for ActionCtx {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let env = Env::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        if state.settings.read_only {
            return Err(AppError::Forbidden(READ_ONLY.to_string()).into_response());
        }
        let Path(path) = Path::<ActionPath>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let user = CurrentUser::from_request_parts(parts, state).await?;
        let Ok(RequestId(request_id)) = RequestId::from_request_parts(parts, state).await;
        let Ok(Htmx(htmx)) = Htmx::from_request_parts(parts, state).await;
        let (target, on_task, back) = match (path.service, path.task_id) {
            (Some(service), _) => {
                let back = urls::service(&env.name, &path.cluster, &service);
                (service, false, back)
            }
            (None, Some(task)) => {
                let back = urls::task(&env.name, &path.cluster, &task);
                (task, true, back)
            }
            (None, None) => {
                return Err(AppError::Internal(
                    "an action route names neither a service nor a task".to_string(),
                )
                .into_response());
            }
        };
        Ok(Self {
            state: state.clone(),
            env,
            cluster_name: path.cluster,
            target,
            user,
            request_id,
            htmx,
            on_task,
            back,
            cluster: OnceLock::new(),
        })
    }
}

/// The environment's clients and the user an action runs as.
pub struct UserAws {
    clients: crate::aws::AwsClients,
    user: String,
}

impl UserAws {
    /// The clients with the user's credentials (an AssumeRole the first
    /// time in an hour, for an environment with `role_arn`).
    pub async fn clients(self) -> Result<crate::aws::AwsClients, AwsError> {
        self.clients.for_user(&self.user).await
    }
}

/// What one confirmed action changes: what the handler knows and the
/// context does not.
pub struct Change {
    pub action: Action,
    /// The service (or the stopped task's service, or the task) the audit
    /// entry names.
    pub target: String,
    pub params: serde_json::Value,
    pub before: String,
    pub after: String,
    pub action_id: String,
}

impl ActionCtx {
    /// The cluster named in the path, looked up through the fleet once.
    pub async fn cluster(&self) -> Result<&Cluster, AppError> {
        if let Some(c) = self.cluster.get() {
            return Ok(c);
        }
        let found = self.env.fleet.cluster(&self.cluster_name).await?;
        Ok(self.cluster.get_or_init(|| found))
    }

    /// The cluster (looked up once) and the service named by the path, read
    /// from AWS now: the state an action compares against.
    pub async fn service_now(&self) -> Result<(&Cluster, Arc<Service>), AppError> {
        let cluster = self.cluster().await?;
        let service = self
            .env
            .fleet
            .service_now(&cluster.name, &self.target)
            .await?;
        Ok((cluster, service))
    }

    /// Whether the cluster needs the name typed to confirm (looks it up).
    pub async fn protected(&self) -> Result<bool, AppError> {
        let cluster = self.cluster().await?;
        Ok(is_protected(&self.state.settings, &self.env.name, cluster))
    }

    /// The clients this user's writes go through: with a role to assume,
    /// credentials assumed for the user (session and source identity named
    /// after them), resolved inside the audited call.
    pub fn aws(&self) -> UserAws {
        UserAws {
            clients: self.env.aws.clone(),
            user: self.user.name.clone(),
        }
    }

    /// Where `action`'s form posts, for the target named in the path.
    pub fn url(&self, action: Action) -> String {
        let (env, cluster) = (&self.env.name, &self.cluster_name);
        if self.on_task {
            urls::task_stop(env, cluster, &self.target)
        } else {
            urls::service_action(env, cluster, &self.target, action.segment())
        }
    }

    /// A confirmation form for `action`, posting to [`ActionCtx::url`].
    pub fn confirm(&self, action: Action, title: impl Into<String>) -> Confirm {
        Confirm::new(
            title,
            self.url(action),
            self.back.clone(),
            &self.user.csrf_token,
        )
    }

    /// Where to go afterwards: the service page (for a task, the task page
    /// unless the handler points it at the task's service).
    pub fn back(&self) -> &str {
        &self.back
    }

    /// Points "back" somewhere else (a stopped task's service page).
    pub fn set_back(&mut self, back: String) {
        self.back = back;
    }

    /// A page shell for this environment. The one place the actions build
    /// a shell: the user is passed along explicitly.
    pub fn shell(&self, title: impl Into<String>) -> Shell {
        Shell::for_env(&self.env, Some(&self.user), title)
    }

    /// Records the attempt, runs `call` once, records the outcome and
    /// answers with the result. A reused action id never calls AWS.
    pub async fn run<F, Fut>(&self, change: Change, call: F) -> Result<Response, AppError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<(), AwsError>>,
    {
        self.run_with_after(change, || async move { call().await.map(|()| None) })
            .await
    }

    /// Like [`ActionCtx::run`], for calls that learn the after-state
    /// themselves (e.g. the new revision number).
    pub async fn run_with_after<F, Fut>(
        &self,
        mut change: Change,
        call: F,
    ) -> Result<Response, AppError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Option<String>, AwsError>>,
    {
        let cluster = self.cluster().await?.name.clone();
        let record = AuditRecord {
            user: self.user.name.clone(),
            role: self.user.role.as_str().to_string(),
            client_addr: self.user.client_addr.clone(),
            env: self.env.name.clone(),
            cluster: cluster.clone(),
            target: change.target.clone(),
            action: change.action.as_str().to_string(),
            params: change.params.clone(),
            before: Some(change.before.clone()),
            request_id: self.request_id.clone(),
            action_id: Some(change.action_id.clone()),
        };
        let store = self.state.store();
        let id = match store.audit_begin(&record).await {
            Ok(id) => id,
            Err(StoreError::Duplicate(_)) => {
                let kind = change.action.as_str();
                self.state.metrics.action(kind, "duplicate");
                let done = self.done(
                    false,
                    "Already submitted",
                    "This form was already submitted; AWS was not called again. \
                     The service page shows what the first submission did."
                        .to_string(),
                );
                return self.respond(StatusCode::CONFLICT, done);
            }
            Err(e) => return Err(e.into()),
        };
        let outcome = call().await;
        let result = if outcome.is_ok() { "ok" } else { "error" };
        self.state.metrics.action(change.action.as_str(), result);
        if let Ok(Some(after)) = &outcome {
            change.after = after.clone();
        }
        let (result, done, status) = match &outcome {
            Ok(_) => (
                AuditResult::ok(change.after.clone()),
                self.done(
                    true,
                    "Done",
                    format!("{}: {} → {}.", change.action, change.before, change.after),
                ),
                StatusCode::OK,
            ),
            Err(e) => (
                AuditResult::error(e.code(), e.message()),
                self.done(
                    false,
                    "AWS refused",
                    format!("AWS said: {} ({})", e.message(), e.code()),
                ),
                StatusCode::BAD_GATEWAY,
            ),
        };
        if let Err(e) = store.audit_finish(id, &result).await {
            tracing::error!(error = %e, audit_id = id, "cannot finish the audit record");
        }
        self.env.fleet.invalidate_cluster(&cluster);
        self.respond(status, done)
    }

    fn done(&self, ok: bool, title: &str, message: String) -> ActionDone {
        ActionDone {
            ok,
            title: title.to_string(),
            message,
            back: self.back.clone(),
        }
    }

    /// The result: a fragment for htmx, else back to the service page.
    fn respond(&self, status: StatusCode, done: ActionDone) -> Result<Response, AppError> {
        if self.htmx {
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
}
