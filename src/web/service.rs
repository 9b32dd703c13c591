//! `GET /{env}/clusters/{cluster}/services/{service}`: everything needed to
//! tell whether a service is fine and, if not, why — deployments and their
//! progress, events, running and stopped tasks with reasons, configuration.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::auth::CurrentUser;
use crate::domain::{Task, ecr_repository_name, image_tag};
use crate::error::AppError;
use crate::fleet::ServiceView;
use crate::state::AppState;
use crate::store::AuditEntry;
use crate::web::actions::{ActionPanel, recent_audit};
use crate::web::charts::service::ServiceCharts;
use crate::web::console::Console;
use crate::web::context::Freshness;
use crate::web::extract::{Env, Htmx, Path, ServicePath};
use crate::web::health_panels::autoscaling::{AutoscalingPanel, CapacityForm};
use crate::web::health_panels::targets::{TargetsPanel, include_targets};
use crate::web::links::LogLinks;
use crate::web::live::{Poll, page_or_live};
use crate::web::shell::Shell;
use crate::web::urls;
use crate::web::why::{WhyPanel, why_panel};

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
    /// The last hour's charts (their own live region, `web::charts`).
    pub charts: ServiceCharts,
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
    /// The load balancer's view of the tasks (`web::health_panels`).
    pub targets: TargetsPanel,
    /// The "Why" panel: the failure mode and its evidence, if any.
    pub why: Option<WhyPanel>,
    /// Application Auto Scaling's min/max, policies and activities.
    pub autoscaling: AutoscalingPanel,
}

impl ServiceLive<'_> {
    pub fn url(&self) -> String {
        urls::service(self.env, self.cluster, &self.view.service.name)
    }

    pub fn task_url(&self, task: &Task) -> String {
        urls::task(self.env, self.cluster, task.id())
    }

    pub fn task_stop_url(&self, task: &Task) -> String {
        urls::task_stop(self.env, self.cluster, task.id())
    }

    pub fn task_definition_url(&self, short: &str) -> String {
        urls::task_definition_ref(self.env, short)
    }

    pub fn repository_url(&self, repository: &str) -> String {
        urls::repository(self.env, repository)
    }
}

pub async fn show_service(
    State(state): State<AppState>,
    env: Env,
    user: CurrentUser,
    Path(path): Path<ServicePath>,
    htmx: Htmx,
) -> Result<Response, AppError> {
    let ServicePath {
        cluster, service, ..
    } = &path;
    let mut fresh = env.fleet.service_view(cluster, service).await?;
    let targets = env
        .fleet
        .service_targets(cluster, service)
        .await
        .map(|t| t.value);
    if let Ok(groups) = &targets {
        include_targets(&mut fresh.value.health, groups);
    }
    let scaling = env
        .fleet
        .service_autoscaling(cluster, service)
        .await
        .map(|a| a.value);
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
    let panel = ActionPanel::for_user(&state, Some(&user), &env.name, cluster, &view.service);
    let audit = recent_audit(&state, &env.name, cluster, &view.service.name).await;
    let act_token = panel.as_ref().map(|p| p.csrf_token.clone());
    let lb_reason = targets
        .as_ref()
        .ok()
        .and_then(|groups| crate::domain::unhealthy_reason(groups));
    let why = why_panel(
        &state,
        &env,
        cluster,
        view,
        act_token.as_deref(),
        lb_reason.as_deref(),
    )
    .await;
    let live = ServiceLive {
        why,
        audit,
        targets: TargetsPanel::new(targets, false),
        autoscaling: AutoscalingPanel {
            form: panel.as_ref().map(|p| CapacityForm {
                url: p.capacity_url.clone(),
                csrf_token: p.csrf_token.clone(),
                action_id: crate::web::actions::new_action_id(),
            }),
            ..AutoscalingPanel::new(scaling, view.service.desired)
        },
        act_token,
        env: &env.name,
        cluster,
        view,
        images,
        logs: LogLinks {
            env: &env.name,
            task_definitions: &view.task_definitions,
        },
        fresh: Freshness::of(&fresh).kept_by(&env.fleet),
        // Poll faster while a deployment rolls, so progress is visible.
        poll: if view.service.is_rolling() {
            Poll::Busy
        } else {
            Poll::Normal
        }
        .seconds(),
    };
    let charts = if htmx.0 {
        None
    } else {
        Some(ServiceCharts::load(&env, cluster, service, Default::default()).await?)
    };
    page_or_live(htmx, live, |live| ServicePage {
        shell: Shell::for_env(&env, Some(&user), format!("{service} · {cluster}"))
            .section("clusters")
            .crumb("Clusters", Some(urls::overview()))
            .crumb(cluster.clone(), Some(urls::cluster(&env.name, cluster)))
            .crumb(service.clone(), None),
        console_url: Console {
            region: &env.region,
        }
        .service(cluster, service),
        panel,
        live,
        charts: charts.unwrap_or_else(|| ServiceCharts::empty(&env, cluster, service)),
    })
}
