//! Replicas on one PostgreSQL share the AWS work: one leader per
//! environment (an advisory lock) refreshes from AWS and publishes what
//! it read; followers serve the same pages from those copies, so two
//! replicas make the AWS calls of one. When the leader stops, a follower
//! takes over within the election's bound and its refresher reads AWS.
//! On SQLite the one process always leads. (PostgreSQL tests are skipped
//! without `ECSDECK_TEST_DATABASE_URL`, like the store's.)

use std::sync::Arc;
use std::time::Duration;

use ecsdeck::auth::Clock;
use ecsdeck::domain::Timestamp;
use ecsdeck::fleet::{CacheTiming, RefreshTiming};
use ecsdeck::replica::ElectionTiming;
use ecsdeck::sandbox::{Fleet, SandboxConfig, SandboxHandle};
use ecsdeck::state::AppState;
use ecsdeck::store::Store;

use crate::harness::*;

/// Time nearly frozen: the sandbox does not move between the scenarios.
pub(crate) const FROZEN: f64 = 0.0001;
pub(crate) const CLUSTER: &str = "data-pipeline";
const CLUSTER_PAGE: &str = "/sandbox/clusters/data-pipeline";
/// Refresh rounds each scenario drives.
const ROUNDS: usize = 4;
/// The manual clock moves this much between rounds (past the 3 s age of
/// clusters and services, under the minute of metrics and alarms).
const STEP: Duration = Duration::from_secs(5);

/// One replica of the dashboard on `sb` and `store` (PostgreSQL), its
/// fleet on `clock`, electing every `retry`, recording history.
pub(crate) async fn replica(
    sb: &SandboxHandle,
    store: Store,
    clock: &Clock,
    retry: Duration,
) -> AppState {
    let settings = ecsdeck::state::Settings {
        election: ElectionTiming {
            retry,
            ..ElectionTiming::default()
        },
        ..test_settings()
    };
    let timing = CacheTiming {
        clock: clock.clone(),
        refresh: RefreshTiming {
            tick: Duration::from_millis(50),
            ..RefreshTiming::default()
        },
        ..CacheTiming::default()
    };
    with_cache_timing(app_state_with_settings(sb, store, settings).await, timing)
}

pub(crate) fn fleet(state: &AppState) -> &Arc<ecsdeck::fleet::Fleet> {
    &state.environments[0].fleet
}

pub(crate) async fn wait_leader(state: &AppState) {
    poll_until("the replica leads", Duration::from_secs(30), || async {
        state.environments[0].is_leader().then_some(())
    })
    .await;
}

/// Waits until the leader's copies of the overview and the cluster page
/// are read at or after `since` and published.
async fn settle(leader: &AppState, since: Timestamp) {
    let f = fleet(leader);
    poll_until(
        "the leader's copies are fresh",
        Duration::from_secs(30),
        || async {
            let o = f.overview().await.ok()?;
            (o.as_of >= since).then_some(())
        },
    )
    .await;
    f.alarms().await.unwrap();
    let view = f.cluster_view(CLUSTER).await.unwrap().value;
    let names: Vec<String> = view.rows().iter().map(|r| r.service.name.clone()).collect();
    poll_until(
        "the sparklines are read",
        Duration::from_secs(30),
        || async { f.cluster_metrics(CLUSTER, names.clone()).ok().flatten() },
    )
    .await;
    f.flush_shared().await;
}

/// What a viewer sees of the overview and the cluster page.
#[derive(Debug, PartialEq)]
struct Seen {
    clusters: Vec<String>,
    services: Vec<String>,
}

async fn look(viewer: &Session) -> Seen {
    let overview = viewer.ok("/").await;
    let cluster = viewer.ok(CLUSTER_PAGE).await;
    let mut services = cluster.texts("tr[data-service] a");
    services.sort();
    Seen {
        clusters: overview.attrs("tr[data-cluster]", "data-cluster"),
        services,
    }
}

/// Drives `ROUNDS` rounds: the leader (first) shows the overview and the
/// cluster page, its refreshes settle, then every follower shows them;
/// then the leader's refresher runs a round. Returns the sandbox's call
/// counts and the refreshes each round started.
async fn drive(
    sb: &SandboxHandle,
    replicas: &[AppState],
    clock: &Clock,
) -> (serde_json::Value, Vec<usize>) {
    let mut viewers = Vec::new();
    for r in replicas {
        viewers.push(TestApp::new(r.clone()).session("viewer").await);
    }
    let leader = &replicas[0];
    let mut started = Vec::new();
    for round in 0..ROUNDS {
        if round > 0 {
            clock.advance(STEP);
        }
        let since = Timestamp::now();
        let seen = look(&viewers[0]).await;
        assert!(seen.clusters.iter().any(|c| c == CLUSTER), "{seen:?}");
        assert!(!seen.services.is_empty(), "{seen:?}");
        settle(leader, since).await;
        for (i, follower) in viewers.iter().enumerate().skip(1) {
            assert!(!replicas[i].environments[0].is_leader(), "one leader");
            let theirs = look(follower).await;
            assert_eq!(
                theirs, seen,
                "round {round}: the follower shows what the leader read"
            );
        }
        let f = fleet(leader);
        f.serve_watched().await;
        started.push(f.refresh_round().started);
        settle(leader, since).await;
    }
    (sandbox_stats(sb).await["calls"].clone(), started)
}

pub(crate) async fn postgres_store() -> Option<Store> {
    test_store(Backend::Postgres).await
}

