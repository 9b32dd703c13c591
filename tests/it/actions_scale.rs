//! Scaling through the real router as a signed-in operator: the preview,
//! the one UpdateService call, the audit record, live progress — and every
//! refusal (bad input, replay, viewer, read-only) calling AWS zero times.

use ecsdeck::sandbox::SandboxConfig;
use ecsdeck::store::{AuditFilter, AuditStatus};

use crate::harness::*;

const SCALE: &str = "/sandbox/clusters/apps/services/svc-00000/scale";

#[tokio::test]
async fn scale_previews_acts_once_audits_and_shows_progress() {
    let sb = start_sandbox(SandboxConfig::one_cluster("apps", 2, 2).with_speed(60.0)).await;
    let aws = sdk(&sb).await;
    let state = app_state(&sb).await;
    let app = TestApp::new(state.clone());
    let op = app.session("operator").await;

    // The page offers the form to an operator.
    let page = op.get("/sandbox/clusters/apps/services/svc-00000").await;
    assert!(
        page.exists(&format!("form.scale-form[action=\"{SCALE}\"]")),
        "operator sees the scale form"
    );

    // Preview: names the cluster, service and before → after; no change.
    reset_stats(&sb).await;
    let preview = op
        .post_form(SCALE, &[("desired_count", "4"), ("action_id", "a-1")])
        .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(preview.body.contains("Cluster apps · service svc-00000"));
    assert!(preview.body.contains("Desired count 2 → 4"));
    assert_eq!(calls(&sandbox_stats(&sb).await, "ecs:UpdateService"), 0);

    // Confirm (twice: a double click) — exactly one UpdateService.
    let fields = [
        ("desired_count", "4"),
        ("action_id", "a-1"),
        ("confirmed", "1"),
    ];
    let first = op.post_form(SCALE, &fields).await;
    assert_eq!(first.status, 303, "plain forms go back to the service page");
    assert_eq!(
        first.header("location"),
        "/sandbox/clusters/apps/services/svc-00000"
    );
    let second = op.post_form(SCALE, &fields).await;
    assert_eq!(second.status, 303);
    let stats = sandbox_stats(&sb).await;
    assert_eq!(
        calls(&stats, "ecs:UpdateService"),
        1,
        "one call for two submits"
    );
    let agent = stats["user_agents"]["ecs:UpdateService"].as_str().unwrap();
    assert!(
        agent.contains("app/ecsdeck-user-operator"),
        "CloudTrail sees the user: {agent}"
    );

    // AWS sees desired 4 and the tasks come up.
    poll_until(
        "4 running tasks",
        std::time::Duration::from_secs(20),
        || async {
            let d = aws
                .ecs
                .describe_services()
                .cluster("apps")
                .services("svc-00000")
                .send()
                .await
                .unwrap();
            let s = &d.services()[0];
            (s.desired_count() == 4 && s.running_count() == 4).then_some(())
        },
    )
    .await;

    // One audit record, before → after, ok; the page shows it and the count.
    let entries = state
        .store()
        .audit_list(
            &AuditFilter {
                action: Some("scale".into()),
                ..Default::default()
            },
            10,
        )
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
    let e = &entries[0];
    assert_eq!((e.user.as_str(), e.role.as_str()), ("operator", "operator"));
    assert_eq!(e.before.as_deref(), Some("desired 2"));
    assert_eq!(e.after.as_deref(), Some("desired 4"));
    assert_eq!(e.status, AuditStatus::Ok);
    assert_eq!(
        (e.cluster.as_str(), e.target.as_str()),
        ("apps", "svc-00000")
    );
    let page = poll_until(
        "the page to show 4 running",
        std::time::Duration::from_secs(10),
        || async {
            let p = op
                .get_htmx("/sandbox/clusters/apps/services/svc-00000")
                .await;
            let labels = p.texts(".card > .label");
            let values = p.texts(".card > .label + .value");
            labels
                .iter()
                .zip(&values)
                .any(|(l, v)| l == "Running" && v == "4")
                .then_some(p)
        },
    )
    .await;
    assert!(
        page.texts("table.audit tr[data-audit=scale] td")
            .iter()
            .any(|t| t == "desired 2 → desired 4"),
        "the audit entry is on the service page"
    );

    // htmx confirm: a result fragment plus a trigger that refreshes progress.
    let htmx = op
        .post_htmx(
            SCALE,
            &[
                ("desired_count", "3"),
                ("action_id", "a-2"),
                ("confirmed", "1"),
            ],
        )
        .await;
    assert_eq!(htmx.status, 200, "{}", htmx.body);
    assert!(htmx.body.contains("desired 4 → desired 3"));
    assert_eq!(htmx.header("hx-trigger"), "service-changed");
}

