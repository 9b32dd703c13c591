//! `GET /{env}/clusters/{cluster}/services/{service}/metrics?range=`: the
//! service's charts (CPU and memory, average and busiest task; with
//! Container Insights running tasks and network) over 1 h, 6 h, 24 h or
//! 7 d. The service page embeds the last hour; the range links swap the
//! section with htmx, or open this page without JavaScript.

use std::collections::BTreeMap;

use askama::Template;
use axum::response::Response;
use serde::Deserialize;

use super::{Plot, Unit, format_value};
use crate::auth::CurrentUser;
use crate::aws::AwsError;
use crate::domain::{Alarm, MetricRange, MetricSeries, Timestamp};
use crate::error::AppError;
use crate::fleet::Metrics;
use crate::web::context::Freshness;
use crate::web::extract::{Env, Htmx, Path, Query, ServicePath};
use crate::web::live::{Poll, page_or_live};
use crate::web::shell::Shell;
use crate::web::urls;

pub const WIDTH: f64 = 360.0;
pub const HEIGHT: f64 = 150.0;

#[derive(Debug, Default, Deserialize)]
pub struct RangeQuery {
    #[serde(default)]
    pub range: String,
}

/// One line of a chart.
pub struct ChartLine {
    /// CSS class (`avg`, `max`, `rx`, `tx`): colour and dash.
    pub class: &'static str,
    pub label: &'static str,
    pub segments: Vec<String>,
}

/// One row of a chart's table of values.
pub struct ChartRow {
    pub at: Timestamp,
    pub values: Vec<String>,
}

pub struct Chart {
    pub id: &'static str,
    pub title: &'static str,
    pub lines: Vec<ChartLine>,
    /// The text alternative: what the lines say, in a sentence.
    pub summary: String,
    pub rows: Vec<ChartRow>,
    /// (y, label) of the horizontal grid lines.
    pub ticks: Vec<(f64, String)>,
}

impl Chart {
    pub fn has_data(&self) -> bool {
        !self.rows.is_empty()
    }
}

fn chart(
    id: &'static str,
    title: &'static str,
    unit: Unit,
    lines: &[(&'static str, &'static str, Option<&MetricSeries>)],
    metrics: &Metrics,
    range: MetricRange,
) -> Chart {
    let highest = lines
        .iter()
        .filter_map(|(_, _, s)| s.and_then(|s| s.max()))
        .fold(0.0, f64::max);
    let max = match unit {
        Unit::Percent => highest.max(100.0),
        Unit::Count => highest.ceil().max(1.0),
        Unit::BytesPerSecond => (highest * 1.1).max(1024.0),
    };
    let plot = Plot {
        width: WIDTH,
        height: HEIGHT,
        start: metrics.start,
        end: metrics.end,
        max,
    };
    let mut table: BTreeMap<Timestamp, Vec<String>> = BTreeMap::new();
    for (i, (_, _, s)) in lines.iter().enumerate() {
        for (t, v) in s.map(|s| s.points.as_slice()).unwrap_or_default() {
            let row = table
                .entry(*t)
                .or_insert_with(|| vec!["—".to_string(); lines.len()]);
            row[i] = format_value(*v, unit);
        }
    }
    let said: Vec<String> = lines
        .iter()
        .filter_map(|(_, label, s)| {
            let s = (*s)?;
            let avg = s.points.iter().map(|(_, v)| v).sum::<f64>() / s.points.len().max(1) as f64;
            Some(format!(
                "{label}: now {}, highest {}, mean {}",
                format_value(s.latest()?, unit),
                format_value(s.max()?, unit),
                format_value(avg, unit)
            ))
        })
        .collect();
    let summary = if said.is_empty() {
        format!("{title}, {}: no data.", range.label())
    } else {
        format!("{title}, {}. {}.", range.label(), said.join("; "))
    };
    Chart {
        id,
        title,
        lines: lines
            .iter()
            .map(|(class, label, s)| ChartLine {
                class,
                label,
                segments: s
                    .map(|s| plot.segments(s, range.period_s()))
                    .unwrap_or_default(),
            })
            .collect(),
        summary,
        // Newest first: the recent past is what an operator reads.
        rows: table
            .into_iter()
            .rev()
            .map(|(at, values)| ChartRow { at, values })
            .collect(),
        ticks: [1.0, 0.5, 0.0]
            .iter()
            .map(|f| (HEIGHT * (1.0 - f), format_value(max * f, unit)))
            .collect(),
    }
}

/// The charts of one range of a service's metrics.
pub fn charts(metrics: &Metrics, range: MetricRange) -> Vec<Chart> {
    let m = |id: &str| metrics.get(id);
    let mut out = vec![
        chart(
            "cpu",
            "CPU utilization",
            Unit::Percent,
            &[
                ("avg", "average", m("cpu_avg")),
                ("max", "busiest task", m("cpu_max")),
            ],
            metrics,
            range,
        ),
        chart(
            "memory",
            "Memory utilization",
            Unit::Percent,
            &[
                ("avg", "average", m("mem_avg")),
                ("max", "busiest task", m("mem_max")),
            ],
            metrics,
            range,
        ),
    ];
    if metrics.series.contains_key("tasks") {
        out.push(chart(
            "tasks",
            "Running tasks",
            Unit::Count,
            &[("avg", "running tasks", m("tasks"))],
            metrics,
            range,
        ));
        out.push(chart(
            "network",
            "Network",
            Unit::BytesPerSecond,
            &[("rx", "received", m("net_rx")), ("tx", "sent", m("net_tx"))],
            metrics,
            range,
        ));
    }
    out
}

