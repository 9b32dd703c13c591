//! The sandbox's Application Auto Scaling runs what it stores: scheduled
//! actions (at, cron, rate, in a time zone) change min/max and the desired
//! count when the simulation clock passes them, and step scaling policies
//! run when a CloudWatch alarm naming them is in ALARM, once per cooldown.
//! All through the real SDK clients; the clock is moved, never slept on.

use aws_sdk_applicationautoscaling::Client;
use aws_sdk_applicationautoscaling::types::{
    AdjustmentType, PolicyType, ScalableDimension, ScalableTargetAction, ScalingActivity,
    ServiceNamespace, StepAdjustment, StepScalingPolicyConfiguration,
};
use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, Statistic};
use ecsdeck::sandbox::{SandboxConfig, SandboxHandle};

use crate::harness::*;

const RESOURCE: &str = "service/apps/svc-00000";

async fn aas(sb: &SandboxHandle) -> Client {
    sdk(sb).await.autoscaling
}

fn now_ms(sb: &SandboxHandle) -> i64 {
    sb.world().lock().unwrap().clock.now_ms()
}

/// A one-service cluster with two running tasks, registered 1..=3.
async fn apps() -> (SandboxHandle, Client) {
    let sb = start_sandbox(SandboxConfig::one_cluster("apps", 1, 2).with_speed(0.0001)).await;
    skip_minutes(&sb, 3);
    let aas = aas(&sb).await;
    aas.register_scalable_target()
        .service_namespace(ServiceNamespace::Ecs)
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .resource_id(RESOURCE)
        .min_capacity(1)
        .max_capacity(3)
        .send()
        .await
        .unwrap();
    (sb, aas)
}

async fn schedule(
    aas: &Client,
    name: &str,
    expr: &str,
    tz: Option<&str>,
    min: i32,
    max: i32,
) -> Result<(), String> {
    aas.put_scheduled_action()
        .service_namespace(ServiceNamespace::Ecs)
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .resource_id(RESOURCE)
        .scheduled_action_name(name)
        .schedule(expr)
        .set_timezone(tz.map(str::to_string))
        .scalable_target_action(
            ScalableTargetAction::builder()
                .min_capacity(min)
                .max_capacity(max)
                .build(),
        )
        .send()
        .await
        .map(|_| ())
        .map_err(|e| {
            let e = e.into_service_error();
            format!(
                "{}: {}",
                e.meta().code().unwrap_or(""),
                e.meta().message().unwrap_or("")
            )
        })
}

async fn activities(aas: &Client) -> Vec<ScalingActivity> {
    aas.describe_scaling_activities()
        .service_namespace(ServiceNamespace::Ecs)
        .resource_id(RESOURCE)
        .send()
        .await
        .unwrap()
        .scaling_activities()
        .to_vec()
}

async fn min_max(aas: &Client) -> (i32, i32) {
    let out = aas
        .describe_scalable_targets()
        .service_namespace(ServiceNamespace::Ecs)
        .resource_ids(RESOURCE)
        .send()
        .await
        .unwrap();
    let t = &out.scalable_targets()[0];
    (t.min_capacity(), t.max_capacity())
}

fn desired(sb: &SandboxHandle) -> i32 {
    sb.service_counts("apps", "svc-00000").unwrap().0
}

