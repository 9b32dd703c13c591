//! AWS-style request throttling: token buckets per action group, on real
//! (not simulated) time.
//!
//! ECS throttles per action group with a burst bucket and a sustained refill
//! rate; CloudWatch Logs and ECR have per-operation requests-per-second
//! quotas (modelled as a bucket whose burst equals one second's rate).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// (bucket name, burst, refill per second) for one call.
pub fn limits(service: &str, op: &str) -> (String, f64, f64) {
    let (group, burst, rate) = match (service, op) {
        (
            "ecs",
            "DescribeClusters"
            | "ListClusters"
            | "ListContainerInstances"
            | "DescribeContainerInstances",
        ) => ("cluster-read", 100.0, 20.0),
        (
            "ecs",
            "DescribeServices"
            | "ListServices"
            | "ListServiceDeployments"
            | "DescribeServiceDeployments",
        ) => ("service-read", 100.0, 20.0),
        ("ecs", "DescribeTasks" | "ListTasks") => ("task-read", 100.0, 20.0),
        (
            "ecs",
            "DescribeTaskDefinition" | "ListTaskDefinitions" | "ListTaskDefinitionFamilies",
        ) => ("task-definition-read", 100.0, 20.0),
        ("ecs", "UpdateService") => ("UpdateService", 50.0, 5.0),
        ("ecs", "RegisterTaskDefinition") => ("RegisterTaskDefinition", 20.0, 1.0),
        ("ecs", "RunTask") => ("RunTask", 100.0, 40.0),
        ("ecs", "StopTask") => ("StopTask", 100.0, 40.0),
        ("ecs", "StopServiceDeployment") => ("StopServiceDeployment", 20.0, 1.0),
        ("ecs", _) => ("other", 100.0, 20.0),
        ("logs", "GetLogEvents") => ("GetLogEvents", 25.0, 25.0),
        ("logs", "FilterLogEvents") => ("FilterLogEvents", 5.0, 5.0),
        ("logs", "DescribeLogStreams") => ("DescribeLogStreams", 25.0, 25.0),
        ("logs", "DescribeLogGroups") => ("DescribeLogGroups", 10.0, 10.0),
        ("logs", _) => ("other", 10.0, 10.0),
        ("ecr", "BatchGetImage") => ("BatchGetImage", 2000.0, 2000.0),
        ("ecr", "ListImages") => ("ListImages", 20.0, 20.0),
        ("ecr", _) => (op, 10.0, 10.0),
        _ => ("other", 100.0, 20.0),
    };
    (format!("{service}:{group}"), burst, rate)
}

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
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl Buckets {
    /// Takes a token for `service:op`; `false` means "Rate exceeded".
    pub fn try_take(&self, service: &str, op: &str) -> bool {
        let (name, burst, rate) = limits(service, op);
        let mut map = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let b = map.entry(name).or_insert(Bucket {
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