#[tokio::test]
async fn two_replicas_make_the_aws_calls_of_one() {
    let Some(one_store) = postgres_store().await else {
        return;
    };
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, FROZEN)).await;
    let retry = Duration::from_secs(1);

    reset_stats(&sb).await;
    let clock = Clock::manual();
    let alone = replica(&sb, one_store, &clock, retry).await;
    wait_leader(&alone).await;
    let (one, one_rounds) = drive(&sb, std::slice::from_ref(&alone), &clock).await;

    let store = postgres_store().await.unwrap();
    reset_stats(&sb).await;
    let clock = Clock::manual();
    let leader = replica(&sb, store.clone(), &clock, retry).await;
    wait_leader(&leader).await;
    let follower = replica(&sb, store.clone(), &clock, retry).await;
    let (two, two_rounds) = drive(&sb, &[leader.clone(), follower.clone()], &clock).await;

    assert!(
        one.as_object().is_some_and(|m| m.len() >= 5),
        "the pages read several operations: {one}"
    );
    assert_eq!(two, one, "two replicas call AWS exactly like one");
    assert_eq!(two_rounds, one_rounds);
    assert!(!follower.environments[0].is_leader());
    // Both are ready (a follower serves the leader's copies); /readyz and
    // /metrics say which one leads.
    for (state, role, gauge) in [(&leader, "leader", 1), (&follower, "follower", 0)] {
        let app = TestApp::new(state.clone());
        let ready = app.get("/readyz").await;
        assert_eq!(ready.status.as_u16(), 200, "{}", ready.body);
        let body: serde_json::Value = serde_json::from_str(&ready.body).unwrap();
        assert_eq!(body["environments"][0]["role"], role, "{body}");
        let metrics = app.get("/metrics").await.body;
        assert!(
            metrics.contains(&format!(
                "ecsdeck_leader{{environment=\"sandbox\"}} {gauge}"
            )),
            "{role}: {metrics}"
        );
    }

    // History is recorded once: the follower read nothing from AWS, so
    // its recorder wrote nothing; the leader's wrote what it read.
    let history = |s: &AppState| s.environments[0].history.clone().unwrap();
    history(&leader).flush().await;
    history(&follower).flush().await;
    assert!(history(&leader).batches_written() > 0);
    assert_eq!(history(&follower).batches_written(), 0);
    let q = ecsdeck::store::history::HistoryQuery {
        env: "sandbox".to_string(),
        cluster: CLUSTER.to_string(),
        service: None,
        since_ms: 0,
        until_ms: i64::MAX,
        limit: 1000,
    };
    assert!(!store.history_events(&q).await.unwrap().is_empty());
}

#[tokio::test]
async fn an_action_on_a_follower_shows_at_once_and_is_shared() {
    let Some(store) = postgres_store().await else {
        return;
    };
    let sb = start_sandbox(SandboxConfig::one_cluster("apps", 2, 2).with_speed(FROZEN)).await;
    let retry = Duration::from_secs(1);
    let clock = Clock::manual();
    let leader = replica(&sb, store.clone(), &clock, retry).await;
    wait_leader(&leader).await;
    let follower = replica(&sb, store.clone(), &clock, retry).await;
    fleet(&leader).overview().await.unwrap();
    fleet(&leader).flush_shared().await;

    let desired = |p: &Page| p.texts("tr[data-service=\"svc-00000\"] td.num")[0].clone();
    let op = TestApp::new(follower.clone()).session("operator").await;
    assert_eq!(desired(&op.ok("/sandbox/clusters/apps").await), "2");

    reset_stats(&sb).await;
    let scale = "/sandbox/clusters/apps/services/svc-00000/scale";
    let fields = [
        ("desired_count", "4"),
        ("action_id", "r-1"),
        ("confirmed", "1"),
    ];
    assert_eq!(op.post_form(scale, &fields).await.status, 303);
    assert_eq!(calls(&sandbox_stats(&sb).await, "ecs:UpdateService"), 1);
    // The follower's own action: its next page reads AWS rather than the
    // leader's copy from before it.
    assert_eq!(desired(&op.ok("/sandbox/clusters/apps").await), "4");
    assert!(calls(&sandbox_stats(&sb).await, "ecs:DescribeServices") >= 1);

    // What it read is shared: another replica shows it without AWS.
    let f = fleet(&follower);
    poll_until(
        "the sparklines are read",
        Duration::from_secs(30),
        || async {
            f.cluster_metrics("apps", vec!["svc-00000".into(), "svc-00001".into()])
                .ok()
                .flatten()
        },
    )
    .await;
    f.flush_shared().await;
    let third = replica(&sb, store.clone(), &clock, retry).await;
    reset_stats(&sb).await;
    let viewer = TestApp::new(third.clone()).session("viewer").await;
    assert_eq!(desired(&viewer.ok("/sandbox/clusters/apps").await), "4");
    let stats = sandbox_stats(&sb).await;
    assert_eq!(total_calls(&stats), 0, "{stats}");
}

#[tokio::test]
async fn on_sqlite_the_one_process_leads() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, FROZEN)).await;
    let state = app_state(&sb).await;
    let env = &state.environments[0];
    assert!(env.is_leader());
    assert!(env.fleet.shared_model().is_none(), "nothing to share with");
    // Its refresher reads AWS as it always did.
    reset_stats(&sb).await;
    state.start_refreshers();
    poll_until(
        "the refresher loads the overview",
        Duration::from_secs(30),
        || async { (calls(&sandbox_stats(&sb).await, "ecs:ListClusters") >= 1).then_some(()) },
    )
    .await;
}
