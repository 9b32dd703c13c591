//! The cache's behaviour on a manual clock.

use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};

fn policy(refresh_after: Duration) -> CachePolicy {
    CachePolicy {
        refresh_after,
        max_keys: 100,
        idle: Duration::from_secs(600),
    }
}

fn throttled() -> AwsError {
    AwsError::Throttled {
        code: "ThrottlingException".into(),
        message: "Rate exceeded".into(),
    }
}

/// Waits until no load of `key` is in flight (the spawned refresh has
/// stored its result).
async fn settle<V: Clone + Send + Sync + 'static>(cache: &Cache<V>, key: &str) {
    loop {
        let loading = cache
            .slots
            .get(key)
            .is_some_and(|slot| lock(&slot).loading.is_some());
        if !loading {
            return;
        }
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn concurrent_first_reads_share_one_load() {
    let cache: Arc<Cache<u32>> =
        Arc::new(Cache::new(policy(Duration::from_secs(60)), Clock::system()));
    let calls = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = tokio::sync::watch::channel(false);
    let mut joins = Vec::new();
    for _ in 0..10 {
        let (cache, calls, rx) = (cache.clone(), calls.clone(), rx.clone());
        joins.push(tokio::spawn(async move {
            cache
                .get("k", move || {
                    calls.fetch_add(1, Ordering::SeqCst);
                    let mut rx = rx.clone();
                    async move {
                        let _ = rx.wait_for(|go| *go).await;
                        Ok(7)
                    }
                })
                .await
        }));
    }
    tokio::task::yield_now().await;
    tx.send(true).unwrap();
    for j in joins {
        assert_eq!(j.await.unwrap().unwrap().value, 7);
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1, "one load for ten readers");
}

#[tokio::test]
async fn an_old_value_is_served_at_once_while_one_refresh_runs() {
    let clock = Clock::manual();
    let cache: Cache<u32> = Cache::new(policy(Duration::from_secs(3)), clock.clone());
    let loads = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = tokio::sync::watch::channel(1u32);
    let get = || {
        let (loads, rx) = (loads.clone(), rx.clone());
        cache.get("k", move || {
            loads.fetch_add(1, Ordering::SeqCst);
            let v = *rx.borrow();
            async move { Ok(v) }
        })
    };
    assert_eq!(get().await.unwrap().value, 1);
    clock.advance(Duration::from_millis(2_999));
    tx.send(2).unwrap();
    assert_eq!(get().await.unwrap().value, 1);
    assert_eq!(
        loads.load(Ordering::SeqCst),
        1,
        "fresh within the refresh age"
    );
    clock.advance(Duration::from_millis(1));
    for _ in 0..5 {
        assert_eq!(get().await.unwrap().value, 1, "the copy, at once");
    }
    assert_eq!(
        loads.load(Ordering::SeqCst),
        2,
        "one refresh for five readers"
    );
    settle(&cache, "k").await;
    assert_eq!(get().await.unwrap().value, 2, "the refreshed value");
}

#[tokio::test]
async fn a_throttled_refresh_keeps_the_copy_and_says_why() {
    let clock = Clock::manual();
    let cache: Cache<u32> = Cache::new(policy(Duration::from_secs(3)), clock.clone());
    cache.get("k", || async { Ok(7) }).await.unwrap();
    clock.advance(Duration::from_secs(3));
    let first = cache.get("k", || async { Err(throttled()) }).await.unwrap();
    assert_eq!(first.value, 7);
    settle(&cache, "k").await;
    let later = cache.get("k", || async { Err(throttled()) }).await.unwrap();
    assert_eq!(later.value, 7);
    assert!(
        later.stale_because.is_some(),
        "the page can say AWS throttles"
    );
    assert!(
        cache
            .slots
            .get("k")
            .is_some_and(|s| lock(&s).loading.is_none()),
        "no retry before another refresh age: backing off, not storming"
    );
}

#[tokio::test]
async fn final_errors_replace_the_copy_and_not_found_is_remembered() {
    let clock = Clock::manual();
    let cache: Cache<u32> = Cache::new(policy(Duration::from_secs(3)), clock.clone());
    cache.get("k", || async { Ok(7) }).await.unwrap();
    clock.advance(Duration::from_secs(3));
    let denied = || async {
        Err(AwsError::AccessDenied {
            code: "AccessDeniedException".into(),
            message: "no".into(),
        })
    };
    cache.get("k", denied).await.unwrap();
    settle(&cache, "k").await;
    assert!(
        cache.get("k", denied).await.is_err(),
        "access errors are not papered over"
    );

    let calls = Arc::new(AtomicUsize::new(0));
    let missing = || {
        let calls = calls.clone();
        move || {
            calls.fetch_add(1, Ordering::SeqCst);
            async {
                Err(AwsError::NotFound {
                    code: "ServiceNotFoundException".into(),
                    message: "gone".into(),
                })
            }
        }
    };
    for _ in 0..10 {
        assert!(cache.get("nope", missing()).await.is_err());
    }
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "a missing name costs one call per refresh age"
    );
}

