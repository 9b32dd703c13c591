//! The guard on action routes (operator access, POST): roles, the operator
//! scope and CSRF refuse with 403 and leave a `denied` audit record; the
//! handler sees the `CurrentUser`. Uses a stand-in scale route behind the
//! same guard and session layer the real route table uses.

use axum::middleware::from_fn_with_state;
use axum::routing::post;
use ecsdeck::auth::{self, Access, CurrentUser, Guard};
use ecsdeck::store::{AuditFilter, AuditStatus};

use crate::auth_support::*;
use crate::both_backends;

const SCALE: &str = "/{env}/clusters/{cluster}/services/{service}/scale";

async fn scale(user: CurrentUser) -> String {
    format!("scaled by {} ({})", user.name, user.role)
}

/// The app plus the stand-in action route, served on port 0.
async fn serve_with_action(env: &TestEnv) -> String {
    let state = env.state.clone();
    let guard = Guard {
        access: Access::Operator,
        state: state.clone(),
    };
    let action = axum::Router::new()
        .route(
            SCALE,
            post(scale).route_layer(from_fn_with_state(guard, auth::require_access)),
        )
        .layer(auth::session_layer(&state.auth))
        .with_state(state.clone());
    let app = action.merge(ecsdeck::app(state));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap()
    });
    format!("http://{addr}")
}

async fn signed_in(base: &str, user: &str) -> Client {
    let c = Client::anonymous(base);
    assert_eq!(c.sign_in(user, PASSWORD).await.status(), 303);
    c.refresh_csrf().await;
    c
}

async fn actions_are_guarded_scoped_and_refusals_audited(backend: Backend) {
    let Some(env) = TestEnv::start(backend, |c| {
        c.operator_scope = vec!["sandbox/staging*".to_string()];
    })
    .await
    else {
        return;
    };
    let base = serve_with_action(&env).await;
    let staging = "/sandbox/clusters/staging-eu/services/web/scale";
    let production = "/sandbox/clusters/production/services/web/scale";

    let operator = signed_in(&base, "operator").await;
    let ok = operator.post_form(staging, &[("desired_count", "3")]).await;
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.text().await.unwrap(), "scaled by operator (operator)");
    let htmx = operator.htmx_post(staging, &[("desired_count", "3")]).await;
    assert_eq!(htmx.status(), 200, "htmx sends the token as a header");

    let out_of_scope = operator
        .post_form(production, &[("desired_count", "0")])
        .await;
    assert_eq!(out_of_scope.status(), 403, "operators limited to staging*");
    let no_csrf = operator
        .http
        .post(operator.url(staging))
        .form(&[("desired_count", "5")])
        .send()
        .await
        .unwrap();
    assert_eq!(no_csrf.status(), 403);

    let viewer = signed_in(&base, "viewer").await;
    let refused = viewer.post_form(staging, &[("desired_count", "9")]).await;
    assert_eq!(refused.status(), 403);
    assert!(refused.text().await.unwrap().contains("viewer"));

    let admin = signed_in(&base, "admin").await;
    let anywhere = admin.post_form(production, &[("desired_count", "2")]).await;
    assert_eq!(anywhere.text().await.unwrap(), "scaled by admin (admin)");

    let anonymous = Client::anonymous(&base);
    let resp = anonymous
        .http
        .post(anonymous.url(staging))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303, "strangers are sent to sign in");

    let denied = env
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
