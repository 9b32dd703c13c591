//! The one route table and the layer stack.

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::get;
use tower::ServiceBuilder;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use tracing::Span;

use crate::state::AppState;
use crate::web::{assets, error_page, headers, health, overview, placeholders};

/// Largest request body accepted (forms are small).
const BODY_LIMIT: usize = 64 * 1024;

/// Builds the dashboard's router. The binary and the tests use this same
/// function, so tests exercise exactly what production serves.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/", get(overview::show_overview))
        .route("/{env}/images", get(placeholders::show_images))
        .route("/{env}/logs", get(placeholders::show_logs))
        .route("/audit", get(placeholders::show_audit))
        .route("/healthz", get(health::healthz))
        .route("/static/{*path}", get(assets::serve_asset))
        .fallback(error_page::not_found)
        .layer(from_fn_with_state(state.clone(), error_page::render_errors))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(request_span))
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(from_fn(headers::security_headers))
                .layer(RequestBodyLimitLayer::new(BODY_LIMIT)),
        )
        .with_state(state)
}

/// One span per request, named by the matched route (not the raw path, so
/// ids don't explode cardinality) and carrying the request id.
fn request_span(req: &Request) -> Span {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "fallback".to_string());
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!("request", method = %req.method(), route = %route, request_id = %request_id)
}
