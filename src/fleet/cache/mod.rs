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

type Load<V> = Shared<BoxFuture<'static, Loaded<V>>>;
type Loader<V> = Arc<dyn Fn() -> BoxFuture<'static, Loaded<V>> + Send + Sync>;

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
    /// When the load in flight started, and how long the last one took
    /// (cache clock): a key is not refreshed again sooner than twice that,
    /// so a slow, big read (a 2,000-service cluster under the budget) takes
    /// at most half of the budget however closely it is watched.
    started_at: i64,
    took: Duration,
}

impl<V> Slot<V> {
    /// The age past which this key is due, at least `age`.
    fn due_after(&self, age: Duration) -> Duration {
        age.max(self.took * 2)
    }
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

/// What a load produced and when AWS produced it.
pub type Loaded<V> = Result<(V, Timestamp), AwsError>;

/// A plain loader dated when its read ends.
fn dated_now<V, F, Fut>(
    load: F,
) -> impl Fn() -> BoxFuture<'static, Loaded<V>> + Send + Sync + 'static
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<V, AwsError>> + Send + 'static,
{
    move || {
        let fut = load();
        async move { fut.await.map(|v| (v, Timestamp::now())) }.boxed()
    }
}

/// Stores the outcome of `load` in `slot`, once: whichever of the load's
/// own task and its first awaiting reader gets here first.
fn store<V>(slot: &SlotRef<V>, load: &Load<V>, result: Loaded<V>, clock: &Clock) {
    let mut s = lock(slot);
    if !s.loading.as_ref().is_some_and(|l| l.ptr_eq(load)) {
        return;
    }
    s.loading = None;
    let took = clock.now_ms().saturating_sub(s.started_at).max(0);
    s.took = Duration::from_millis(u64::try_from(took).unwrap_or(0));
    match result {
        Ok((v, as_of)) => {
            // An older copy (another replica's) than the one held keeps
            // ours, and waits a refresh age before asking again.
            let now = clock.now_ms();
            match &mut s.value {
                Some((at, old, _)) if *old > as_of => *at = now,
                held => *held = Some((now, as_of, v)),
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
            } else {
                // No copy yet: readers get this error for a refresh age
                // instead of each starting another read of a dead region.
                s.missing = Some((clock.now_ms(), e));
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
        self.get_dated(key, dated_now(load)).await
    }

    /// `get` with a loader that says when its value was produced (a copy
    /// another replica read from AWS keeps that replica's time).
    pub async fn get_dated<F, Fut>(&self, key: &str, load: F) -> Result<Fresh<V>, AwsError>
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Loaded<V>> + Send + 'static,
    {
        let slot = self.slot(key, load);
        let pending = {
            let mut s = lock(&slot);
            s.read_at = self.clock.now_ms();
            if let Some((at, as_of, v)) = &s.value {
                let fresh = Fresh {
                    value: v.clone(),
                    as_of: *as_of,
                    stale_because: s.failed.clone(),
                };
                if self.is_old(*at, s.due_after(self.policy.refresh_after)) {
                    // Readers of this copy do not wait for the refresh.
                    drop(self.start_load(&slot, &mut s));
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

    /// The value for `key` if a copy exists (starting a background refresh
    /// when it is old); otherwise `None` at once, having started its first
    /// load in the background (or joined the one in flight), or the error
    /// a recent load ended with. For pages that show what is ready and fill
    /// in the rest.
    pub fn get_or_start<F, Fut>(&self, key: &str, load: F) -> Result<Option<V>, AwsError>
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<V, AwsError>> + Send + 'static,
    {
        self.get_or_start_dated(key, dated_now(load))
    }

    /// `get_or_start` with a dated loader (see `get_dated`).
    pub fn get_or_start_dated<F, Fut>(&self, key: &str, load: F) -> Result<Option<V>, AwsError>
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Loaded<V>> + Send + 'static,
    {
        let slot = self.slot(key, load);
        let mut s = lock(&slot);
        s.read_at = self.clock.now_ms();
        if let Some((at, _, v)) = &s.value {
            let (at, v) = (*at, v.clone());
            if self.is_old(at, s.due_after(self.policy.refresh_after)) {
                drop(self.start_load(&slot, &mut s));
            }
            return Ok(Some(v));
        }
        if let Some((at, e)) = &s.missing
            && !self.is_old(*at, self.policy.refresh_after)
        {
            return Err(e.clone());
        }
        drop(self.start_load(&slot, &mut s));
        Ok(None)
    }

    /// The slot of `key`, made with `load` as its loader if new; the
    /// newest reader's loader is the one refreshes use.
    fn slot<F, Fut>(&self, key: &str, load: F) -> SlotRef<V>
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Loaded<V>> + Send + 'static,
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
                started_at: 0,
                took: Duration::ZERO,
            }))
        });
        lock(&slot).loader = loader;
        slot
    }

    /// Starts (or joins) the load of `slot`; the load runs to its end on
    /// its own task even if every reader goes away, and stores its result.
    fn start_load(&self, slot: &SlotRef<V>, s: &mut Slot<V>) -> Load<V> {
        if let Some(l) = &s.loading {
            return l.clone();
        }
        let load: Load<V> = (s.loader)().shared();
        s.loading = Some(load.clone());
        s.started_at = self.clock.now_ms();
        let (slot, clock, mine) = (slot.clone(), self.clock.clone(), load.clone());
        tokio::spawn(async move {
            let result = mine.clone().await;
            store(&slot, &mine, result, &clock);
        });
        load
    }

    /// Counts `key` as read now, if held (another replica looks at it), so
    /// the refresher renews it like a key read here. Loads nothing.
    pub fn touch(&self, key: &str) -> bool {
        let Some(slot) = self.slots.get(key) else {
            return false;
        };
        lock(&slot).read_at = self.clock.now_ms();
        true
    }

    /// The value held for `key`, if any, without loading or refreshing it.
    pub fn peek(&self, key: &str) -> Option<V> {
        let slot = self.slots.get(key)?;
        let s = lock(&slot);
        s.value.as_ref().map(|(_, _, v)| v.clone())
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

    /// How long ago the oldest copy read within `within` was stored (or
    /// last retried); None when nobody read any.
    pub fn oldest_watched(&self, within: Duration) -> Option<Duration> {
        let now = self.clock.now_ms();
        self.slots
            .iter()
            .filter_map(|(_, slot)| {
                let s = lock(&slot);
                let (at, _, _) = s.value.as_ref()?;
                let watched = now.saturating_sub(s.read_at) < millis(within);
                watched.then(|| now.saturating_sub(*at).max(0))
            })
            .max()
            .map(|ms| Duration::from_millis(u64::try_from(ms).unwrap_or(0)))
    }
}

mod sweep;
pub use sweep::Sweep;

#[cfg(test)]
mod tests;
