//! Load balancer target health: the sandbox derives targets from the
//! simulated tasks (ELBv2's AWS query protocol); the service and task
//! pages show each target's state with its reason code, and unhealthy
//! targets degrade the service's health roll-up.

use std::time::Duration;

use aws_sdk_elasticloadbalancingv2::types::TargetHealthStateEnum;
use ecsdeck::sandbox::SandboxConfig;

use crate::harness::*;

async fn elb(sb: &ecsdeck::sandbox::SandboxHandle) -> aws_sdk_elasticloadbalancingv2::Client {
    let budget = std::sync::Arc::new(ecsdeck::aws::Budget::unlimited());
    let conf = ecsdeck::aws::config::sandbox_sdk_config(&sb.endpoint_url(), budget).await;
    aws_sdk_elasticloadbalancingv2::Client::new(&conf)
}

#[tokio::test]
async fn the_production_web_service_is_behind_a_target_group_checked_on_port_4000() {
    let sb = start_sandbox(SandboxConfig::seeded().with_speed(0.0001)).await;
    let elb = elb(&sb).await;
    let groups = elb
        .describe_target_groups()
        .names("acme-production-tg")
        .send()
        .await
        .unwrap();
    let g = &groups.target_groups()[0];
    assert_eq!(g.health_check_port(), Some("4000"));
    assert_eq!(g.health_check_path(), Some("/up"));
    assert_eq!(g.port(), Some(4000));
    assert_eq!(g.target_type().map(|t| t.as_str()), Some("instance"));
    let health = elb
        .describe_target_health()
        .target_group_arn(g.target_group_arn().unwrap())
        .send()
        .await
        .unwrap();
    let targets = health.target_health_descriptions();
    assert_eq!(targets.len(), 1, "{targets:?}");
    let t = &targets[0];
    assert!(t.target().unwrap().id().unwrap().starts_with("i-"));
    assert_eq!(
        t.target_health().unwrap().state(),
        Some(&TargetHealthStateEnum::Healthy)
    );
    // Unknown groups are refused like ELB does.
    let err = elb
        .describe_target_health()
        .target_group_arn("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/nope/0")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_target_group_not_found_exception(), "{err:?}");
    let stats = sandbox_stats(&sb).await;
    assert_eq!(
        calls(&stats, "elasticloadbalancing:DescribeTargetHealth"),
        2
    );

    // The service page shows the group, its health check and the target.
    let app = TestApp::on(&sb).await;
    let viewer = app.session("viewer").await;
    let page = viewer
        .ok("/sandbox/clusters/acme-production/services/acme-production")
        .await;
    let hc = page
        .texts("div[data-target-group=\"acme-production-tg\"] p.health-check")
        .join("");
    assert!(hc.contains("HTTP /up") && hc.contains("port 4000"), "{hc}");
    assert_eq!(
        page.attrs("table.target-health tr[data-target]", "data-state"),
        vec!["healthy"]
    );
}

#[tokio::test]
async fn the_unhealthy_scenario_shows_its_reason_on_the_service_and_task_pages() {
    let sb = start_sandbox(SandboxConfig::seeded().with_speed(5.0)).await;
    let app = TestApp::on(&sb).await;
    let viewer = app.session("viewer").await;
    let service = "/sandbox/clusters/staging/services/geo-api";
    let unhealthy = "table.target-health tr[data-state=\"unhealthy\"]";
    let page = poll_until("an unhealthy target", Duration::from_secs(120), || async {
        let p = viewer.get(service).await;
        p.exists(unhealthy).then_some(p)
    })
    .await;
    let reason = page.texts(&format!("{unhealthy} td.reason")).join("");
    assert!(reason.contains("Target.ResponseCodeMismatch"), "{reason}");
    assert!(
        reason.contains("Health checks failed with these codes: [503]"),
        "{reason}"
    );
    let reasons = page.texts(".health-reasons li").join(" | ");
    assert!(
        reasons
            .contains("unhealthy in target group staging-geo-api-tg: Target.ResponseCodeMismatch"),
        "{reasons}"
    );
    // The "Why" panel's diagnosis quotes the load balancer too.
    let why = page.texts(".why").join(" ");
    assert!(
        why.contains("Load balancer target health")
            && why.contains("Target.ResponseCodeMismatch: Health checks failed"),
        "{why}"
    );
    // The task behind that target says the same on its own page.
    let ip = page.attr(unhealthy, "data-target").unwrap();
    let mut found = false;
    for href in page.attrs("table.tasks a[href*=\"/tasks/\"]", "href") {
        let task = viewer.get(&href).await;
        if task
            .attr("table.target-health tr[data-target]", "data-target")
            .as_deref()
            == Some(ip.as_str())
        {
            // Read a moment later: still failing, or already killed and
            // draining.
            let state = task
                .attr("table.target-health tr[data-target]", "data-state")
                .unwrap();
            let r = task.texts("table.target-health td.reason").join("");
            match state.as_str() {
                "unhealthy" => assert!(r.contains("Target.ResponseCodeMismatch"), "{r}"),
                "draining" => assert!(r.contains("Target.DeregistrationInProgress"), "{r}"),
                other => panic!("{other}: {r}"),
            }
            found = true;
        }
    }
    assert!(found, "the unhealthy target's task page");
}
