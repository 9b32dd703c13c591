//! `/metrics`: a page view's AWS calls counted exactly as the sandbox
//! counted them (by service, operation and outcome, throttling included),
//! HTTP requests by route template (never the raw path), actions by kind
//! and result, and the bearer token when one is configured.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use ecsdeck::sandbox::SandboxConfig;
use ecsdeck::sandbox::control::ControlState;

use crate::harness::*;

const SERVICE: &str = "/sandbox/clusters/apps/services/svc-00000";

/// One sample line: the metric's name, its labels and its value.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// The samples of a Prometheus text exposition (comments skipped).
fn samples(text: &str) -> Vec<Sample> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let (series, value) = line.rsplit_once(' ').expect("`series value`");
            let (name, labels) = match series.split_once('{') {
                Some((n, rest)) => (n, rest.trim_end_matches('}')),
                None => (series, ""),
            };
            let labels = labels
                .split("\",")
                .filter(|p| !p.is_empty())
                .map(|pair| {
                    let (k, v) = pair.split_once('=').expect("label=value");
                    (k.to_string(), v.trim_matches('"').to_string())
                })
                .collect();
            Sample {
                name: name.to_string(),
                labels,
                value: value.parse().expect("a number"),
            }
        })
        .collect()
}

/// `ecsdeck_aws_calls_total` of environment `sandbox` as
/// `service:Operation` → count, for `outcome`.
fn aws_calls(text: &str, outcome: &str) -> BTreeMap<String, u64> {
    samples(text)
        .into_iter()
        .filter(|s| s.name == "ecsdeck_aws_calls_total")
        .filter(|s| s.labels["environment"] == "sandbox" && s.labels["outcome"] == outcome)
        .map(|s| {
            let key = format!("{}:{}", s.labels["service"], s.labels["operation"]);
            (key, s.value as u64)
        })
        .collect()
}

/// The sandbox's counters, `service:Operation` → count (nonzero only).
async fn sandbox_calls(sb: &ecsdeck::sandbox::SandboxHandle) -> BTreeMap<String, u64> {
    let stats = sandbox_stats(sb).await;
    stats["calls"]
        .as_object()
        .unwrap()
        .iter()
        .filter_map(|(k, v)| v.as_u64().filter(|n| *n > 0).map(|n| (k.clone(), n)))
        .collect()
}

