//! Live Tail: StartLiveTail in the sandbox (event stream, filters, limits,
//! the 3-hour end) and shared sessions in the fleet: many viewers of a
//! group's streams hold one session and each sees only its streams; with
//! no session to be had, the tail polls within the Logs budget and the
//! page says so.

use std::sync::Arc;
use std::time::Duration;

use ecsdeck::aws::{AwsClients, AwsError, Budget, LiveUpdate};
use ecsdeck::fleet::logs::{TailHub, TailLimits, TailTiming};
use ecsdeck::sandbox::{Fleet, SandboxConfig, SandboxHandle};
use ecsdeck::state::AppState;

use crate::harness::*;

const WAIT: Duration = Duration::from_secs(20);

async fn clients(sb: &SandboxHandle) -> AwsClients {
    let budget = Arc::new(Budget::unlimited());
    let conf = ecsdeck::aws::config::sandbox_sdk_config(&sb.endpoint_url(), budget.clone()).await;
    AwsClients::new(&conf, budget)
}

async fn live_sessions(sb: &SandboxHandle) -> u64 {
    sandbox_stats(sb).await["gauges"]["logs:LiveTailSessions"]
        .as_u64()
        .unwrap()
}

/// The next update that carries events.
async fn next_events(tail: &mut ecsdeck::aws::LiveTail) -> Vec<(String, String)> {
    let read = async {
        loop {
            match tail.next().await {
                LiveUpdate::Events { events, .. } if !events.is_empty() => {
                    return events
                        .into_iter()
                        .map(|e| (e.stream, e.message))
                        .collect::<Vec<_>>();
                }
                LiveUpdate::Events { .. } => {}
                LiveUpdate::Ended(e) => panic!("session ended: {e:?}"),
            }
        }
    };
    tokio::time::timeout(WAIT, read).await.expect("an update")
}

#[tokio::test]
async fn the_sandbox_streams_new_events_of_a_group_and_keeps_aws_session_limits() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 1.0)).await;
    let aws = clients(&sb).await;
    write_lines(
        &sb,
        "/it/lt",
        "a",
        -1_000,
        1,
        &strings(&["before the session"]),
    );
    let mut tail = aws.start_live_tail("/it/lt").await.unwrap();
    assert_eq!(live_sessions(&sb).await, 1);
    write_lines(&sb, "/it/lt", "b", 0, 1, &strings(&["<new> one"]));
    write_lines(&sb, "/it/lt", "a", 0, 1, &strings(&["new two"]));
    let got = next_events(&mut tail).await;
    assert_eq!(
        got,
        [
            ("b".to_string(), "<new> one".to_string()),
            ("a".to_string(), "new two".to_string())
        ],
        "only what was ingested after the start, in ingestion order"
    );
    let missing = aws.start_live_tail("/it/none").await.err().unwrap();
    assert!(matches!(missing, AwsError::NotFound { .. }), "{missing:?}");
    // 15 concurrent per account: with one open, 14 more start (5 a
    // second at most), the next is refused.
    let mut open = Vec::new();
    while open.len() < 14 {
        match aws.start_live_tail("/it/lt").await {
            Ok(t) => open.push(t),
            Err(AwsError::Throttled { code, .. }) if code == "ThrottlingException" => {
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(live_sessions(&sb).await, 15);
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let refused = aws.start_live_tail("/it/lt").await.err().unwrap();
    assert_eq!(refused.code(), "LimitExceededException", "{refused:?}");
    drop(open);
    drop(tail);
    poll_until("closed sessions to free their slots", WAIT, || async {
        (live_sessions(&sb).await == 0).then_some(())
    })
    .await;
}

#[tokio::test]
async fn more_than_five_starts_in_a_second_are_throttled() {
    // A simulated second lasts 1,000 real ones: every start is in it.
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 0.001)).await;
    let aws = clients(&sb).await;
    write_lines(&sb, "/it/lt", "a", 0, 1, &strings(&["x"]));
    let mut open = Vec::new();
    for _ in 0..5 {
        open.push(aws.start_live_tail("/it/lt").await.unwrap());
    }
    let sixth = aws.start_live_tail("/it/lt").await.err().unwrap();
    assert_eq!(sixth.code(), "ThrottlingException", "{sixth:?}");
    assert!(matches!(sixth, AwsError::Throttled { .. }));
    assert_eq!(live_sessions(&sb).await, 5);
}

#[tokio::test]
async fn a_session_ends_after_three_simulated_hours() {
    // 3 simulated hours pass in about 1.1 s.
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 10_000.0)).await;
    let aws = clients(&sb).await;
    write_lines(&sb, "/it/lt", "a", 0, 1, &strings(&["x"]));
    let mut tail = aws.start_live_tail("/it/lt").await.unwrap();
    let end = async {
        loop {
            if let LiveUpdate::Ended(why) = tail.next().await {
                return why;
            }
        }
    };
    let why = tokio::time::timeout(WAIT, end).await.expect("the end");
    let why = why.expect("an exception");
    assert_eq!(why.code(), "SessionTimeoutException", "{why:?}");
}

