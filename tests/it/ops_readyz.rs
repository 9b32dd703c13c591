//! `/readyz`: 200 while the state store answers and every environment's
//! credentials resolve and its ECS endpoint answers; 503 naming the part
//! that failed when the store is closed, an endpoint is dead or
//! credentials do not resolve. Checks are cached: probes cannot make
//! ecsdeck call AWS more than once per environment per 30 s.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use aws_config::{BehaviorVersion, Region};
use aws_credential_types::credential_fn::provide_credentials_fn;
use aws_credential_types::provider::error::CredentialsError;
use ecsdeck::auth::AuthState;
use ecsdeck::aws::{AwsClients, Budget, BudgetedClient};
use ecsdeck::sandbox::{SandboxConfig, SandboxHandle};
use ecsdeck::state::{AppState, Environment};

use crate::both_backends;
use crate::harness::*;

async fn readyz(app: &TestApp) -> (u16, serde_json::Value) {
    let page = app.get("/readyz").await;
    assert_eq!(page.header("cache-control"), "no-store");
    let body = serde_json::from_str(&page.body).expect("JSON");
    (page.status.as_u16(), body)
}

/// The sandbox environment plus `extra`, on a fresh store.
async fn app_with(sb: &SandboxHandle, extra: Environment) -> TestApp {
    let state = app_state(sb).await;
    let mut envs: Vec<Environment> = state.environments.iter().cloned().collect();
    envs.push(extra);
    let auth = AuthState::new(state.store().clone(), test_auth_config()).unwrap();
    TestApp::new(AppState::new(test_settings(), envs, auth))
}

/// An environment whose clients use `credentials` and `endpoint`.
async fn environment(
    name: &str,
    endpoint: &str,
    credentials: impl aws_credential_types::provider::ProvideCredentials + 'static,
) -> Environment {
    let budget = Arc::new(Budget::default());
    let conf = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("eu-west-1"))
        .endpoint_url(endpoint)
        .credentials_provider(credentials)
        .timeout_config(ecsdeck::aws::config::timeouts())
        .retry_config(ecsdeck::aws::config::retries())
        .http_client(BudgetedClient::new(budget.clone()))
        .load()
        .await;
    Environment::new(
        name.to_string(),
        "eu-west-1".to_string(),
        AwsClients::new(&conf, budget),
    )
}

fn sandbox_credentials() -> aws_credential_types::Credentials {
    aws_credential_types::Credentials::new("AKIDTEST", "secret-key-xyz", None, None, "test")
}

#[tokio::test]
async fn ready_with_a_store_and_a_sandbox_and_probes_are_cached() {
    let sb = start_sandbox(SandboxConfig::one_cluster("apps", 1, 1)).await;
    let app = TestApp::on(&sb).await;
    let (status, body) = readyz(&app).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["ready"], true);
    assert_eq!(body["store"], "ok");
    let env = &body["environments"][0];
    assert_eq!(env["name"], "sandbox");
    assert_eq!(env["credentials"], "ok");
    assert_eq!(env["aws"], "ok");
    // Ten more probes within 30 s: still the one ListClusters.
    for _ in 0..10 {
        assert_eq!(readyz(&app).await.0, 200);
    }
    let stats = sandbox_stats(&sb).await;
    assert_eq!(calls(&stats, "ecs:ListClusters"), 1);
    assert_eq!(total_calls(&stats), 1);
}

async fn not_ready_once_the_state_store_is_gone(backend: Backend) {
    let sb = start_sandbox(SandboxConfig::one_cluster("apps", 1, 1)).await;
    let Some(app) = TestApp::with_auth(&sb, backend, |_| {}).await else {
        return;
    };
    assert_eq!(readyz(&app).await.0, 200);
    app.state.store().close().await;
    let (status, body) = readyz(&app).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["ready"], false);
    assert_eq!(body["store"], "the state store does not answer");
    // The environments are still fine, and said so.
    assert_eq!(body["environments"][0]["aws"], "ok");
    // Liveness is another matter: the process still answers.
    assert_eq!(app.get("/healthz").await.status, 200);
}

both_backends!(not_ready_once_the_state_store_is_gone);

#[tokio::test]
async fn a_dead_endpoint_is_reported_for_its_environment() {
    let sb = start_sandbox(SandboxConfig::one_cluster("apps", 1, 1)).await;
    // A port nobody listens on any more.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let app = app_with(&sb, environment("far", &dead, sandbox_credentials()).await).await;
    let (status, body) = readyz(&app).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["store"], "ok");
    let envs = body["environments"].as_array().unwrap();
    assert_eq!(envs[0]["name"], "sandbox");
    assert_eq!(envs[0]["ready"], true);
    assert_eq!(envs[1]["name"], "far");
    assert_eq!(envs[1]["ready"], false);
    assert_eq!(envs[1]["credentials"], "ok");
    let aws = envs[1]["aws"].as_str().unwrap();
    assert!(aws.starts_with("ECS did not answer"), "{aws}");
    assert!(!body.to_string().contains("secret-key-xyz"));
}

#[tokio::test]
async fn failing_credentials_are_reported_without_calling_aws_and_resolved_once() {
    let sb = start_sandbox(SandboxConfig::one_cluster("apps", 1, 1)).await;
    let resolved = Arc::new(AtomicUsize::new(0));
    let counter = resolved.clone();
    let failing = provide_credentials_fn(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        async {
            Err(CredentialsError::provider_error(
                "role arn:aws:iam::111122223333:role/ecsdeck cannot be assumed",
            ))
        }
    });
    let app = app_with(
        &sb,
        environment("locked", &sb.endpoint_url(), failing).await,
    )
    .await;
    let (status, body) = readyz(&app).await;
    assert_eq!(status, 503, "{body}");
    let env = &body["environments"][1];
    assert_eq!(env["name"], "locked");
    assert_eq!(
        env["credentials"],
        "credentials do not resolve (details in ecsdeck's log)"
    );
    assert_eq!(env["aws"], "not checked");
    // The role's ARN is for the log, not for anonymous callers.
    assert!(!body.to_string().contains("111122223333"), "{body}");
    for _ in 0..5 {
        assert_eq!(readyz(&app).await.0, 503);
    }
    assert_eq!(resolved.load(Ordering::SeqCst), 1, "cached for 30 s");
    // The one AWS call is the healthy environment's ListClusters.
    assert_eq!(total_calls(&sandbox_stats(&sb).await), 1);
}
