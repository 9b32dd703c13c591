//! CloudWatch metrics on the pages: a sparkline per service in the cluster
//! table (read with at most ⌈series / 500⌉ GetMetricData calls a refresh,
//! never holding the page), the service page's charts with their text
//! alternatives, the OOM scenario's memory at its limit before the kills,
//! and the range switch.

use std::time::Duration;

use ecsdeck::auth::Clock;
use ecsdeck::fleet::CacheTiming;
use ecsdeck::sandbox::SandboxConfig;

use crate::harness::*;

/// The highest number in a chart's values table column `col` (0-based,
/// after the time column), from texts like `97%`.
fn column_max(page: &Page, figure: &str, col: usize) -> f64 {
    page.texts(&format!("{figure} tbody tr td:nth-child({})", col + 2))
        .iter()
        .filter_map(|t| t.trim_end_matches('%').parse::<f64>().ok())
        .fold(0.0, f64::max)
}

#[tokio::test]
async fn the_oom_service_page_shows_memory_at_its_limit_before_the_kills() {
    let sb = start_sandbox(SandboxConfig::seeded().with_speed(0.0001)).await;
    let app = TestApp::on(&sb).await;
    let viewer = app.session("viewer").await;
    let page = viewer
        .ok("/sandbox/clusters/data-pipeline/services/pipeline-transformer")
        .await;
    assert!(page.exists("#service-metrics"), "{}", page.body);
    let memory = "#service-metrics figure#chart-memory";
    assert!(page.exists(memory));
    let busiest = column_max(&page, memory, 1);
    assert!(busiest >= 95.0, "busiest task reaches the limit: {busiest}");
    let title = page.texts(&format!("{memory} svg > title")).join("");
    assert!(
        title.starts_with("Memory utilization, last hour."),
        "{title}"
    );
    assert!(title.contains("busiest task: now"), "{title}");
    // Every chart has its text alternative: a <title>, a caption, a table.
    let figures = page.count("#service-metrics figure.chart");
    assert!(figures >= 4, "CPU, memory, tasks, network: {figures}");
    assert_eq!(
        page.count("#service-metrics figure.chart svg[role=img] > title"),
        figures
    );
    assert_eq!(
        page.count("#service-metrics figure.chart p.summary"),
        figures
    );
    assert_eq!(
        page.count("#service-metrics figure.chart details table"),
        figures
    );
    // The range links work without JavaScript (plain hrefs) and with htmx.
    let links = page.attrs("#service-metrics nav.ranges a", "href");
    assert_eq!(links.len(), 4);
    assert!(links[3].ends_with("/metrics?range=7d"), "{links:?}");
    assert_eq!(
        page.texts("#service-metrics nav.ranges a.current"),
        vec!["1h"]
    );
}

#[tokio::test]
async fn the_range_switch_reads_that_range_and_refuses_others() {
    let sb = start_sandbox(SandboxConfig::seeded().with_speed(0.0001)).await;
    let app = TestApp::on(&sb).await;
    let viewer = app.session("viewer").await;
    let base = "/sandbox/clusters/data-pipeline/services/pipeline-app/metrics";
    reset_stats(&sb).await;
    let week = viewer.get_htmx(&format!("{base}?range=7d")).await;
    assert_eq!(week.status, 200, "{}", week.body);
    assert!(week.exists("section#service-metrics"));
    assert!(
        !week.exists("nav.breadcrumb"),
        "htmx gets the section alone"
    );
    assert_eq!(week.texts("nav.ranges a.current"), vec!["7d"]);
    let rows = week.count("figure#chart-cpu tbody tr");
    assert!(
        (1..=169).contains(&rows),
        "hourly points over a week: {rows}"
    );
    assert_eq!(
        calls(&sandbox_stats(&sb).await, "cloudwatch:GetMetricData"),
        1
    );
    // Without htmx: a whole page around the same section.
    let page = viewer.ok(&format!("{base}?range=6h")).await;
    assert!(page.exists("nav.breadcrumb") && page.exists("section#service-metrics"));
    assert_eq!(page.texts("nav.ranges a.current"), vec!["6h"]);
    // Bad input costs no CloudWatch call.
    reset_stats(&sb).await;
    assert_eq!(viewer.get(&format!("{base}?range=2w")).await.status, 400);
    let missing = viewer
        .get("/sandbox/clusters/data-pipeline/services/no-such-service/metrics")
        .await;
    assert_eq!(missing.status, 404);
    assert_eq!(
        calls(&sandbox_stats(&sb).await, "cloudwatch:GetMetricData"),
        0
    );
}

