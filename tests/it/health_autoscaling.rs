//! Application Auto Scaling: the sandbox's target tracking really scales a
//! simulated service from its simulated CPU and logs the activity; the
//! service page shows min/max, policies and activities; the scale preview
//! warns outside min/max; operators change min/max with one
//! RegisterScalableTarget call and one audit entry; bad input is refused
//! with no AWS call.

use aws_sdk_applicationautoscaling::Client;
use aws_sdk_applicationautoscaling::types::{
    MetricType, PolicyType, PredefinedMetricSpecification, ScalableDimension, ServiceNamespace,
    TargetTrackingScalingPolicyConfiguration,
};
use ecsdeck::sandbox::{SandboxConfig, SandboxHandle};
use ecsdeck::store::AuditFilter;

use crate::harness::*;

const SERVICE: &str = "/sandbox/clusters/apps/services/svc-00000";
const RESOURCE: &str = "service/apps/svc-00000";

async fn aas(sb: &SandboxHandle) -> Client {
    sdk(sb).await.autoscaling
}

async fn register(aas: &Client, min: i32, max: i32) {
    aas.register_scalable_target()
        .service_namespace(ServiceNamespace::Ecs)
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .resource_id(RESOURCE)
        .min_capacity(min)
        .max_capacity(max)
        .send()
        .await
        .unwrap();
}

