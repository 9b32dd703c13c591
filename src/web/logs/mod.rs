//! `/{env}/logs…`: log groups, a group's streams, the viewer (one stream,
//! several, or a service's tasks interleaved), live tail and download.

pub mod access;
pub mod ansi;
pub mod download;
pub mod groups;
pub mod lines;
pub mod params;
pub mod pattern;
pub mod streams;
pub mod tail;
pub mod viewer;

use axum::extract::State;
use axum::response::Response;

use crate::auth::CurrentUser;
use crate::domain::Timestamp;
use crate::error::AppError;
use crate::fleet::logs::LogView;
use crate::state::{AppState, Environment, Settings};
use crate::web::extract::{Env, Query};
use lines::Tagger;
use params::LogParams;
use pattern::Terms;

/// `GET /{env}/logs`: groups, a group's streams or the viewer, by query.
pub async fn show_logs(
    State(state): State<AppState>,
    env: Env,
    user: CurrentUser,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let params = LogParams::parse(&pairs)?;
    if params.is_viewer() {
        viewer::show_viewer(&env, &state.settings, &user, params).await
    } else if let Some(group) = params.group.clone() {
        access::check_group(&env, &state.settings, &group).await?;
        streams::list_streams(&env, &user, group, params).await
    } else {
        groups::list_groups(&env, &state.settings, &user, params).await
    }
}

/// A viewer's query resolved against the fleet: which streams, how lines
/// are tagged and highlighted.
pub struct ResolvedView {
    pub view: LogView,
    pub tagger: Tagger,
    /// Plain terms of the pattern (None for JSON / space-delimited ones).
    pub terms: Option<Terms>,
    /// What the page is about: a stream name or `service · container`.
    pub title: String,
    /// The service's tasks had no awslogs stream for the container.
    pub no_streams: bool,
    /// The streams a live tail follows: a service's running tasks' (a
    /// stopped task writes no more lines, so it takes no tail slot and no
    /// poller), every named stream otherwise.
    pub live: Vec<String>,
}

/// Resolves streams (from the task definitions for `service=`) and range.
/// A `group=` named in the URL must be one the environment allows
/// (`access::check_group`: 403 otherwise, before any Logs call).
pub async fn resolve(
    env: &Environment,
    settings: &Settings,
    params: &LogParams,
) -> Result<ResolvedView, AppError> {
    let pattern = params.pattern();
    let terms = Terms::parse(&pattern);
    let (start_ms, end_ms) = params.range(Timestamp::now().millis());
    if let (Some((cluster, service)), Some(container)) = (&params.service, &params.container) {
        let mut streams = env
            .fleet
            .service_log_streams(cluster, service, container)
            .await?;
        let group = streams.first().map(|s| s.group.clone()).unwrap_or_default();
        streams.retain(|s| s.group == group);
        return Ok(ResolvedView {
            view: LogView {
                group,
                streams: streams.iter().map(|s| s.stream.clone()).collect(),
                pattern,
                start_ms,
                end_ms,
                since_ms: params.since_ms(),
            },
            tagger: Tagger::for_tasks(&streams),
            terms,
            title: format!("{service} · {container}"),
            no_streams: streams.is_empty(),
            live: streams
                .iter()
                .filter(|s| s.running)
                .map(|s| s.stream.clone())
                .collect(),
        });
    }
    let group = params.group.clone().unwrap_or_default();
    access::check_group(env, settings, &group).await?;
    let title = match params.streams.as_slice() {
        [one] => one.clone(),
        many => format!("{} streams", many.len()),
    };
    Ok(ResolvedView {
        view: LogView {
            group,
            streams: params.streams.clone(),
            pattern,
            start_ms,
            end_ms,
            since_ms: params.since_ms(),
        },
        tagger: Tagger::for_streams(&params.streams),
        terms,
        title,
        no_streams: false,
        live: params.streams.clone(),
    })
}
