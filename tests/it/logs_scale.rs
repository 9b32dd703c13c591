//! Logs at scale, as a user sees them: a service tail of several tasks in
//! event-time order, a dense page of JSON lines within its weight bound,
//! permalinks that open with their line highlighted, and FireLens
//! containers' logs opened from their task.

use std::sync::Arc;
use std::time::Duration;

use ecsdeck::fleet::logs::{TailHub, TailTiming};
use ecsdeck::sandbox::{Fleet, SandboxConfig, SandboxHandle};
use ecsdeck::state::AppState;

use crate::harness::*;

const WAIT: Duration = Duration::from_secs(20);
/// The seeded FireLens service (`src/sandbox/ecs/seed/firelens.rs`).
const CLUSTER: &str = "data-pipeline";
const SERVICE: &str = "pipeline-events";
const GROUP: &str = "/ecs/data-pipeline/events";

async fn running_task_ids(sb: &SandboxHandle) -> Vec<String> {
    sdk(sb)
        .await
        .ecs
        .list_tasks()
        .cluster(CLUSTER)
        .service_name(SERVICE)
        .send()
        .await
        .unwrap()
        .task_arns()
        .iter()
        .map(|a| a.rsplit('/').next().unwrap().to_string())
        .collect()
}

/// The stream FireLens's `cloudwatch_logs` output writes for a task.
fn firelens_stream(task_id: &str) -> String {
    format!("events/events-firelens-{task_id}")
}

/// Reads an SSE response until `count` occurrences of `needle`.
async fn read_until_count(mut resp: reqwest::Response, needle: &str, count: usize) -> String {
    let mut seen = String::new();
    let read = async {
        while let Some(chunk) = resp.chunk().await.unwrap() {
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if seen.matches(needle).count() >= count {
                return;
            }
        }
        panic!("the tail ended early: {seen}");
    };
    tokio::time::timeout(WAIT, read)
        .await
        .unwrap_or_else(|_| panic!("not {count} {needle:?} within {WAIT:?}: {seen}"));
    seen
}

#[tokio::test]
async fn a_service_tail_of_three_tasks_delivers_interleaved_lines_in_time_order() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, 0.0001)).await;
    // The lines come through the group's Live Tail session; should it
    // fall back, pollers ask every 300 ms, so the three tasks' lines still
    // reach the server within the reorder window of each other.
    let plain = app_state(&sb).await;
    let mut env = plain.environments[0].clone();
    let timing = TailTiming {
        min: Duration::from_millis(300),
        max: Duration::from_millis(300),
    };
    env.tail = Arc::new(TailHub::new(env.aws.clone(), timing));
    let state = AppState::new(test_settings(), vec![env], plain.auth.clone());
    let hub = state.environments[0].tail.clone();
    let base = serve(state).await;
    let client = HttpClient::signed_in(&base, "viewer").await;
    let ids = running_task_ids(&sb).await;
    assert_eq!(ids.len(), 3, "{ids:?}");
    let url =
        format!("/sandbox/logs/tail?service={CLUSTER}%2F{SERVICE}&container=events&filter=ORDERED");
    let resp = client.stream(&url, &[]).await;
    assert_eq!(resp.status(), 200);
    poll_until("a channel per task stream", WAIT, || async {
        (hub.active() == 3).then_some(())
    })
    .await;
    // Each task writes 4 lines, 30 ms apart, the tasks 10 ms apart: in
    // time the lines interleave t0 t1 t2 t0 t1 t2 … The last task is
    // written first.
    let mut expected = Vec::new();
    for (i, id) in ids.iter().enumerate().rev() {
        let lines: Vec<String> = (0..4).map(|n| format!("ORDERED t{i} n{n}")).collect();
        write_lines(
            &sb,
            GROUP,
            &firelens_stream(id),
            1_000 + i as i64 * 10,
            30,
            &lines,
        );
        for n in 0..4 {
            expected.push((1_000 + i as i64 * 10 + n * 30, format!("ORDERED t{i} n{n}")));
        }
    }
    expected.sort();
    let seen = read_until_count(resp, "</mark> t", 12).await;
    let order: Vec<String> = seen
        .split("<mark>ORDERED</mark> ")
        .skip(1)
        .map(|rest| format!("ORDERED {}", &rest[..5]))
        .collect();
    let want: Vec<String> = expected.into_iter().map(|(_, m)| m).collect();
    assert_eq!(order, want, "lines of three tasks in event-time order");
    // Their data-ts rise too (the browser inserts by them).
    let ts: Vec<i64> = seen
        .split("data-ts=\"")
        .skip(1)
        .map(|r| r[..r.find('"').unwrap()].parse().unwrap())
        .collect();
    assert!(ts.windows(2).all(|w| w[0] <= w[1]), "{ts:?}");
}

