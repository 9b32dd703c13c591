//! Who is offered what: a service page shows an operator the action forms
//! and links (scale, redeploy, deploy image, roll back, stop a task) and a
//! viewer none of them — and no form posting anywhere but sign-out.

use std::time::Duration;

use ecsdeck::sandbox::SandboxConfig;

use crate::harness::*;

const SERVICE: &str = "/sandbox/clusters/apps/services/svc-00000";

/// The forms and links that start an action on the service page.
const ACTIONS: [&str; 7] = [
    "form[method=post][action$=\"/scale\"]",
    "form[method=post][action$=\"/redeploy\"]",
    "form[method=post][action$=\"/deploy-image\"]",
    "form[method=post][action$=\"/rollback\"]",
    "form[method=post][action$=\"/stop\"]",
    "a[href$=\"/deploy-image\"]",
    "a[href$=\"/rollback\"]",
];

#[tokio::test]
async fn a_service_page_offers_actions_to_operators_and_none_to_viewers() {
    let sb = start_sandbox(SandboxConfig::one_cluster("apps", 1, 2).with_speed(60.0)).await;
    let app = TestApp::on(&sb).await;
    let (operator, viewer) = (app.session("operator").await, app.session("viewer").await);
    let tasks = "table.tasks tbody tr td:first-child a[href*=\"/tasks/\"]";
    let operator = poll_until("two tasks on the page", Duration::from_secs(20), || async {
        let p = operator.ok(SERVICE).await;
        (p.count(tasks) == 2).then_some(p)
    })
    .await;
    let viewer = viewer.ok(SERVICE).await;
    assert_eq!(viewer.count(tasks), 2, "the viewer sees the same tasks");

    let base = SERVICE;
    for (css, action) in [
        ("form.scale-form", format!("{base}/scale")),
        ("form", format!("{base}/redeploy")),
    ] {
        assert!(
            operator
                .attrs(&format!("{css}[method=post]"), "action")
                .contains(&action),
            "an operator can post to {action}"
        );
    }
    for href in [format!("{base}/deploy-image"), format!("{base}/rollback")] {
        assert!(
            operator.exists(&format!("a[href=\"{href}\"]")),
            "an operator is offered {href}"
        );
    }
    let stops = operator.attrs("table.tasks form.stop-task[method=post]", "action");
    assert_eq!(stops.len(), 2, "a stop form per running task: {stops:?}");
    assert!(
        stops
            .iter()
            .all(|a| a.starts_with("/sandbox/clusters/apps/tasks/") && a.ends_with("/stop"))
    );

    for css in ACTIONS {
        assert!(!viewer.exists(css), "a viewer is offered {css}");
    }
    assert_eq!(
        viewer.attrs("form", "action"),
        ["/logout"],
        "the sign-out form is a viewer's only form"
    );
    assert!(!viewer.exists("[hx-post]"), "nor any htmx post");
    assert!(
        ACTIONS[..2]
            .iter()
            .chain(&ACTIONS[4..])
            .all(|css| operator.exists(css)),
        "the operator's page has what the viewer's lacks"
    );
}