async fn track_cpu(aas: &Client, target: f64) {
    aas.put_scaling_policy()
        .service_namespace(ServiceNamespace::Ecs)
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .resource_id(RESOURCE)
        .policy_name("cpu-tracking")
        .policy_type(PolicyType::TargetTrackingScaling)
        .target_tracking_scaling_policy_configuration(
            TargetTrackingScalingPolicyConfiguration::builder()
                .target_value(target)
                .predefined_metric_specification(
                    PredefinedMetricSpecification::builder()
                        .predefined_metric_type(MetricType::EcsServiceAverageCpuUtilization)
                        .build()
                        .unwrap(),
                )
                .scale_out_cooldown(60)
                .scale_in_cooldown(300)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
}

async fn apps() -> SandboxHandle {
    let sb = start_sandbox(SandboxConfig::one_cluster("apps", 1, 2).with_speed(0.0001)).await;
    // Let the two tasks start and report a few minutes of CPU.
    skip_minutes(&sb, 3);
    sb
}

#[tokio::test]
async fn target_tracking_scales_out_under_load_and_the_page_shows_the_activity() {
    let sb = apps().await;
    let aas = aas(&sb).await;
    register(&aas, 2, 6).await;
    // Every task runs above 5% CPU: the policy must scale out.
    track_cpu(&aas, 5.0).await;
    assert_eq!(sb.service_counts("apps", "svc-00000").unwrap().0, 2);
    skip_minutes(&sb, 4);
    let desired = sb.service_counts("apps", "svc-00000").unwrap().0;
    assert!(
        (3..=6).contains(&desired),
        "scaled out within max: {desired}"
    );

    let activities = aas
        .describe_scaling_activities()
        .service_namespace(ServiceNamespace::Ecs)
        .resource_id(RESOURCE)
        .send()
        .await
        .unwrap();
    let a = &activities.scaling_activities()[0];
    assert_eq!(
        a.status_message(),
        Some(
            format!(
                "Successfully set desired count to {desired}. Change successfully fulfilled by ecs."
            )
            .as_str()
        )
    );
    assert!(
        a.cause()
            .starts_with("monitor alarm TargetTracking-service/apps/svc-00000-AlarmHigh-")
            && a.cause()
                .ends_with("in state ALARM triggered policy cpu-tracking"),
        "{}",
        a.cause()
    );

    let app = TestApp::on(&sb).await;
    let viewer = app.session("viewer").await;
    reset_stats(&sb).await;
    let page = viewer.ok(SERVICE).await;
    assert_eq!(
        page.texts("section.autoscaling strong[data-min]"),
        vec!["2"]
    );
    assert_eq!(
        page.texts("section.autoscaling strong[data-max]"),
        vec!["6"]
    );
    let policy = page
        .texts("ul.policies li[data-policy=\"cpu-tracking\"]")
        .join("");
    assert!(
        policy.contains("Target tracking: keep average CPU at 5%"),
        "{policy}"
    );
    let what = page.texts("table.scaling-activities td.activity").join(" ");
    assert!(
        what.contains(&format!("Setting desired count to {desired}.")),
        "{what}"
    );
    let cause = page.texts("table.scaling-activities td.cause").join(" ");
    assert!(cause.contains("triggered policy cpu-tracking"), "{cause}");
    let stats = sandbox_stats(&sb).await;
    for op in [
        "DescribeScalableTargets",
        "DescribeScalingPolicies",
        "DescribeScheduledActions",
        "DescribeScalingActivities",
    ] {
        assert_eq!(
            calls(&stats, &format!("application-autoscaling:{op}")),
            1,
            "{op} once per read"
        );
    }
}

#[tokio::test]
async fn a_manual_count_outside_min_max_is_brought_back_within_them() {
    let sb = apps().await;
    let aas = aas(&sb).await;
    register(&aas, 1, 3).await;
    let sdk = sdk(&sb).await;
    sdk.ecs
        .update_service()
        .cluster("apps")
        .service("svc-00000")
        .desired_count(8)
        .send()
        .await
        .unwrap();
    skip_minutes(&sb, 2);
    assert_eq!(sb.service_counts("apps", "svc-00000").unwrap().0, 3);
    // Registered targets stay; AWS's validation errors are AWS's.
    let err = aas
        .register_scalable_target()
        .service_namespace(ServiceNamespace::Ecs)
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .resource_id(RESOURCE)
        .min_capacity(5)
        .max_capacity(2)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_validation_exception(), "{err:?}");
    let err = aas
        .put_scaling_policy()
        .service_namespace(ServiceNamespace::Ecs)
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .resource_id("service/apps/unregistered")
        .policy_name("p")
        .policy_type(PolicyType::TargetTrackingScaling)
        .target_tracking_scaling_policy_configuration(
            TargetTrackingScalingPolicyConfiguration::builder()
                .target_value(50.0)
                .predefined_metric_specification(
                    PredefinedMetricSpecification::builder()
                        .predefined_metric_type(MetricType::EcsServiceAverageCpuUtilization)
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_object_not_found_exception(), "{err:?}");
}

#[tokio::test]
async fn a_desired_count_above_max_warns_that_autoscaling_will_undo_it() {
    let sb = apps().await;
    register(&aas(&sb).await, 1, 3).await;
    let app = TestApp::on(&sb).await;
    let op = app.session("operator").await;
    reset_stats(&sb).await;
    let preview = op
        .post_form(
            &format!("{SERVICE}/scale"),
            &[("desired_count", "5"), ("action_id", "s-1")],
        )
        .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    let warnings = preview
        .texts("section.action-confirm p.notice.warn")
        .join(" ");
    assert!(
        warnings.contains("autoscaling will set it back to between 1 and 3"),
        "{warnings}"
    );
    // Within the range: no such warning.
    let fine = op
        .post_form(
            &format!("{SERVICE}/scale"),
            &[("desired_count", "2"), ("action_id", "s-2")],
        )
        .await;
    assert!(
        !fine
            .texts("p.notice.warn")
            .join(" ")
            .contains("autoscaling"),
        "{}",
        fine.body
    );
    assert_eq!(calls(&sandbox_stats(&sb).await, "ecs:UpdateService"), 0);
}

#[tokio::test]
async fn a_min_max_change_makes_one_register_call_and_one_audit_entry() {
    let sb = apps().await;
    let aas = aas(&sb).await;
    register(&aas, 1, 3).await;
    let app = TestApp::on(&sb).await;
    let op = app.session("operator").await;
    let url = format!("{SERVICE}/capacity");
    let page = op.ok(SERVICE).await;
    assert!(
        page.exists(&format!("form.capacity-form[action=\"{url}\"]")),
        "operators get the min/max form"
    );
    reset_stats(&sb).await;
    let preview = op
        .post_form(
            &url,
            &[
                ("min_capacity", "2"),
                ("max_capacity", "5"),
                ("action_id", "c-1"),
            ],
        )
        .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    let summary = preview.texts("ul.summary li").join(" | ");
    assert!(summary.contains("Min/max 1–3 → 2–5"), "{summary}");
    let register_calls = "application-autoscaling:RegisterScalableTarget";
    assert_eq!(calls(&sandbox_stats(&sb).await, register_calls), 0);
    let fields = [
        ("min_capacity", "2"),
        ("max_capacity", "5"),
        ("action_id", "c-1"),
        ("confirmed", "1"),
    ];
    assert_eq!(op.post_form(&url, &fields).await.status, 303);
    assert_eq!(
        op.post_form(&url, &fields).await.status,
        303,
        "a double click"
    );
    assert_eq!(calls(&sandbox_stats(&sb).await, register_calls), 1);
    let entries = app
        .state
        .store()
        .audit_list(
            &AuditFilter {
                action: Some("capacity".into()),
                ..Default::default()
            },
            10,
        )
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].before.as_deref(), Some("min 1 max 3"));
    assert_eq!(entries[0].after.as_deref(), Some("min 2 max 5"));
    let targets = aas
        .describe_scalable_targets()
        .service_namespace(ServiceNamespace::Ecs)
        .resource_ids(RESOURCE)
        .send()
        .await
        .unwrap();
    let t = &targets.scalable_targets()[0];
    assert_eq!((t.min_capacity(), t.max_capacity()), (2, 5));
    let page = op.ok(SERVICE).await;
    assert_eq!(
        page.texts("section.autoscaling strong[data-min]"),
        vec!["2"]
    );
    assert_eq!(
        page.texts("section.autoscaling strong[data-max]"),
        vec!["5"]
    );
}