fn value(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    samples(text)
        .into_iter()
        .find(|s| {
            s.name == name
                && labels
                    .iter()
                    .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|s| s.value)
}

/// Polls until `/metrics` counts, for `outcome`, exactly what the sandbox
/// received (the page may leave reads running in the background: both
/// sides must have settled on the same figures).
async fn settled(app: &TestApp, sb: &ecsdeck::sandbox::SandboxHandle, outcome: &str) -> String {
    poll_until(
        "/metrics to agree with the sandbox's counts",
        Duration::from_secs(30),
        || async {
            let text = app.get("/metrics").await.body;
            let sandbox = sandbox_calls(sb).await;
            (aws_calls(&text, outcome) == sandbox && !sandbox.is_empty()).then_some(text)
        },
    )
    .await
}

#[tokio::test]
async fn a_page_view_counts_exactly_the_aws_calls_the_sandbox_saw() {
    let sb = start_sandbox(SandboxConfig::one_cluster("apps", 2, 2)).await;
    let app = TestApp::on(&sb).await;
    let viewer = app.session("viewer").await;
    // Signing in makes no AWS call: both sides start at zero.
    let before = app.get("/metrics").await;
    assert_eq!(before.status, 200);
    assert!(
        before
            .header("content-type")
            .starts_with("text/plain; version=0.0.4"),
        "{}",
        before.header("content-type")
    );
    assert!(aws_calls(&before.body, "ok").is_empty(), "{}", before.body);
    assert!(sandbox_calls(&sb).await.is_empty());

    let page = viewer.get(SERVICE).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let text = settled(&app, &sb, "ok").await;
    let counted = aws_calls(&text, "ok");
    // The service page reads ECS, CloudWatch (named as IAM names it, not
    // by its signing name `monitoring`) and more.
    assert!(counted["ecs:DescribeServices"] >= 1, "{counted:?}");
    assert!(
        counted.keys().any(|k| k.starts_with("cloudwatch:")),
        "{counted:?}"
    );
    assert!(!counted.keys().any(|k| k.starts_with("monitoring:")));
    assert!(aws_calls(&text, "throttled").is_empty());
    assert!(aws_calls(&text, "error").is_empty());

    // The budget spent one token per attempt: its groups add up to the
    // same total.
    let tokens: f64 = samples(&text)
        .iter()
        .filter(|s| s.name == "ecsdeck_aws_budget_tokens_used_total")
        .map(|s| s.value)
        .sum();
    assert_eq!(tokens as u64, counted.values().sum::<u64>());
    assert_eq!(
        value(
            &text,
            "ecsdeck_aws_budget_burst",
            &[("group", "ecs:service-read")]
        ),
        Some(50.0),
        "half of ECS's burst of 100"
    );

    // The page view, by its route template; the raw path never appears.
    let route = "/{env}/clusters/{cluster}/services/{service}";
    let labels = [("route", route), ("method", "GET"), ("status", "200")];
    assert_eq!(
        value(&text, "ecsdeck_http_requests_total", &labels),
        Some(1.0)
    );
    assert_eq!(
        value(
            &text,
            "ecsdeck_http_request_duration_seconds_count",
            &[("route", route)]
        ),
        Some(1.0)
    );
    assert!(!text.contains("svc-00000"), "no raw paths as labels");
    // The sign-in: one POST /login answered 303.
    let login = [("route", "/login"), ("method", "POST"), ("status", "303")];
    assert_eq!(
        value(&text, "ecsdeck_http_requests_total", &login),
        Some(1.0)
    );
    // Unknown URLs share one label.
    viewer.get("/no/such/page").await;
    let text = app.get("/metrics").await.body;
    let fallback = [("route", "fallback"), ("status", "404")];
    assert_eq!(
        value(&text, "ecsdeck_http_requests_total", &fallback),
        Some(1.0)
    );

    // The fleet now holds the service; someone just looked at it.
    assert!(
        value(
            &text,
            "ecsdeck_fleet_cache_keys",
            &[("environment", "sandbox"), ("cache", "services")]
        )
        .unwrap()
            >= 1.0
    );
    assert!(
        value(
            &text,
            "ecsdeck_refresh_lag_seconds",
            &[("environment", "sandbox")]
        )
        .is_some()
    );
    assert_eq!(
        value(&text, "ecsdeck_tail_pollers", &[("environment", "sandbox")]),
        Some(0.0)
    );
}

#[tokio::test]
async fn throttled_attempts_are_counted_as_throttled_each_retry_included() {
    let sb = start_sandbox(SandboxConfig::one_cluster("apps", 1, 1)).await;
    let app = TestApp::on(&sb).await;
    let viewer = app.session("viewer").await;
    sb.control().set(ControlState {
        throttle: true,
        ..Default::default()
    });
    let page = viewer.get("/sandbox/task-definitions").await;
    assert_ne!(page.status, 200, "no copy to show while AWS throttles");
    let text = settled(&app, &sb, "throttled").await;
    let throttled = aws_calls(&text, "throttled");
    let families = throttled["ecs:ListTaskDefinitionFamilies"];
    assert!(
        families >= 2,
        "the SDK retried and each attempt counts: {throttled:?}"
    );
    assert!(aws_calls(&text, "ok").is_empty());
}

#[tokio::test]
async fn actions_are_counted_by_kind_and_result() {
    let sb = start_sandbox(SandboxConfig::one_cluster("apps", 2, 2)).await;
    let app = TestApp::on(&sb).await;
    let op = app.session("operator").await;
    let fields = [
        ("desired_count", "3"),
        ("action_id", "m-1"),
        ("confirmed", "1"),
    ];
    let scale = format!("{SERVICE}/scale");
    assert_eq!(op.post_form(&scale, &fields).await.status, 303);
    assert_eq!(op.post_form(&scale, &fields).await.status, 303);
    let viewer = app.session("viewer").await;
    assert_eq!(viewer.post_form(&scale, &fields).await.status, 403);
    let text = app.get("/metrics").await.body;
    for (result, n) in [("ok", 1.0), ("duplicate", 1.0), ("denied", 1.0)] {
        assert_eq!(
            value(
                &text,
                "ecsdeck_actions_total",
                &[("kind", "scale"), ("result", result)]
            ),
            Some(n),
            "{result}"
        );
    }
    assert_eq!(
        value(
            &text,
            "ecsdeck_aws_calls_total",
            &[("operation", "UpdateService"), ("outcome", "ok")]
        ),
        Some(1.0)
    );
}

#[tokio::test]
async fn the_bearer_token_guards_metrics_when_set() {
    let sb = start_sandbox(SandboxConfig::one_cluster("apps", 1, 1)).await;
    let mut state = app_state(&sb).await;
    state.settings = Arc::new(ecsdeck::state::Settings {
        metrics_token: Some("s3cret-scrape-token".to_string()),
        ..test_settings()
    });
    let app = TestApp::new(state);
    let none = app.get("/metrics").await;
    assert_eq!(none.status, 401);
    assert!(none.header("www-authenticate").starts_with("Bearer"));
    assert!(!none.body.contains("ecsdeck_http_requests_total"));
    let wrong = app
        .get_with(
            "/metrics",
            &[("authorization", "Bearer s3cret-scrape-tokeX")],
        )
        .await;
    assert_eq!(wrong.status, 401);
    let prefix = app
        .get_with("/metrics", &[("authorization", "Bearer s3cret")])
        .await;
    assert_eq!(prefix.status, 401);
    let right = app
        .get_with(
            "/metrics",
            &[("authorization", "Bearer s3cret-scrape-token")],
        )
        .await;
    assert_eq!(right.status, 200, "{}", right.body);
    // The refused scrapes are counted too (by route, not token).
    assert!(right.body.contains(
        "ecsdeck_http_requests_total{route=\"/metrics\",method=\"GET\",status=\"401\"} 3"
    ));
    // /healthz and /readyz need no token.
    assert_eq!(app.get("/healthz").await.status, 200);
}