/// The metrics section (a live region refreshing slowly).
#[derive(Template)]
#[template(path = "partials/service_metrics.html")]
pub struct ServiceCharts {
    pub env: String,
    pub cluster: String,
    pub service: String,
    pub range: MetricRange,
    pub charts: Vec<Chart>,
    /// Why there are no charts (CloudWatch refused or failed).
    pub error: Option<String>,
    /// The CloudWatch alarms on this service, in ALARM first.
    pub alarms: Vec<Alarm>,
    pub alarms_error: Option<String>,
    pub fresh: Freshness,
    pub poll: u32,
}

impl ServiceCharts {
    pub fn url(&self) -> String {
        self.range_url(&self.range)
    }

    pub fn range_url(&self, range: &MetricRange) -> String {
        urls::service_metrics(&self.env, &self.cluster, &self.service, range.as_str())
    }

    pub fn ranges(&self) -> [MetricRange; 4] {
        MetricRange::ALL
    }

    pub fn width(&self) -> f64 {
        WIDTH
    }

    pub fn height(&self) -> f64 {
        HEIGHT
    }

    /// A section not read (never rendered: htmx polls take the live
    /// region alone).
    pub fn empty(env: &Env, cluster: &str, service: &str) -> Self {
        Self {
            env: env.name.clone(),
            cluster: cluster.to_string(),
            service: service.to_string(),
            range: MetricRange::default(),
            charts: Vec::new(),
            error: None,
            alarms: Vec::new(),
            alarms_error: None,
            fresh: Freshness::now(),
            poll: Poll::Slow.seconds(),
        }
    }

    /// The section for `range`, read through the fleet. A CloudWatch error
    /// is shown in the section, never as the page's error: the rest of the
    /// service page does not depend on it.
    pub async fn load(
        env: &Env,
        cluster: &str,
        service: &str,
        range: MetricRange,
    ) -> Result<Self, AppError> {
        let (charts, error, fresh) = match env.fleet.service_metrics(cluster, service, range).await
        {
            Ok(fresh) => (charts(&fresh.value, range), None, Freshness::of(&fresh)),
            Err(e @ AwsError::NotFound { .. }) => return Err(e.into()),
            Err(e) => (
                Vec::new(),
                Some(format!(
                    "CloudWatch metrics could not be read: {} ({}).",
                    e.message(),
                    e.code()
                )),
                Freshness::now(),
            ),
        };
        let (alarms, alarms_error) = match env.fleet.alarms().await {
            Ok(all) => {
                let mut mine: Vec<Alarm> = all
                    .value
                    .iter()
                    .filter(|a| a.watches(cluster, service))
                    .cloned()
                    .collect();
                mine.sort_by(|a, b| (a.state, &a.name).cmp(&(b.state, &b.name)));
                (mine, None)
            }
            Err(e) => (
                Vec::new(),
                Some(format!(
                    "CloudWatch alarms could not be read: {} ({}).",
                    e.message(),
                    e.code()
                )),
            ),
        };
        Ok(Self {
            env: env.name.clone(),
            cluster: cluster.to_string(),
            service: service.to_string(),
            range,
            charts,
            error,
            alarms,
            alarms_error,
            fresh,
            poll: Poll::Slow.seconds(),
        })
    }
}

#[derive(Template)]
#[template(path = "pages/service_metrics.html")]
pub struct ServiceMetricsPage {
    pub shell: Shell,
    pub service_url: String,
    pub live: ServiceCharts,
}

pub async fn show_service_metrics(
    env: Env,
    user: CurrentUser,
    Path(path): Path<ServicePath>,
    Query(query): Query<RangeQuery>,
    htmx: Htmx,
) -> Result<Response, AppError> {
    let ServicePath {
        cluster, service, ..
    } = &path;
    let range = if query.range.is_empty() {
        MetricRange::default()
    } else {
        MetricRange::parse(&query.range)
            .ok_or_else(|| AppError::BadRequest("range must be 1h, 6h, 24h or 7d".to_string()))?
    };
    let live = ServiceCharts::load(&env, cluster, service, range).await?;
    page_or_live(htmx, live, |live| ServiceMetricsPage {
        shell: Shell::for_env(
            &env,
            Some(&user),
            format!("Metrics · {service} · {cluster}"),
        )
        .section("clusters")
        .crumb("Clusters", Some(urls::overview()))
        .crumb(cluster.clone(), Some(urls::cluster(&env.name, cluster)))
        .crumb(
            service.clone(),
            Some(urls::service(&env.name, cluster, service)),
        )
        .crumb("Metrics", None),
        service_url: urls::service(&env.name, cluster, service),
        live,
    })
}
