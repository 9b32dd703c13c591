//! A live tail lasts longer than the request the guard checked: it ends,
//! with a last event saying why, once its session is signed out or expires,
//! its user is removed, their password reset or their role changed, and
//! when the server shuts down (graceful shutdown does not wait for it).
//! The session is re-checked every 50 ms here (30 s by default).

use std::time::Duration;

use ecsdeck::auth::Ended;
use ecsdeck::sandbox::{Fleet, SandboxConfig, SandboxHandle};

use crate::harness::*;

const WAIT: Duration = Duration::from_secs(20);
const TAIL: &str = "/sandbox/logs/tail?group=%2Fit%2Fend&stream=web%2F1&after=0";

async fn served() -> (SandboxHandle, TestApp, String) {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 1.0)).await;
    write_lines(&sb, "/it/end", "web/1", -1_000, 1, &strings(&["first"]));
    let app = TestApp::with_auth(&sb, Backend::Sqlite, |c| {
        c.recheck_every = Duration::from_millis(50);
    })
    .await
    .unwrap();
    let base = app.serve().await;
    (sb, app, base)
}

async fn open_tail(client: &HttpClient) -> reqwest::Response {
    let resp = client.stream(TAIL, &[]).await;
    assert_eq!(resp.status(), 200);
    resp
}

/// Everything the tail sends until it closes (which it must, in time).
async fn until_closed(mut resp: reqwest::Response) -> String {
    let mut seen = String::new();
    tokio::time::timeout(WAIT, async {
        while let Some(chunk) = resp.chunk().await.unwrap() {
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await
    .unwrap_or_else(|_| panic!("the tail is still open: {seen}"));
    seen
}

fn assert_ended(seen: &str, why: &str) {
    assert!(seen.contains("event: end"), "{seen}");
    assert!(seen.contains(&format!("Live tail ended: {why}")), "{seen}");
}

#[tokio::test]
async fn the_tail_ends_at_sign_out_and_others_go_on() {
    let (sb, _app, base) = served().await;
    let leaving = HttpClient::signed_in(&base, "viewer").await;
    let staying = HttpClient::signed_in(&base, "viewer").await;
    let ends = open_tail(&leaving).await;
    let mut goes_on = open_tail(&staying).await;
    let page = leaving.post_form("/logout", &[]).await;
    assert_eq!(page.status, 303);
    assert_ended(&until_closed(ends).await, Ended::SignedOut.message());
    // The other session's tail passed many re-checks and still streams.
    write_lines(&sb, "/it/end", "web/1", 0, 1, &strings(&["still here"]));
    let mut seen = String::new();
    tokio::time::timeout(WAIT, async {
        while !seen.contains("still here") {
            let chunk = goes_on.chunk().await.unwrap().expect("still open");
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await
    .expect("the signed-in viewer's tail goes on");
    assert!(!seen.contains("event: end"), "{seen}");
}

#[tokio::test]
async fn the_tail_ends_when_the_session_expires() {
    let (_sb, app, base) = served().await;
    let client = HttpClient::signed_in(&base, "viewer").await;
    let tail = open_tail(&client).await;
    app.clock()
        .advance(app.state.auth.config.idle_timeout + Duration::from_secs(1));
    assert_ended(&until_closed(tail).await, Ended::Expired.message());
}

#[tokio::test]
async fn the_tail_ends_when_the_user_is_removed_or_changed() {
    let (_sb, app, base) = served().await;
    let store = app.state.store().clone();
    let viewer = HttpClient::signed_in(&base, "viewer").await;
    let operator = HttpClient::signed_in(&base, "operator").await;
    let admin = HttpClient::signed_in(&base, "admin").await;
    let removed = open_tail(&viewer).await;
    let demoted = open_tail(&operator).await;
    let reset = open_tail(&admin).await;
    store.user_remove("viewer").await.unwrap();
    store.user_set_role("operator", "viewer").await.unwrap();
    store
        .user_set_password("admin", password_hash())
        .await
        .unwrap();
    assert_ended(&until_closed(removed).await, Ended::SignedOut.message());
    assert_ended(&until_closed(demoted).await, Ended::RoleChanged.message());
    assert_ended(&until_closed(reset).await, Ended::SignedOut.message());
}

#[tokio::test]
async fn the_tail_ends_at_a_role_change_even_with_its_session_intact() {
    let (_sb, app, base) = served().await;
    let client = HttpClient::signed_in(&base, "operator").await;
    let tail = open_tail(&client).await;
    app.state
        .store()
        .user_set_role("operator", "admin")
        .await
        .unwrap();
    assert_ended(&until_closed(tail).await, Ended::RoleChanged.message());
}

#[tokio::test]
async fn graceful_shutdown_ends_open_tails() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 1.0)).await;
    write_lines(&sb, "/it/end", "web/1", -1_000, 1, &strings(&["first"]));
    let state = app_state(&sb).await; // re-checks every 30 s: only shutdown ends it
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(ecsdeck::server::serve_until(listener, state, async {
        let _ = stopped.await;
    }));
    let client = HttpClient::signed_in(&base, "viewer").await;
    let tail = open_tail(&client).await;
    stop.send(()).unwrap();
    assert_ended(
        &until_closed(tail).await,
        "The server is shutting down; the live tail stopped.",
    );
    tokio::time::timeout(WAIT, server)
        .await
        .expect("the server stops without waiting for the tail")
        .unwrap()
        .unwrap();
}
