//! FilterLogEvents through the real SDK: pattern kinds, stream selection,
//! interleaving in time order and nextToken pagination.

use crate::sandbox_logs_tail::write;
use ecsdeck::sandbox::{Fleet, SandboxConfig};

use crate::harness::*;

const G: &str = "/it/filter";

async fn filter(sdk: &Sdk, pattern: &str) -> Vec<String> {
    let out = sdk
        .logs
        .filter_log_events()
        .log_group_name(G)
        .filter_pattern(pattern)
        .send()
        .await
        .unwrap();
    assert!(out.next_token().is_none());
    out.events()
        .iter()
        .map(|e| e.message().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn patterns_select_the_right_lines() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 1.0)).await;
    let sdk = sdk(&sb).await;
    write(
        &sb,
        G,
        "web/app/t1",
        -9_000,
        &[
            "INFO Completed 200 OK in 12ms",
            "ERROR PG::ConnectionBad: could not connect",
            "WARN slow request took 900ms",
            "error lowercase is not ERROR-free",
        ],
    );
    write(
        &sb,
        G,
        "api/app/t2",
        -8_995,
        &[
            r#"{"level":"error","msg":"upstream timeout","status":504,"latency_ms":30000}"#,
            r#"{"level":"info","msg":"ok","status":200,"latency_ms":12}"#,
            r#"{"level":"warn","msg":"slow","status":200,"latency_ms":1500}"#,
        ],
    );

    assert_eq!(
        filter(&sdk, "ERROR").await,
        [
            "ERROR PG::ConnectionBad: could not connect",
            "error lowercase is not ERROR-free"
        ]
    );
    assert_eq!(
        filter(&sdk, "\"could not connect\"").await,
        ["ERROR PG::ConnectionBad: could not connect"]
    );
    assert_eq!(
        filter(&sdk, "ERROR -lowercase").await,
        ["ERROR PG::ConnectionBad: could not connect"]
    );
    assert_eq!(filter(&sdk, "?WARN ?Completed").await.len(), 2);
    assert_eq!(filter(&sdk, r#"{ $.level = "error" }"#).await.len(), 1);
    assert_eq!(filter(&sdk, "{ $.status >= 500 }").await.len(), 1);
    assert_eq!(
        filter(&sdk, r#"{ $.level = "warn" || $.latency_ms < 100 }"#)
            .await
            .len(),
        2
    );
    assert_eq!(
        filter(&sdk, r#"{ $.msg = "*time*" && $.status = 504 }"#)
            .await
            .len(),
        1
    );

    let only_api = sdk
        .logs
        .filter_log_events()
        .log_group_name(G)
        .log_stream_name_prefix("api/")
        .send()
        .await
        .unwrap();
    assert_eq!(only_api.events().len(), 3);
    let named = sdk
        .logs
        .filter_log_events()
        .log_group_name(G)
        .log_stream_names("web/app/t1")
        .filter_pattern("WARN")
        .send()
        .await
        .unwrap();
    assert_eq!(named.events().len(), 1);
    assert_eq!(named.events()[0].log_stream_name(), Some("web/app/t1"));

    let err = sdk
        .logs
        .filter_log_events()
        .log_group_name(G)
        .filter_pattern("{ $.level = ")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_parameter_exception(), "{err:?}");
    sb.shutdown().await;
}

#[tokio::test]
async fn pages_interleave_streams_in_time_order() {
    // Clock nearly frozen: the two writes below must share one "now", or
    // stream b's 5 ms offset drifts under load.
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 0.0001)).await;
    let sdk = sdk(&sb).await;
    let a: Vec<String> = (0..30).map(|i| format!("a{i:02} match")).collect();
    let b: Vec<String> = (0..30).map(|i| format!("b{i:02} match")).collect();
    let start = write(
        &sb,
        G,
        "a",
        -60_000,
        &a.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    write(
        &sb,
        G,
        "b",
        -59_995,
        &b.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    write(&sb, G, "c", -59_000, &["noise"; 40]);

    let mut all = Vec::new();
    let mut token = None;
    let mut calls = 0;
    loop {
        let out = sdk
            .logs
            .filter_log_events()
            .log_group_name(G)
            .filter_pattern("match")
            .start_time(start + 100)
            .limit(7)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        calls += 1;
        assert!(out.events().len() <= 7);
        all.extend(out.events().iter().cloned());
        token = out.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
        assert!(calls < 50);
    }
    // Events at or after start+100: a10.. and b10.. (b is 5 ms later than a).
    assert_eq!(all.len(), 40);
    assert!(all.windows(2).all(|w| w[0].timestamp() <= w[1].timestamp()));
    assert_eq!(all[0].message(), Some("a10 match"));
    assert_eq!(all[1].message(), Some("b10 match"));
    let mut ids: Vec<&str> = all.iter().map(|e| e.event_id().unwrap()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 40, "event ids are unique");
    sb.shutdown().await;
}

/// A viewer typing `[a, ..., ..., ..., ..., ..., x=zz]` over 2,000 lines of
/// 200 words: the sandbox answers (its matcher is polynomial, see
/// `repeated_ellipses_cost_polynomial_steps`, and matches outside the
/// world's lock), the page shows exactly the matching lines, and the
/// dashboard's `/healthz` and other sandbox calls answer meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_ellipses_over_wide_lines_do_not_stall_anything() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, 1.0)).await;
    let aws = sdk(&sb).await;
    let app = TestApp::on(&sb).await;
    let viewer = app.session("viewer").await;
    let words: Vec<String> = (0..198).map(|i| format!("w{i}")).collect();
    let lines: Vec<String> = (0..2_000)
        .map(|i| {
            let last = if i % 100 == 0 { "zz" } else { "yy" };
            format!("a{i} {} {last}", words.join(" "))
        })
        .collect();
    write_lines(&sb, "/it/wide", "s/app/1", -600_000, 1, &lines);

    let pattern = ecsdeck::web::urls::encode("[a, ..., ..., ..., ..., ..., x=zz]");
    let url =
        format!("/sandbox/logs?group=%2Fit%2Fwide&stream=s%2Fapp%2F1&since=1h&filter={pattern}");
    let page = viewer.get(&url);
    let others = async {
        let health = app.get("/healthz").await;
        let clusters = aws.ecs.list_clusters().send().await.unwrap();
        (health, clusters.cluster_arns().len())
    };
    let (page, (health, clusters)) =
        tokio::time::timeout(std::time::Duration::from_secs(60), async {
            tokio::join!(page, others)
        })
        .await
        .expect("the filter and the other calls all answer");
    assert_eq!(health.status, 200);
    assert!(clusters > 0);
    assert_eq!(page.status, 200, "{}", page.body);
    let shown = page.log_messages();
    assert_eq!(shown.len(), 20, "every 100th line ends in zz: {shown:?}");
    assert!(shown.iter().all(|l| l.ends_with(" zz")));
    assert!(calls(&sandbox_stats(&sb).await, "logs:FilterLogEvents") >= 1);
}