#[tokio::test]
async fn a_page_of_500_json_lines_weighs_at_most_two_and_a_half_times_its_text() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 1.0)).await;
    let viewer = TestApp::on(&sb).await.session("viewer").await;
    let (group, stream) = ("/it/json", "ecs/api/0123456789abcdef0123456789abcdef");
    let lines: Vec<String> = (0..500)
        .map(|i| {
            format!(
                r#"{{"level":"info","ts":"2026-11-23T16:20:{:02}.{:03}Z","logger":"http","msg":"request served","method":"GET","path":"/api/orders/{i}","status":200,"duration_ms":{}.5,"request_id":"9f8e7d6c-{i:04}"}}"#,
                i % 60,
                i % 1000,
                i % 90
            )
        })
        .collect();
    let text: usize = lines.iter().map(String::len).sum();
    write_lines(&sb, group, stream, -60_000, 10, &lines);
    let page = viewer
        .ok(&format!(
            "/sandbox/logs?group={}&stream={}",
            ecsdeck::web::urls::encode(group),
            ecsdeck::web::urls::encode(stream)
        ))
        .await;
    assert_eq!(page.count(".log-line"), 500);
    assert_eq!(
        page.count(".log-line > .log-msg[data-json]"),
        500,
        "expandable"
    );
    assert!(!page.exists(".log-line pre"), "no second copy of any line");
    let weight = page.body.len();
    let ratio = weight as f64 / text as f64;
    eprintln!("500 JSON lines: {text} bytes of text, a {weight}-byte page ({ratio:.2}×)");
    assert!(
        ratio <= 2.5,
        "{weight} bytes for {text} bytes of lines ({ratio:.2}×)"
    );
}

#[tokio::test]
async fn a_permalink_opens_the_viewer_at_its_moment_with_the_line_highlighted() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 1.0)).await;
    let viewer = TestApp::on(&sb).await.session("viewer").await;
    let lines: Vec<String> = (0..50).map(|i| format!("line {i:02}")).collect();
    write_lines(&sb, "/it/perma", "web/app/1", -600_000, 1_000, &lines);
    let page = viewer
        .ok("/sandbox/logs?group=%2Fit%2Fperma&stream=web%2Fapp%2F1")
        .await;
    let links = page.select(".log-line > a");
    assert_eq!(links.len(), 50, "every line links to its moment");
    assert!(!page.exists(".log-here"), "nothing highlighted without at=");
    let href = links[20].attr("href").unwrap().to_string();
    assert!(
        href.starts_with("?group=/it/perma&stream=web/app/1&at="),
        "{href}"
    );
    assert!(href.ends_with("#here"), "{href}");
    let path = format!("/sandbox/logs{}", href.split('#').next().unwrap());
    let moment = viewer.ok(&path).await;
    assert_eq!(moment.texts(".log-here > .log-msg"), ["line 20"]);
    assert_eq!(
        moment.count("#here.log-here"),
        1,
        "the anchor the link scrolls to"
    );
    assert!(
        moment.log_messages().contains(&"line 00".to_string()),
        "the moment's context before it"
    );
    assert!(
        moment.log_messages().contains(&"line 29".to_string()),
        "and the few seconds after it"
    );
    assert!(
        !moment.exists("[sse-connect]"),
        "a moment in the past is not live"
    );
    assert!(moment.link("a", "Jump to now").is_some());
    // Later lines do not move the moment.
    write_lines(
        &sb,
        "/it/perma",
        "web/app/1",
        0,
        1,
        &strings(&["much later"]),
    );
    let again = viewer.ok(&path).await;
    assert_eq!(again.texts(".log-here > .log-msg"), ["line 20"]);
    assert!(!again.log_messages().contains(&"much later".to_string()));
}

