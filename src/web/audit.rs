//! `GET /audit`: the trail of actions, newest first, filterable by user,
//! cluster, service, action and result. Admins see everyone's; operators
//! and viewers see their own (each service page shows that service's
//! entries to everyone).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use crate::auth::{CurrentUser, Role};
use crate::domain::Action;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{AuditEntry, AuditFilter, AuditStatus};
use crate::web::extract::Query;
use crate::web::htmx::render;
use crate::web::shell::Shell;

/// Rows shown at most.
const LIMIT: u32 = 500;

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    pub user: String,
    /// An environment's name (the select lists the configured ones).
    #[serde(default)]
    pub env: String,
    #[serde(default)]
    pub cluster: String,
    #[serde(default)]
    pub service: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub result: String,
}

#[derive(Template)]
#[template(path = "pages/audit.html")]
pub struct AuditPage {
    pub shell: Shell,
    pub query: AuditQuery,
    pub entries: Vec<AuditEntry>,
    pub everyone: bool,
    pub limit: u32,
    /// The action filter's choices.
    pub actions: [Action; 7],
}

impl AuditPage {
    /// This page (the filter form's target).
    pub fn audit_url(&self) -> String {
        crate::web::urls::audit()
    }

    /// The page of the cluster an entry names.
    pub fn cluster_url(&self, a: &AuditEntry) -> String {
        crate::web::urls::cluster(&a.env, &a.cluster)
    }

    /// The page of the service an entry names.
    pub fn service_url(&self, a: &AuditEntry) -> String {
        crate::web::urls::service(&a.env, &a.cluster, &a.target)
    }
}

fn opt(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

pub async fn show_audit(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<AuditQuery>,
) -> Result<Response, AppError> {
    let status = match query.result.trim() {
        "" => None,
        s => Some(AuditStatus::parse(s).ok_or_else(|| {
            AppError::BadRequest(format!(
                "Unknown result {s:?}: use ok, error, denied or pending."
            ))
        })?),
    };
    let action = match query.action.trim() {
        "" => None,
        s => Some(Action::parse(s).ok_or_else(|| {
            let names: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
            AppError::BadRequest(format!(
                "Unknown action {s:?}: use one of {}.",
                names.join(", ")
            ))
        })?),
    };
    let everyone = user.role == Role::Admin;
    let filter = AuditFilter {
        // Non-admins only ever see their own actions here.
        user: if everyone {
            opt(&query.user)
        } else {
            Some(user.name.clone())
        },
        env: opt(&query.env),
        cluster: opt(&query.cluster),
        target: opt(&query.service),
        action: action.map(|a| a.as_str().to_string()),
        status,
    };
    let entries = state.store().audit_list(&filter, LIMIT).await?;
    render(&AuditPage {
        shell: Shell::new(&state, Some(&user), "Audit trail")
            .section("audit")
            .crumb("Audit", None),
        query,
        entries,
        everyone,
        limit: LIMIT,
        actions: Action::ALL,
    })
}
