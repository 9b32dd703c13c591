//! The logs' AWS budget: identical log reads are shared (N viewers of one
//! view cost the FilterLogEvents calls of one), live tails are capped per
//! user and per environment with a reason, and the log cache stays bounded
//! however many distinct views are asked for.

use std::sync::Arc;
use std::time::Duration;

use axum::response::Response;
use futures::StreamExt;

use ecsdeck::domain::Timestamp;
use ecsdeck::fleet::Fleet as ReadModel;
use ecsdeck::fleet::logs::{LogCacheLimits, LogView, TailHub, TailLimits, TailTiming};
use ecsdeck::sandbox::{Fleet, SandboxConfig};
use ecsdeck::state::AppState;

use crate::harness::*;

/// The test app's state with a log cache that never expires during a test
/// (so sharing does not depend on timing) and the given tail caps.
async fn state_with(sb: &ecsdeck::sandbox::SandboxHandle, limits: TailLimits) -> AppState {
    let plain = app_state(sb).await;
    let mut env = plain.environments[0].clone();
    env.fleet = Arc::new(
        ReadModel::new(env.aws.clone()).with_log_cache(LogCacheLimits {
            ttl: Duration::from_secs(3600),
            ..LogCacheLimits::default()
        }),
    );
    env.tail = Arc::new(TailHub::new(env.aws.clone(), TailTiming::default()).with_limits(limits));
    AppState::new(test_settings(), vec![env], plain.auth.clone())
}

#[tokio::test]
async fn ten_viewers_of_one_view_cost_the_filter_log_events_calls_of_one() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 1.0)).await;
    for stream in ["web/app/1", "web/app/2"] {
        write_lines(
            &sb,
            "/it/budget",
            stream,
            -60_000,
            10,
            &strings(&["ERROR boom", "all fine", "ERROR again"]),
        );
    }
    let state = state_with(&sb, TailLimits::default()).await;
    let fleet = state.environments[0].fleet.clone();
    let app = TestApp::new(state).session("viewer").await;
    // A preset range: each request computes its own "now", yet all share.
    let url = "/sandbox/logs?group=%2Fit%2Fbudget&stream=web%2Fapp%2F1&stream=web%2Fapp%2F2&filter=ERROR&since=1h";

    reset_stats(&sb).await;
    let page = app.ok(url).await;
    assert_eq!(page.log_messages().len(), 4, "{}", page.body);
    let one = calls(&sandbox_stats(&sb).await, "logs:FilterLogEvents");
    assert!(one >= 1);

    fleet.clear_log_cache();
    reset_stats(&sb).await;
    let pages = futures::future::join_all((0..10).map(|_| app.ok(url))).await;
    for page in &pages {
        assert_eq!(page.log_messages().len(), 4, "every viewer sees the lines");
    }
    let ten = calls(&sandbox_stats(&sb).await, "logs:FilterLogEvents");
    eprintln!("FilterLogEvents: 1 viewer {one}, 10 concurrent viewers {ten}");
    assert_eq!(ten, one, "10 viewers cost {ten} calls, 1 viewer {one}");

    // Listings are shared the same way.
    fleet.clear_log_cache();
    reset_stats(&sb).await;
    futures::future::join_all((0..10).map(|_| app.ok("/sandbox/logs?prefix=%2Fit"))).await;
    futures::future::join_all((0..10).map(|_| app.ok("/sandbox/logs?group=%2Fit%2Fbudget"))).await;
    let stats = sandbox_stats(&sb).await;
    assert_eq!(calls(&stats, "logs:DescribeLogGroups"), 1);
    assert_eq!(calls(&stats, "logs:DescribeLogStreams"), 1);
}

/// Opens a live tail through the router and keeps its response (the SSE
/// stream and the slots it holds live as long as the response does).
async fn open_tail(app: &TestApp, session: &Session, streams: &[&str]) -> Response {
    let mut path = "/sandbox/logs/tail?group=%2Fit%2Fcaps".to_string();
    for s in streams {
        path.push_str(&format!("&stream={s}"));
    }
    app.respond(session.request("GET", &path, &[], String::new()))
        .await
}

async fn refusal(resp: Response) -> String {
    assert_eq!(resp.status(), 429);
    let body = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .unwrap();
    String::from_utf8_lossy(&body).into_owned()
}

fn is_stream(resp: &Response) -> bool {
    resp.status() == 200
        && resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
}

