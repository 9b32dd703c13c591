//! Load smoke (the full 60 s run is in the benchmark): 200 concurrent
//! loopback connections, each a client of its own with the one signed-in
//! session, walk the main pages. Every answer is a 200 — no refused
//! connection, no timeout, no 5xx — and the sandbox saw no throttling.

use ecsdeck::sandbox::{Fleet, SandboxConfig};
use reqwest::cookie::CookieStore;
use reqwest::header::{COOKIE, HeaderMap};

use crate::browse_pages::FROZEN;
use crate::harness::*;

const CONNECTIONS: usize = 200;
const ROUNDS: usize = 3;

#[tokio::test]
async fn two_hundred_connections_walk_the_main_pages_without_an_error() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, FROZEN)).await;
    let state = app_state(&sb).await;
    let base = serve(state).await;
    let viewer = HttpClient::signed_in(&base, "viewer").await;
    let cookie = viewer
        .jar
        .cookies(&base.parse().unwrap())
        .expect("a session cookie");
    let pages = [
        "/",
        "/sandbox/clusters/acme-production",
        "/sandbox/clusters/acme-production/services/acme-production",
        "/sandbox/clusters/acme-production/tasks",
        "/sandbox/images",
        "/sandbox/task-definitions",
        "/audit",
    ];
    // Every page once first, so the load measures what memory answers.
    for p in pages {
        assert_eq!(viewer.get(p).await.status, 200, "{p}");
    }
    let clients: Vec<reqwest::Client> = (0..CONNECTIONS)
        .map(|_| {
            let mut headers = HeaderMap::new();
            headers.insert(COOKIE, cookie.clone());
            reqwest::Client::builder()
                .default_headers(headers)
                .pool_max_idle_per_host(1)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap()
        })
        .collect();
    let results = futures::future::join_all(clients.iter().enumerate().map(|(i, c)| {
        let base = base.clone();
        async move {
            let mut failures = Vec::new();
            for round in 0..ROUNDS * pages.len() {
                let path = pages[(i + round) % pages.len()];
                match c.get(format!("{base}{path}")).send().await {
                    Ok(r) if r.status() == 200 => {
                        let body = r.text().await.unwrap_or_default();
                        if !body.contains("</html>") {
                            failures.push(format!("{path}: truncated"));
                        }
                    }
                    Ok(r) => failures.push(format!("{path}: {}", r.status())),
                    Err(e) => failures.push(format!("{path}: {e}")),
                }
            }
            failures
        }
    }))
    .await;
    let failures: Vec<String> = results.into_iter().flatten().collect();
    assert!(
        failures.is_empty(),
        "{} of {} requests failed, e.g. {:?}",
        failures.len(),
        CONNECTIONS * ROUNDS * pages.len(),
        &failures[..failures.len().min(5)]
    );
    let stats = sandbox_stats(&sb).await;
    assert_eq!(stats["throttled"], serde_json::json!({}), "{stats}");
}