#[tokio::test]
async fn bad_min_max_is_refused_with_a_message_and_no_aws_call() {
    let sb = apps().await;
    register(&aas(&sb).await, 1, 3).await;
    let app = TestApp::on(&sb).await;
    let op = app.session("operator").await;
    reset_stats(&sb).await;
    for (min, max, message) in [
        ("5", "2", "cannot be greater than the maximum"),
        ("-1", "3", "whole number"),
        ("abc", "3", "whole number"),
        ("1", "", "Enter a desired count"),
    ] {
        let refused = op
            .post_form(
                &format!("{SERVICE}/capacity"),
                &[
                    ("min_capacity", min),
                    ("max_capacity", max),
                    ("action_id", "bad"),
                    ("confirmed", "1"),
                ],
            )
            .await;
        assert_eq!(refused.status, 400, "{min}/{max}");
        let error = refused.texts("p.action-error").join("");
        assert!(error.contains(message), "{min}/{max}: {error}");
    }
    assert_eq!(total_calls(&sandbox_stats(&sb).await), 0);
}

#[tokio::test]
async fn the_seeded_fleet_tracks_cpu_on_fargate_and_schedules_production() {
    let sb = start_sandbox(SandboxConfig::seeded().with_speed(0.0001)).await;
    let app = TestApp::on(&sb).await;
    let viewer = app.session("viewer").await;
    let page = viewer
        .ok("/sandbox/clusters/acme-production/services/acme-production")
        .await;
    assert_eq!(
        page.texts("table.scheduled-actions td code"),
        vec!["cron(0 8 ? * MON-FRI *)", "cron(0 20 ? * * *)"]
    );
    assert!(
        page.texts("ul.policies li")
            .join("")
            .contains("Step scaling (ChangeInCapacity)"),
        "{}",
        page.body
    );
    let search = viewer
        .ok("/sandbox/clusters/staging/services/search-api")
        .await;
    assert!(
        search
            .texts("ul.policies li")
            .join("")
            .contains("keep average CPU at 40%")
    );
    let (desired, _, _) = sb.service_counts("staging", "search-api").unwrap();
    assert!((4..=10).contains(&desired), "{desired}");
}
