//! The guard on action routes (operator access, POST): roles, the operator
//! scope and CSRF refuse with 403 and leave a `denied` audit record; the
//! handler is reached otherwise. Uses the real scale route of the table.

use ecsdeck::store::{AuditFilter, AuditStatus};

use crate::both_backends;
use crate::harness::*;

/// The guard let the request through to the handler (which then answers
/// for itself: these clusters do not exist in the sandbox, so 404).
fn passed_guard(status: axum::http::StatusCode) -> bool {
    status != 403 && status != 303 && status != 401
}

async fn actions_are_guarded_scoped_and_refusals_audited(backend: Backend) {
    let Some(env) = ServedApp::start(backend, |c| {
        c.operator_scope = vec!["sandbox/staging*".to_string()];
    })
    .await
    else {
        return;
    };
    let base = &env.base;
    let staging = "/sandbox/clusters/staging-eu/services/web/scale";
    let production = "/sandbox/clusters/production/services/web/scale";

    let operator = HttpClient::signed_in(base, "operator").await;
    let ok = operator.post_form(staging, &[("desired_count", "3")]).await;
    assert!(passed_guard(ok.status), "{}", ok.status);
    assert!(ok.body.contains("staging-eu"), "the handler answered");
    let htmx = operator.post_htmx(staging, &[("desired_count", "3")]).await;
    assert!(
        passed_guard(htmx.status),
        "htmx sends the token as a header"
    );

    let out_of_scope = operator
        .post_form(production, &[("desired_count", "0")])
        .await;
    assert_eq!(out_of_scope.status, 403, "operators limited to staging*");
    let no_csrf = operator
        .send(
            operator
                .http
                .post(operator.url(staging))
                .form(&[("desired_count", "5")]),
        )
        .await;
    assert_eq!(no_csrf.status, 403);

    let viewer = HttpClient::signed_in(base, "viewer").await;
    let refused = viewer.post_form(staging, &[("desired_count", "9")]).await;
    assert_eq!(refused.status, 403);
    assert!(refused.body.contains("viewer"));

    let admin = HttpClient::signed_in(base, "admin").await;
    let anywhere = admin.post_form(production, &[("desired_count", "2")]).await;
    assert!(passed_guard(anywhere.status), "admins act anywhere");

    let anonymous = HttpClient::anonymous(base);
    let resp = anonymous
        .send(anonymous.http.post(anonymous.url(staging)))
        .await;
    assert_eq!(resp.status, 303, "strangers are sent to sign in");

    let denied = env
        .app
        .state
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
    let codes: Vec<_> = denied
        .iter()
        .map(|e| (e.user.as_str(), e.error_code.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(
        codes,
        [
            ("viewer", "role"),
            ("operator", "csrf"),
            ("operator", "scope")
        ],
        "newest first"
    );
    let scope = &denied[2];
    assert_eq!(
        (
            scope.env.as_str(),
            scope.cluster.as_str(),
            scope.target.as_str(),
            scope.action.as_str()
        ),
        ("sandbox", "production", "web", "scale")
    );
    assert_eq!(scope.params["desired_count"], "0");
    assert!(
        scope.params.get("csrf_token").is_none(),
        "no token in the trail"
    );
    assert_eq!(scope.role, "operator");
    assert_eq!(scope.client_addr, "127.0.0.1");
}

both_backends!(actions_are_guarded_scoped_and_refusals_audited);
