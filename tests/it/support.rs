//! Shared test helpers: a sandbox on port 0 and SDK clients pointed at it.
#![allow(dead_code)] // each test module uses a different subset

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
    // Unlimited: tests drive the sandbox with these, throttling included.
    let budget = std::sync::Arc::new(ecsdeck::aws::Budget::unlimited());
    let conf = ecsdeck::aws::config::sandbox_sdk_config(&sb.endpoint_url(), budget).await;
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
        assert!(
            start.elapsed() < deadline,
            "timed out after {deadline:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// A dashboard whose one environment ("sandbox") points at `sb`, with a
/// fresh SQLite state store holding the users `viewer`, `operator` and
/// `admin` (see auth_support.rs to sign them in).
pub async fn app_state(sb: &SandboxHandle) -> ecsdeck::state::AppState {
    use crate::auth_support::{
        Backend, add_test_users, app_state_with, test_auth_config, test_store,
    };
    let store = test_store(Backend::Sqlite).await.unwrap();
    add_test_users(&store).await;
    app_state_with(sb, store, test_auth_config()).await
}

/// Serves `app(state)` on 127.0.0.1:0 and returns its base URL.
pub async fn spawn_app(state: ecsdeck::state::AppState) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = ecsdeck::app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    format!("http://{addr}")
}

/// A GET through the router itself (no socket), with extra headers.
pub async fn get(app: &axum::Router, path: &str, headers: &[(&str, &str)]) -> Page {
    use tower::ServiceExt;
    let mut req = axum::http::Request::get(path);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = app
        .clone()
        .oneshot(req.body(axum::body::Body::empty()).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = axum::body::to_bytes(resp.into_body(), 16 * 1024 * 1024)
        .await
        .unwrap();
    Page {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// A response as a test sees it.
#[derive(Debug)]
pub struct Page {
    pub status: axum::http::StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Page {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap())
            .unwrap_or("")
    }
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
