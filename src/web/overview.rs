//! `GET /`: the overview of every configured environment.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;

use crate::error::AppError;
use crate::state::AppState;
use crate::web::htmx::page_or_fragment;
use crate::web::shell::Shell;

/// One configured environment, as the overview lists it.
pub struct EnvRow {
    pub name: String,
    pub region: String,
}

#[derive(Template)]
#[template(path = "pages/overview.html")]
pub struct OverviewPage<'a> {
    pub shell: Shell,
    pub envs: &'a [EnvRow],
}

#[derive(Template)]
#[template(path = "partials/overview_body.html")]
pub struct OverviewBody<'a> {
    pub envs: &'a [EnvRow],
}

pub async fn show_overview(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let envs: Vec<EnvRow> = state
        .environments
        .iter()
        .map(|e| EnvRow {
            name: e.name.clone(),
            region: e.region.clone(),
        })
        .collect();
    page_or_fragment(
        &headers,
        || OverviewPage {
            shell: Shell::new(&state, "Clusters")
                .section("clusters")
                .crumb("Clusters", None),
            envs: &envs,
        },
        || OverviewBody { envs: &envs },
    )
}