async fn state_with(sb: &SandboxHandle, live_sessions: usize) -> AppState {
    let plain = app_state(sb).await;
    let mut env = plain.environments[0].clone();
    env.tail = Arc::new(
        TailHub::new(env.aws.clone(), TailTiming::default()).with_limits(TailLimits {
            per_user: 20,
            live_sessions,
            ..Default::default()
        }),
    );
    AppState::new(test_settings(), vec![env], plain.auth.clone())
}

/// Reads an SSE response until `needle`; returns everything read.
async fn read_until(resp: reqwest::Response, needle: String) -> String {
    read_until_all(resp, &[&needle]).await
}

/// Reads an SSE response until every one of `needles` came, in any order.
async fn read_until_all(mut resp: reqwest::Response, needles: &[&str]) -> String {
    let mut seen = String::new();
    let read = async {
        while let Some(chunk) = resp.chunk().await.unwrap() {
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if needles.iter().all(|n| seen.contains(n)) {
                return;
            }
        }
    };
    tokio::time::timeout(WAIT, read)
        .await
        .unwrap_or_else(|_| panic!("not all of {needles:?} within {WAIT:?}: {seen}"));
    seen
}

#[tokio::test]
async fn ten_viewers_of_three_streams_of_a_group_hold_one_live_tail_session() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 1.0)).await;
    for s in 0..3 {
        write_lines(
            &sb,
            "/it/shared",
            &format!("web/app/{s}"),
            -1_000,
            1,
            &strings(&["old"]),
        );
    }
    let state = state_with(&sb, 5).await;
    let hub = state.environments[0].tail.clone();
    let base = serve(state).await;
    let client = HttpClient::signed_in(&base, "viewer").await;
    let page = client
        .get("/sandbox/logs?group=%2Fit%2Fshared&stream=web%2Fapp%2F0")
        .await;
    assert!(
        !page.body.contains("polling GetLogEvents"),
        "a Live Tail session can be had"
    );
    reset_stats(&sb).await;
    let mut readers = Vec::new();
    for v in 0..10 {
        let s = v % 3;
        let url = format!("/sandbox/logs/tail?group=%2Fit%2Fshared&stream=web%2Fapp%2F{s}&after=0");
        let resp = client.stream(&url, &[]).await;
        assert_eq!(resp.status(), 200);
        readers.push((s, tokio::spawn(read_until(resp, format!("END-s{s}")))));
    }
    poll_until("one session for the group", WAIT, || async {
        (hub.live_sessions() == 1 && live_sessions(&sb).await == 1).then_some(())
    })
    .await;
    poll_until("every viewer subscribed", WAIT, || async {
        let n: usize = (0..3)
            .map(|s| hub.viewers("/it/shared", &format!("web/app/{s}")))
            .sum();
        (n == 10).then_some(())
    })
    .await;
    // Every stream's line first, then every stream's end marker: a viewer
    // that got another stream's line would have it before its own end.
    for s in 0..3 {
        write_lines(
            &sb,
            "/it/shared",
            &format!("web/app/{s}"),
            0,
            1,
            &strings(&[&format!("X-s{s}")]),
        );
    }
    for s in 0..3 {
        write_lines(
            &sb,
            "/it/shared",
            &format!("web/app/{s}"),
            1,
            1,
            &strings(&[&format!("END-s{s}")]),
        );
    }
    for (s, r) in readers {
        let seen = r.await.unwrap();
        assert!(seen.contains(&format!("X-s{s}")), "{seen}");
        for other in (0..3).filter(|o| *o != s) {
            assert!(
                !seen.contains(&format!("X-s{other}")),
                "viewer of s{s} got s{other}: {seen}"
            );
        }
    }
    let stats = sandbox_stats(&sb).await;
    assert_eq!(
        calls(&stats, "logs:StartLiveTail"),
        1,
        "one session: {stats}"
    );
    assert!(
        calls(&stats, "logs:GetLogEvents") <= 3,
        "at most one catch-up read per stream, never per viewer: {stats}"
    );
    // The viewers gone, the session ends (its next heartbeat notices).
    poll_until("the session to end", WAIT, || async {
        (hub.live_sessions() == 0 && live_sessions(&sb).await == 0 && hub.active() == 0)
            .then_some(())
    })
    .await;
}

