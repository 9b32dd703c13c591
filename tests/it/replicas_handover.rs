//! Handover between replicas: when the leader stops (SIGTERM) or its
//! PostgreSQL session dies (as when its process dies), a follower leads
//! within the election's bound and its refresher reads AWS; the old
//! leader steps down. (PostgreSQL only; skipped without
//! `ECSDECK_TEST_DATABASE_URL`.)

use std::time::{Duration, Instant};

use ecsdeck::auth::Clock;
use ecsdeck::replica::ElectionTiming;
use ecsdeck::sandbox::{Fleet, SandboxConfig, SandboxHandle};
use ecsdeck::state::AppState;
use ecsdeck::store::Store;

use crate::harness::*;
use crate::replicas::{CLUSTER, FROZEN, fleet, postgres_store, replica, wait_leader};

/// A seeded sandbox and, on `store`, an elected leader and a follower
/// (electing every second).
async fn leader_and_follower(store: &Store) -> (SandboxHandle, AppState, AppState) {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, FROZEN)).await;
    let retry = Duration::from_secs(1);
    let clock = Clock::manual();
    let leader = replica(&sb, store.clone(), &clock, retry).await;
    wait_leader(&leader).await;
    let follower = replica(&sb, store.clone(), &clock, retry).await;
    (sb, leader, follower)
}

#[tokio::test]
async fn a_follower_takes_over_when_the_leader_stops() {
    let Some(store) = postgres_store().await else {
        return;
    };
    let (sb, leader, follower) = leader_and_follower(&store).await;
    // What the overview shows, read by the leader (as its own overview
    // page would) and shared.
    fleet(&leader).overview().await.unwrap();
    fleet(&leader).alarms().await.unwrap();
    fleet(&leader).flush_shared().await;

    // The follower's refresher runs but calls nothing; its page is the
    // leader's copy.
    follower.start_refreshers();
    reset_stats(&sb).await;
    let viewer = TestApp::new(follower.clone()).session("viewer").await;
    let page = viewer.ok("/").await;
    assert!(page.exists(&format!("tr[data-cluster=\"{CLUSTER}\"]")));
    let stats = sandbox_stats(&sb).await;
    assert_eq!(
        total_calls(&stats),
        0,
        "served from the leader's copy: {stats}"
    );
    assert!(!follower.environments[0].is_leader());

    // SIGTERM: the server triggers the shutdown; the leader steps down
    // and unlocks.
    leader.shutdown.trigger();
    let stopped = Instant::now();
    wait_leader(&follower).await;
    let took = stopped.elapsed();
    let bound = leader.settings.election.handover();
    assert!(took <= bound, "took over in {took:?}, bound {bound:?}");
    assert!(
        !leader.environments[0].is_leader(),
        "the old leader stepped down"
    );
    assert!(ElectionTiming::default().handover() <= Duration::from_secs(30));

    // The new leader's refresher reads AWS.
    poll_until(
        "the new leader reads AWS",
        Duration::from_secs(30),
        || async {
            let stats = sandbox_stats(&sb).await;
            (calls(&stats, "ecs:ListClusters") >= 1 && calls(&stats, "ecs:DescribeServices") >= 1)
                .then_some(())
        },
    )
    .await;
}

#[tokio::test]
async fn a_leader_whose_session_dies_steps_down_and_a_follower_takes_over() {
    let Some(store) = postgres_store().await else {
        return;
    };
    let (_sb, leader, follower) = leader_and_follower(&store).await;

    // As if the leader's process died: PostgreSQL ends its session.
    let killed = Instant::now();
    let n: i64 = sqlx::query_scalar(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_locks \
         WHERE locktype = 'advisory' AND granted AND database = \
         (SELECT oid FROM pg_database WHERE datname = current_database())",
    )
    .fetch_one(&any_pool(&store).await)
    .await
    .unwrap();
    assert_eq!(n, 1, "one session holds the environment's lock");
    wait_leader(&follower).await;
    let took = killed.elapsed();
    let bound = leader.settings.election.handover();
    assert!(took <= bound, "took over in {took:?}, bound {bound:?}");
    poll_until("the old leader steps down", bound, || async {
        (!leader.environments[0].is_leader()).then_some(())
    })
    .await;
}

/// A plain pool on the store's database (for what the test does behind
/// ecsdeck's back).
async fn any_pool(store: &Store) -> sqlx::AnyPool {
    let name = store.current_database().await.unwrap();
    let base = std::env::var("ECSDECK_TEST_DATABASE_URL").unwrap();
    let mut url = url::Url::parse(&base).unwrap();
    url.set_path(&format!("/{name}"));
    sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(url.as_str())
        .await
        .unwrap()
}

/// A hung leader stops pinging its session: the server ends the session
/// after its `idle_session_timeout` and the lock is free for another;
/// the hung one finds its session gone when it wakes.
#[tokio::test]
async fn the_server_ends_a_hung_leaders_session() {
    let Some(store) = postgres_store().await else {
        return;
    };
    let key = ecsdeck::store::lock_key("ecsdeck/leader/hung");
    let idle = Duration::from_secs(1);
    let mut hung = store.lock_session(idle).await.unwrap();
    assert!(hung.try_lock(key).await.unwrap());
    let mut other = store.lock_session(Duration::from_secs(60)).await.unwrap();
    assert!(!other.try_lock(key).await.unwrap(), "held by the hung one");
    let started = Instant::now();
    loop {
        if other.try_lock(key).await.unwrap() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the server never ended the idle session"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(started.elapsed() >= idle / 2, "freed by the idle timeout");
    assert!(hung.ping().await.is_err(), "the hung session is gone");
}
