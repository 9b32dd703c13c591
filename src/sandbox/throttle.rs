//! AWS-style request throttling: token buckets per action group, on real
//! (not simulated) time, at 100% of AWS's published limits
//! (`crate::aws::quotas`, the table ecsdeck's own client budget takes a
//! fraction of).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use crate::aws::quotas::limits;

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    burst: f64,
    rate: f64,
    last: Instant,
}

/// All buckets of one sandbox.
#[derive(Debug, Default)]
pub struct Buckets {
    buckets: Mutex<HashMap<&'static str, Bucket>>,
}

impl Buckets {
    /// Takes a token for `service:op`; `false` means "Rate exceeded".
    pub fn try_take(&self, service: &str, op: &str) -> bool {
        let quota = limits(service, op);
        let (burst, rate) = (f64::from(quota.burst), quota.per_second);
        let mut map = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let b = map.entry(quota.group).or_insert(Bucket {
            tokens: burst,
            burst,
            rate,
            last: now,
        });
        let elapsed = now.duration_since(b.last).as_secs_f64();
        b.tokens = (b.tokens + elapsed * b.rate).min(b.burst);
        b.last = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_its_burst_then_refuses() {
        let b = Buckets::default();
        let allowed = (0..60)
            .filter(|_| b.try_take("ecs", "UpdateService"))
            .count();
        assert!((50..=51).contains(&allowed), "allowed {allowed}");
        assert!(
            b.try_take("ecs", "DescribeServices"),
            "other groups are separate"
        );
    }
}
