//! What a page costs AWS: the cluster page's ECS calls grow with ⌈S/100⌉
//! ListServices and ⌈S/10⌉ DescribeServices, whatever the cluster size.
//! The fleet cache runs on a manual clock: a slow page cannot outlive the
//! TTL by accident, and expiry is a clock move, not a wait.

use std::time::Duration;

use ecsdeck::auth::Clock;
use ecsdeck::fleet::CacheTiming;
use ecsdeck::sandbox::SandboxConfig;

use crate::harness::*;

const TTL: Duration = Duration::from_secs(3);

/// App state on `sb` whose fleet cache keeps values for [`TTL`] by `clock`.
async fn state_on(sb: &ecsdeck::sandbox::SandboxHandle, clock: &Clock) -> ecsdeck::state::AppState {
    let timing = CacheTiming {
        live: TTL,
        clock: clock.clone(),
        ..CacheTiming::default()
    };
    with_cache_timing(app_state(sb).await, timing)
}

#[tokio::test]
async fn cluster_page_calls_scale_with_the_batch_sizes() {
    for services in [0usize, 10, 11, 101, 1000] {
        let sb = start_sandbox(SandboxConfig::one_cluster("bench", services, 1).with_speed(0.0001))
            .await;
        let clock = Clock::manual();
        let state = state_on(&sb, &clock).await;
        let app = TestApp::new(state.clone());
        let viewer = app.session("viewer").await;
        // Signing in shows the overview; start this measurement cold.
        state.environments[0].fleet.invalidate_cluster("bench");
        reset_stats(&sb).await;
        let page = viewer.get("/sandbox/clusters/bench").await;
        assert_eq!(page.status, 200, "{}", page.body);
        let stats = sandbox_stats(&sb).await;
        let list = calls(&stats, "ecs:ListServices");
        let describe = calls(&stats, "ecs:DescribeServices");
        assert!(
            list >= 1 && list <= services.div_ceil(100).max(1) as u64,
            "S={services}: {list} ListServices"
        );
        assert!(
            describe <= services.div_ceil(10) as u64,
            "S={services}: {describe} DescribeServices"
        );
        // A cluster bigger than one screen answers once its first screen
        // is described; the rest is described in the background.
        let described = poll_until("every service described", Duration::from_secs(30), || {
            let sb = &sb;
            async move {
                let n = calls(&sandbox_stats(sb).await, "ecs:DescribeServices");
                (n == services.div_ceil(10) as u64).then_some(n)
            }
        })
        .await;
        assert!(describe <= described, "S={services}");
        if services <= 100 {
            assert_eq!(
                describe, described,
                "S={services}: one screen is read whole"
            );
        }
        // Reads of the whole copy are cached from here on.
        let page = poll_until(
            "the whole copy in memory",
            Duration::from_secs(30),
            || async {
                let p = viewer.get("/sandbox/clusters/bench").await;
                (!p.exists("p.filling")).then_some(p)
            },
        )
        .await;
        // The page shows every service (paginated at 100 rows) and the total.
        let shown = page.count("tr[data-service]");
        assert_eq!(shown, services.min(100), "S={services}");
        if services > 100 {
            assert!(
                page.body.contains(&format!("of {services}")),
                "S={services}: totals kept"
            );
            let last = viewer
                .get(&format!(
                    "/sandbox/clusters/bench?page={}",
                    services.div_ceil(100)
                ))
                .await;
            assert_eq!(
                last.count("tr[data-service]"),
                services - (services.div_ceil(100) - 1) * 100
            );
        }

        // A second look within the cache TTL costs nothing more.
        reset_stats(&sb).await;
        let again = viewer.get("/sandbox/clusters/bench").await;
        assert_eq!(again.status, 200);
        let stats = sandbox_stats(&sb).await;
        assert_eq!(
            calls(&stats, "ecs:DescribeServices"),
            0,
            "S={services}: served from cache"
        );
        assert_eq!(calls(&stats, "ecs:ListServices"), 0, "S={services}");

        // Just before the TTL still cached; at the TTL read again.
        clock.advance(TTL - Duration::from_millis(1));
        reset_stats(&sb).await;
        viewer.get("/sandbox/clusters/bench").await;
        let stats = sandbox_stats(&sb).await;
        assert_eq!(calls(&stats, "ecs:ListServices"), 0, "S={services}");
        clock.advance(Duration::from_millis(1));
        // Served at once from memory; the refresh runs in the background.
        viewer.get("/sandbox/clusters/bench").await;
        let stats = poll_until(
            "the background refresh",
            Duration::from_secs(30),
            || async {
                let stats = sandbox_stats(&sb).await;
                (calls(&stats, "ecs:DescribeServices") >= services.div_ceil(10) as u64)
                    .then_some(stats)
            },
        )
        .await;
        assert!(
            calls(&stats, "ecs:ListServices") >= 1,
            "S={services}: read again once the TTL passed"
        );
        assert_eq!(
            calls(&stats, "ecs:DescribeServices"),
            services.div_ceil(10) as u64,
            "S={services}: every service described again"
        );
    }
}

#[tokio::test]
async fn concurrent_viewers_share_one_read() {
    let sb = start_sandbox(SandboxConfig::one_cluster("shared", 50, 1).with_speed(0.0001)).await;
    let clock = Clock::manual();
    let state = state_on(&sb, &clock).await;
    let app = TestApp::new(state.clone());
    let viewer = app.session("viewer").await;
    state.environments[0].fleet.invalidate_cluster("shared");
    reset_stats(&sb).await;
    let loads = (0..20).map(|_| viewer.get("/sandbox/clusters/shared"));
    for page in futures::future::join_all(loads).await {
        assert_eq!(page.status, 200);
    }
    let stats = sandbox_stats(&sb).await;
    assert_eq!(
        calls(&stats, "ecs:ListServices"),
        1,
        "twenty viewers, one listing"
    );
    assert_eq!(calls(&stats, "ecs:DescribeServices"), 5);
}
