//! `GET /`: every cluster of every environment in one table, with the
//! environment and region as columns, problems of all of them first — "what
//! is broken right now" across accounts and regions on one page. Each
//! environment is read concurrently and fails on its own: one whose reads
//! fail shows a row with the reason, one still on its first read after
//! [`FIRST_READ_WAIT`] shows a row saying so (its read goes on in the
//! background and the live region fills it in), and the others render.

use std::time::Duration;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::aws::AwsError;
use crate::error::AppError;
use crate::state::{AppState, Environment};
use crate::web::console::Console;
use crate::web::context::Freshness;
use crate::web::extract::{Htmx, Query};
use crate::web::live::{Poll, page_or_live};
use crate::web::shell::Shell;
use crate::web::urls;

pub use super::overview_rows::{ClusterRow, EnvOverview, EnvState, ProblemRow, Totals};

/// With several environments, how long the page waits for one whose first
/// read is still under way before rendering the others without it.
pub const FIRST_READ_WAIT: Duration = Duration::from_secs(3);
/// Longest filter kept (longer input is cut).
const MAX_FILTER: usize = 100;

#[derive(Debug, Default, Deserialize)]
pub struct OverviewQuery {
    #[serde(default)]
    q: Option<String>,
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
    pub clusters: Vec<ClusterRow<'a>>,
    pub problems: Vec<ProblemRow<'a>>,
    pub totals: Totals,
    /// The filter as typed (trimmed), empty for none.
    pub filter: String,
    pub poll: u32,
}

impl OverviewLive<'_> {
    pub fn url(&self) -> String {
        urls::overview_filtered(&self.filter)
    }

    pub fn clear_url(&self) -> String {
        urls::overview()
    }

    /// Environments to list in the table (those the filter matches).
    pub fn shown_envs(&self) -> impl Iterator<Item = &EnvOverview> {
        self.envs.iter().filter(|e| e.matches(&self.filter))
    }
}

pub async fn show_overview(
    State(state): State<AppState>,
    user: CurrentUser,
    htmx: Htmx,
    Query(query): Query<OverviewQuery>,
) -> Result<Response, AppError> {
    let wait = (state.environments.len() > 1).then_some(FIRST_READ_WAIT);
    let loads = state.environments.iter().map(|e| read_env(e, wait));
    let envs: Vec<EnvOverview> = futures::future::join_all(loads).await;
    let filter = normalize_filter(query.q.as_deref().unwrap_or(""));
    let needle = filter.to_lowercase();
    let clusters = ClusterRow::all(&envs, &needle);
    let problems = ProblemRow::all(&envs, &needle);
    let totals = Totals::of(&envs, &clusters);
    let busy = envs.iter().any(|e| matches!(e.state, EnvState::Loading));
    let live = OverviewLive {
        envs: &envs,
        clusters,
        problems,
        totals,
        filter,
        poll: if busy { Poll::Busy } else { Poll::Normal }.seconds(),
    };
    page_or_live(htmx, live, |live| OverviewPage {
        shell: Shell::new(&state, Some(&user), "Clusters")
            .section("clusters")
            .crumb("Clusters", None),
        live,
    })
}

/// One environment's overview, waiting at most `wait` (when given) for a
/// first read; the read goes on in the background either way.
async fn read_env(env: &Environment, wait: Option<Duration>) -> EnvOverview {
    let read = env.fleet.overview();
    let result = match wait {
        None => Some(read.await),
        Some(wait) => tokio::time::timeout(wait, read).await.ok(),
    };
    let console_url = Console {
        region: &env.region,
    }
    .clusters();
    let mut out = EnvOverview {
        name: env.name.clone(),
        region: env.region.clone(),
        console_url,
        clusters: Vec::new(),
        state: EnvState::Loading,
        fresh: Freshness::now(),
        alarms: Vec::new(),
    };
    match result {
        None => {}
        Some(Ok(fresh)) => {
            out.fresh = Freshness::of(&fresh).kept_by(&env.fleet);
            // The environments table says why in its own words.
            out.fresh.stale = None;
            out.state = match &fresh.stale_because {
                Some(e) => EnvState::Stale(describe(e)),
                None => EnvState::Ready,
            };
            out.clusters = fresh.value;
            out.alarms = env.fleet.firing_alarms();
        }
        Some(Err(e)) => out.state = EnvState::Failed(describe(&e)),
    }
    out
}

/// What went wrong with an environment, in words an operator acts on.
pub fn describe(e: &AwsError) -> String {
    let code = e.code();
    let lower = code.to_ascii_lowercase();
    let what = if lower.contains("expired") {
        "Credentials expired"
    } else if lower == "credentialsunavailable" {
        "No credentials"
    } else if matches!(e, AwsError::AccessDenied { .. }) {
        "Access denied"
    } else if matches!(code, "ConnectionFailed" | "Timeout") {
        "Region unreachable"
    } else if matches!(e, AwsError::Throttled { .. }) {
        "Throttled by AWS"
    } else {
        "AWS error"
    };
    format!("{what}: {} ({code})", e.message())
}

/// The filter as the page keeps it: trimmed, at most [`MAX_FILTER`]
/// characters.
fn normalize_filter(raw: &str) -> String {
    raw.trim().chars().take(MAX_FILTER).collect()
}
