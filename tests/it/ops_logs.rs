//! ecsdeck's own logs: one JSON line per request with request id, user,
//! route template, method, status and latency — and never the password,
//! the session cookie, the CSRF token, a query string or a masked value,
//! through a sign-in, page views and an action.

use ecsdeck::sandbox::SandboxConfig;

use crate::harness::*;

const PASSWORD: &str = "Pw-only-in-this-test-7731";
const MASKED: &str = "masked-value-zz81";

// Single-threaded runtime: the capture is per thread, and every task of
// the app runs on this one.
#[tokio::test(flavor = "current_thread")]
async fn one_json_line_per_request_and_no_secrets() {
    // Production's JSON format and default filter.
    let logs = LogCapture::start();

    let sb = start_sandbox(SandboxConfig::one_cluster("apps", 2, 2)).await;
    let app = TestApp::on(&sb).await;
    let hash = ecsdeck::auth::password::hash_password(PASSWORD).unwrap();
    app.state
        .store()
        .user_add("rosa", "operator", &hash)
        .await
        .unwrap();
    let mut s = app.anonymous().await;
    let signed_in = s
        .post_form("/login", &[("username", "rosa"), ("password", PASSWORD)])
        .await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    let cookie = signed_in
        .header_all("set-cookie")
        .iter()
        .find_map(|c| c.strip_prefix(&format!("{COOKIE}=")))
        .map(|c| c.split(';').next().unwrap().to_string())
        .unwrap();
    s.cookie = cookie.clone();
    let page = s
        .ok("/sandbox/clusters/apps/services/svc-00000?q=token-in-query")
        .await;
    s.csrf = page.csrf().unwrap();
    let done = s
        .post_htmx(
            "/sandbox/clusters/apps/services/svc-00000/scale",
            &[
                ("desired_count", "3"),
                ("action_id", "log-1"),
                ("confirmed", "1"),
            ],
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    // A task definition with a secret-looking value: masked on the page,
    // and nowhere in the log either.
    let aws = sdk(&sb).await;
    let container = aws_sdk_ecs::types::ContainerDefinition::builder()
        .name("app")
        .image("nginx:1")
        .essential(true)
        .environment(
            aws_sdk_ecs::types::KeyValuePair::builder()
                .name("DB_PASSWORD")
                .value(MASKED)
                .build(),
        )
        .build();
    aws.ecs
        .register_task_definition()
        .family("logged")
        .container_definitions(container)
        .send()
        .await
        .unwrap();
    let td = s.ok("/sandbox/task-definitions/logged/1").await;
    assert!(td.body.contains("DB_PASSWORD") && !td.body.contains(MASKED));

    let text = logs.text();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let requests: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| l["target"] == "ecsdeck::request")
        .collect();
    // GET /login, POST /login, the page, the action, the task definition.
    assert_eq!(requests.len(), 5, "{text}");
    let page_line = requests[2];
    assert_eq!(page_line["level"], "INFO");
    assert_eq!(page_line["message"], "request");
    assert_eq!(
        page_line["route"],
        "/{env}/clusters/{cluster}/services/{service}"
    );
    assert_eq!(page_line["method"], "GET");
    assert_eq!(page_line["status"], 200);
    assert_eq!(page_line["user"], "rosa");
    assert!(page_line["latency_ms"].is_u64(), "{page_line}");
    let id = page_line["request_id"].as_str().unwrap();
    assert_eq!(id, page.header("x-request-id"), "the id the user was shown");
    assert_eq!(requests[0]["user"], "-", "nobody signed in yet");
    assert_eq!(requests[1]["route"], "/login");
    assert_eq!(requests[1]["status"], 303);
    let action = requests[3];
    assert_eq!(action["method"], "POST");
    assert_eq!(action["user"], "rosa");
    assert_eq!(
        action["route"],
        "/{env}/clusters/{cluster}/services/{service}/scale"
    );

    // Nothing secret anywhere in the log, at any of these levels.
    let secrets = [PASSWORD, &cookie, &s.csrf, "token-in-query", MASKED];
    for secret in secrets {
        assert!(!text.contains(secret), "{secret} leaked into the log");
    }
}
