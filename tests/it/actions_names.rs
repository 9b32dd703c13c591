//! One name per action: a refused task stop is audited as `stop-task` and
//! the audit filter finds it.

use ecsdeck::sandbox::SandboxConfig;

use crate::auth_support::RouterSession;
use crate::support::*;

#[tokio::test]
async fn a_viewers_refused_task_stop_is_found_by_the_stop_task_filter() {
    let sb = start_sandbox(SandboxConfig::one_cluster("apps", 1, 1).with_speed(0.0001)).await;
    let app = ecsdeck::app(app_state(&sb).await);
    let viewer = RouterSession::sign_in(&app, "viewer").await;
    let refused = viewer
        .post_form(
            &app,
            "/sandbox/clusters/apps/tasks/0123456789abcdef/stop",
            &[("confirmed", "1"), ("action_id", "v-1"), ("reason", "try")],
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);

    let admin = RouterSession::sign_in(&app, "admin").await;
    let page = admin.get(&app, "/audit?action=stop-task").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(
        page.body.matches("<tr data-audit=\"stop-task\">").count(),
        1,
        "{}",
        page.body
    );
    assert!(page.body.contains("badge bad\">denied<"));
    assert!(page.body.contains("viewer"));
    assert!(
        page.body.contains("<option value=\"stop-task\" selected>"),
        "the filter shows what it selects"
    );
    let denied = admin
        .get(&app, "/audit?action=stop-task&result=denied")
        .await;
    assert_eq!(denied.body.matches("<tr data-audit=").count(), 1);

    // The URL's last segment is not an action name.
    let unknown = admin.get(&app, "/audit?action=stop").await;
    assert_eq!(unknown.status, 400);
    assert!(unknown.body.contains("Unknown action"), "{}", unknown.body);
}