/// `at(...)` text for UTC instant `ms` shifted by `offset_h` hours.
fn at_text(ms: i64, offset_h: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(ms / 1000 + offset_h * 3600).unwrap();
    format!(
        "at({:04}-{:02}-{:02}T{:02}:{:02}:00)",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

#[tokio::test]
async fn an_at_action_sets_min_max_and_the_desired_count_once_the_clock_passes_it() {
    let (sb, aas) = apps().await;
    // Ten minutes from now, written in UTC+2's wall-clock time.
    let expr = at_text(now_ms(&sb) + 10 * 60_000, 2);
    schedule(&aas, "evening-peak", &expr, Some("Etc/GMT-2"), 4, 8)
        .await
        .unwrap();
    skip_minutes(&sb, 8);
    assert_eq!(min_max(&aas).await, (1, 3), "not due yet");
    assert_eq!(desired(&sb), 2);
    assert!(activities(&aas).await.is_empty());

    skip_minutes(&sb, 4);
    assert_eq!(min_max(&aas).await, (4, 8));
    assert_eq!(desired(&sb), 4, "brought up into the new range");
    let acts = activities(&aas).await;
    assert_eq!(acts.len(), 1);
    let a = &acts[0];
    assert_eq!(
        a.description(),
        "Setting min capacity to 4 and max capacity to 8"
    );
    assert_eq!(
        a.cause(),
        "scheduled action name evening-peak was triggered"
    );
    assert_eq!(a.status_code().as_str(), "Successful");

    // An at() action runs once.
    skip_minutes(&sb, 120);
    assert_eq!(activities(&aas).await.len(), 1);
}

#[tokio::test]
async fn a_cron_action_fires_once_each_period() {
    let (sb, aas) = apps().await;
    let minute = (now_ms(&sb) / 60_000 + 5) % 60;
    let expr = format!("cron({minute} * * * ? *)");
    schedule(&aas, "hourly", &expr, None, 1, 2).await.unwrap();
    let fired = |acts: Vec<ScalingActivity>| {
        acts.iter()
            .filter(|a| a.cause() == "scheduled action name hourly was triggered")
            .count()
    };
    skip_minutes(&sb, 7);
    assert_eq!(fired(activities(&aas).await), 1);
    assert_eq!(min_max(&aas).await, (1, 2));
    assert_eq!(desired(&sb), 2);
    skip_minutes(&sb, 50);
    assert_eq!(
        fired(activities(&aas).await),
        1,
        "not again within the hour"
    );
    skip_minutes(&sb, 10);
    assert_eq!(fired(activities(&aas).await), 2, "again an hour later");
}

#[tokio::test]
async fn a_rate_action_runs_every_period_from_its_creation() {
    let (sb, aas) = apps().await;
    schedule(&aas, "quarter", "rate(15 minutes)", None, 2, 3)
        .await
        .unwrap();
    skip_minutes(&sb, 14);
    assert!(activities(&aas).await.is_empty());
    skip_minutes(&sb, 32);
    assert_eq!(activities(&aas).await.len(), 3);
    assert_eq!(min_max(&aas).await, (2, 3));
}

#[tokio::test]
async fn schedule_expressions_and_time_zones_it_cannot_run_are_refused() {
    let (_sb, aas) = apps().await;
    for (expr, tz) in [
        ("cron(0 8 * * * *)", None),
        ("cron(0 8 ? * MON#2 *)", None),
        ("cron(61 * * * ? *)", None),
        ("cron(0 8 ? * MON-FRI)", None),
        ("rate(0 minutes)", None),
        ("rate(5 minute)", None),
        ("at(2026-13-01T00:00:00)", None),
        ("every day at noon", None),
        ("cron(0 8 ? * MON-FRI *)", Some("Mars/Olympus_Mons")),
    ] {
        let err = schedule(&aas, "bad", expr, tz, 1, 2).await.unwrap_err();
        assert!(err.starts_with("ValidationException: "), "{expr}: {err}");
    }
    let err = schedule(&aas, "bad", "rate(1 hour)", None, 5, 2)
        .await
        .unwrap_err();
    assert!(err.contains("cannot be greater"), "{err}");
    let out = aas
        .describe_scheduled_actions()
        .service_namespace(ServiceNamespace::Ecs)
        .resource_id(RESOURCE)
        .send()
        .await
        .unwrap();
    assert!(out.scheduled_actions().is_empty());
    // What it can run is taken, the seeds' form included.
    schedule(
        &aas,
        "weekdays",
        "cron(0 8 ? * MON-FRI *)",
        Some("America/New_York"),
        1,
        3,
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_step_policy_named_by_an_alarm_in_alarm_scales_out_by_its_step_once_per_cooldown() {
    let (sb, aas) = apps().await;
    aas.register_scalable_target()
        .service_namespace(ServiceNamespace::Ecs)
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .resource_id(RESOURCE)
        .max_capacity(7)
        .send()
        .await
        .unwrap();
    let arn = aas
        .put_scaling_policy()
        .service_namespace(ServiceNamespace::Ecs)
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .resource_id(RESOURCE)
        .policy_name("cpu-step-out")
        .policy_type(PolicyType::StepScaling)
        .step_scaling_policy_configuration(
            StepScalingPolicyConfiguration::builder()
                .adjustment_type(AdjustmentType::ChangeInCapacity)
                .cooldown(600)
                // Far above the threshold: +5; any breach short of that: +2.
                .step_adjustments(
                    StepAdjustment::builder()
                        .metric_interval_lower_bound(0.0)
                        .metric_interval_upper_bound(10_000.0)
                        .scaling_adjustment(2)
                        .build()
                        .unwrap(),
                )
                .step_adjustments(
                    StepAdjustment::builder()
                        .metric_interval_lower_bound(10_000.0)
                        .scaling_adjustment(5)
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap()
        .policy_arn()
        .to_string();
    let sdk = sdk(&sb).await;
    sdk.cloudwatch
        .put_metric_alarm()
        .alarm_name("svc CPU above zero")
        .namespace("AWS/ECS")
        .metric_name("CPUUtilization")
        .dimensions(
            Dimension::builder()
                .name("ClusterName")
                .value("apps")
                .build(),
        )
        .dimensions(
            Dimension::builder()
                .name("ServiceName")
                .value("svc-00000")
                .build(),
        )
        .statistic(Statistic::Average)
        .period(60)
        .evaluation_periods(1)
        .threshold(0.0)
        .comparison_operator(ComparisonOperator::GreaterThanThreshold)
        .alarm_actions(&arn)
        .send()
        .await
        .unwrap();
    let alarm = sdk
        .cloudwatch
        .describe_alarms()
        .alarm_names("svc CPU above zero")
        .send()
        .await
        .unwrap();
    assert_eq!(
        alarm.metric_alarms()[0].alarm_actions(),
        std::slice::from_ref(&arn)
    );

    skip_minutes(&sb, 2);
    assert_eq!(desired(&sb), 4, "2 + the +2 step");
    let acts = activities(&aas).await;
    assert_eq!(acts.len(), 1);
    assert_eq!(acts[0].description(), "Setting desired count to 4.");
    assert_eq!(
        acts[0].cause(),
        "monitor alarm svc CPU above zero in state ALARM triggered policy cpu-step-out"
    );
    skip_minutes(&sb, 7);
    assert_eq!(desired(&sb), 4, "still in its cooldown");
    skip_minutes(&sb, 4);
    assert_eq!(desired(&sb), 6, "once more after the cooldown");
    skip_minutes(&sb, 30);
    assert_eq!(desired(&sb), 7, "never past max");
    assert_eq!(activities(&aas).await.len(), 3);
}

#[tokio::test]
async fn an_action_runs_only_between_its_start_and_end_time() {
    use aws_sdk_applicationautoscaling::primitives::DateTime;
    let (sb, aas) = apps().await;
    let start = now_ms(&sb) / 60_000 * 60_000 + 20 * 60_000;
    aas.put_scheduled_action()
        .service_namespace(ServiceNamespace::Ecs)
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .resource_id(RESOURCE)
        .scheduled_action_name("window")
        .schedule("rate(10 minutes)")
        .start_time(DateTime::from_millis(start))
        .end_time(DateTime::from_millis(start + 25 * 60_000))
        .scalable_target_action(ScalableTargetAction::builder().max_capacity(5).build())
        .send()
        .await
        .unwrap();
    let listed = aas
        .describe_scheduled_actions()
        .service_namespace(ServiceNamespace::Ecs)
        .resource_id(RESOURCE)
        .send()
        .await
        .unwrap();
    let a = &listed.scheduled_actions()[0];
    assert_eq!(a.start_time().map(|t| t.to_millis().unwrap()), Some(start));
    assert_eq!(a.schedule(), "rate(10 minutes)");
    skip_minutes(&sb, 19);
    assert!(activities(&aas).await.is_empty(), "before its start");
    // Due at start + 10 and start + 20 minutes; start + 30 is past its end.
    skip_minutes(&sb, 60);
    let acts = activities(&aas).await;
    assert_eq!(acts.len(), 2);
    assert_eq!(acts[0].description(), "Setting max capacity to 5");
    assert_eq!(min_max(&aas).await, (1, 5));
}
