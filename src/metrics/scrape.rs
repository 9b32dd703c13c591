//! The metrics read from each environment at scrape time: AWS calls by
//! operation and outcome, the budget's buckets, the fleet's caches and
//! refresh lag, live tails.

use std::sync::atomic::AtomicU64;

use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use super::Labels;
use crate::state::Environment;

type Counters<const N: usize> = Family<Labels<N>, Counter>;
type SecondsCounters<const N: usize> = Family<Labels<N>, Counter<f64, AtomicU64>>;
type Gauges<const N: usize> = Family<Labels<N>, Gauge>;
type FloatGauges<const N: usize> = Family<Labels<N>, Gauge<f64, AtomicU64>>;

/// Registers every environment's figures, read now, in `registry`.
pub(super) fn register(registry: &mut Registry, environments: &[Environment]) {
    let aws_calls = Counters::<4>::default();
    let budget_calls = Counters::<2>::default();
    let budget_waited = Counters::<2>::default();
    let budget_wait = SecondsCounters::<2>::default();
    let budget_burst = Gauges::<2>::default();
    let budget_rate = FloatGauges::<2>::default();
    let cache_keys = Gauges::<2>::default();
    let refresh_lag = FloatGauges::<1>::default();
    let tail_pollers = Gauges::<1>::default();
    let tail_sessions = Gauges::<1>::default();
    let tail_streams = Gauges::<1>::default();
    let leader = Gauges::<1>::default();
    for env in environments {
        let name = || ("environment", env.name.clone());
        let budget = env.aws.budget();
        for c in budget.outcomes().snapshot() {
            aws_calls
                .get_or_create(&[
                    name(),
                    ("service", c.service),
                    ("operation", c.operation),
                    ("outcome", c.outcome.as_str().to_string()),
                ])
                .inc_by(c.count);
        }
        for g in budget.snapshot() {
            let labels = [name(), ("group", g.group.to_string())];
            budget_calls.get_or_create(&labels).inc_by(g.calls);
            budget_waited.get_or_create(&labels).inc_by(g.waited);
            budget_wait
                .get_or_create(&labels)
                .inc_by(g.wait_time.as_secs_f64());
            budget_burst.get_or_create(&labels).set(i64::from(g.burst));
            budget_rate.get_or_create(&labels).set(g.per_second);
        }
        for (cache, keys) in env.fleet.sizes() {
            cache_keys
                .get_or_create(&[name(), ("cache", cache.to_string())])
                .set(i64::try_from(keys).unwrap_or(i64::MAX));
        }
        refresh_lag
            .get_or_create(&[name()])
            .set(env.fleet.refresh_lag().as_secs_f64());
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        tail_pollers
            .get_or_create(&[name()])
            .set(count(env.tail.pollers()));
        tail_sessions
            .get_or_create(&[name()])
            .set(count(env.tail.live_sessions()));
        tail_streams
            .get_or_create(&[name()])
            .set(count(env.tail.followed()));
        leader
            .get_or_create(&[name()])
            .set(i64::from(env.is_leader()));
    }
    registry.register(
        "ecsdeck_aws_calls",
        "AWS request attempts sent (SDK retries included), by environment, service (IAM's prefix), operation and outcome: ok, throttled, error",
        aws_calls,
    );
    registry.register(
        "ecsdeck_aws_budget_tokens_used",
        "Tokens taken from the AWS budget's bucket (one per attempt), by environment and action group",
        budget_calls,
    );
    registry.register(
        "ecsdeck_aws_budget_waits",
        "Attempts that waited for the bucket to refill",
        budget_waited,
    );
    registry.register(
        "ecsdeck_aws_budget_wait_seconds",
        "Time attempts spent waiting for the bucket",
        budget_wait,
    );
    registry.register(
        "ecsdeck_aws_budget_burst",
        "The bucket's size: tokens available when full (ecsdeck's share of AWS's burst)",
        budget_burst,
    );
    registry.register(
        "ecsdeck_aws_budget_refill_per_second",
        "The bucket's refill rate (ecsdeck's share of AWS's sustained rate)",
        budget_rate,
    );
    registry.register(
        "ecsdeck_fleet_cache_keys",
        "Keys the fleet model holds, by environment and cache",
        cache_keys,
    );
    registry.register(
        "ecsdeck_refresh_lag_seconds",
        "Age of the oldest copy someone looked at within the last minute (0 when none)",
        refresh_lag,
    );
    registry.register(
        "ecsdeck_tail_pollers",
        "Log streams with a running tail feed (Live Tail or polling)",
        tail_pollers,
    );
    registry.register(
        "ecsdeck_tail_live_sessions",
        "CloudWatch Logs Live Tail sessions held",
        tail_sessions,
    );
    registry.register(
        "ecsdeck_tail_followed_streams",
        "Distinct log streams users follow live",
        tail_streams,
    );
    registry.register(
        "ecsdeck_leader",
        "1 while this replica leads the environment (runs its background refresh and prunes its history; always 1 on SQLite), 0 while it follows",
        leader,
    );
}