#[tokio::test]
async fn tails_past_a_users_cap_are_refused_with_the_reason() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 1.0)).await;
    let limits = TailLimits {
        per_user: 2,
        total: 200,
        ..Default::default()
    };
    let state = state_with(&sb, limits).await;
    let hub = state.environments[0].tail.clone();
    let app = TestApp::new(state);
    let viewer = app.session("viewer").await;
    let operator = app.session("operator").await;

    let first = open_tail(&app, &viewer, &["a"]).await;
    let second = open_tail(&app, &viewer, &["b"]).await;
    assert!(is_stream(&first) && is_stream(&second));
    assert_eq!(hub.following("viewer"), 2);
    let body = refusal(open_tail(&app, &viewer, &["c"]).await).await;
    assert!(
        body.contains("You already follow 2 log streams live; close another tail first."),
        "{body}"
    );
    // Another user is not affected.
    let theirs = open_tail(&app, &operator, &["c"]).await;
    assert!(is_stream(&theirs));

    // The viewer page offers no tail it would refuse, and says why.
    for stream in ["c", "d"] {
        write_lines(&sb, "/it/caps", stream, -1_000, 1, &strings(&["hello"]));
    }
    let page = viewer
        .get("/sandbox/logs?group=%2Fit%2Fcaps&stream=c")
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("hello"));
    assert!(page.body.contains("You already follow 2 log streams live"));
    assert!(!page.exists("[sse-connect]"), "{}", page.body);

    // A finished tail frees its slot.
    drop(first);
    assert_eq!(hub.following("viewer"), 1);
    let third = open_tail(&app, &viewer, &["c"]).await;
    assert!(is_stream(&third));
    let page = viewer
        .get("/sandbox/logs?group=%2Fit%2Fcaps&stream=d")
        .await;
    assert_eq!(hub.following("viewer"), 2);
    assert!(page.body.contains("You already follow 2"), "{}", page.body);
    drop((second, third));
    let page = viewer
        .get("/sandbox/logs?group=%2Fit%2Fcaps&stream=d")
        .await;
    assert!(page.exists("[sse-connect]"), "{}", page.body);

    // A view wider than the cap says so.
    let body = refusal(open_tail(&app, &viewer, &["a", "b", "c"]).await).await;
    assert!(body.contains("This view has 3 log streams"), "{body}");
    drop(theirs);
}

#[tokio::test]
async fn tails_past_the_environments_cap_are_refused_until_one_ends() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 1.0)).await;
    let limits = TailLimits {
        per_user: 10,
        total: 3,
        ..Default::default()
    };
    let state = state_with(&sb, limits).await;
    let app = TestApp::new(state);
    let viewer = app.session("viewer").await;
    let operator = app.session("operator").await;
    let admin = app.session("admin").await;

    let two = open_tail(&app, &viewer, &["a", "b"]).await;
    let three = open_tail(&app, &operator, &["c"]).await;
    assert!(is_stream(&two) && is_stream(&three));
    let body = refusal(open_tail(&app, &operator, &["d"]).await).await;
    assert!(
        body.contains("ecsdeck follows the maximum of 3 log streams live; try again later."),
        "{body}"
    );
    // Joining a stream that is followed already adds no poller.
    let joined = open_tail(&app, &admin, &["a"]).await;
    assert!(is_stream(&joined));
    // A finished tail frees its slot: b is followed by nobody now.
    drop(two);
    let four = open_tail(&app, &operator, &["d"]).await;
    assert!(is_stream(&four));
    drop((three, joined, four));
}

#[tokio::test]
async fn the_log_cache_stays_bounded_however_many_views_are_asked_for() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 1.0)).await;
    write_lines(&sb, "/it/many", "s", -1_000, 1, &strings(&["one line"]));
    // Unlimited AWS budget: this is about memory, not about AWS's rates.
    let budget = Arc::new(ecsdeck::aws::Budget::unlimited());
    let conf = ecsdeck::aws::config::sandbox_sdk_config(&sb.endpoint_url(), budget.clone()).await;
    let fleet = Arc::new(ReadModel::new(ecsdeck::aws::AwsClients::new(&conf, budget)));
    let max = LogCacheLimits::default().max_entries;
    let now = Timestamp::now().millis();
    let views = futures::stream::iter(0..2 * max).map(|i| {
        let fleet = fleet.clone();
        async move {
            let view = LogView {
                group: "/it/many".into(),
                streams: vec!["s".into()],
                pattern: format!("pattern{i}"),
                start_ms: Some(now - 60_000),
                end_ms: Some(now + 60_000),
                since_ms: None,
            };
            fleet.recent_lines(&view, 10).await.unwrap();
        }
    });
    views.buffer_unordered(16).collect::<Vec<()>>().await;
    let entries = fleet.log_cache_entries().await;
    eprintln!("{} distinct views left {entries} cache entries", 2 * max);
    assert!(entries > 0);
    assert!(entries <= max, "{entries} entries, max {max}");
}
