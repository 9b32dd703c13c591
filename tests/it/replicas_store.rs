//! The table replicas share copies through (`fleet_snapshots`), on
//! SQLite and PostgreSQL.

use ecsdeck::store::Snapshot;

use crate::both_backends;
use crate::harness::*;

both_backends!(snapshots_keep_the_newest_copy_and_forget_unused_ones);

/// The shared copies' table: one row per key, never replaced by an older
/// copy; wanted marks are what the leader serves; unused rows are dropped.
async fn snapshots_keep_the_newest_copy_and_forget_unused_ones(backend: Backend) {
    let Some(store) = test_store(backend).await else {
        return;
    };
    let copy = |body: &str, at: i64| Snapshot {
        body: body.to_string(),
        fetched_ms: at,
    };
    store
        .snapshot_put("prod", "cluster_data", "a/data", &copy("new", 2_000))
        .await
        .unwrap();
    store
        .snapshot_put("prod", "cluster_data", "a/data", &copy("old", 1_000))
        .await
        .unwrap();
    store
        .snapshot_put("stage", "cluster_data", "a/data", &copy("stage", 500))
        .await
        .unwrap();
    let got = store
        .snapshot_get("prod", "cluster_data", "a/data")
        .await
        .unwrap();
    assert_eq!(
        got,
        Some(copy("new", 2_000)),
        "an older copy never replaces a newer one"
    );
    assert_eq!(
        store.snapshot_get("prod", "clusters", "all").await.unwrap(),
        None
    );

    store
        .snapshot_put("prod", "clusters", "all", &copy("[]", 2_000))
        .await
        .unwrap();
    store
        .snapshot_want("prod", "cluster_data", "a/data", 5_000)
        .await
        .unwrap();
    let watched = store.snapshot_watched("prod", 4_000).await.unwrap();
    assert_eq!(
        watched,
        vec![("cluster_data".to_string(), "a/data".to_string())]
    );
    assert!(
        store
            .snapshot_watched("prod", 6_000)
            .await
            .unwrap()
            .is_empty()
    );

    // Neither fetched nor wanted since 3 000: only the cluster list goes.
    assert_eq!(store.snapshot_forget("prod", 3_000).await.unwrap(), 1);
    assert!(
        store
            .snapshot_get("prod", "clusters", "all")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .snapshot_get("prod", "cluster_data", "a/data")
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .snapshot_get("stage", "cluster_data", "a/data")
            .await
            .unwrap()
            .is_some(),
        "other environments untouched"
    );
}