#[tokio::test]
async fn with_no_session_budget_the_tail_polls_within_the_logs_budget_and_says_so() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 1.0)).await;
    write_lines(&sb, "/it/poll", "web/app/1", -1_000, 1, &strings(&["old"]));
    let state = state_with(&sb, 0).await;
    let budget = state.environments[0].aws.budget().clone();
    let base = serve(state).await;
    let client = HttpClient::signed_in(&base, "viewer").await;
    let page = client
        .get("/sandbox/logs?group=%2Fit%2Fpoll&stream=web%2Fapp%2F1")
        .await;
    let notice = page.texts(".notice").join(" ");
    assert!(
        notice.contains("Following by polling GetLogEvents")
            && notice.contains("--live-tail-sessions 0"),
        "{notice}"
    );
    let tail = page.attr("#log-live[sse-connect]", "sse-connect").unwrap();
    reset_stats(&sb).await;
    let resp = client.stream(&tail, &[]).await;
    write_lines(
        &sb,
        "/it/poll",
        "web/app/1",
        0,
        1,
        &strings(&["polled line"]),
    );
    read_until_all(resp, &["polled line", "Following by polling GetLogEvents"]).await;
    let stats = sandbox_stats(&sb).await;
    assert_eq!(calls(&stats, "logs:StartLiveTail"), 0, "{stats}");
    assert!(calls(&stats, "logs:GetLogEvents") >= 1, "{stats}");
    let used = budget
        .snapshot()
        .into_iter()
        .find(|g| g.group == "logs:get-log-events")
        .unwrap();
    assert!(used.calls >= 1, "the polls spent the Logs budget: {used:?}");
}

#[tokio::test]
async fn when_aws_refuses_a_session_the_tail_falls_back_to_polling_and_says_why() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 1.0)).await;
    write_lines(&sb, "/it/full", "web/app/1", -1_000, 1, &strings(&["old"]));
    // Someone else holds the account's 15 sessions.
    let aws = clients(&sb).await;
    let mut others = Vec::new();
    while others.len() < 15 {
        match aws.start_live_tail("/it/full").await {
            Ok(t) => others.push(t),
            Err(_) => tokio::time::sleep(Duration::from_millis(250)).await,
        }
    }
    let state = state_with(&sb, 5).await;
    let hub = state.environments[0].tail.clone();
    let base = serve(state).await;
    let client = HttpClient::signed_in(&base, "viewer").await;
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let resp = client
        .stream(
            "/sandbox/logs/tail?group=%2Fit%2Ffull&stream=web%2Fapp%2F1",
            &[],
        )
        .await;
    poll_until("the refusal", WAIT, || async {
        (hub.live_sessions() == 0 && calls(&sandbox_stats(&sb).await, "logs:StartLiveTail") >= 16)
            .then_some(())
    })
    .await;
    write_lines(
        &sb,
        "/it/full",
        "web/app/1",
        0,
        1,
        &strings(&["still arrives"]),
    );
    read_until(resp, "still arrives".to_string()).await;
    let page = client
        .get("/sandbox/logs?group=%2Fit%2Ffull&stream=web%2Fapp%2F1")
        .await;
    let notice = page.texts(".notice").join(" ");
    assert!(
        notice.contains("polling GetLogEvents") && notice.contains("LimitExceededException"),
        "{notice}"
    );
    drop(others);
}

#[tokio::test]
async fn a_session_cut_short_is_not_restarted_at_once_the_group_polls_instead() {
    // Sessions end after 3 simulated hours: about a second here.
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 10_000.0)).await;
    write_lines(&sb, "/it/short", "web/app/1", -1_000, 1, &strings(&["old"]));
    let state = state_with(&sb, 5).await;
    let hub = state.environments[0].tail.clone();
    let base = serve(state).await;
    let client = HttpClient::signed_in(&base, "viewer").await;
    let resp = client
        .stream(
            "/sandbox/logs/tail?group=%2Fit%2Fshort&stream=web%2Fapp%2F1&after=0",
            &[],
        )
        .await;
    poll_until("the session to end and the group to poll", WAIT, || async {
        matches!(
            hub.source("/it/short"),
            ecsdeck::fleet::logs::TailSource::Polling(_)
        )
        .then_some(())
    })
    .await;
    write_lines(
        &sb,
        "/it/short",
        "web/app/1",
        0,
        1,
        &strings(&["polled after the end"]),
    );
    // The open tail says so (a notice line), and its lines still come.
    let notice = "log-gap\">Following by polling GetLogEvents, not a Live Tail session: AWS ended the Live Tail session early (SessionTimeoutException).";
    read_until_all(resp, &["polled after the end", notice]).await;
    let stats = sandbox_stats(&sb).await;
    assert_eq!(
        calls(&stats, "logs:StartLiveTail"),
        1,
        "no storm of starts: {stats}"
    );
    let page = client
        .get("/sandbox/logs?group=%2Fit%2Fshort&stream=web%2Fapp%2F1")
        .await;
    let notice = page.texts(".notice").join(" ");
    assert!(notice.contains("SessionTimeoutException"), "{notice}");
}
