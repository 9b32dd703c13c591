//! URL and form fuzzing: every route of the route table with hostile path
//! segments (`..`, encoded slashes and NULs, unicode and bidi overrides,
//! markup, 10 KB values) and every action with hostile form values, as
//! each role. Each answer is a 2xx/3xx or a 4xx with a message, never a
//! 5xx, never markup echoed unescaped, and none of it costs an AWS call:
//! unknown names are answered from what the fleet holds, and forms are
//! refused before anything is sent.

use ecsdeck::route_table;
use ecsdeck::sandbox::{Fleet, SandboxConfig};

use crate::browse_pages::FROZEN;
use crate::harness::*;

/// Path segments as a hostile client would send them (already encoded
/// where a browser would encode them).
fn hostile_segments() -> Vec<String> {
    vec![
        "..".to_string(),
        "%2e%2e".to_string(),
        "a%2Fb%2F..%2F..".to_string(),
        "%00".to_string(),
        "%E2%80%AEevil%E2%80%AC".to_string(),
        "%F0%9D%94%98n%C3%AFc%C3%B6de".to_string(),
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E".to_string(),
        "%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E".to_string(),
        "a".repeat(10 * 1024),
        "%FF%FE".to_string(),
        "-1".to_string(),
        "99999999999999999999999".to_string(),
    ]
}

/// Fills every `{param}` / `{*param}` of `pattern` with `value`, keeping
/// the environment real unless `env` says otherwise.
fn fill(pattern: &str, value: &str, env: &str) -> String {
    pattern
        .split('/')
        .map(|seg| match seg {
            "{env}" => env.to_string(),
            s if s.starts_with('{') => value.to_string(),
            s => s.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn check(page: &Page, what: &str) {
    assert!(
        page.status.as_u16() < 500,
        "{what}: {} {}",
        page.status,
        page.body
    );
    assert!(
        !page.body.contains("<script>alert(1)") && !page.body.contains("<img src=x onerror"),
        "{what}: markup echoed unescaped"
    );
    if page.status.as_u16() >= 400 {
        assert!(
            page.exists(".error-message")
                || page.exists("[role=alert]")
                || page.header("hx-retarget") == "#toasts",
            "{what}: {} without a message: {}",
            page.status,
            page.body
        );
    }
}

#[tokio::test]
async fn hostile_paths_get_a_4xx_with_a_message_and_cost_no_aws_call() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, FROZEN)).await;
    // Nothing ages while the test runs: every call counted is one a
    // hostile name caused, not a refresh coming due.
    let timing = ecsdeck::fleet::CacheTiming {
        clock: ecsdeck::clock::Clock::manual(),
        ..Default::default()
    };
    let app = TestApp::new(with_cache_timing(app_state(&sb).await, timing));
    let admin = app.session("admin").await;
    admin.ok("/sandbox/task-definitions").await;
    // What the fleet holds after the overview: every cluster and service.
    admin.ok("/").await;
    poll_until(
        "every repository read",
        std::time::Duration::from_secs(30),
        || async {
            let p = admin.ok("/sandbox/images").await;
            (!p.exists(".reading")).then_some(())
        },
    )
    .await;
    reset_stats(&sb).await;

    let mut tried = 0;
    for route in route_table() {
        if !route.path.contains('{') || route.streaming {
            continue;
        }
        // A route whose only parameter is the environment is fuzzed there
        // only (with the real one it is an ordinary page).
        let names_more = route.path.matches('{').count() > 1;
        for value in hostile_segments() {
            let envs = if names_more {
                vec!["sandbox", value.as_str()]
            } else {
                vec![value.as_str()]
            };
            for env in envs {
                let path = fill(route.path, &value, env);
                for method in route.methods {
                    let page = if *method == "GET" {
                        admin.get(&path).await
                    } else {
                        admin.post_form(&path, &[("confirm", "yes")]).await
                    };
                    check(&page, &format!("{method} {}", &path[..path.len().min(120)]));
                    tried += 1;
                }
            }
        }
    }
    assert!(tried > 300, "{tried} requests");
    let stats = sandbox_stats(&sb).await;
    assert_eq!(total_calls(&stats), 0, "hostile names reached AWS: {stats}");
}

#[tokio::test]
async fn hostile_form_values_are_refused_before_any_aws_call() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, FROZEN)).await;
    let app = TestApp::on(&sb).await;
    let operator = app.session("operator").await;
    operator.ok("/").await;
    let base = "/sandbox/clusters/acme-production/services/acme-production";
    operator.ok(base).await;
    reset_stats(&sb).await;
    let long = "9".repeat(10 * 1024);
    let values = [
        "-1",
        "abc",
        "1e9",
        "99999999999999999999",
        long.as_str(),
        "<script>alert(1)</script>",
        "\u{202e}1",
        "",
    ];
    let fields = [
        "desired",
        "count",
        "tag",
        "image",
        "container",
        "revision",
        "action_id",
        "typed_name",
    ];
    for action in [
        "scale",
        "redeploy",
        "deploy-image",
        "rollback",
        "stop-deployment",
    ] {
        for value in values {
            for field in fields {
                let page = operator
                    .post_htmx(
                        &format!("{base}/{action}"),
                        &[(field, value), ("confirm", "yes")],
                    )
                    .await;
                check(
                    &page,
                    &format!("{action} {field}={}", &value[..value.len().min(40)]),
                );
            }
        }
    }
    let stats = sandbox_stats(&sb).await;
    for op in [
        "ecs:UpdateService",
        "ecs:StopTask",
        "ecs:RegisterTaskDefinition",
        "ecs:StopServiceDeployment",
    ] {
        assert_eq!(calls(&stats, op), 0, "{op}: {stats}");
    }
}
