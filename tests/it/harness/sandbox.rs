//! The sandbox on port 0: SDK clients pointed at it, its call counters,
//! writing log lines straight into it, and polling until it gets somewhere.

use std::future::Future;
use std::time::{Duration, Instant};

use ecsdeck::sandbox::server::lock;
use ecsdeck::sandbox::{self, SandboxConfig, SandboxHandle};

pub struct Sdk {
    pub ecs: aws_sdk_ecs::Client,
    pub ecr: aws_sdk_ecr::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub autoscaling: aws_sdk_applicationautoscaling::Client,
}

/// Starts a sandbox on 127.0.0.1:0.
pub async fn start_sandbox(config: SandboxConfig) -> SandboxHandle {
    super::init_tracing();
    sandbox::start(config, "127.0.0.1:0".parse().unwrap())
        .await
        .expect("sandbox starts")
}

/// Starts a sandbox on 127.0.0.1:0 in `region` (e.g. `eu-west-1`): its
/// ARNs, availability zones and registry host carry that region.
pub async fn start_sandbox_in(region: &str, config: SandboxConfig) -> SandboxHandle {
    let region = sandbox::region::Region::parse(region).expect("a region name");
    start_sandbox(config.with_region(region)).await
}

/// Real SDK clients pointed at the sandbox.
pub async fn sdk(sb: &SandboxHandle) -> Sdk {
    // Unlimited: tests drive the sandbox with these, throttling included.
    let budget = std::sync::Arc::new(ecsdeck::aws::Budget::unlimited());
    let conf = ecsdeck::aws::config::sandbox_sdk_config(&sb.endpoint_url(), budget).await;
    Sdk {
        ecs: aws_sdk_ecs::Client::new(&conf),
        ecr: aws_sdk_ecr::Client::new(&conf),
        logs: aws_sdk_cloudwatchlogs::Client::new(&conf),
        cloudwatch: aws_sdk_cloudwatch::Client::new(&conf),
        autoscaling: aws_sdk_applicationautoscaling::Client::new(&conf),
    }
}

/// Moves the simulation `minutes` ahead at once and lets the sandbox act
/// on it (schedules, scaling, alarms) — no sleeping.
pub fn skip_minutes(sb: &SandboxHandle, minutes: i64) {
    let world = sb.world();
    let mut w = lock(&world);
    w.clock.skip(minutes * 60_000);
    w.advance();
}

/// `/_sandbox/stats` as JSON.
pub async fn sandbox_stats(sb: &SandboxHandle) -> serde_json::Value {
    reqwest::get(format!("{}/_sandbox/stats", sb.endpoint_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Clears the sandbox's call counters.
pub async fn reset_stats(sb: &SandboxHandle) {
    let status = reqwest::Client::new()
        .post(format!("{}/_sandbox/stats/reset", sb.endpoint_url()))
        .send()
        .await
        .unwrap()
        .status();
    assert!(status.is_success());
}

/// How many times `op` (e.g. "ecs:DescribeServices") was called.
pub fn calls(stats: &serde_json::Value, op: &str) -> u64 {
    stats["calls"][op].as_u64().unwrap_or(0)
}

/// How many calls of any kind.
pub fn total_calls(stats: &serde_json::Value) -> u64 {
    stats["calls"]
        .as_object()
        .map(|m| m.values().filter_map(|v| v.as_u64()).sum())
        .unwrap_or(0)
}

/// Polls `check` until it returns `Some`, or panics after `deadline`.
pub async fn poll_until<T, F, Fut>(what: &str, deadline: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            start.elapsed() < deadline,
            "timed out after {deadline:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Appends `lines` to `group/stream` stamped `step_ms` apart from sim-now
/// + `offset_ms`; returns the first timestamp.
pub fn write_lines(
    sb: &SandboxHandle,
    group: &str,
    stream: &str,
    offset_ms: i64,
    step_ms: i64,
    lines: &[String],
) -> i64 {
    let world = sb.world();
    let mut w = lock(&world);
    let now = w.clock.now_ms();
    let start = now + offset_ms;
    let events: Vec<(i64, String)> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| (start + i as i64 * step_ms, l.clone()))
        .collect();
    w.logs.append(group, stream, &events, now);
    start
}

pub fn strings(lines: &[&str]) -> Vec<String> {
    lines.iter().map(|s| s.to_string()).collect()
}
