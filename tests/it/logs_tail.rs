//! Live tail over server-sent events: a line written after the page opened
//! arrives; one shared poller per stream, whatever the number of viewers;
//! the poller stops when the last viewer leaves.

use std::sync::Arc;
use std::time::Duration;

use ecsdeck::fleet::logs::{TailHub, TailLimits, TailTiming};

use ecsdeck::sandbox::{Fleet, SandboxConfig, SandboxHandle};
use ecsdeck::state::AppState;

use crate::harness::*;

const WAIT: Duration = Duration::from_secs(20);

/// Reads an SSE response until its text contains `needle`; returns it.
async fn read_until(mut resp: reqwest::Response, needle: &str) -> String {
    let mut seen = String::new();
    let read = async {
        while let Some(chunk) = resp.chunk().await.unwrap() {
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if seen.contains(needle) {
                return;
            }
        }
        panic!("the tail ended before {needle:?}: {seen}");
    };
    tokio::time::timeout(WAIT, read)
        .await
        .unwrap_or_else(|_| panic!("no {needle:?} within {WAIT:?}"));
    seen
}

async fn open(client: &HttpClient, path: &str) -> reqwest::Response {
    let resp = client.stream(path, &[]).await;
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    resp
}

#[tokio::test]
async fn the_live_tail_delivers_a_line_written_after_the_page_opened() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 1.0)).await;
    let base = serve(app_state(&sb).await).await;
    write_lines(
        &sb,
        "/it/t",
        "web/app/1",
        -5_000,
        10,
        &strings(&["old one", "old two"]),
    );
    let client = HttpClient::signed_in(&base, "viewer").await;
    let page = client
        .get("/sandbox/logs?group=%2Fit%2Ft&stream=web%2Fapp%2F1")
        .await;
    assert!(page.log_messages().contains(&"old two".to_string()));
    let tail = page
        .attr("#log-live[sse-connect]", "sse-connect")
        .expect("the page connects a live tail");
    assert!(tail.contains("after="), "{tail}");
    let resp = open(&client, &tail).await;
    write_lines(
        &sb,
        "/it/t",
        "web/app/1",
        0,
        10,
        &strings(&["<b>fresh</b> \x1b[32mline\x1b[0m"]),
    );
    let seen = read_until(resp, "fresh").await;
    assert!(seen.contains("event: lines"), "{seen}");
    assert!(seen.contains("&lt;b&gt;fresh&lt;/b&gt; <span class=\"ansi-green\">line</span>"));
    assert!(
        !seen.contains("old two"),
        "lines the page showed are not sent again"
    );

    // A browser reconnecting on its own resumes after the last event's id.
    let id: i64 = seen
        .lines()
        .find_map(|l| l.strip_prefix("id: ").or_else(|| l.strip_prefix("id:")))
        .expect("events carry an id")
        .trim()
        .parse()
        .unwrap();
    write_lines(
        &sb,
        "/it/t",
        "web/app/1",
        0,
        10,
        &strings(&["after reconnect"]),
    );
    let again = client
        .stream(&tail, &[("last-event-id", &id.to_string())])
        .await;
    let seen = read_until(again, "after reconnect").await;
    assert!(!seen.contains("fresh"), "nothing sent twice: {seen}");
}

/// GetLogEvents calls until `viewers` tail viewers all saw one new line.
async fn tail_cost(
    sb: &SandboxHandle,
    client: &HttpClient,
    state: &AppState,
    viewers: usize,
    marker: &str,
) -> u64 {
    let hub = state.environments[0].tail.clone();
    reset_stats(sb).await;
    let url = "/sandbox/logs/tail?group=%2Fit%2Ften&stream=web%2Fapp%2F1&after=0";
    let mut readers = Vec::new();
    for _ in 0..viewers {
        let resp = open(client, url).await;
        let marker = marker.to_string();
        readers.push(tokio::spawn(async move { read_until(resp, &marker).await }));
    }
    poll_until("every viewer subscribed", WAIT, || async {
        (hub.viewers("/it/ten", "web/app/1") == viewers).then_some(())
    })
    .await;
    // The poller's first read (the backlog) is done before the new line.
    poll_until("the first poll", WAIT, || async {
        (calls(&sandbox_stats(sb).await, "logs:GetLogEvents") >= 1).then_some(())
    })
    .await;
    write_lines(sb, "/it/ten", "web/app/1", 0, 1, &strings(&[marker]));
    for r in readers {
        r.await.unwrap();
    }
    let cost = calls(&sandbox_stats(sb).await, "logs:GetLogEvents");
    // Everybody left: the poller stops.
    poll_until("the poller to stop", Duration::from_secs(40), || async {
        (hub.active() == 0).then_some(())
    })
    .await;
    cost
}

