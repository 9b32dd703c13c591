//! One name per action: a refused task stop is audited as `stop-task` and
//! the audit filter finds it; `--protected-cluster '*prod*'` protects
//! `my-prod-cluster`; a form that does not fit its type is the styled 400
//! (page or toast) without any AWS call.

use ecsdeck::sandbox::SandboxConfig;

use crate::harness::*;

#[tokio::test]
async fn a_viewers_refused_task_stop_is_found_by_the_stop_task_filter() {
    let sb = start_sandbox(SandboxConfig::one_cluster("apps", 1, 1).with_speed(0.0001)).await;
    let app = TestApp::on(&sb).await;
    let viewer = app.session("viewer").await;
    let refused = viewer
        .post_form(
            "/sandbox/clusters/apps/tasks/0123456789abcdef/stop",
            &[("confirmed", "1"), ("action_id", "v-1"), ("reason", "try")],
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);

    let admin = app.session("admin").await;
    let page = admin.get("/audit?action=stop-task").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(
        page.count("tr[data-audit=\"stop-task\"]"),
        1,
        "{}",
        page.body
    );
    assert_eq!(page.count("tr[data-audit]"), 1, "only the task stop");
    assert_eq!(
        page.texts("tr[data-audit=\"stop-task\"] .badge.bad"),
        vec!["denied".to_string()]
    );
    assert!(
        page.texts("tr[data-audit=\"stop-task\"] td")
            .iter()
            .any(|t| t.contains("viewer")),
        "{}",
        page.body
    );
    assert_eq!(
        page.attr("select[name=action] option[selected]", "value")
            .as_deref(),
        Some("stop-task"),
        "the filter shows what it selects"
    );
    let denied = admin.get("/audit?action=stop-task&result=denied").await;
    assert_eq!(denied.count("tr[data-audit]"), 1);

    // The URL's last segment is not an action name.
    let unknown = admin.get("/audit?action=stop").await;
    assert_eq!(unknown.status, 400);
    assert!(unknown.body.contains("Unknown action"), "{}", unknown.body);
}

#[tokio::test]
async fn a_star_pattern_protects_my_prod_cluster() {
    let sb =
        start_sandbox(SandboxConfig::one_cluster("my-prod-cluster", 1, 2).with_speed(0.0001)).await;
    let mut state = app_state(&sb).await;
    state.settings = std::sync::Arc::new(ecsdeck::state::Settings {
        protected_clusters: vec!["*prod*".to_string()],
        ..test_settings()
    });
    let app = TestApp::new(state);
    let op = app.session("operator").await;
    let scale = "/sandbox/clusters/my-prod-cluster/services/svc-00000/scale";
    let preview = op
        .post_form(scale, &[("desired_count", "3"), ("action_id", "p-1")])
        .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(
        preview
            .body
            .contains("Type <code>svc-00000</code> to confirm"),
        "{}",
        preview.body
    );

    reset_stats(&sb).await;
    let untyped = op
        .post_form(
            scale,
            &[
                ("desired_count", "3"),
                ("action_id", "p-1"),
                ("confirmed", "1"),
            ],
        )
        .await;
    assert_eq!(untyped.status, 400);
    assert!(untyped.body.contains("Type svc-00000 exactly to confirm."));
    assert_eq!(calls(&sandbox_stats(&sb).await, "ecs:UpdateService"), 0);
}

#[tokio::test]
async fn a_form_that_does_not_fit_is_the_styled_400_without_aws_calls() {
    let sb = start_sandbox(SandboxConfig::one_cluster("apps", 1, 2).with_speed(0.0001)).await;
    let app = TestApp::on(&sb).await;
    let op = app.session("operator").await;
    let scale = "/sandbox/clusters/apps/services/svc-00000/scale";
    // `desired_count` twice does not deserialize into the scale form.
    let body = format!(
        "desired_count=1&desired_count=2&confirmed=1&action_id=m-1&csrf_token={}",
        op.csrf
    );
    let form = [("content-type", "application/x-www-form-urlencoded")];

    reset_stats(&sb).await;
    let page = op.send("POST", scale, &form, body.clone()).await;
    assert_eq!(page.status, 400, "{}", page.body);
    let request_id = page.header("x-request-id").to_string();
    assert!(!request_id.is_empty());
    assert!(page.exists("main"), "a styled page: {}", page.body);
    assert!(page.body.contains(&request_id), "with the request id");
    assert!(page.body.contains("The submitted form is not valid"));

    let mut htmx = form.to_vec();
    htmx.push(("hx-request", "true"));
    let toast = op.send("POST", scale, &htmx, body).await;
    assert_eq!(toast.status, 400, "{}", toast.body);
    assert_eq!(toast.header("hx-retarget"), "#toasts");
    assert!(toast.body.contains(toast.header("x-request-id")));

    assert_eq!(total_calls(&sandbox_stats(&sb).await), 0, "no AWS call");
}
