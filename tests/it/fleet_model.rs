//! The fleet model: pages read memory and never wait on AWS when a copy
//! exists; a failing or throttling AWS shows as a notice on the copy; made-
//! up names cost no AWS call and leave nothing behind; the refresher renews
//! what people look at. The fleet's clock is manual: expiry is a clock
//! move, not a wait.

use std::time::Duration;

use ecsdeck::auth::Clock;
use ecsdeck::fleet::CacheTiming;
use ecsdeck::sandbox::SandboxConfig;
use ecsdeck::sandbox::control::ControlState;

use crate::harness::*;

const TTL: Duration = Duration::from_secs(3);

async fn app_on(sb: &ecsdeck::sandbox::SandboxHandle, clock: &Clock) -> TestApp {
    let timing = CacheTiming {
        live: TTL,
        clock: clock.clone(),
        ..CacheTiming::default()
    };
    TestApp::new(with_cache_timing(app_state(sb).await, timing))
}

/// Longer than any page takes from memory on any machine, far shorter than
/// a stalled AWS (which never answers).
const FROM_MEMORY: Duration = Duration::from_secs(20);

#[tokio::test]
async fn pages_answer_from_memory_while_aws_stalls_or_throttles() {
    let sb = start_sandbox(SandboxConfig::one_cluster("apps", 4, 1).with_speed(0.0001)).await;
    let clock = Clock::manual();
    let app = app_on(&sb, &clock).await;
    let viewer = app.session("viewer").await;
    let cluster = "/sandbox/clusters/apps";
    let service = "/sandbox/clusters/apps/services/svc-00001";
    for path in [cluster, service] {
        assert_eq!(viewer.get(path).await.status, 200);
    }

    // AWS stops answering; the copies are old: pages still answer, at once.
    sb.control().set(ControlState {
        stall: true,
        throttle: false,
    });
    clock.advance(TTL);
    for path in [cluster, service] {
        let page = tokio::time::timeout(FROM_MEMORY, viewer.get(path))
            .await
            .expect("a page with a copy in memory does not wait for AWS");
        assert_eq!(page.status, 200, "{}", page.body);
        assert_eq!(
            page.count("tr[data-service]"),
            if path == cluster { 4 } else { 0 }
        );
    }

    // AWS throttles everything: the refresh fails, the copy stays, and the
    // page says why it is not newer.
    sb.control().set(ControlState {
        stall: false,
        throttle: true,
    });
    clock.advance(TTL);
    let page = poll_until("the throttling notice", Duration::from_secs(60), || async {
        let page = viewer.get(cluster).await;
        assert_eq!(page.status, 200);
        page.exists(".notice.stale").then_some(page)
    })
    .await;
    assert!(
        page.texts(".notice.stale")[0].contains("ThrottlingException"),
        "{}",
        page.body
    );
    assert_eq!(page.count("tr[data-service]"), 4, "the copy is still shown");

    // AWS is back: the next refresh clears the notice. (The failed refresh
    // was held a whole TTL by the stall: the key waits twice that.)
    sb.control().set(ControlState::default());
    clock.advance(TTL * 2);
    poll_until("the notice to clear", Duration::from_secs(60), || async {
        (!viewer.get(cluster).await.exists(".notice.stale")).then_some(())
    })
    .await;
}

#[tokio::test]
async fn made_up_service_names_cost_no_aws_call_and_leave_nothing_behind() {
    let sb = start_sandbox(SandboxConfig::one_cluster("apps", 5, 1).with_speed(0.0001)).await;
    let clock = Clock::manual();
    let app = app_on(&sb, &clock).await;
    let fleet = app.state.environments[0].fleet.clone();
    let viewer = app.session("viewer").await;
    assert_eq!(viewer.get("/sandbox/clusters/apps").await.status, 200);
    let before = fleet.sizes();
    reset_stats(&sb).await;

    for i in 0..10_000 {
        let page = viewer
            .get(&format!("/sandbox/clusters/apps/services/made-up-{i}"))
            .await;
        assert_eq!(page.status, 404, "{}", page.body);
    }
    let stats = sandbox_stats(&sb).await;
    assert_eq!(calls(&stats, "ecs:DescribeServices"), 0, "{stats}");
    assert_eq!(total_calls(&stats), 0, "{stats}");
    assert_eq!(
        fleet.sizes(),
        before,
        "nothing kept for names that do not exist"
    );

    // A real service still opens.
    let page = viewer
        .get("/sandbox/clusters/apps/services/svc-00002")
        .await;
    assert_eq!(page.status, 200);
}

#[tokio::test]
async fn the_refresher_renews_what_people_look_at() {
    let sb = start_sandbox(SandboxConfig::one_cluster("apps", 2, 1).with_speed(0.0001)).await;
    let clock = Clock::manual();
    let app = app_on(&sb, &clock).await;
    let fleet = app.state.environments[0].fleet.clone();
    let viewer = app.session("viewer").await;
    let path = "/sandbox/clusters/apps/services/svc-00000";
    let desired = |page: &Page| -> i64 { page.texts(".cards .value")[0].trim().parse().unwrap() };
    assert_eq!(desired(&viewer.get(path).await), 1);

    // Someone else scales the service (the AWS CLI, autoscaling…).
    let aws = sdk(&sb).await;
    aws.ecs
        .update_service()
        .cluster("apps")
        .service("svc-00000")
        .desired_count(3)
        .send()
        .await
        .unwrap();

    // Within the refresh age nothing is renewed.
    clock.advance(Duration::from_secs(1));
    assert_eq!(fleet.refresh_round().started, 0);
    // Past the watched age, the refresher renews what was looked at.
    clock.advance(fleet.refresh_timing().watched_age);
    reset_stats(&sb).await;
    assert!(fleet.refresh_round().started >= 1);
    poll_until("the refreshed service", Duration::from_secs(60), || async {
        (calls(&sandbox_stats(&sb).await, "ecs:DescribeServices") >= 1).then_some(())
    })
    .await;
    let page = poll_until("the new desired count", Duration::from_secs(60), || async {
        let page = viewer.get(path).await;
        (desired(&page) == 3).then_some(page)
    })
    .await;
    assert!(page.exists(".kept"), "the page says how it is kept fresh");
}
