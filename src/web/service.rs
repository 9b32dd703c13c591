//! `GET /{env}/clusters/{cluster}/services/{service}`: everything needed to
//! tell whether a service is fine and, if not, why — deployments and their
//! progress, events, running and stopped tasks with reasons, configuration.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;

use crate::domain::{Task, ecr_repository_name, image_tag};
use crate::error::AppError;
use crate::fleet::ServiceView;
use crate::state::AppState;
use crate::store::AuditEntry;
use crate::web::actions::{ActionPanel, recent_audit};
use crate::web::context::{Console, Freshness, POLL_SECONDS, environment};
use crate::web::htmx::{is_htmx, render};
use crate::web::links::LogLinks;
use crate::web::shell::Shell;

/// A container image the service runs, with its ECR repository if any.
pub struct ImageInUse {
    pub container: String,
    pub image: String,
    pub tag: String,
    pub repository: Option<String>,
}

#[derive(Template)]
#[template(path = "pages/service.html")]
pub struct ServicePage<'a> {
    pub shell: Shell,
    pub console_url: String,
    pub panel: Option<ActionPanel>,
    pub live: ServiceLive<'a>,
}

#[derive(Template)]
#[template(path = "partials/service_live.html")]
pub struct ServiceLive<'a> {
    pub env: &'a str,
    pub cluster: &'a str,
    pub view: &'a ServiceView,
    pub images: Vec<ImageInUse>,
    pub logs: LogLinks<'a>,
    pub fresh: Freshness,
    pub poll: u32,
    /// This service's recent audit entries, newest first.
    pub audit: Vec<AuditEntry>,
    /// Set when the user may act: the CSRF token for per-task stop forms.
    pub act_token: Option<String>,
}

impl ServiceLive<'_> {
    pub fn url(&self) -> String {
        format!(
            "/{}/clusters/{}/services/{}",
            self.env, self.cluster, self.view.service.name
        )
    }

    pub fn task_url(&self, task: &Task) -> String {
        format!(
            "/{}/clusters/{}/tasks/{}",
            self.env,
            self.cluster,
            task.id()
        )
    }
}

pub async fn show_service(
    State(state): State<AppState>,
    Path((env, cluster, service)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let environment = environment(&state, &env)?;
    let fresh = environment.fleet.service_view(&cluster, &service).await?;
    let view = &fresh.value;
    let images = view
        .task_definition
        .as_ref()
        .map(|td| {
            td.containers
                .iter()
                .map(|c| ImageInUse {
                    container: c.name.clone(),
                    image: c.image.clone(),
                    tag: image_tag(&c.image).to_string(),
                    repository: ecr_repository_name(&c.image).map(str::to_string),
                })
                .collect()
        })
        .unwrap_or_default();
    let user = crate::auth::current();
    let panel = ActionPanel::for_user(&state, user.as_ref(), &env, &cluster, &view.service);
    let audit = recent_audit(&state, &env, &cluster, &view.service.name).await;
    let live = ServiceLive {
        audit,
        act_token: panel.as_ref().map(|p| p.csrf_token.clone()),
        env: &env,
        cluster: &cluster,
        view,
        images,
        logs: LogLinks {
            env: &env,
            task_definitions: &view.task_definitions,
        },
        fresh: Freshness::of(&fresh),
        // Poll faster while a deployment rolls, so progress is visible.
        poll: if view.service.is_rolling() {
            2
        } else {
            POLL_SECONDS
        },
    };
    if is_htmx(&headers) {
        return render(&live);
    }
    let console = Console {
        region: &environment.region,
    };
    render(&ServicePage {
        shell: Shell::for_env(environment, format!("{service} · {cluster}"))
            .section("clusters")
            .crumb("Clusters", Some("/".to_string()))
            .crumb(cluster.clone(), Some(format!("/{env}/clusters/{cluster}")))
            .crumb(service.clone(), None),
        console_url: console.service(&cluster, &service),
        panel,
        live,
    })
}
