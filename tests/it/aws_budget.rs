//! The client-side AWS budget: token buckets at a fraction of AWS's limits,
//! spent by every SDK request attempt, with writes in buckets of their own.
//! Deterministic: the buckets run on a fake clock that only the test moves.

use std::sync::Arc;
use std::time::Duration;

use ecsdeck::aws::budget::FakeRelativeClock;
use ecsdeck::aws::{Budget, BudgetClock, quotas};
use ecsdeck::sandbox::SandboxConfig;
use futures::FutureExt;

use crate::harness::{calls, poll_until, sandbox_stats, start_sandbox};

fn fake_budget(fraction: f64) -> (Arc<Budget>, FakeRelativeClock) {
    let clock = FakeRelativeClock::default();
    let budget = Budget::with_clock(fraction, BudgetClock::Fake(clock.clone()));
    (Arc::new(budget), clock)
}

fn usage(budget: &Budget, group: &str) -> ecsdeck::aws::GroupUsage {
    budget
        .snapshot()
        .into_iter()
        .find(|u| u.group == group)
        .unwrap()
}

#[tokio::test]
async fn a_bucket_lets_its_burst_through_then_waits_for_the_clock() {
    // 10% of ecs:service-read (burst 100, 20/s): burst 10, one every 500 ms.
    let (budget, clock) = fake_budget(0.1);
    assert_eq!(usage(&budget, "ecs:service-read").burst, 10);
    for i in 0..10 {
        assert!(
            budget
                .acquire("ecs", "DescribeServices")
                .now_or_never()
                .is_some(),
            "acquisition {i} of the burst waited"
        );
    }
    assert!(
        budget
            .acquire("ecs", "ListServices")
            .now_or_never()
            .is_none(),
        "the 11th went through with an empty bucket"
    );
    clock.advance(Duration::from_millis(499));
    assert!(
        budget
            .acquire("ecs", "DescribeServices")
            .now_or_never()
            .is_none()
    );
    // Other groups, writes above all, have their own buckets.
    assert!(budget.acquire("ecs", "ListTasks").now_or_never().is_some());
    assert!(
        budget
            .acquire("ecs", "UpdateService")
            .now_or_never()
            .is_some()
    );
    clock.advance(Duration::from_millis(1));
    assert!(
        budget
            .acquire("ecs", "DescribeServices")
            .now_or_never()
            .is_some()
    );
    assert!(
        budget
            .acquire("ecs", "DescribeServices")
            .now_or_never()
            .is_none()
    );

    let read = usage(&budget, "ecs:service-read");
    assert_eq!(read.calls, 11, "tokens taken");
    assert_eq!(read.waited, 3, "acquisitions that found the bucket empty");
    assert_eq!(usage(&budget, "ecs:update-service").calls, 1);
}