#[tokio::test]
async fn ten_viewers_of_a_stream_cost_the_get_log_events_calls_of_one() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 1.0)).await;
    // Polls 2 s apart at least, so connecting ten viewers fits between two.
    let plain = app_state(&sb).await;
    let mut env = plain.environments[0].clone();
    // Polling (no Live Tail session), the cost under test.
    env.tail = Arc::new(
        TailHub::new(
            env.aws.clone(),
            TailTiming {
                min: Duration::from_secs(2),
                max: Duration::from_secs(4),
            },
        )
        .with_limits(TailLimits {
            live_sessions: 0,
            ..Default::default()
        }),
    );
    let state = AppState::new(test_settings(), vec![env], plain.auth.clone());
    let base = serve(state.clone()).await;
    let client = HttpClient::signed_in(&base, "viewer").await;
    write_lines(
        &sb,
        "/it/ten",
        "web/app/1",
        -1_000,
        1,
        &strings(&["before"]),
    );
    let one = tail_cost(&sb, &client, &state, 1, "marker-one").await;
    let ten = tail_cost(&sb, &client, &state, 10, "marker-ten").await;
    eprintln!("GetLogEvents until the new line arrived: 1 viewer {one}, 10 viewers {ten}");
    assert!(one >= 1);
    assert!(
        ten <= one,
        "10 viewers cost {ten} GetLogEvents calls, 1 viewer {one}"
    );
    // Quiet afterwards: no poller, no calls.
    let before = calls(&sandbox_stats(&sb).await, "logs:GetLogEvents");
    assert_eq!(state.environments[0].tail.active(), 0);
    tokio::task::yield_now().await;
    assert_eq!(
        calls(&sandbox_stats(&sb).await, "logs:GetLogEvents"),
        before
    );
}

#[tokio::test]
async fn a_service_tail_merges_its_tasks_streams() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, 0.0001)).await;
    let state = app_state(&sb).await;
    let base = serve(state.clone()).await;
    let client = HttpClient::signed_in(&base, "viewer").await;
    let url = "/sandbox/logs/tail?service=acme-production%2Facme-production&container=acme-app-production&filter=TAILME";
    let resp = open(&client, url).await;
    let hub = state.environments[0].tail.clone();
    // A poller per running task's stream (acme-production runs one task;
    // its stopped tasks' streams are in the page's history, not the tail).
    poll_until("a poller per task stream", WAIT, || async {
        (hub.active() >= 1).then_some(())
    })
    .await;
    let sdk = sdk(&sb).await;
    let tasks = sdk
        .ecs
        .list_tasks()
        .cluster("acme-production")
        .service_name("acme-production")
        .send()
        .await
        .unwrap();
    let id = tasks.task_arns()[0].rsplit('/').next().unwrap().to_string();
    let stream = format!("ecs/acme-app-production/{id}");
    write_lines(
        &sb,
        "/ecs/acme-app-production",
        &stream,
        1_000,
        1,
        &strings(&["skip me", "TAILME now"]),
    );
    let seen = read_until(resp, "now").await;
    assert!(seen.contains("<mark>TAILME</mark> now"), "{seen}");
    assert!(!seen.contains("skip me"), "the filter applies to the tail");
    assert!(seen.contains(&format!("class=\"log-tag\">{}</span>", &id[..8])));
}

#[tokio::test]
async fn a_service_tail_follows_running_tasks_only() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, 0.0001)).await;
    let sdk = sdk(&sb).await;
    let (cluster, service) = ("websight-cms", "nginx");
    let running = |sdk: &Sdk| {
        let ecs = sdk.ecs.clone();
        async move {
            ecs.list_tasks()
                .cluster(cluster)
                .service_name(service)
                .send()
                .await
                .unwrap()
                .task_arns()
                .to_vec()
        }
    };
    let before = running(&sdk).await;
    assert!(before.len() >= 2, "{before:?}");
    sdk.ecs
        .stop_task()
        .cluster(cluster)
        .task(&before[0])
        .send()
        .await
        .unwrap();
    let now = running(&sdk).await;
    assert_eq!(now.len(), before.len() - 1);

    let state = app_state(&sb).await;
    let hub = state.environments[0].tail.clone();
    let app = TestApp::new(state);
    let viewer = app.session("viewer").await;
    // The view's history covers the stopped task's stream too.
    let streams = app.state.environments[0]
        .fleet
        .service_log_streams(cluster, service, "nginx")
        .await
        .unwrap();
    let stopped_id = before[0].rsplit('/').next().unwrap();
    assert!(
        streams
            .iter()
            .any(|s| s.task_id == stopped_id && !s.running),
        "{streams:?}"
    );
    assert_eq!(streams.len(), before.len());
    let resp = app
        .respond(viewer.request(
            "GET",
            "/sandbox/logs/tail?service=websight-cms%2Fnginx&container=nginx",
            &[],
            String::new(),
        ))
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(
        hub.following("viewer"),
        now.len(),
        "one slot per running task's stream, none for the stopped one"
    );
    drop(resp);
}
