//! `GET /{env}/clusters/{cluster}/services/{service}/deployments`: the
//! service's deployment history as ECS reports it (ListServiceDeployments,
//! DescribeServiceDeployments, DescribeServiceRevisions through the fleet),
//! newest first — strategy, status and outcome, lifecycle stage, times,
//! bake time, reason, source → target revision with the task-definition
//! diff, who started it through ecsdeck — and, for operators, "Roll back
//! to this revision" through the rollback action (preview → confirm).

mod rows;
mod started_by;

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::auth::CurrentUser;
use crate::domain::{Action, TaskDefinition};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::AuditFilter;
use crate::web::actions::new_action_id;
use crate::web::context::Freshness;
use crate::web::extract::{Env, Htmx, Path, ServicePath};
use crate::web::live::{Poll, page_or_live};
use crate::web::shell::Shell;
use crate::web::urls;

pub use rows::{DeploymentRow, RevisionView, Stage};

/// Audit entries read to find who started the deployments shown.
const AUDIT_ROWS: u32 = 500;

#[derive(Template)]
#[template(path = "pages/deployments.html")]
pub struct DeploymentsPage {
    pub shell: Shell,
    pub service: String,
    pub timeline_url: String,
    pub live: DeploymentsLive,
}

/// The list, refreshed in place: often while a deployment is in progress,
/// rarely otherwise.
#[derive(Template)]
#[template(path = "partials/deployments_live.html")]
pub struct DeploymentsLive {
    pub url: String,
    pub poll: u32,
    pub env: String,
    pub rows: Vec<DeploymentRow>,
    pub more: bool,
    pub shown: usize,
    pub fresh: Freshness,
    /// The rollback action's URL when this user may act on the service.
    pub rollback_url: Option<String>,
    pub csrf_token: String,
}

impl DeploymentsLive {
    pub fn td_url(&self, family_revision: &str) -> String {
        urls::task_definition_ref(&self.env, family_revision)
    }

    /// A fresh one-time id for each rollback form.
    pub fn action_id(&self) -> String {
        new_action_id()
    }
}

pub async fn show_deployments(
    State(state): State<AppState>,
    env: Env,
    user: CurrentUser,
    htmx: Htmx,
    Path(path): Path<ServicePath>,
) -> Result<Response, AppError> {
    let fleet = &env.fleet;
    let service = fleet.service(&path.cluster, &path.service).await?.value;
    let cluster = fleet.cluster(&path.cluster).await?.name.clone();
    let history = fleet.service_deployments(&cluster, &service.name).await?;
    let h = &history.value;
    let mut ids: Vec<String> = h
        .revisions
        .iter()
        .map(|r| r.task_definition.clone())
        .chain([service.task_definition.clone()])
        .filter(|t| !t.is_empty())
        .collect();
    ids.sort();
    ids.dedup();
    let tds: Vec<Arc<TaskDefinition>> = fleet.task_definitions(&ids).await;
    let filter = AuditFilter {
        env: Some(env.name.clone()),
        cluster: Some(cluster.clone()),
        target: Some(service.name.clone()),
        ..AuditFilter::default()
    };
    let audit = match state.store().audit_list(&filter, AUDIT_ROWS).await {
        Ok(a) => a,
        Err(e) => {
            tracing::error!(error = %e, "cannot read the audit trail");
            Vec::new()
        }
    };
    let rows = rows::rows(&rows::Inputs {
        history: h,
        task_definitions: &tds,
        audit: &audit,
        current: &service.task_definition,
    });
    let may_act = !state.settings.read_only && user.may_act_on(&state, &env.name, &cluster);
    let title = format!("Deployments · {}", service.name);
    let shell = Shell::for_env(&env, Some(&user), title)
        .section("clusters")
        .crumb("Clusters", Some(urls::overview()))
        .crumb(cluster.clone(), Some(urls::cluster(&env.name, &cluster)))
        .crumb(
            service.name.clone(),
            Some(urls::service(&env.name, &cluster, &service.name)),
        )
        .crumb("Deployments", None);
    let moving = rows.iter().any(|r| r.in_progress);
    let live = DeploymentsLive {
        url: urls::service_deployments(&env.name, &cluster, &service.name),
        poll: if moving { Poll::Busy } else { Poll::Slow }.seconds(),
        env: env.name.clone(),
        shown: rows.len(),
        rows,
        more: h.more,
        fresh: Freshness::of(&history).kept_by(fleet),
        rollback_url: may_act.then(|| {
            urls::service_action(
                &env.name,
                &cluster,
                &service.name,
                Action::Rollback.segment(),
            )
        }),
        csrf_token: user.csrf_token.clone(),
    };
    page_or_live(htmx, live, |live| DeploymentsPage {
        service: service.name.clone(),
        timeline_url: urls::service_timeline(&env.name, &cluster, &service.name),
        live,
        shell,
    })
}
