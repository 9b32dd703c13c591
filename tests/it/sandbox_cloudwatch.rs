//! CloudWatch in the sandbox through the real SDK (Smithy RPC v2 CBOR):
//! GetMetricData computed from the simulated fleet, validated and
//! paginated like CloudWatch.

use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat};
use ecsdeck::sandbox::SandboxConfig;

use crate::harness::*;

fn query(
    id: &str,
    cluster: &str,
    service: Option<&str>,
    metric: &str,
    stat: &str,
) -> MetricDataQuery {
    let mut dims = vec![
        Dimension::builder()
            .name("ClusterName")
            .value(cluster)
            .build(),
    ];
    if let Some(s) = service {
        dims.push(Dimension::builder().name("ServiceName").value(s).build());
    }
    let ns = if metric == "RunningTaskCount" {
        "ECS/ContainerInsights"
    } else {
        "AWS/ECS"
    };
    MetricDataQuery::builder()
        .id(id)
        .metric_stat(
            MetricStat::builder()
                .metric(
                    Metric::builder()
                        .namespace(ns)
                        .metric_name(metric)
                        .set_dimensions(Some(dims))
                        .build(),
                )
                .period(60)
                .stat(stat)
                .build(),
        )
        .build()
}

fn last_hour(sb: &ecsdeck::sandbox::SandboxHandle) -> (DateTime, DateTime) {
    let now = sb.now_ms();
    (
        DateTime::from_millis(now - 3_600_000),
        DateTime::from_millis(now),
    )
}

#[tokio::test]
async fn the_oom_service_climbs_to_its_memory_limit_before_each_kill() {
    let sb = start_sandbox(SandboxConfig::seeded().with_speed(0.0001)).await;
    let sdk = sdk(&sb).await;
    let (start, end) = last_hour(&sb);
    let out = sdk
        .cloudwatch
        .get_metric_data()
        .metric_data_queries(query(
            "mem",
            "data-pipeline",
            Some("pipeline-transformer"),
            "MemoryUtilization",
            "Maximum",
        ))
        .metric_data_queries(query(
            "cpu",
            "data-pipeline",
            Some("pipeline-transformer"),
            "CPUUtilization",
            "Average",
        ))
        .metric_data_queries(query(
            "tasks",
            "data-pipeline",
            Some("pipeline-transformer"),
            "RunningTaskCount",
            "Average",
        ))
        .start_time(start)
        .end_time(end)
        .send()
        .await
        .unwrap();
    let results = out.metric_data_results();
    assert_eq!(results.len(), 3);
    let mem = &results[0];
    assert_eq!(mem.id(), Some("mem"));
    assert_eq!(mem.timestamps().len(), mem.values().len());
    assert!(
        mem.values().len() > 20,
        "an hour of prehistory: {:?}",
        mem.values()
    );
    // Newest first (CloudWatch's default order).
    assert!(mem.timestamps().windows(2).all(|w| w[0] > w[1]));
    let highest = mem.values().iter().copied().fold(0.0, f64::max);
    assert!(
        highest >= 95.0,
        "memory reaches its limit: {:?}",
        mem.values()
    );
    // Each climb ends in a kill: after a value near the limit, memory drops
    // back (a new task starts low) — more than once in an hour.
    let oldest_first: Vec<f64> = mem.values().iter().rev().copied().collect();
    let drops = oldest_first
        .windows(2)
        .filter(|w| w[0] >= 85.0 && w[1] < 60.0)
        .count();
    let gaps = mem
        .timestamps()
        .windows(2)
        .filter(|w| w[0].secs() - w[1].secs() > 60)
        .count();
    assert!(
        drops + gaps >= 2,
        "several kills in the hour: {oldest_first:?}"
    );
    assert!(
        results[1]
            .values()
            .iter()
            .all(|v| (0.0..=100.0).contains(v))
    );
    assert!(
        results[2].values().iter().all(|v| *v <= 1.0),
        "one task at most"
    );
}

#[tokio::test]
async fn more_than_500_queries_are_refused_and_ids_are_checked() {
    let sb = start_sandbox(SandboxConfig::one_cluster("apps", 1, 1).with_speed(0.0001)).await;
    let sdk = sdk(&sb).await;
    let (start, end) = last_hour(&sb);
    let mut call = sdk
        .cloudwatch
        .get_metric_data()
        .start_time(start)
        .end_time(end);
    for i in 0..501 {
        call = call.metric_data_queries(query(
            &format!("q{i}"),
            "apps",
            Some("svc-00000"),
            "CPUUtilization",
            "Average",
        ));
    }
    let err = call.send().await.unwrap_err();
    let err = err.into_service_error();
    assert_eq!(
        aws_sdk_cloudwatch::error::ProvideErrorMetadata::code(&err),
        Some("ValidationError")
    );
    let err = sdk
        .cloudwatch
        .get_metric_data()
        .metric_data_queries(query("Bad-Id", "apps", None, "CPUUtilization", "Average"))
        .start_time(start)
        .end_time(end)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(
        aws_sdk_cloudwatch::error::ProvideErrorMetadata::code(&err),
        Some("InvalidParameterValue")
    );
    let stats = sandbox_stats(&sb).await;
    assert_eq!(calls(&stats, "cloudwatch:GetMetricData"), 2);
}

#[tokio::test]
async fn answers_are_paginated_by_max_datapoints() {
    let sb = start_sandbox(SandboxConfig::seeded().with_speed(0.0001)).await;
    let sdk = sdk(&sb).await;
    let (start, end) = last_hour(&sb);
    let queries = vec![
        query("c_cpu", "data-pipeline", None, "CPUUtilization", "Average"),
        query(
            "c_mem",
            "data-pipeline",
            None,
            "MemoryUtilization",
            "Average",
        ),
        query(
            "app",
            "data-pipeline",
            Some("pipeline-app"),
            "CPUUtilization",
            "Maximum",
        ),
    ];
    let whole = sdk
        .cloudwatch
        .get_metric_data()
        .set_metric_data_queries(Some(queries.clone()))
        .start_time(start)
        .end_time(end)
        .send()
        .await
        .unwrap();
    assert!(whole.next_token().is_none());
    let sizes: Vec<usize> = whole
        .metric_data_results()
        .iter()
        .map(|r| r.values().len())
        .collect();
    assert!(sizes.iter().all(|n| *n > 20), "{sizes:?}");
    let largest = *sizes.iter().max().unwrap() as i32;
    let pages: Vec<_> = sdk
        .cloudwatch
        .get_metric_data()
        .set_metric_data_queries(Some(queries))
        .start_time(start)
        .end_time(end)
        .max_datapoints(largest)
        .into_paginator()
        .send()
        .collect::<Vec<_>>()
        .await;
    assert_eq!(pages.len(), 3, "one series a page");
    let paged: Vec<usize> = pages
        .iter()
        .flat_map(|p| {
            p.as_ref()
                .unwrap()
                .metric_data_results()
                .iter()
                .map(|r| r.values().len())
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(paged, sizes);
}
