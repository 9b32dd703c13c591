//! The client-side budget for AWS: one token bucket per action group
//! (`aws::quotas`), sized at a fraction of AWS's published limits, shared
//! by everything that uses one environment's clients.
//!
//! `BudgetedClient` (in `budgeted_client.rs`) spends a token for every HTTP
//! request attempt, SDK retries included, before it is sent. Budgets are per
//! account and region in AWS, so each environment gets its own `Budget`.

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

use governor::clock::Clock;
/// The clock tests move by hand, for `BudgetClock::Fake`.
pub use governor::clock::FakeRelativeClock;
use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota as GovernorQuota, RateLimiter};

use super::call_outcomes::CallOutcomes;
use super::quotas::{self, Quota};

/// ecsdeck's default share of each AWS limit: half, leaving the other half
/// to the console, the CLI, deploy pipelines and anything else in the account.
pub const DEFAULT_FRACTION: f64 = 0.5;

/// The time the buckets refill on: the real monotonic clock (tokio's, so a
/// test with paused time sees buckets refill as time jumps), or a fake one
/// tests move by hand (`FakeRelativeClock::advance`).
#[derive(Clone, Debug)]
pub enum BudgetClock {
    Real(Instant),
    Fake(FakeRelativeClock),
}

impl BudgetClock {
    pub fn real() -> Self {
        Self::Real(Instant::now())
    }
}

impl Clock for BudgetClock {
    type Instant = Nanos;

    fn now(&self) -> Nanos {
        match self {
            Self::Real(start) => Nanos::from(start.elapsed()),
            Self::Fake(clock) => clock.now(),
        }
    }
}

type Limiter = RateLimiter<NotKeyed, InMemoryState, BudgetClock, NoOpMiddleware<Nanos>>;

/// One action group's bucket and what it has been asked for.
#[derive(Debug)]
struct Bucket {
    quota: Quota,
    /// `None` in an unlimited budget.
    limiter: Option<Limiter>,
    burst: u32,
    per_second: f64,
    calls: AtomicU64,
    waited: AtomicU64,
    wait_nanos: AtomicU64,
}

/// What one group has used since start-up.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupUsage {
    /// `service:group`, as in `aws::quotas`.
    pub group: &'static str,
    pub mutation: bool,
    /// ecsdeck's burst and rate for the group (its share of AWS's).
    pub burst: u32,
    pub per_second: f64,
    /// Tokens taken (request attempts let through).
    pub calls: u64,
    /// Attempts that had to wait for the bucket to refill (counted when
    /// the wait starts, so it includes attempts dropped while waiting).
    pub waited: u64,
    /// Total time spent waiting.
    pub wait_time: Duration,
}

/// Token buckets for every group of `aws::quotas::ALL`: a fixed set, built
/// once.
#[derive(Debug)]
pub struct Budget {
    fraction: f64,
    clock: BudgetClock,
    buckets: Vec<Bucket>,
    /// What AWS answered each attempt sent (`/metrics`).
    outcomes: CallOutcomes,
}

impl Budget {
    /// Buckets at `fraction` (0–1] of AWS's rates and bursts, on real time.
    pub fn new(fraction: f64) -> Self {
        Self::with_clock(fraction, BudgetClock::real())
    }

    /// The same on `clock` (tests pass `BudgetClock::Fake`).
    pub fn with_clock(fraction: f64, clock: BudgetClock) -> Self {
        let fraction = if fraction.is_finite() {
            fraction.clamp(0.001, 1.0)
        } else {
            DEFAULT_FRACTION
        };
        let buckets = quotas::ALL
            .iter()
            .map(|q| {
                let (burst, per_second) = scaled(q, fraction);
                Bucket::new(
                    *q,
                    Some(limiter(burst, per_second, &clock)),
                    burst,
                    per_second,
                )
            })
            .collect();
        Self {
            fraction,
            clock,
            buckets,
            outcomes: CallOutcomes::default(),
        }
    }

    /// Counts calls but never waits: for tests that want AWS's (the
    /// sandbox's) own throttling to answer.
    pub fn unlimited() -> Self {
        let buckets = quotas::ALL
            .iter()
            .map(|q| Bucket::new(*q, None, q.burst, q.per_second))
            .collect();
        Self {
            fraction: 1.0,
            clock: BudgetClock::real(),
            buckets,
            outcomes: CallOutcomes::default(),
        }
    }