#[tokio::test]
async fn a_firelens_containers_logs_open_from_its_task() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, 0.0001)).await;
    let viewer = TestApp::on(&sb).await.session("viewer").await;
    let id = running_task_ids(&sb).await.remove(0);
    write_lines(
        &sb,
        GROUP,
        &firelens_stream(&id),
        0,
        1,
        &strings(&["FIRELENS marker line"]),
    );
    let task = viewer
        .ok(&format!("/sandbox/clusters/{CLUSTER}/tasks/{id}"))
        .await;
    let href = task
        .attr(
            &format!(
                "a[href*=\"{}\"]",
                ecsdeck::web::urls::encode(&firelens_stream(&id))
            ),
            "href",
        )
        .expect("the FireLens container's logs link");
    assert!(href.contains(&ecsdeck::web::urls::encode(GROUP)), "{href}");
    let logs = viewer.ok(&href).await;
    let msgs = logs.log_messages();
    assert!(
        msgs.contains(&"FIRELENS marker line".to_string()),
        "{msgs:?}"
    );
    // The sandbox's log router writes the container's own lines there too.
    assert!(msgs.len() > 1, "{msgs:?}");
    // The service's interleaved view finds the three FireLens streams.
    let service = viewer
        .ok(&format!(
            "/sandbox/logs?service={CLUSTER}%2F{SERVICE}&container=events&since=1h"
        ))
        .await;
    assert!(
        service
            .log_messages()
            .contains(&"FIRELENS marker line".to_string())
    );
    assert!(service.exists(".log-line > .log-tag"));
}

#[tokio::test]
async fn a_firelens_group_named_after_its_cluster_is_readable() {
    use aws_sdk_ecs::types::{ContainerDefinition, LogConfiguration, LogDriver};
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 1.0)).await;
    let sdk = sdk(&sb).await;
    let container = ContainerDefinition::builder()
        .name("api")
        .image("public.ecr.aws/nginx/nginx:1.27")
        .essential(true)
        .log_configuration(
            LogConfiguration::builder()
                .log_driver(LogDriver::Awsfirelens)
                .options("Name", "cloudwatch")
                .options("log_group_name", "/ecs/$(ecs_cluster)")
                .options("log_stream_name", "api/$(ecs_task_id)")
                .build()
                .unwrap(),
        )
        .build();
    let td = crate::sandbox_ecs_create::register(&sdk.ecs, "fl-api", container).await;
    crate::sandbox_ecs_create::create_service(&sdk.ecs, "fl", "api", &td, 1).await;
    write_lines(
        &sb,
        "/ecs/fl",
        "api/0123",
        -1_000,
        1,
        &strings(&["templated group line"]),
    );
    let viewer = TestApp::on(&sb).await.session("viewer").await;
    let page = viewer
        .get("/sandbox/logs?group=%2Fecs%2Ffl&stream=api%2F0123")
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.log_messages()
            .contains(&"templated group line".to_string())
    );
    let other = viewer
        .get("/sandbox/logs?group=%2Fecs%2Fother&stream=api%2F0123")
        .await;
    assert_eq!(other.status, 403, "only the cluster's own name");
}
