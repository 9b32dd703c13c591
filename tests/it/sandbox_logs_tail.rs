//! CloudWatch Logs in the sandbox through the real SDK: GetLogEvents tailing
//! and paging, DescribeLogGroups/Streams, typed errors.

use aws_sdk_cloudwatchlogs::types::OrderBy;
use ecsdeck::sandbox::SandboxHandle;
use ecsdeck::sandbox::server::lock;

use ecsdeck::sandbox::{Fleet, SandboxConfig};

use crate::harness::*;

/// Appends `lines` to `group/stream`, stamped 10 ms apart from sim-now
/// + `offset_ms`; returns the first timestamp.
pub fn write(sb: &SandboxHandle, group: &str, stream: &str, offset_ms: i64, lines: &[&str]) -> i64 {
    write_lines(sb, group, stream, offset_ms, 10, &strings(lines))
}

fn messages(events: &[aws_sdk_cloudwatchlogs::types::OutputLogEvent]) -> Vec<String> {
    events
        .iter()
        .map(|e| e.message().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn forward_token_tails_and_comes_back_unchanged_when_nothing_is_new() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 1.0)).await;
    let sdk = sdk(&sb).await;
    let (g, s) = ("/it/tail", "web/app/task1");
    write(&sb, g, s, -5_000, &["one", "two", "three"]);

    let get = |token: Option<String>| {
        sdk.logs
            .get_log_events()
            .log_group_name(g)
            .log_stream_name(s)
            .start_from_head(true)
            .set_next_token(token)
            .send()
    };
    let first = get(None).await.unwrap();
    assert_eq!(messages(first.events()), ["one", "two", "three"]);
    let token = first.next_forward_token().unwrap().to_string();
    assert!(token.starts_with("f/"), "{token}");
    assert!(first.next_backward_token().unwrap().starts_with("b/"));

    let idle = get(Some(token.clone())).await.unwrap();
    assert!(idle.events().is_empty());
    assert_eq!(
        idle.next_forward_token(),
        Some(token.as_str()),
        "same token = nothing new"
    );

    // A line written later (here through PutLogEvents, as a CLI user would).
    let now = lock(&sb.world()).clock.now_ms();
    sdk.logs
        .put_log_events()
        .log_group_name(g)
        .log_stream_name(s)
        .log_events(
            aws_sdk_cloudwatchlogs::types::InputLogEvent::builder()
                .timestamp(now)
                .message("four")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let fresh = poll_until("the new line", std::time::Duration::from_secs(5), || {
        let t = token.clone();
        let get = &get;
        async move {
            let out = get(Some(t)).await.unwrap();
            (!out.events().is_empty()).then_some(out)
        }
    })
    .await;
    assert_eq!(messages(fresh.events()), ["four"]);
    let next = fresh.next_forward_token().unwrap().to_string();
    assert_ne!(next, token);
    let idle = get(Some(next.clone())).await.unwrap();
    assert!(idle.events().is_empty());
    assert_eq!(idle.next_forward_token(), Some(next.as_str()));
    sb.shutdown().await;
}

#[tokio::test]
async fn backward_paging_walks_to_the_start_then_repeats_its_token() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 1.0)).await;
    let sdk = sdk(&sb).await;
    let (g, s) = ("/it/back", "s");
    let lines: Vec<String> = (1..=25).map(|i| format!("line {i}")).collect();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    write(&sb, g, s, -60_000, &refs);

    let mut token: Option<String> = None;
    let mut pages = Vec::new();
    loop {
        let out = sdk
            .logs
            .get_log_events()
            .log_group_name(g)
            .log_stream_name(s)
            .limit(10)
            .set_next_token(token.clone())
            .send()
            .await
            .unwrap();
        let back = out.next_backward_token().unwrap().to_string();
        if out.events().is_empty() {
            assert_eq!(
                token.as_deref(),
                Some(back.as_str()),
                "start reached: same token"
            );
            break;
        }
        pages.push(messages(out.events()));
        token = Some(back);
        assert!(pages.len() < 10, "paging must end");
    }
    assert_eq!(pages.len(), 3);
    assert_eq!(pages[0].first().unwrap(), "line 16");
    assert_eq!(pages[0].last().unwrap(), "line 25");
    assert_eq!(pages[2], ["line 1", "line 2", "line 3", "line 4", "line 5"]);
    sb.shutdown().await;
}

#[tokio::test]
async fn describe_streams_orders_by_last_event_and_pages() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 1.0)).await;
    let sdk = sdk(&sb).await;
    let g = "/it/streams";
    write(&sb, g, "b-old", -30_000, &["x"]);
    write(&sb, g, "c-new", -1_000, &["x"]);
    write(&sb, g, "a-mid", -10_000, &["x", "y"]);

    let mut names = Vec::new();
    let mut token = None;
    loop {
        let out = sdk
            .logs
            .describe_log_streams()
            .log_group_name(g)
            .order_by(OrderBy::LastEventTime)
            .descending(true)
            .limit(2)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        for s in out.log_streams() {
            assert!(s.first_event_timestamp().is_some() && s.last_ingestion_time().is_some());
            names.push(s.log_stream_name().unwrap().to_string());
        }
        token = out.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(names, ["c-new", "a-mid", "b-old"]);

    let by_name = sdk
        .logs
        .describe_log_streams()
        .log_group_name(g)
        .log_stream_name_prefix("a")
        .send()
        .await
        .unwrap();
    assert_eq!(by_name.log_streams().len(), 1);
    assert!(by_name.log_streams()[0].last_event_timestamp().is_some());

    let err = sdk
        .logs
        .describe_log_streams()
        .log_group_name(g)
        .order_by(OrderBy::LastEventTime)
        .log_stream_name_prefix("a")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_parameter_exception(), "{err:?}");

    let groups = sdk
        .logs
        .describe_log_groups()
        .log_group_name_prefix("/it/str")
        .send()
        .await
        .unwrap();
    assert_eq!(groups.log_groups().len(), 1);
    let grp = &groups.log_groups()[0];
    assert_eq!(grp.log_group_name(), Some(g));
    assert!(grp.stored_bytes().unwrap_or(0) > 0 && grp.creation_time().is_some());
    assert!(grp.arn().unwrap().starts_with("arn:aws:logs:"));
    sb.shutdown().await;
}

#[tokio::test]
async fn unknown_group_and_stream_are_typed_not_found_errors() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 1.0)).await;
    let sdk = sdk(&sb).await;
    let err = sdk
        .logs
        .get_log_events()
        .log_group_name("/nope")
        .log_stream_name("s")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    assert_eq!(
        err.meta().message(),
        Some("The specified log group does not exist.")
    );
    write(&sb, "/it/exists", "s", 0, &["x"]);
    let err = sdk
        .logs
        .get_log_events()
        .log_group_name("/it/exists")
        .log_stream_name("nope")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    let err = sdk
        .logs
        .filter_log_events()
        .log_group_name("/nope")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    let err = sdk
        .logs
        .describe_log_streams()
        .log_group_name("/nope")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    sb.shutdown().await;
}
