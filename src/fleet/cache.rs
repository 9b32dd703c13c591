//! The fleet's memory: a bounded cache that serves what it has at once and
//! refreshes in the background (stale-while-revalidate), with single-flight
//! loading.
//!
//! - A key read for the first time waits for its load; every concurrent
//!   reader joins that one load.
//! - A key older than its refresh age is served at once, as it is, while
//!   one background refresh runs; readers never wait on AWS when a copy
//!   exists.
//! - When a refresh fails because AWS throttles or is unreachable, the copy
//!   stays and carries the error, so the page says "as of 40 s ago — AWS is
//!   throttling". Other errors (not found, access denied) replace it.
//! - "Not found" answers are remembered for the refresh age too, so a URL
//!   naming something that does not exist cannot make ecsdeck call AWS on
//!   every request.
//! - Keys live in a `moka` cache with a maximum size and an idle expiry:
//!   names from URLs can never grow it without bound.
//! - Each key keeps its loader, so the refresher (`refresh.rs`) can renew
//!   what people look at before they ask again.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures::FutureExt;
use futures::future::{BoxFuture, Shared};

use crate::aws::AwsError;
use crate::clock::Clock;
use crate::domain::Timestamp;

/// A value and how fresh it is.
#[derive(Clone, Debug)]
pub struct Fresh<V> {
    pub value: V,
    /// When AWS produced this value.
    pub as_of: Timestamp,
    /// Set when this is an older value served because a refresh failed.
    pub stale_because: Option<AwsError>,
}

type Loaded<V> = Result<(V, Timestamp), AwsError>;
type Load<V> = Shared<BoxFuture<'static, Loaded<V>>>;
type Loader<V> = Arc<dyn Fn() -> BoxFuture<'static, Result<V, AwsError>> + Send + Sync>;

struct Slot<V> {
    /// (stored at, by the cache clock in ms; AWS's time; the value).
    value: Option<(i64, Timestamp, V)>,
    /// Why the last refresh failed while a copy was kept.
    failed: Option<AwsError>,
    /// A remembered "does not exist" (or other final error) and when.
    missing: Option<(i64, AwsError)>,
    loading: Option<Load<V>>,
    loader: Loader<V>,
    /// When someone last read this key (cache clock, ms).
    read_at: i64,
}

type SlotRef<V> = Arc<Mutex<Slot<V>>>;

/// How a cache ages and bounds what it holds.
#[derive(Clone, Copy, Debug)]
pub struct CachePolicy {
    /// Older than this, a read triggers a background refresh.
    pub refresh_after: Duration,
    /// Keys kept at most.
    pub max_keys: u64,
    /// A key nobody read for this long is dropped.
    pub idle: Duration,
}

/// What the refresher asks of a cache in one round.
#[derive(Clone, Copy, Debug)]
pub struct Sweep {
    /// Keys read within this window count as watched.
    pub watched_within: Duration,
    /// Watched keys older than this are refreshed.
    pub watched_age: Duration,
    /// Unwatched keys older than this are refreshed, oldest first.
    pub rotation_age: Duration,
    /// At most this many unwatched keys per round.
    pub rotation_max: usize,
}

/// Cache of `V` by string key. `V` should be cheap to clone (an `Arc`).
pub struct Cache<V> {
    policy: CachePolicy,
    clock: Clock,
    slots: moka::sync::Cache<String, SlotRef<V>>,
}

fn lock<V>(slot: &SlotRef<V>) -> std::sync::MutexGuard<'_, Slot<V>> {
    slot.lock().unwrap_or_else(PoisonError::into_inner)
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Stores the outcome of `load` in `slot`, once: whichever of the load's
/// own task and its first awaiting reader gets here first.
fn store<V>(slot: &SlotRef<V>, load: &Load<V>, result: Loaded<V>, clock: &Clock) {
    let mut s = lock(slot);
    if !s.loading.as_ref().is_some_and(|l| l.ptr_eq(load)) {
        return;
    }
    s.loading = None;
    match result {
        Ok((v, as_of)) => {
            if s.value.as_ref().is_none_or(|(_, old, _)| *old <= as_of) {
                s.value = Some((clock.now_ms(), as_of, v));
            }
            s.failed = None;
            s.missing = None;
        }
        Err(e @ (AwsError::Throttled { .. } | AwsError::Unavailable { .. })) => {
            // Keep any copy and say why it is not newer; try again only
            // after another refresh age (back off, never storm).
            if let Some((at, _, _)) = &mut s.value {
                *at = clock.now_ms();
                s.failed = Some(e);
            }
        }
        Err(e) => {
            s.value = None;
            s.failed = None;
            s.missing = Some((clock.now_ms(), e));
        }
    }
}