    /// The share of AWS's limits this budget allows.
    pub fn fraction(&self) -> f64 {
        self.fraction
    }

    /// What AWS answered the attempts sent through this budget.
    pub fn outcomes(&self) -> &CallOutcomes {
        &self.outcomes
    }

    /// Waits until `service:op`'s bucket has a token and takes it.
    /// Dropping the future before it resolves takes nothing.
    pub async fn acquire(&self, service: &str, op: &str) {
        self.acquire_group(quotas::limits(service, op).group).await;
    }

    /// `acquire` for a group `aws::quotas::limits` returned.
    pub(crate) async fn acquire_group(&self, group: &str) {
        // Every group `limits` names is in `ALL` (tested there).
        let Some(bucket) = self.buckets.iter().find(|b| b.quota.group == group) else {
            return;
        };
        if let Some(limiter) = &bucket.limiter {
            let mut waited = false;
            while let Err(not_until) = limiter.check() {
                // At least a millisecond: a fake clock that stands still
                // must not turn this into a busy loop.
                let wait = not_until
                    .wait_time_from(self.clock.now())
                    .max(Duration::from_millis(1));
                if !waited {
                    waited = true;
                    bucket.waited.fetch_add(1, Ordering::Relaxed);
                }
                tokio::time::sleep(wait).await;
                bucket.wait_nanos.fetch_add(
                    u64::try_from(wait.as_nanos()).unwrap_or(u64::MAX),
                    Ordering::Relaxed,
                );
            }
        }
        bucket.calls.fetch_add(1, Ordering::Relaxed);
    }

    /// Every group's usage, in `aws::quotas::ALL` order.
    pub fn snapshot(&self) -> Vec<GroupUsage> {
        self.buckets
            .iter()
            .map(|b| GroupUsage {
                group: b.quota.group,
                mutation: b.quota.mutation,
                burst: b.burst,
                per_second: b.per_second,
                calls: b.calls.load(Ordering::Relaxed),
                waited: b.waited.load(Ordering::Relaxed),
                wait_time: Duration::from_nanos(b.wait_nanos.load(Ordering::Relaxed)),
            })
            .collect()
    }
}

impl Default for Budget {
    fn default() -> Self {
        Self::new(DEFAULT_FRACTION)
    }
}

impl Bucket {
    fn new(quota: Quota, limiter: Option<Limiter>, burst: u32, per_second: f64) -> Self {
        Self {
            quota,
            limiter,
            burst,
            per_second,
            calls: AtomicU64::new(0),
            waited: AtomicU64::new(0),
            wait_nanos: AtomicU64::new(0),
        }
    }
}

/// `fraction` of a group's burst (rounded down, at least 1) and rate.
fn scaled(q: &Quota, fraction: f64) -> (u32, f64) {
    // Bursts are at most a few thousand, so the cast cannot truncate.
    let burst = ((f64::from(q.burst) * fraction).floor() as u32).max(1);
    (burst, q.per_second * fraction)
}

fn limiter(burst: u32, per_second: f64, clock: &BudgetClock) -> Limiter {
    let period = Duration::from_secs_f64(1.0 / per_second.max(0.001));
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    let quota = GovernorQuota::with_period(period)
        .unwrap_or_else(|| GovernorQuota::per_second(NonZeroU32::MIN))
        .allow_burst(burst);
    RateLimiter::direct_with_clock(quota, clock.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_of_aws_by_default() {
        let b = Budget::default();
        let usage = b.snapshot();
        let service_read = usage
            .iter()
            .find(|u| u.group == "ecs:service-read")
            .map(|u| (u.burst, u.per_second));
        assert_eq!(service_read, Some((50, 10.0)));
        let register = usage
            .iter()
            .find(|u| u.group == "ecs:register-task-definition")
            .map(|u| (u.burst, u.per_second));
        assert_eq!(register, Some((10, 0.5)));
        assert_eq!(usage.len(), quotas::ALL.len());
    }

    #[test]
    fn tiny_fractions_keep_a_burst_of_one() {
        assert_eq!(
            scaled(&quotas::limits("logs", "FilterLogEvents"), 0.01).0,
            1
        );
    }
}
