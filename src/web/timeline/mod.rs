//! `GET …/services/{service}/timeline` and `GET /{env}/clusters/{cluster}/timeline`:
//! one time-ordered view of what happened — deployments, ECS events
//! (repeats collapsed), task stops grouped by cause, ecsdeck's actions —
//! from the history ecsdeck recorded and what ECS still reports, with a
//! time range (`since=`) and a filter (`show=`); every point links to the
//! service's logs around that moment.

mod collect;

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::domain::{Service, Task, TaskDefinition, Timestamp};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::AuditFilter;
use crate::store::history::HistoryQuery;
use crate::web::extract::{ClusterPath, Env, Path, Query, ServicePath};
use crate::web::htmx::render;
use crate::web::shell::Shell;
use crate::web::urls;

pub use collect::{Kind, Point};

/// Rows read per source at most.
const ROWS: u32 = 2_000;
/// The time ranges offered (`since=`), the first the default.
pub const RANGES: [(&str, i64); 5] = [
    ("24h", 86_400_000),
    ("1h", 3_600_000),
    ("6h", 6 * 3_600_000),
    ("7d", 7 * 86_400_000),
    ("30d", 30 * 86_400_000),
];

#[derive(Debug, Default, Deserialize)]
pub struct TimelineQuery {
    pub since: Option<String>,
    pub show: Option<String>,
}

impl TimelineQuery {
    fn range(&self) -> Result<(&'static str, i64), AppError> {
        match self.since.as_deref().filter(|s| !s.is_empty()) {
            None => Ok(RANGES[0]),
            Some(s) => RANGES.into_iter().find(|r| r.0 == s).ok_or_else(|| {
                AppError::BadRequest(format!("Unknown range {s:?}: use 1h, 6h, 24h, 7d or 30d."))
            }),
        }
    }

    fn kinds(&self) -> Result<Vec<Kind>, AppError> {
        match self
            .show
            .as_deref()
            .filter(|s| !s.is_empty() && *s != "all")
        {
            None => Ok(Kind::ALL.to_vec()),
            Some(s) => Kind::parse(s).map(|k| vec![k]).ok_or_else(|| {
                AppError::BadRequest(format!(
                    "Unknown filter {s:?}: use all, deployments, events, stops or actions."
                ))
            }),
        }
    }
}

/// One row as the page shows it.
pub struct Row {
    pub point: Point,
    pub logs_url: Option<String>,
    pub task_url: Option<String>,
    pub service_url: String,
}

#[derive(Template)]
#[template(path = "pages/timeline.html")]
pub struct TimelinePage {
    pub shell: Shell,
    pub title: String,
    pub rows: Vec<Row>,
    pub range: &'static str,
    pub show: String,
    /// (label, URL, selected) of each range and filter.
    pub ranges: Vec<(String, String, bool)>,
    pub filters: Vec<(String, String, bool)>,
    pub cluster_timeline: bool,
}

struct Target<'a> {
    env: &'a str,
    cluster: &'a str,
    service: Option<&'a str>,
}

impl Target<'_> {
    fn url(&self, since: &str, show: &str) -> String {
        let q = urls::QueryString::new()
            .add("since", since)
            .add("show", show);
        match self.service {
            Some(s) => q.on(urls::service_timeline(self.env, self.cluster, s)),
            None => q.on(urls::cluster_timeline(self.env, self.cluster)),
        }
    }
}

pub async fn show_service_timeline(
    State(state): State<AppState>,
    env: Env,
    user: CurrentUser,
    Path(path): Path<ServicePath>,
    Query(query): Query<TimelineQuery>,
) -> Result<Response, AppError> {
    let (range, kinds) = (query.range()?, query.kinds()?);
    let view = env
        .fleet
        .service_view(&path.cluster, &path.service)
        .await?
        .value;
    let services = vec![view.service.clone()];
    let target = Target {
        env: &env.name,
        cluster: &path.cluster,
        service: Some(&path.service),
    };
    let title = format!("Timeline · {}", path.service);
    let shell = Shell::for_env(&env, Some(&user), title.clone())
        .section("clusters")
        .crumb("Clusters", Some(urls::overview()))
        .crumb(
            path.cluster.clone(),
            Some(urls::cluster(&env.name, &path.cluster)),
        )
        .crumb(
            path.service.clone(),
            Some(urls::service(&env.name, &path.cluster, &path.service)),
        )
        .crumb("Timeline", None);
    let page = build(
        &state,
        &env,
        target,
        &services,
        view.stopped.clone(),
        range,
        &kinds,
        query.show.as_deref(),
        shell,
        title,
    )
    .await?;
    render(&page)
}