#[tokio::test]
async fn the_cluster_table_draws_a_sparkline_per_service_without_waiting_for_it() {
    let sb = start_sandbox(SandboxConfig::seeded().with_speed(0.0001)).await;
    let app = TestApp::on(&sb).await;
    let viewer = app.session("viewer").await;
    let page = poll_until("sparklines read", Duration::from_secs(20), || async {
        let p = viewer.get_htmx("/sandbox/clusters/data-pipeline").await;
        (!p.body.contains("loading…")).then_some(p)
    })
    .await;
    let rows = page.count("tr[data-service]");
    // pipeline-app, pipeline-transformer and pipeline-events (FireLens).
    assert_eq!(rows, 3, "{}", page.body);
    assert_eq!(page.count("tr[data-service] td.spark-cell"), rows);
    // Running services draw; each drawing says its values in its title.
    let app_row = "tr[data-service=\"pipeline-app\"] td.spark-cell";
    let title = page.texts(&format!("{app_row} svg.spark > title")).join("");
    assert!(
        title.contains("CPU") && title.contains("memory") && title.contains("last hour"),
        "{title}"
    );
    assert!(page.count(&format!("{app_row} polyline.cpu")) >= 1);
    assert!(
        page.texts(&format!("{app_row} .spark-values"))
            .join("")
            .contains("CPU")
    );
    let oom = "tr[data-service=\"pipeline-transformer\"] td.spark-cell svg.spark > title";
    let oom_title = page.texts(oom).join("");
    let at_most: f64 = oom_title
        .split("memory ")
        .nth(1)
        .and_then(|s| s.split(" at most").next())
        .and_then(|s| s.rsplit(", ").next())
        .and_then(|s| s.trim_end_matches('%').parse().ok())
        .unwrap_or(0.0);
    assert!(at_most >= 90.0, "{oom_title}");
}

#[tokio::test]
async fn cluster_sparklines_cost_one_call_per_500_series_a_refresh() {
    // 600 services: 1,200 service series and 4 of the cluster → 3 calls.
    let sb = start_sandbox(SandboxConfig::one_cluster("big", 600, 1).with_speed(0.0001)).await;
    let clock = Clock::manual();
    let timing = CacheTiming {
        clock: clock.clone(),
        ..CacheTiming::default()
    };
    let app = TestApp::new(with_cache_timing(app_state(&sb).await, timing));
    let viewer = app.session("viewer").await;
    poll_until(
        "every service described",
        Duration::from_secs(30),
        || async {
            let p = viewer.get("/sandbox/clusters/big").await;
            (!p.exists("p.filling")).then_some(())
        },
    )
    .await;
    // The metrics read now is of the whole list: a minute later.
    clock.advance(Duration::from_secs(61));
    reset_stats(&sb).await;
    let first = viewer.get("/sandbox/clusters/big").await;
    assert_eq!(first.status, 200);
    poll_until(
        "one refresh of the sparklines",
        Duration::from_secs(20),
        || async {
            let n = calls(&sandbox_stats(&sb).await, "cloudwatch:GetMetricData");
            (n >= 3).then_some(())
        },
    )
    .await;
    let page = poll_until(
        "sparklines of every row",
        Duration::from_secs(20),
        || async {
            let p = viewer.get("/sandbox/clusters/big").await;
            (!p.body.contains("loading…")).then_some(p)
        },
    )
    .await;
    assert_eq!(
        page.count("tr[data-service] td.spark-cell"),
        100,
        "one page of rows"
    );
    assert_eq!(
        calls(&sandbox_stats(&sb).await, "cloudwatch:GetMetricData"),
        3
    );
    // Within the minute, more page loads cost nothing.
    for _ in 0..3 {
        viewer.get("/sandbox/clusters/big").await;
    }
    assert_eq!(
        calls(&sandbox_stats(&sb).await, "cloudwatch:GetMetricData"),
        3
    );
}
