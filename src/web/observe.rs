//! One log line and the HTTP metrics per request: request id, user, route
//! template, method, status and latency. Never the raw URI (query strings
//! may carry filters or tokens), headers, cookies, form fields or bodies:
//! so no password, session id, CSRF token or masked value can reach the
//! log through it.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::auth::CurrentUser;
use crate::state::AppState;

/// The route of requests no row of the route table matched.
pub const FALLBACK_ROUTE: &str = "fallback";

/// The middleware (`routes.rs` layers it inside the request id).
pub async fn observe_request(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or(FALLBACK_ROUTE, MatchedPath::as_str)
        .to_string();
    let method = req.method().clone();
    // `headers::valid_request_id` has replaced any malformed client id.
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_string();
    let resp = next.run(req).await;
    let latency = started.elapsed();
    let status = resp.status().as_u16();
    // The guard leaves the signed-in user on the response.
    let user = resp
        .extensions()
        .get::<CurrentUser>()
        .map_or_else(|| "-".to_string(), |u| loggable(&u.name));
    state.metrics.http_request(&route, &method, status, latency);
    tracing::info!(
        target: "ecsdeck::request",
        request_id = %request_id,
        user = %user,
        route = %route,
        method = %method,
        status,
        latency_ms = u64::try_from(latency.as_millis()).unwrap_or(u64::MAX),
        "request"
    );
    resp
}

/// A user name as logged: names come from an identity provider behind an
/// ALB, so control characters are escaped (one line stays one line) and the
/// length is capped.
fn loggable(name: &str) -> String {
    name.chars()
        .take(128)
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::loggable;

    #[test]
    fn user_names_stay_on_one_line_and_bounded() {
        assert_eq!(loggable("alice@example.com"), "alice@example.com");
        assert_eq!(loggable("eve\n{\"forged\":1}"), "eve\\n{\"forged\":1}");
        assert_eq!(loggable(&"x".repeat(1000)).len(), 128);
    }
}
