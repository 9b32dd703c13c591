//! The first screen of a big cluster is sent before describes of rows
//! nobody is looking at: counts and the first page of rows first, the rest
//! fills in as the budget allows. Deterministic: the AWS budget runs on a
//! fake clock that only the test moves, so the describes beyond the burst
//! wait exactly until the test lets them through.

use std::sync::Arc;
use std::time::Duration;

use ecsdeck::aws::budget::FakeRelativeClock;
use ecsdeck::aws::{Budget, BudgetClock};
use ecsdeck::sandbox::SandboxConfig;

use crate::harness::{
    Backend, TestApp, add_test_users, app_state_with_budget, calls, poll_until, sandbox_stats,
    start_sandbox, test_auth_config, test_store,
};

#[tokio::test]
async fn a_big_clusters_first_screen_comes_before_the_rest_is_described() {
    let sb = start_sandbox(SandboxConfig::one_cluster("big", 600, 1)).await;
    // 30% of ecs:service-read: a burst of 30 tokens, then one every 167 ms
    // of the fake clock, which stands still until the test moves it. Six
    // ListServices pages and 24 DescribeServices batches (240 services)
    // fit in the burst; the other 36 batches wait.
    let clock = FakeRelativeClock::default();
    let budget = Arc::new(Budget::with_clock(0.3, BudgetClock::Fake(clock.clone())));
    let store = test_store(Backend::Sqlite).await.unwrap();
    add_test_users(&store).await;
    let state = app_state_with_budget(&sb, store, test_auth_config(), budget).await;
    let app = TestApp::new(state);
    let viewer = app.session("viewer").await;

    let page = viewer.ok("/sandbox/clusters/big").await;
    assert_eq!(
        page.count("table.services tbody tr[data-service]"),
        100,
        "the first screen has the first page of rows"
    );
    assert_eq!(
        page.texts(".cards .card .value")[0],
        "600",
        "the count comes from ListServices"
    );
    let notice = page.texts("p.filling").join(" ");
    assert!(notice.contains("of 600 services described"), "{notice}");
    let described = calls(&sandbox_stats(&sb).await, "ecs:DescribeServices");
    assert!(
        (10..=24).contains(&described),
        "the first screen needs 10 batches and the burst allows 24, not all 60 ({described})"
    );
    assert_eq!(
        page.attr("#cluster-live", "hx-trigger").as_deref(),
        Some("every 3s"),
        "a filling page polls sooner"
    );

    // The budget refills (a burst's worth each time the test moves the
    // clock): the rest of the cluster arrives and the live region shows
    // it, without the notice.
    let full = poll_until(
        "the whole cluster described",
        Duration::from_secs(30),
        || async {
            clock.advance(Duration::from_secs(5));
            let p = viewer.get_htmx("/sandbox/clusters/big?page=6").await;
            (!p.exists("p.filling") && p.count("tbody tr[data-service]") == 100).then_some(p)
        },
    )
    .await;
    assert!(full.texts("nav.pager span")[0].contains("rows 501–600 of 600"));
    assert_eq!(calls(&sandbox_stats(&sb).await, "ecs:DescribeServices"), 60);
}

#[tokio::test]
async fn a_cluster_of_one_screen_is_read_whole_first() {
    let sb = start_sandbox(SandboxConfig::one_cluster("small", 80, 1)).await;
    let app = TestApp::on(&sb).await;
    let page = app
        .session("viewer")
        .await
        .ok("/sandbox/clusters/small")
        .await;
    assert_eq!(page.count("tbody tr[data-service]"), 80);
    assert!(!page.exists("p.filling"));
    assert_eq!(
        page.attr("#cluster-live", "hx-trigger").as_deref(),
        Some("every 5s")
    );
}