#[tokio::test]
async fn sdk_calls_beyond_the_burst_wait_and_writes_do_not_queue_behind_them() {
    let sb = start_sandbox(SandboxConfig::one_cluster("app", 1, 0)).await;
    // 5% of ecs:service-read: a burst of 5; the clock never moves until
    // the test says so, so nothing refills.
    let (budget, clock) = fake_budget(0.05);
    let conf = ecsdeck::aws::config::sandbox_sdk_config(&sb.endpoint_url(), budget.clone()).await;
    let ecs = aws_sdk_ecs::Client::new(&conf);
    let burst = usage(&budget, "ecs:service-read").burst;
    assert_eq!(burst, 5);

    let describes: Vec<_> = (0..12)
        .map(|_| {
            let ecs = ecs.clone();
            tokio::spawn(async move {
                ecs.describe_services()
                    .cluster("app")
                    .services("svc-00000")
                    .send()
                    .await
            })
        })
        .collect();
    poll_until(
        "7 describes waiting for tokens",
        Duration::from_secs(10),
        || {
            let u = usage(&budget, "ecs:service-read");
            async move { (u.calls == 5 && u.waited == 7).then_some(()) }
        },
    )
    .await;
    poll_until("the burst answered", Duration::from_secs(10), || {
        let done = describes.iter().filter(|h| h.is_finished()).count();
        let sb = &sb;
        async move {
            let sent = calls(&sandbox_stats(sb).await, "ecs:DescribeServices");
            (done == 5 && sent == u64::from(burst)).then_some(())
        }
    })
    .await;

    // The read bucket is empty; a write still goes straight through.
    tokio::time::timeout(
        Duration::from_secs(10),
        ecs.update_service()
            .cluster("app")
            .service("svc-00000")
            .desired_count(2)
            .send(),
    )
    .await
    .expect("UpdateService queued behind the reads")
    .unwrap();
    let stats = sandbox_stats(&sb).await;
    assert_eq!(calls(&stats, "ecs:UpdateService"), 1);
    assert_eq!(calls(&stats, "ecs:DescribeServices"), 5, "reads still wait");

    // Time passes (5 s, a full bucket, per poll): every waiting describe
    // is sent.
    poll_until("the waiting describes", Duration::from_secs(20), || {
        clock.advance(Duration::from_secs(5));
        let done = describes.iter().all(|h| h.is_finished());
        async move { done.then_some(()) }
    })
    .await;
    for h in describes {
        assert_eq!(h.await.unwrap().unwrap().services().len(), 1);
    }
    let stats = sandbox_stats(&sb).await;
    assert_eq!(calls(&stats, "ecs:DescribeServices"), 12);
    assert_eq!(usage(&budget, "ecs:service-read").calls, 12);
    sb.shutdown().await;
}

/// `(service, Operation)` for every `self.ecs.x()`, `self.ecr.x()` and
/// `self.logs.x()` call in `src/aws/`.
fn operations_in_src_aws() -> Vec<(&'static str, String)> {
    let mut files = Vec::new();
    let mut dirs = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/aws")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path);
            }
        }
    }
    let mut ops = Vec::new();
    for file in files {
        // Without whitespace, so `self\n    .ecs\n    .list_tasks()` matches.
        let text: String = std::fs::read_to_string(file)
            .unwrap()
            .split_whitespace()
            .collect();
        for (client, service) in [
            ("self.ecs", "ecs"),
            ("self.ecr", "ecr"),
            ("self.logs", "logs"),
        ] {
            for (at, _) in text.match_indices(client) {
                let Some(rest) = text[at + client.len()..].strip_prefix('.') else {
                    continue;
                };
                let method: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                let pascal: String = method
                    .split('_')
                    .map(|w| {
                        let mut c = w.chars();
                        c.next()
                            .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                            .unwrap_or_default()
                    })
                    .collect();
                ops.push((service, pascal));
            }
        }
    }
    ops.sort();
    ops.dedup();
    ops
}

#[test]
fn every_operation_ecsdeck_calls_has_a_named_bucket() {
    let ops = operations_in_src_aws();
    for expected in [
        ("ecs", "DescribeServices"),
        ("ecs", "UpdateService"),
        ("ecs", "StopServiceDeployment"),
        ("ecr", "DescribeImages"),
        ("logs", "FilterLogEvents"),
    ] {
        assert!(
            ops.iter().any(|(s, o)| (*s, o.as_str()) == expected),
            "{expected:?} not found in {ops:?}"
        );
    }
    assert!(ops.len() >= 20, "{ops:?}");
    for (service, op) in &ops {
        let q = quotas::limits(service, op);
        assert!(
            !q.group.ends_with("other"),
            "{service}:{op} falls into {}: give it its group in src/aws/quotas.rs",
            q.group
        );
        assert!(
            quotas::ALL.contains(&q),
            "{} is not in quotas::ALL",
            q.group
        );
        let write = ["Update", "Register", "Stop", "Run"]
            .iter()
            .any(|w| op.starts_with(w));
        assert_eq!(q.mutation, write, "{service}:{op} mutation flag");
    }
}
