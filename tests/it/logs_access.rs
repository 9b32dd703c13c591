//! Only the fleet's log groups are readable: a group no task definition of
//! the environment's services names (a Lambda function's, say) is refused
//! on every log URL, for every role, with a 403 that says how to widen it
//! and without any CloudWatch Logs call; `--log-groups` widens it.

use std::sync::Arc;

use ecsdeck::sandbox::{Fleet, SandboxConfig};

use crate::harness::*;

const LAMBDA: &str = "/aws/lambda/secret-fn";
const STREAM: &str = "2024/01/01/[$LATEST]abc";
const SECRET_LINE: &str = "lambda says the db password is hunter2";

fn logs_calls(stats: &serde_json::Value) -> u64 {
    stats["calls"]
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(op, _)| op.starts_with("logs:"))
                .filter_map(|(_, n)| n.as_u64())
                .sum()
        })
        .unwrap_or(0)
}

fn lambda_urls() -> Vec<String> {
    let q = format!(
        "group={}&stream={}",
        ecsdeck::web::urls::encode(LAMBDA),
        ecsdeck::web::urls::encode(STREAM)
    );
    vec![
        format!("/sandbox/logs?group={}", ecsdeck::web::urls::encode(LAMBDA)),
        format!("/sandbox/logs?{q}"),
        format!("/sandbox/logs/download?{q}"),
        format!("/sandbox/logs/tail?{q}"),
    ]
}

async fn seeded_with_lambda_logs() -> ecsdeck::sandbox::SandboxHandle {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, 0.0001)).await;
    write_lines(&sb, LAMBDA, STREAM, -60_000, 10, &strings(&[SECRET_LINE]));
    sb
}

#[tokio::test]
async fn a_group_no_task_definition_names_is_refused_for_every_role_without_a_logs_call() {
    let sb = seeded_with_lambda_logs().await;
    let app = TestApp::on(&sb).await;
    for role in ["viewer", "operator", "admin"] {
        let user = app.session(role).await;
        // The fleet's own groups still work (and warm the fleet model).
        let own = user
            .get("/sandbox/logs?group=%2Fecs%2Facme-app-production")
            .await;
        assert_eq!(own.status, 200, "{role}: {}", own.body);
        assert!(own.exists("table"), "{role}: the streams table");

        reset_stats(&sb).await;
        for url in lambda_urls() {
            let page = user.get(&url).await;
            assert_eq!(page.status, 403, "{role} {url}: {}", page.body);
            assert!(!page.body.contains("hunter2"), "{role} {url}");
            let why = page.texts("main").join(" ");
            assert!(
                why.contains(LAMBDA) && why.contains("--log-groups"),
                "{role} {url}: the page says why and how to widen it: {why}"
            );
        }
        let stats = sandbox_stats(&sb).await;
        assert_eq!(logs_calls(&stats), 0, "{role}: {stats}");

        // The listing shows the fleet's groups, not the Lambda one.
        let listing = user.ok("/sandbox/logs").await;
        let names = listing.texts("table a").join("\n");
        assert!(names.contains("/ecs/acme-app-production"), "{names}");
        assert!(!listing.body.contains(LAMBDA), "{names}");
    }
}

#[tokio::test]
async fn log_groups_patterns_widen_what_is_readable() {
    let sb = seeded_with_lambda_logs().await;
    let mut state = app_state(&sb).await;
    let mut settings = test_settings();
    settings.log_groups.push("/aws/lambda/*".to_string());
    state.settings = Arc::new(settings);
    let viewer = TestApp::new(state).session("viewer").await;

    let urls = lambda_urls();
    let page = viewer.get(&urls[1]).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.log_messages().iter().any(|m| m.contains(SECRET_LINE)),
        "{:?}",
        page.log_messages()
    );
    let streams = viewer.get(&urls[0]).await;
    assert_eq!(streams.status, 200, "{}", streams.body);
    let download = viewer.get(&urls[2]).await;
    assert_eq!(download.status, 200);
    assert!(download.body.contains(SECRET_LINE));
    let listing = viewer.ok("/sandbox/logs").await;
    assert!(
        listing.texts("table a").iter().any(|t| t.contains(LAMBDA)),
        "{}",
        listing.body
    );
}
