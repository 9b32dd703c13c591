//! axum's own rejections never reach a user as plain text: a query, path
//! or form value of the wrong type is the styled 400 page (or, for htmx,
//! the toast), with the request id, and costs no AWS call.

use ecsdeck::sandbox::SandboxConfig;

use crate::harness::*;

#[tokio::test]
async fn a_query_of_the_wrong_type_is_the_styled_400_page_and_toast() {
    let sb = start_sandbox(SandboxConfig::one_cluster("apps", 3, 1).with_speed(0.0001)).await;
    let app = TestApp::on(&sb).await;
    let viewer = app.session("viewer").await;
    reset_stats(&sb).await;

    let page = viewer.get("/sandbox/clusters/apps?page=abc").await;
    assert_eq!(page.status, 400, "{}", page.body);
    assert!(page.header("content-type").starts_with("text/html"));
    assert!(
        page.exists("header.topbar"),
        "the page shell: {}",
        page.body
    );
    assert_eq!(page.texts("h1"), vec!["Invalid request".to_string()]);
    assert!(
        page.texts(".error-message")
            .iter()
            .any(|m| m.contains("query is not valid") && m.contains("page")),
        "{}",
        page.body
    );
    assert!(page.body.contains("page"), "names the field");
    let request_id = page.header("x-request-id").to_string();
    assert!(!request_id.is_empty() && page.body.contains(&request_id));

    let toast = viewer.get_htmx("/sandbox/clusters/apps?page=abc").await;
    assert_eq!(toast.status, 400);
    assert_eq!(toast.header("hx-retarget"), "#toasts");
    assert!(!toast.exists("header.topbar"), "a toast, not a page");
    assert!(toast.body.contains(toast.header("x-request-id")));

    assert_eq!(
        total_calls(&sandbox_stats(&sb).await),
        0,
        "refused before any AWS call"
    );
}

#[tokio::test]
async fn a_path_value_of_the_wrong_type_is_the_styled_400() {
    let sb = start_sandbox(SandboxConfig::one_cluster("apps", 1, 1).with_speed(0.0001)).await;
    let app = TestApp::on(&sb).await;
    let viewer = app.session("viewer").await;
    let page = viewer.get("/sandbox/task-definitions/web/abc").await;
    assert_eq!(page.status, 400, "{}", page.body);
    assert!(page.exists("header.topbar"));
    assert!(page.body.contains("revision must be a positive number"));
}
