//! `GET /readyz` and `GET /metrics`: for orchestrators and scrapers, no
//! sign-in (the route table marks them `Public`; `/metrics` checks its own
//! bearer token when `--metrics-token` is set).

use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::auth::csrf::tokens_match;
use crate::state::AppState;

/// The longest the state store may take to answer `/readyz`'s query.
pub const STORE_TIMEOUT: Duration = Duration::from_secs(2);

/// 200 when the state store answers and every environment's credentials
/// resolve and its ECS endpoint answers (each checked at most every 30 s);
/// 503 otherwise. The JSON body says which part failed, in words and AWS
/// error codes only: the details (which may name profiles, roles or
/// hosts) go to the log, not to anonymous callers.
pub async fn readyz(State(state): State<AppState>) -> Response {
    let store = match tokio::time::timeout(STORE_TIMEOUT, state.store().ping()).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: the state store does not answer");
            Err("the state store does not answer")
        }
        Err(_) => {
            tracing::warn!("readiness: the state store did not answer in time");
            Err("the state store did not answer in time")
        }
    };
    let checks = state.environments.iter().map(|env| async move {
        let r = env.aws.readiness().await;
        (env, r)
    });
    let mut ready = store.is_ok();
    let mut environments = Vec::new();
    for (env, r) in futures::future::join_all(checks).await {
        ready &= r.is_ready();
        let credentials = match &r.credentials {
            Ok(()) => "ok".to_string(),
            Err(_) => "credentials do not resolve (details in ecsdeck's log)".to_string(),
        };
        let aws = match (&r.credentials, &r.aws) {
            (_, Ok(())) => "ok".to_string(),
            (Err(_), Err(_)) => "not checked".to_string(),
            (Ok(()), Err(e)) => {
                // "Code: message": the code only.
                let code = e.split(':').next().unwrap_or("error");
                format!("ECS did not answer ({code}; details in ecsdeck's log)")
            }
        };
        environments.push(json!({
            "name": env.name,
            "region": env.region,
            "ready": r.is_ready(),
            "credentials": credentials,
            "aws": aws,
            // A follower is ready too: it serves the leader's copies.
            "role": if env.is_leader() { "leader" } else { "follower" },
        }));
    }
    let body = json!({
        "ready": ready,
        "store": store.map_or_else(str::to_string, |()| "ok".to_string()),
        "environments": environments,
    });
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(body),
    )
        .into_response()
}

/// Everything `Metrics` counts, in the Prometheus text format; 401 without
/// the bearer token when one is configured.
pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = &state.settings.metrics_token
        && !bearer_matches(&headers, token)
    {
        return (
            StatusCode::UNAUTHORIZED,
            [
                (header::WWW_AUTHENTICATE, "Bearer realm=\"ecsdeck metrics\""),
                (header::CACHE_CONTROL, "no-store"),
            ],
            "401: /metrics needs the bearer token set by --metrics-token\n",
        )
            .into_response();
    }
    let body = state.metrics.render(&state.environments);
    (
        [
            (header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// `Authorization: Bearer <token>`, compared in constant time (digests of
/// equal length, so not even the length leaks).
fn bearer_matches(headers: &HeaderMap, token: &str) -> bool {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let digest = |s: &str| hex::encode(Sha256::digest(s.as_bytes()));
    !given.is_empty() && tokens_match(&digest(token), &digest(given))
}
