//! The server's own limits, tried as an attacker would: a client that
//! never finishes its headers is disconnected, ordinary requests time out
//! (the live tail streams on), a client's `X-Request-Id` is kept only when
//! sane, signed-in pages are not cached, and refusals cannot flood the
//! audit trail.

use std::sync::Arc;
use std::time::Duration;

use ecsdeck::auth::{FIELD_MAX, TRUNCATED};
use ecsdeck::sandbox::control::ControlState;
use ecsdeck::sandbox::{Fleet, SandboxConfig, SandboxHandle};
use ecsdeck::server::ServerLimits;
use ecsdeck::state::{AppState, Settings};
use ecsdeck::store::{AuditEntry, AuditFilter};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::harness::*;

const WAIT: Duration = Duration::from_secs(20);
const SCALE: &str = "/sandbox/clusters/c/services/s/scale";

async fn empty_sandbox() -> SandboxHandle {
    start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 1.0)).await
}

/// The test app's state with the server's limits `limits`.
async fn state_with(sb: &SandboxHandle, limits: ServerLimits) -> AppState {
    let mut state = app_state(sb).await;
    state.settings = Arc::new(Settings {
        server: limits,
        ..test_settings()
    });
    state
}

async fn audited(app: &TestApp, user: &str) -> Vec<AuditEntry> {
    let filter = AuditFilter {
        user: Some(user.to_string()),
        ..Default::default()
    };
    app.state.store().audit_list(&filter, 10_000).await.unwrap()
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_disconnected() {
    let sb = empty_sandbox().await;
    let limits = ServerLimits {
        header_read_timeout: Duration::from_millis(200),
        ..ServerLimits::default()
    };
    let base = serve(state_with(&sb, limits).await).await;
    let addr = base.strip_prefix("http://").unwrap();
    let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .await
        .unwrap();
    // The server closes the connection (whatever it says first); without a
    // header-read timeout this read would wait forever.
    let mut answer = Vec::new();
    tokio::time::timeout(WAIT, slow.read_to_end(&mut answer))
        .await
        .expect("the server hangs up on a client that never finishes its headers")
        .ok();
    // A client that sends its request in time is served.
    let page = HttpClient::anonymous(&base).get("/healthz").await;
    assert_eq!(page.status, 200);
}

#[tokio::test]
async fn ordinary_requests_time_out_but_the_live_tail_streams_on() {
    let sb = empty_sandbox().await;
    let limits = ServerLimits {
        request_timeout: Duration::from_millis(300),
        ..ServerLimits::default()
    };
    let state = state_with(&sb, limits).await;
    let base = serve(state.clone()).await;
    // Sign in on a server of the same app without the short timeout: the
    // password check alone may take 300 ms on a busy machine.
    let relaxed = AppState {
        settings: Arc::new(test_settings()),
        ..state.clone()
    };
    let client = HttpClient::signed_in(&serve(relaxed).await, "viewer")
        .await
        .at(&base);

    // AWS does not answer: the overview's first load waits for it, and the
    // request ends at the timeout instead of holding the connection.
    sb.control().set(ControlState {
        stall: true,
        ..Default::default()
    });
    let page = tokio::time::timeout(WAIT, client.get("/"))
        .await
        .expect("the request timeout answers");
    assert_eq!(page.status, 408);
    assert!(
        page.texts("main")
            .join(" ")
            .contains("took longer than 1 s to prepare"),
        "the timeout says what happened: {}",
        page.body
    );
    sb.control().set(ControlState::default());

    // The tail's next poll comes a second after its first (TailTiming's
    // minimum), well past the 300 ms: a line arriving then shows the stream
    // outlived the request timeout.
    write_lines(&sb, "/it/t", "web/1", -1_000, 1, &strings(&["before"]));
    let mut resp = client
        .stream(
            "/sandbox/logs/tail?group=%2Fit%2Ft&stream=web%2F1&after=0",
            &[],
        )
        .await;
    assert_eq!(resp.status(), 200);
    reset_stats(&sb).await;
    poll_until("the first poll", WAIT, || async {
        (calls(&sandbox_stats(&sb).await, "logs:GetLogEvents") >= 1).then_some(())
    })
    .await;
    write_lines(&sb, "/it/t", "web/1", 0, 1, &strings(&["later line"]));
    let mut seen = String::new();
    tokio::time::timeout(WAIT, async {
        while !seen.contains("later line") {
            let chunk = resp.chunk().await.unwrap().expect("the tail goes on");
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await
    .expect("the line arrives");
}

#[tokio::test]
async fn a_client_request_id_is_kept_only_when_valid() {
    let sb = empty_sandbox().await;
    let app = TestApp::on(&sb).await;
    let viewer = app.session("viewer").await;
    let csrf = viewer.csrf.clone();
    let fields = [("desired", "3"), ("csrf_token", csrf.as_str())];
    let huge = "x".repeat(10 * 1024);
    let refused = viewer
        .post_raw(SCALE, &[("x-request-id", &huge)], &fields)
        .await;
    assert_eq!(refused.status, 403);
    let given = refused.header("x-request-id");
    let rows = audited(&app, "viewer").await;
    assert_eq!(rows.len(), 1);
    let stored = rows[0].request_id.clone().unwrap();
    assert_eq!(stored, given, "the answer names the stored id");
    assert!(stored.len() <= 64 && stored != huge, "{stored}");
    assert!(
        uuid::Uuid::parse_str(&stored).is_ok(),
        "a generated id: {stored}"
    );

    for bad in ["<script>alert(1)</script>", "a b", ""] {
        let page = viewer
            .post_raw(SCALE, &[("x-request-id", bad)], &fields)
            .await;
        assert!(uuid::Uuid::parse_str(page.header("x-request-id")).is_ok());
    }
    let good = "client-id_1.2";
    let page = viewer
        .post_raw(SCALE, &[("x-request-id", good)], &fields)
        .await;
    assert_eq!(page.header("x-request-id"), good);
    let rows = audited(&app, "viewer").await;
    assert_eq!(rows[0].request_id.as_deref(), Some(good), "kept when valid");
    assert!(rows.iter().all(|r| {
        let id = r.request_id.as_deref().unwrap_or("");
        id == good || uuid::Uuid::parse_str(id).is_ok()
    }));
}

#[tokio::test]
async fn signed_in_pages_are_not_cached() {
    let sb = empty_sandbox().await;
    let app = TestApp::on(&sb).await;
    let viewer = app.session("viewer").await;
    for path in [
        "/audit",
        "/logout",
        "/sandbox/task-definitions",
        "/no/such/page",
    ] {
        let page = viewer.get(path).await;
        assert_eq!(page.header("cache-control"), "no-store", "{path}");
    }
    let forbidden = viewer.get("/admin/users").await;
    assert_eq!(forbidden.status, 403);
    assert_eq!(forbidden.header("cache-control"), "no-store");
}

#[tokio::test]
async fn a_viewers_refusals_write_a_bounded_number_of_audit_rows() {
    let sb = empty_sandbox().await;
    let app = TestApp::on(&sb).await;
    let per_user = app.state.auth.config.denied_audit.per_user as usize;
    let viewer = app.session("viewer").await;
    let csrf = viewer.csrf.clone();
    let big = "y".repeat(60 * 1024);
    for _ in 0..1_000 {
        let page = viewer
            .post_raw(SCALE, &[], &[("desired", &big), ("csrf_token", &csrf)])
            .await;
        assert_eq!(page.status, 403);
    }
    let rows = audited(&app, "viewer").await;
    assert_eq!(rows.len(), per_user, "at most {per_user} rows a window");
    for row in &rows {
        let desired = row.params["desired"].as_str().unwrap();
        assert!(desired.len() <= FIELD_MAX, "{}", desired.len());
        assert!(desired.ends_with(TRUNCATED));
    }
    // A rate, not a cap: the next window audits again.
    app.clock()
        .advance(app.state.auth.config.denied_audit.window);
    let page = viewer
        .post_raw(SCALE, &[], &[("desired", "3"), ("csrf_token", &csrf)])
        .await;
    assert_eq!(page.status, 403);
    assert_eq!(audited(&app, "viewer").await.len(), per_user + 1);
}
