//! The seeded fleet's containers write logs through LogGen: the contract
//! markers are there, and a tail sees lines written after it started.

use std::time::Duration;

use ecsdeck::sandbox::SandboxConfig;

use crate::harness::*;

#[tokio::test]
async fn seeded_streams_carry_the_markers_and_keep_growing() {
    let mut config = SandboxConfig::seeded();
    config.speed = 20.0;
    config.tick_ms = 50;
    let sb = start_sandbox(config).await;
    let sdk = sdk(&sb).await;

    let groups = sdk.logs.describe_log_groups().send().await.unwrap();
    let mut script = None;
    let mut ansi = false;
    for g in groups.log_groups() {
        let name = g.log_group_name().unwrap();
        let out = sdk
            .logs
            .filter_log_events()
            .log_group_name(name)
            .send()
            .await
            .unwrap();
        for e in out.events() {
            let m = e.message().unwrap_or_default();
            if m.contains("<script>alert(1)</script>") && script.is_none() {
                script = Some((name.to_string(), e.log_stream_name().unwrap().to_string()));
            }
            ansi |= m.contains("\x1b[");
        }
    }
    let (group, stream) = script.expect("a stream with the <script> marker");
    assert!(ansi, "a stream with ANSI colour codes");

    let first = sdk
        .logs
        .get_log_events()
        .log_group_name(&group)
        .log_stream_name(&stream)
        .send()
        .await
        .unwrap();
    let token = first.next_forward_token().unwrap().to_string();
    let fresh = poll_until(
        "a line written after the tail started",
        Duration::from_secs(10),
        || {
            let (sdk, group, stream, token) = (&sdk, &group, &stream, token.clone());
            async move {
                let out = sdk
                    .logs
                    .get_log_events()
                    .log_group_name(group)
                    .log_stream_name(stream)
                    .start_from_head(true)
                    .next_token(token)
                    .send()
                    .await
                    .unwrap();
                (!out.events().is_empty()).then_some(out)
            }
        },
    )
    .await;
    assert!(
        fresh
            .events()
            .iter()
            .all(|e| e.timestamp() >= first.events().last().and_then(|l| l.timestamp()))
    );
    sb.shutdown().await;
}