impl<V: Clone + Send + Sync + 'static> Cache<V> {
    pub fn new(policy: CachePolicy, clock: Clock) -> Self {
        Self {
            slots: moka::sync::Cache::builder()
                .max_capacity(policy.max_keys)
                .time_to_idle(policy.idle)
                .build(),
            policy,
            clock,
        }
    }

    /// Keys held now (bounded by the policy's `max_keys`).
    pub fn key_count(&self) -> u64 {
        self.slots.run_pending_tasks();
        self.slots.entry_count()
    }

    /// Whether `stored_at` is older than the refresh age (a time ahead of
    /// the clock, after the system clock stepped back, counts as old).
    fn is_old(&self, stored_at: i64, age: Duration) -> bool {
        !(0..millis(age)).contains(&self.clock.now_ms().saturating_sub(stored_at))
    }

    /// The value for `key`: at once when any copy exists (starting one
    /// background refresh if it is old), otherwise after loading it with
    /// `load` (or joining a load in flight).
    pub async fn get<F, Fut>(&self, key: &str, load: F) -> Result<Fresh<V>, AwsError>
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<V, AwsError>> + Send + 'static,
    {
        let loader: Loader<V> = Arc::new(move || load().boxed());
        let slot = self.slots.get_with_by_ref(key, || {
            Arc::new(Mutex::new(Slot {
                value: None,
                failed: None,
                missing: None,
                loading: None,
                loader: loader.clone(),
                read_at: 0,
            }))
        });
        let pending = {
            let mut s = lock(&slot);
            // The newest reader's loader is the one refreshes use.
            s.loader = loader;
            s.read_at = self.clock.now_ms();
            if let Some((at, as_of, v)) = &s.value {
                let fresh = Fresh {
                    value: v.clone(),
                    as_of: *as_of,
                    stale_because: s.failed.clone(),
                };
                if self.is_old(*at, self.policy.refresh_after) {
                    // Readers of this copy do not wait for the refresh.
                    let _ = self.start_load(&slot, &mut s);
                }
                return Ok(fresh);
            }
            if let Some((at, e)) = &s.missing
                && !self.is_old(*at, self.policy.refresh_after)
            {
                return Err(e.clone());
            }
            self.start_load(&slot, &mut s)
        };
        let result = pending.clone().await;
        store(&slot, &pending, result.clone(), &self.clock);
        let (v, as_of) = result?;
        Ok(Fresh {
            value: v,
            as_of,
            stale_because: None,
        })
    }

    /// Starts (or joins) the load of `slot`; the load runs to its end on
    /// its own task even if every reader goes away, and stores its result.
    fn start_load(&self, slot: &SlotRef<V>, s: &mut Slot<V>) -> Load<V> {
        if let Some(l) = &s.loading {
            return l.clone();
        }
        let fut = (s.loader)();
        let load: Load<V> = async move { fut.await.map(|v| (v, Timestamp::now())) }
            .boxed()
            .shared();
        s.loading = Some(load.clone());
        let (slot, clock, mine) = (slot.clone(), self.clock.clone(), load.clone());
        tokio::spawn(async move {
            let result = mine.clone().await;
            store(&slot, &mine, result, &clock);
        });
        load
    }

    /// Every value held (for estimates such as the sweep's size).
    pub fn values(&self) -> Vec<V> {
        self.slots
            .iter()
            .filter_map(|(_, slot)| lock(&slot).value.as_ref().map(|(_, _, v)| v.clone()))
            .collect()
    }

    /// Forgets the values of every key starting with `prefix` (after an
    /// action changed what they describe): the next read loads afresh.
    pub fn invalidate(&self, prefix: &str) {
        for (key, slot) in self.slots.iter() {
            if key.starts_with(prefix) {
                let mut s = lock(&slot);
                s.value = None;
                s.missing = None;
                s.failed = None;
            }
        }
    }

    /// Starts background refreshes for one round of the refresher: every
    /// watched key older than `watched_age`, then up to `rotation_max`
    /// unwatched ones older than `rotation_age`, oldest first. Returns how
    /// many refreshes it started.
    pub fn sweep(&self, sweep: &Sweep) -> usize {
        let now = self.clock.now_ms();
        let mut started = 0;
        let mut rotation: Vec<(i64, SlotRef<V>)> = Vec::new();
        for (_, slot) in self.slots.iter() {
            let mut s = lock(&slot);
            let Some((at, _, _)) = &s.value else { continue };
            let at = *at;
            if s.loading.is_some() {
                continue;
            }
            let watched = now.saturating_sub(s.read_at) < millis(sweep.watched_within);
            if watched && self.is_old(at, sweep.watched_age) {
                let _ = self.start_load(&slot, &mut s);
                started += 1;
            } else if !watched && self.is_old(at, sweep.rotation_age) {
                rotation.push((at, slot.clone()));
            }
        }
        rotation.sort_by_key(|(at, _)| *at);
        for (_, slot) in rotation.into_iter().take(sweep.rotation_max) {
            let mut s = lock(&slot);
            if s.loading.is_none() {
                let _ = self.start_load(&slot, &mut s);
                started += 1;
            }
        }
        started
    }
}

#[cfg(test)]
mod tests {
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
}