pub async fn show_cluster_timeline(
    State(state): State<AppState>,
    env: Env,
    user: CurrentUser,
    Path(path): Path<ClusterPath>,
    Query(query): Query<TimelineQuery>,
) -> Result<Response, AppError> {
    let (range, kinds) = (query.range()?, query.kinds()?);
    let view = env.fleet.cluster_view(&path.cluster).await?.value;
    let services: Vec<Arc<Service>> = view.rows().iter().map(|r| r.service.clone()).collect();
    let cluster = view.cluster.name.clone();
    let target = Target {
        env: &env.name,
        cluster: &cluster,
        service: None,
    };
    let title = format!("Timeline · {cluster}");
    let shell = Shell::for_env(&env, Some(&user), title.clone())
        .section("clusters")
        .crumb("Clusters", Some(urls::overview()))
        .crumb(cluster.clone(), Some(urls::cluster(&env.name, &cluster)))
        .crumb("Timeline", None);
    let page = build(
        &state,
        &env,
        target,
        &services,
        Vec::new(),
        range,
        &kinds,
        query.show.as_deref(),
        shell,
        title,
    )
    .await?;
    render(&page)
}

#[allow(clippy::too_many_arguments)]
async fn build(
    state: &AppState,
    env: &crate::state::Environment,
    target: Target<'_>,
    services: &[Arc<Service>],
    live_stops: Vec<Task>,
    range: (&'static str, i64),
    kinds: &[Kind],
    show: Option<&str>,
    shell: Shell,
    title: String,
) -> Result<TimelinePage, AppError> {
    let now = Timestamp::now().millis();
    let q = HistoryQuery {
        env: env.name.clone(),
        cluster: target.cluster.to_string(),
        service: target.service.map(str::to_string),
        since_ms: now - range.1,
        // ECS's clock may run ahead of ours (and the sandbox's does when sped up).
        until_ms: now + 86_400_000,
        limit: ROWS,
    };
    let store = state.store();
    let audit_filter = AuditFilter {
        env: Some(env.name.clone()),
        cluster: Some(target.cluster.to_string()),
        target: target.service.map(str::to_string),
        ..AuditFilter::default()
    };
    let (events, deployments, stops, audit) = tokio::join!(
        store.history_events(&q),
        store.history_deployments(&q),
        store.history_tasks(&q),
        store.audit_list(&audit_filter, ROWS),
    );
    let mut all_stops = live_stops;
    all_stops.extend(stops?.iter().map(crate::recorder::task_from_row));
    let audit = audit?;
    let service_refs: Vec<&Service> = services.iter().map(|s| s.as_ref()).collect();
    let points = collect::points(
        &collect::Sources {
            events: &events?,
            deployments: &deployments?,
            stops: &all_stops,
            audit: &audit,
            services: &service_refs,
            since_ms: q.since_ms,
            until_ms: q.until_ms,
        },
        kinds,
    );
    // The container whose logs "logs around this moment" opens, per service.
    let ids: Vec<String> = services.iter().map(|s| s.task_definition.clone()).collect();
    let tds: Vec<Arc<TaskDefinition>> = env.fleet.task_definitions(&ids).await;
    let containers: HashMap<&str, String> = services
        .iter()
        .filter_map(|s| {
            let td = tds.iter().find(|td| td.arn == s.task_definition)?;
            let c = td.containers.iter().find(|c| c.logs_to_cloudwatch())?;
            Some((s.name.as_str(), c.name.clone()))
        })
        .collect();
    let rows = points
        .into_iter()
        .map(|p| Row {
            logs_url: containers.get(p.service.as_str()).map(|c| {
                urls::service_logs_around(&env.name, target.cluster, &p.service, c, p.at.millis())
            }),
            task_url: p
                .task_id
                .as_ref()
                .map(|id| urls::task(&env.name, target.cluster, id)),
            service_url: urls::service(&env.name, target.cluster, &p.service),
            point: p,
        })
        .collect();
    let show = show.unwrap_or("all").to_string();
    let ranges = RANGES
        .iter()
        .map(|r| (r.0.to_string(), target.url(r.0, &show), r.0 == range.0))
        .collect();
    let filters = std::iter::once("all")
        .chain(Kind::ALL.iter().map(|k| k.as_str()))
        .map(|k| (k.to_string(), target.url(range.0, k), k == show))
        .collect();
    Ok(TimelinePage {
        shell,
        title,
        rows,
        range: range.0,
        show,
        ranges,
        filters,
        cluster_timeline: target.service.is_none(),
    })
}
