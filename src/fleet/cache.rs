//! A short-TTL cache with single-flight loading and stale fallback.
//!
//! Many users looking at the same cluster cost one AWS call per TTL: the
//! first request starts the load, concurrent ones await the same future,
//! later ones get the cached value. When AWS throttles or is unreachable
//! and an older value exists, the older value is served with its age and
//! the error, so the page says "as of 40 s ago — AWS is throttling".

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Mutex, PoisonError};
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

type Load<V> = Shared<BoxFuture<'static, Result<(V, Timestamp), AwsError>>>;

struct Slot<V> {
    /// When it was stored (the cache clock's Unix ms), AWS's time, the value.
    value: Option<(i64, Timestamp, V)>,
    loading: Option<Load<V>>,
}

/// Cache of `V` by string key. `V` should be cheap to clone (an `Arc`).
pub struct Cache<V> {
    ttl: Duration,
    clock: Clock,
    slots: Mutex<HashMap<String, Slot<V>>>,
}

impl<V: Clone + Send + Sync + 'static> Cache<V> {
    /// Values younger than `ttl` by `clock` are served from the cache.
    pub fn new(ttl: Duration, clock: Clock) -> Self {
        Self {
            ttl,
            clock,
            slots: Mutex::new(HashMap::new()),
        }
    }

    /// Stored at `at` (ms) and not yet `ttl` old; a time ahead of the
    /// clock (the system clock stepped back) counts as expired.
    fn is_fresh(&self, at: i64) -> bool {
        let ttl = i64::try_from(self.ttl.as_millis()).unwrap_or(i64::MAX);
        (0..ttl).contains(&self.clock.now_ms().saturating_sub(at))
    }

    /// The cached value for `key` if younger than the TTL; otherwise loads
    /// it with `load` (or joins a load already in flight).
    pub async fn get<F, Fut>(&self, key: &str, load: F) -> Result<Fresh<V>, AwsError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, AwsError>> + Send + 'static,
    {
        let pending = {
            let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
            let slot = slots.entry(key.to_string()).or_insert(Slot {
                value: None,
                loading: None,
            });
            if let Some((at, as_of, v)) = &slot.value
                && self.is_fresh(*at)
            {
                return Ok(Fresh {
                    value: v.clone(),
                    as_of: *as_of,
                    stale_because: None,
                });
            }
            match &slot.loading {
                Some(l) => l.clone(),
                None => {
                    let fut = load();
                    let l: Load<V> = async move { fut.await.map(|v| (v, Timestamp::now())) }
                        .boxed()
                        .shared();
                    slot.loading = Some(l.clone());
                    l
                }
            }
        };
        let result = pending.clone().await;
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        let slot = slots.entry(key.to_string()).or_insert(Slot {
            value: None,
            loading: None,
        });
        if slot.loading.as_ref().is_some_and(|l| l.ptr_eq(&pending)) {
            slot.loading = None;
        }
        match result {
            Ok((v, as_of)) => {
                if slot.value.as_ref().is_none_or(|(_, old, _)| *old <= as_of) {
                    slot.value = Some((self.clock.now_ms(), as_of, v.clone()));
                }
                Ok(Fresh {
                    value: v,
                    as_of,
                    stale_because: None,
                })
            }
            Err(e @ (AwsError::Throttled { .. } | AwsError::Unavailable { .. })) => {
                match &slot.value {
                    Some((_, as_of, v)) => Ok(Fresh {
                        value: v.clone(),
                        as_of: *as_of,
                        stale_because: Some(e),
                    }),
                    None => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }

    /// Forgets every entry whose key starts with `prefix` (after an action
    /// changed what they describe).
    pub fn invalidate(&self, prefix: &str) {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        for (key, slot) in slots.iter_mut() {
            if key.starts_with(prefix) {
                slot.value = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn concurrent_gets_share_one_load_and_serve_stale_on_throttle() {
        let cache: Arc<Cache<u32>> = Arc::new(Cache::new(Duration::from_secs(60), Clock::system()));
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

        let cache: Cache<u32> = Cache::new(Duration::ZERO, Clock::manual());
        cache.get("k", || async { Ok(7) }).await.unwrap();
        let throttled = cache
            .get("k", || async {
                Err(AwsError::Throttled {
                    code: "ThrottlingException".into(),
                    message: "Rate exceeded".into(),
                })
            })
            .await
            .unwrap();
        assert_eq!(throttled.value, 7);
        assert!(throttled.stale_because.is_some());

        let denied = cache
            .get("k", || async {
                Err(AwsError::AccessDenied {
                    code: "AccessDeniedException".into(),
                    message: "no".into(),
                })
            })
            .await;
        assert!(denied.is_err(), "access errors are not papered over");
    }

    #[tokio::test]
    async fn values_expire_when_the_clock_passes_the_ttl() {
        let clock = Clock::manual();
        let cache: Cache<u32> = Cache::new(Duration::from_secs(3), clock.clone());
        let loads = AtomicUsize::new(0);
        let get = || async {
            cache
                .get("k", || {
                    loads.fetch_add(1, Ordering::SeqCst);
                    async { Ok(7) }
                })
                .await
                .unwrap()
                .value
        };
        assert_eq!(get().await, 7);
        clock.advance(Duration::from_millis(2_999));
        assert_eq!(get().await, 7);
        assert_eq!(loads.load(Ordering::SeqCst), 1, "fresh within the TTL");
        clock.advance(Duration::from_millis(1));
        assert_eq!(get().await, 7);
        assert_eq!(loads.load(Ordering::SeqCst), 2, "loaded again at the TTL");
    }
}
