//! `GET /`: every cluster of every environment with its health roll-up,
//! problems first — "what is broken right now" on one page.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::auth::CurrentUser;
use crate::domain::Alarm;
use crate::error::AppError;
use crate::fleet::ClusterSummary;
use crate::state::AppState;
use crate::web::console::Console;
use crate::web::context::Freshness;
use crate::web::extract::Htmx;
use crate::web::live::{Poll, page_or_live};
use crate::web::shell::Shell;
use crate::web::urls;

/// One environment's clusters, or why they could not be read.
pub struct EnvOverview {
    pub name: String,
    pub region: String,
    pub console_url: String,
    pub clusters: Vec<ClusterSummary>,
    pub error: Option<String>,
    pub fresh: Freshness,
    /// CloudWatch alarms in ALARM on this environment's clusters.
    pub alarms: Vec<Alarm>,
}

impl EnvOverview {
    pub fn services(&self) -> usize {
        self.clusters.iter().map(|c| c.services).sum()
    }
    pub fn running(&self) -> i32 {
        self.clusters.iter().map(|c| c.cluster.running_tasks).sum()
    }
    /// Whether "Needs attention" has anything to list.
    pub fn needs_attention(&self) -> bool {
        self.failing() > 0 || !self.alarms.is_empty()
    }

    pub fn failing(&self) -> usize {
        self.clusters.iter().map(|c| c.failing + c.degraded).sum()
    }
    pub fn deploying(&self) -> usize {
        self.clusters.iter().map(|c| c.deploying).sum()
    }
    pub fn crashed(&self) -> usize {
        self.clusters.iter().map(|c| c.crashed_last_hour).sum()
    }

    pub fn cluster_url(&self, cluster: &str) -> String {
        urls::cluster(&self.name, cluster)
    }

    pub fn service_url(&self, cluster: &str, service: &str) -> String {
        urls::service(&self.name, cluster, service)
    }
}

#[derive(Template)]
#[template(path = "pages/overview.html")]
pub struct OverviewPage<'a> {
    pub shell: Shell,
    pub live: OverviewLive<'a>,
}

#[derive(Template)]
#[template(path = "partials/overview_live.html")]
pub struct OverviewLive<'a> {
    pub envs: &'a [EnvOverview],
    pub poll: u32,
}

impl OverviewLive<'_> {
    pub fn url(&self) -> String {
        urls::overview()
    }
}

pub async fn show_overview(
    State(state): State<AppState>,
    user: CurrentUser,
    htmx: Htmx,
) -> Result<Response, AppError> {
    let loads = state.environments.iter().map(|e| e.fleet.overview());
    let results = futures::future::join_all(loads).await;
    let envs: Vec<EnvOverview> = state
        .environments
        .iter()
        .zip(results)
        .map(|(env, result)| match result {
            Ok(fresh) => EnvOverview {
                name: env.name.clone(),
                region: env.region.clone(),
                console_url: Console {
                    region: &env.region,
                }
                .clusters(),
                fresh: Freshness::of(&fresh).kept_by(&env.fleet),
                clusters: fresh.value,
                error: None,
                alarms: env.fleet.firing_alarms(),
            },
            Err(e) => EnvOverview {
                name: env.name.clone(),
                region: env.region.clone(),
                console_url: Console {
                    region: &env.region,
                }
                .clusters(),
                clusters: Vec::new(),
                error: Some(format!("{} ({})", e.message(), e.code())),
                fresh: Freshness::now(),
                alarms: Vec::new(),
            },
        })
        .collect();
    let live = OverviewLive {
        envs: &envs,
        poll: Poll::Normal.seconds(),
    };
    page_or_live(htmx, live, |live| OverviewPage {
        shell: Shell::new(&state, Some(&user), "Clusters")
            .section("clusters")
            .crumb("Clusters", None),
        live,
    })
}
