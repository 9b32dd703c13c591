//! CloudWatch alarms: the sandbox evaluates them against its simulated
//! metrics; one in ALARM shows in the overview's "Needs attention" and on
//! its service's page, with its reason and since when.

use std::time::Duration;

use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, StateValue, Statistic};
use ecsdeck::sandbox::SandboxConfig;

use crate::harness::*;

const NAME: &str = "pipeline-app CPU above zero";

async fn put_alarm(sdk: &Sdk, name: &str, threshold: f64) {
    sdk.cloudwatch
        .put_metric_alarm()
        .alarm_name(name)
        .namespace("AWS/ECS")
        .metric_name("CPUUtilization")
        .dimensions(
            Dimension::builder()
                .name("ClusterName")
                .value("data-pipeline")
                .build(),
        )
        .dimensions(
            Dimension::builder()
                .name("ServiceName")
                .value("pipeline-app")
                .build(),
        )
        .statistic(Statistic::Average)
        .period(60)
        .evaluation_periods(2)
        .threshold(threshold)
        .comparison_operator(ComparisonOperator::GreaterThanThreshold)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn alarms_are_judged_by_the_simulated_metrics() {
    let sb = start_sandbox(SandboxConfig::seeded().with_speed(0.0001)).await;
    let sdk = sdk(&sb).await;
    put_alarm(&sdk, "always", 0.0).await;
    put_alarm(&sdk, "never", 100.0).await;
    let out = sdk
        .cloudwatch
        .describe_alarms()
        .alarm_names("always")
        .alarm_names("never")
        .send()
        .await
        .unwrap();
    let alarms = out.metric_alarms();
    assert_eq!(alarms.len(), 2);
    let always = &alarms[0];
    assert_eq!(always.state_value(), Some(&StateValue::Alarm));
    let reason = always.state_reason().unwrap();
    assert!(
        reason.starts_with("Threshold Crossed: 2 datapoints ["),
        "{reason}"
    );
    assert!(
        reason.ends_with("were greater than the threshold (0)."),
        "{reason}"
    );
    assert!(always.state_updated_timestamp().is_some());
    assert_eq!(alarms[1].state_value(), Some(&StateValue::Ok));
    // The seeded production services each have two alarms; the OOM
    // service's memory alarm follows its kills.
    let mut all = Vec::new();
    let mut pages = sdk
        .cloudwatch
        .describe_alarms()
        .max_records(5)
        .into_paginator()
        .send();
    while let Some(p) = pages.next().await {
        all.extend(p.unwrap().metric_alarms().to_vec());
    }
    let names: Vec<&str> = all.iter().filter_map(|a| a.alarm_name()).collect();
    assert!(
        names.contains(&"data-pipeline/pipeline-transformer memory high"),
        "{names:?}"
    );
    assert!(
        names.contains(&"acme-production/acme-production CPU high"),
        "{names:?}"
    );
    let memory = all
        .iter()
        .find(|a| a.alarm_name() == Some("data-pipeline/pipeline-transformer memory high"))
        .unwrap();
    assert!(
        memory
            .state_reason()
            .unwrap()
            .starts_with("Threshold Crossed"),
        "{memory:?}"
    );
    // StateValue filters; a bad MaxRecords is refused like CloudWatch does.
    let firing = sdk
        .cloudwatch
        .describe_alarms()
        .state_value(StateValue::Alarm)
        .send()
        .await
        .unwrap();
    assert!(
        firing
            .metric_alarms()
            .iter()
            .all(|a| a.state_value() == Some(&StateValue::Alarm))
    );
    let err = sdk
        .cloudwatch
        .describe_alarms()
        .max_records(101)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        aws_sdk_cloudwatch::error::ProvideErrorMetadata::code(&err.into_service_error()),
        Some("InvalidParameterValue")
    );
}

#[tokio::test]
async fn an_alarm_in_alarm_needs_attention_and_shows_on_its_service() {
    let sb = start_sandbox(SandboxConfig::seeded().with_speed(0.0001)).await;
    let sdk = sdk(&sb).await;
    put_alarm(&sdk, NAME, 0.0).await;
    let app = TestApp::on(&sb).await;
    let viewer = app.session("viewer").await;
    // The overview never waits for CloudWatch: the alarm shows once read.
    let row = format!("table.problems tr.alarm[data-alarm=\"{NAME}\"]");
    let overview = poll_until(
        "the alarm in Needs attention",
        Duration::from_secs(20),
        || async {
            let p = viewer.get_htmx("/").await;
            p.exists(&row).then_some(p)
        },
    )
    .await;
    let text = overview.texts(&row).join(" ");
    assert!(
        text.contains("pipeline-app") && text.contains("data-pipeline"),
        "{text}"
    );
    assert!(text.contains("CPUUtilization Average > 0"), "{text}");
    assert!(text.contains("Threshold Crossed"), "{text}");
    assert!(
        overview.exists(&format!("{row} time[datetime]")),
        "since when"
    );
    let link = overview
        .attr(&format!("{row} td:nth-child(2) a"), "href")
        .unwrap();
    assert_eq!(
        link,
        "/sandbox/clusters/data-pipeline/services/pipeline-app"
    );
    // The service lists it with its state, condition, reason and time.
    let page = viewer.ok(&link).await;
    let mine = format!("table.alarms tr[data-alarm=\"{NAME}\"]");
    assert_eq!(page.attr(&mine, "data-state").as_deref(), Some("ALARM"));
    assert!(
        page.texts(&format!("{mine} td.reason"))
            .join("")
            .starts_with("Threshold Crossed")
    );
    assert!(page.exists(&format!("{mine} time[datetime]")));
    // Its seeded alarms are listed too; another service's are not.
    assert!(page.exists("table.alarms tr[data-alarm=\"data-pipeline/pipeline-app CPU high\"]"));
    assert!(
        !page.exists(
            "table.alarms tr[data-alarm=\"data-pipeline/pipeline-transformer memory high\"]"
        )
    );
    let stats = sandbox_stats(&sb).await;
    assert!(calls(&stats, "cloudwatch:DescribeAlarms") >= 1);
}