#[tokio::test]
async fn bad_input_replays_and_viewers_change_nothing() {
    let sb = start_sandbox(SandboxConfig::one_cluster("apps", 1, 2).with_speed(0.0001)).await;
    let state = app_state(&sb).await;
    let app = TestApp::new(state.clone());
    let op = app.session("operator").await;
    let viewer = app.session("viewer").await;

    for bad in ["-1", "1e9", "abc", "", "2.5", "1000000000"] {
        reset_stats(&sb).await;
        let resp = op
            .post_form(
                SCALE,
                &[
                    ("desired_count", bad),
                    ("confirmed", "1"),
                    ("action_id", "x"),
                ],
            )
            .await;
        assert_eq!(resp.status, 400, "{bad:?}: {}", resp.body);
        assert!(
            resp.body.contains("action-error"),
            "{bad:?}: the form says why"
        );
        assert_eq!(
            total_calls(&sandbox_stats(&sb).await),
            0,
            "{bad:?} made AWS calls"
        );
    }

    // Above the ceiling (100) needs the explicit tick.
    reset_stats(&sb).await;
    let large = op
        .post_form(
            SCALE,
            &[
                ("desired_count", "150"),
                ("confirmed", "1"),
                ("action_id", "y"),
            ],
        )
        .await;
    assert_eq!(large.status, 400);
    assert!(large.body.contains("above the ceiling"));
    assert_eq!(calls(&sandbox_stats(&sb).await, "ecs:UpdateService"), 0);

    // A viewer is refused, calls nothing and is audited as denied.
    reset_stats(&sb).await;
    let denied = viewer
        .post_form(
            SCALE,
            &[
                ("desired_count", "0"),
                ("confirmed", "1"),
                ("action_id", "z"),
            ],
        )
        .await;
    assert_eq!(denied.status, 403);
    assert_eq!(total_calls(&sandbox_stats(&sb).await), 0);
    let entries = state
        .store()
        .audit_list(
            &AuditFilter {
                status: Some(AuditStatus::Denied),
                ..Default::default()
            },
            10,
        )
        .await
        .unwrap();
    assert!(entries.iter().any(|e| e.user == "viewer"), "{entries:?}");
    let page = viewer
        .get("/sandbox/clusters/apps/services/svc-00000")
        .await;
    assert!(
        !page.exists("form.scale-form"),
        "viewers see no action forms"
    );
}

#[tokio::test]
async fn read_only_mode_hides_and_refuses_actions() {
    let sb = start_sandbox(SandboxConfig::one_cluster("apps", 1, 2).with_speed(0.0001)).await;
    let mut state = app_state(&sb).await;
    state.settings = std::sync::Arc::new(ecsdeck::state::Settings {
        read_only: true,
        ..test_settings()
    });
    let app = TestApp::new(state);
    let op = app.session("operator").await;
    let page = op.get("/sandbox/clusters/apps/services/svc-00000").await;
    assert!(page.exists("#service-live"), "{}", page.body);
    assert!(!page.exists("form.scale-form"));
    reset_stats(&sb).await;
    let refused = op
        .post_form(
            SCALE,
            &[
                ("desired_count", "3"),
                ("confirmed", "1"),
                ("action_id", "r"),
            ],
        )
        .await;
    assert_eq!(refused.status, 403);
    assert!(refused.body.contains("read-only"));
    assert_eq!(total_calls(&sandbox_stats(&sb).await), 0);
}

#[tokio::test]
async fn the_audit_trail_page_filters_and_scopes_by_role() {
    let sb = start_sandbox(SandboxConfig::one_cluster("apps", 1, 2).with_speed(0.0001)).await;
    let app = TestApp::new(app_state(&sb).await);
    let op = app.session("operator").await;
    let done = op
        .post_form(
            SCALE,
            &[
                ("desired_count", "3"),
                ("confirmed", "1"),
                ("action_id", "au-1"),
            ],
        )
        .await;
    assert_eq!(done.status, 303);
    let viewer = app.session("viewer").await;
    // A viewer's refused attempt is in the trail too (as denied).
    viewer
        .post_form(
            SCALE,
            &[
                ("desired_count", "0"),
                ("confirmed", "1"),
                ("action_id", "au-2"),
            ],
        )
        .await;

    let admin = app.session("admin").await;
    let all = admin.get("/audit").await;
    assert_eq!(all.status, 200);
    assert!(all.body.contains("desired 2 → desired 3"));
    assert!(
        all.texts("tr[data-audit] .badge.bad")
            .contains(&"denied".to_string())
    );
    let errors_only = admin.get("/audit?result=denied").await;
    assert!(!errors_only.body.contains("desired 2 → desired 3"));
    assert!(errors_only.body.contains("viewer"));
    let by_user = admin.get("/audit?user=operator&action=scale").await;
    assert_eq!(by_user.count("tr[data-audit]"), 1);
    let bad = admin.get("/audit?result=maybe").await;
    assert_eq!(bad.status, 400);

    // Operators see their own actions; viewers theirs (here: the denial).
    let own = op.get("/audit").await;
    assert!(own.body.contains("desired 2 → desired 3"));
    assert!(
        !own.texts("tr[data-audit] .badge.bad")
            .contains(&"denied".to_string())
    );
    let theirs = viewer.get("/audit?user=operator").await;
    assert!(
        !theirs.body.contains("desired 2 → desired 3"),
        "the user filter is admin-only"
    );
}
