//! `GET /{env}/clusters/{cluster}`: summary cards, the services table
//! (sortable, filterable as you type, paginated past 100 rows) and, for EC2
//! clusters, the container instances.

use std::collections::HashMap;

use askama::Template;
use axum::response::Response;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::domain::{Health, image_tag};
use crate::error::AppError;
use crate::fleet::{ClusterView, ServiceRow};
use crate::web::charts::sparkline::Spark;
use crate::web::console::Console;
use crate::web::context::Freshness;
use crate::web::extract::{ClusterPath, Env, Htmx, Path, Query};
use crate::web::live::{Poll, page_or_live};
use crate::web::shell::Shell;
use crate::web::urls;

/// Rows per page of the services table.
pub const PAGE_SIZE: usize = 100;

#[derive(Debug, Default, Deserialize)]
pub struct ServicesQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub page: Option<usize>,
}

/// A services-table row with the image tags its task definition runs.
pub struct Row<'a> {
    pub row: &'a ServiceRow,
    pub images: Vec<String>,
    /// CPU and memory over the last hour; `None` while CloudWatch is read.
    pub spark: Option<Spark>,
}

#[derive(Template)]
#[template(path = "pages/cluster.html")]
pub struct ClusterPage<'a> {
    pub shell: Shell,
    pub console_url: String,
    pub tasks_url: String,
    pub live: ClusterLive<'a>,
}

#[derive(Template)]
#[template(path = "partials/cluster_live.html")]
pub struct ClusterLive<'a> {
    pub env: &'a str,
    pub view: &'a ClusterView,
    pub rows: Vec<Row<'a>>,
    pub query: &'a ServicesQuery,
    /// Services matching the filter (all pages).
    pub matching: usize,
    pub page: usize,
    pub pages: usize,
    pub fresh: Freshness,
    pub poll: u32,
    pub counts: HashMap<Health, usize>,
}

impl ClusterLive<'_> {
    pub fn count(&self, h: Health) -> usize {
        self.counts.get(&h).copied().unwrap_or_default()
    }

    /// This page's URL without the filter text (the live region adds the
    /// filter input's current value itself).
    pub fn live_url(&self) -> String {
        urls::cluster_page(
            self.env,
            &self.view.cluster.name,
            "",
            &self.query.sort,
            self.page,
        )
    }

    /// A link to another page or sort order, keeping the filter.
    pub fn link(&self, sort: &str, page: usize) -> String {
        urls::cluster_page(self.env, &self.view.cluster.name, &self.query.q, sort, page)
    }

    pub fn service_url(&self, service: &str) -> String {
        urls::service(self.env, &self.view.cluster.name, service)
    }

    pub fn task_definition_url(&self, short: &str) -> String {
        urls::task_definition_ref(self.env, short)
    }

    /// The sort key a column header should link to (toggles direction).
    pub fn sort_for(&self, column: &str) -> String {
        if self.query.sort == column {
            format!("-{column}")
        } else {
            column.to_string()
        }
    }
}

fn matches(row: &ServiceRow, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    let s = &row.service;
    [
        s.name.as_str(),
        s.task_definition_short(),
        s.launch_type.as_str(),
        row.health.health.label(),
        s.status.as_str(),
    ]
    .iter()
    .any(|f| f.to_ascii_lowercase().contains(needle))
}

fn sort_rows(rows: &mut [&ServiceRow], sort: &str) {
    let (desc, key) = match sort.strip_prefix('-') {
        Some(k) => (true, k),
        None => (false, sort),
    };
    match key {
        "name" => rows.sort_by(|a, b| a.service.name.cmp(&b.service.name)),
        "desired" => rows.sort_by(|a, b| {
            (a.service.desired, &a.service.name).cmp(&(b.service.desired, &b.service.name))
        }),
        "running" => rows.sort_by(|a, b| {
            (a.service.running, &a.service.name).cmp(&(b.service.running, &b.service.name))
        }),
        "event" => rows.sort_by_key(|r| r.service.last_event_at()),
        "taskdef" => rows.sort_by(|a, b| {
            a.service
                .task_definition_short()
                .cmp(b.service.task_definition_short())
        }),
        // Problems first, then by name (the fleet's own order).
        _ => rows.sort_by(|a, b| {
            (a.health.health, &a.service.name).cmp(&(b.health.health, &b.service.name))
        }),
    }
    if desc {
        rows.reverse();
    }
}

pub async fn show_cluster(
    env: Env,
    user: CurrentUser,
    Path(path): Path<ClusterPath>,
    Query(query): Query<ServicesQuery>,
    htmx: Htmx,
) -> Result<Response, AppError> {
    let fresh = env.fleet.cluster_view(&path.cluster).await?;
    let view = &fresh.value;
    let needle = query.q.trim().to_ascii_lowercase();
    // The fleet keeps the rows problems first: the default order needs no
    // work per request.
    let mut rows: Vec<&ServiceRow> = view.rows().iter().filter(|r| matches(r, &needle)).collect();
    if !matches!(query.sort.as_str(), "" | "health") {
        sort_rows(&mut rows, &query.sort);
    }
    let matching = rows.len();
    let pages = matching.div_ceil(PAGE_SIZE).max(1);
    let page = query.page.unwrap_or(1).clamp(1, pages);
    let shown: Vec<&ServiceRow> = rows
        .into_iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .collect();
    let mut ids: Vec<String> = shown
        .iter()
        .map(|r| r.service.task_definition.clone())
        .collect();
    ids.sort();
    ids.dedup();
    let defs = env.fleet.task_definitions(&ids).await;
    // Sparklines never hold the page: what CloudWatch gave last, or none
    // yet (the next poll fills them in).
    let names = view.rows().iter().map(|r| r.service.name.clone()).collect();
    let metrics = match env.fleet.cluster_metrics(&view.cluster.name, names) {
        Ok(m) => m,
        Err(e) => {
            tracing::warn!(error = %e, "cluster metrics unavailable");
            None
        }
    };
    let rows = shown
        .into_iter()
        .map(|row| {
            let images = defs
                .iter()
                .find(|d| d.arn == row.service.task_definition)
                .map(|d| {
                    d.containers
                        .iter()
                        .map(|c| format!("{}:{}", c.name, image_tag(&c.image)))
                        .collect()
                })
                .unwrap_or_default();
            let spark = metrics
                .as_ref()
                .and_then(|m| Spark::of(m, &row.service.name));
            Row { row, images, spark }
        })
        .collect();
    let mut counts = HashMap::new();
    for r in view.rows() {
        *counts.entry(r.health.health).or_insert(0) += 1;
    }
    // A first read still describing the rest polls sooner.
    let poll = if view.filling() {
        Poll::Busy
    } else {
        Poll::Normal
    };
    let live = ClusterLive {
        env: &env.name,
        view,
        rows,
        query: &query,
        matching,
        page,
        pages,
        fresh: Freshness::of(&fresh).kept_by(&env.fleet),
        poll: poll.seconds(),
        counts,
    };
    let name = &view.cluster.name;
    page_or_live(htmx, live, |live| ClusterPage {
        shell: Shell::for_env(&env, Some(&user), format!("Cluster {name}"))
            .section("clusters")
            .crumb("Clusters", Some(urls::overview()))
            .crumb(name.clone(), None),
        console_url: Console {
            region: &env.region,
        }
        .cluster(name),
        tasks_url: urls::tasks(&env.name, name),
        live,
    })
}
