//! `GET /`: every cluster of every environment with its health roll-up,
//! problems first — "what is broken right now" on one page.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;

use crate::error::AppError;
use crate::fleet::ClusterSummary;
use crate::state::AppState;
use crate::web::context::{Console, Freshness, POLL_SECONDS};
use crate::web::htmx::page_or_fragment;
use crate::web::shell::Shell;

/// One environment's clusters, or why they could not be read.
pub struct EnvOverview {
    pub name: String,
    pub region: String,
    pub console_url: String,
    pub clusters: Vec<ClusterSummary>,
    pub error: Option<String>,
    pub fresh: Freshness,
}

impl EnvOverview {
    pub fn services(&self) -> usize {
        self.clusters.iter().map(|c| c.services).sum()
    }
    pub fn running(&self) -> i32 {
        self.clusters.iter().map(|c| c.cluster.running_tasks).sum()
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
}

#[derive(Template)]
#[template(path = "pages/overview.html")]
pub struct OverviewPage<'a> {
    pub shell: Shell,
    pub body: OverviewBody<'a>,
}

#[derive(Template)]
#[template(path = "partials/overview_body.html")]
pub struct OverviewBody<'a> {
    pub envs: &'a [EnvOverview],
    pub poll: u32,
}

pub async fn show_overview(
    State(state): State<AppState>,
    headers: HeaderMap,
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
                fresh: Freshness::of(&fresh),
                clusters: fresh.value,
                error: None,
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
            },
        })
        .collect();
    let body = || OverviewBody {
        envs: &envs,
        poll: POLL_SECONDS,
    };
    page_or_fragment(
        &headers,
        || OverviewPage {
            shell: Shell::new(&state, "Clusters")
                .section("clusters")
                .crumb("Clusters", None),
            body: body(),
        },
        body,
    )
}
