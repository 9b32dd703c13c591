//! Shared test helpers: a sandbox on port 0 and SDK clients pointed at it.

use std::future::Future;
use std::time::{Duration, Instant};

use ecsdeck::sandbox::{self, SandboxConfig, SandboxHandle};

pub struct Sdk {
    pub ecs: aws_sdk_ecs::Client,
    pub ecr: aws_sdk_ecr::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
}

/// Starts a sandbox on 127.0.0.1:0.
pub async fn start_sandbox(config: SandboxConfig) -> SandboxHandle {
    sandbox::start(config, "127.0.0.1:0".parse().unwrap())
        .await
        .expect("sandbox starts")
}

/// Real SDK clients pointed at the sandbox.
pub async fn sdk(sb: &SandboxHandle) -> Sdk {
    let conf = ecsdeck::aws::config::sandbox_sdk_config(&sb.endpoint_url()).await;
    Sdk {
        ecs: aws_sdk_ecs::Client::new(&conf),
        ecr: aws_sdk_ecr::Client::new(&conf),
        logs: aws_sdk_cloudwatchlogs::Client::new(&conf),
    }
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
        assert!(start.elapsed() < deadline, "timed out after {deadline:?} waiting for {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}