#[tokio::test]
async fn keys_from_urls_cannot_grow_the_cache_without_bound() {
    let cache: Cache<u32> = Cache::new(
        CachePolicy {
            refresh_after: Duration::from_secs(3),
            max_keys: 50,
            idle: Duration::from_secs(600),
        },
        Clock::manual(),
    );
    for i in 0..2_000u32 {
        let _ = cache
            .get(&format!("random-{i}"), move || async move { Ok(i) })
            .await;
    }
    assert!(cache.key_count() <= 50, "{} keys held", cache.key_count());
}

#[tokio::test]
async fn the_sweep_renews_watched_keys_first_and_rotates_the_rest() {
    let clock = Clock::manual();
    let cache: Cache<u32> = Cache::new(policy(Duration::from_secs(3)), clock.clone());
    let loads = Arc::new(AtomicUsize::new(0));
    for key in ["watched", "a", "b"] {
        let loads = loads.clone();
        cache
            .get(key, move || {
                loads.fetch_add(1, Ordering::SeqCst);
                async { Ok(1) }
            })
            .await
            .unwrap();
    }
    let sweep = Sweep {
        watched_within: Duration::from_secs(60),
        watched_age: Duration::from_secs(5),
        rotation_age: Duration::from_secs(30),
        rotation_max: 1,
    };
    clock.advance(Duration::from_secs(4));
    assert_eq!(cache.sweep(&sweep), 0, "nothing is old yet");
    clock.advance(Duration::from_secs(2));
    assert_eq!(
        cache.sweep(&sweep),
        3,
        "all three were read within the minute"
    );
    for key in ["watched", "a", "b"] {
        settle(&cache, key).await;
    }
    // A minute later only "watched" is still read.
    clock.advance(Duration::from_secs(61));
    cache.get("watched", || async { Ok(1) }).await.unwrap();
    settle(&cache, "watched").await;
    clock.advance(Duration::from_secs(6));
    assert_eq!(
        cache.sweep(&sweep),
        2,
        "the watched key, plus one of the rotation"
    );
}

#[tokio::test]
async fn a_slow_load_is_not_repeated_sooner_than_twice_its_duration() {
    let clock = Clock::manual();
    let cache: Arc<Cache<u32>> =
        Arc::new(Cache::new(policy(Duration::from_secs(3)), clock.clone()));
    let loads = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = tokio::sync::watch::channel(false);
    let get = {
        let (cache, loads) = (cache.clone(), loads.clone());
        move || {
            let (cache, loads, rx) = (cache.clone(), loads.clone(), rx.clone());
            async move {
                cache
                    .get("big", move || {
                        loads.fetch_add(1, Ordering::SeqCst);
                        let mut rx = rx.clone();
                        async move {
                            let _ = rx.wait_for(|go| *go).await;
                            Ok(1)
                        }
                    })
                    .await
            }
        }
    };
    // The first load takes 10 s by the cache's clock.
    let first = tokio::spawn(get());
    tokio::task::yield_now().await;
    clock.advance(Duration::from_secs(10));
    tx.send(true).unwrap();
    first.await.unwrap().unwrap();
    assert_eq!(loads.load(Ordering::SeqCst), 1);
    // Past the 3 s refresh age, but not past twice the 10 s it took.
    clock.advance(Duration::from_secs(19));
    get().await.unwrap();
    assert_eq!(loads.load(Ordering::SeqCst), 1, "no refresh before 20 s");
    clock.advance(Duration::from_secs(1));
    get().await.unwrap();
    assert_eq!(
        loads.load(Ordering::SeqCst),
        2,
        "refreshed at twice its duration"
    );
}
