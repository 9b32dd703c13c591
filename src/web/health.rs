//! `GET /healthz` for load-balancer health checks: no login, no AWS calls.

use axum::http::header;
use axum::response::IntoResponse;

pub async fn healthz() -> impl IntoResponse {
    ([(header::CACHE_CONTROL, "no-store")], "ok\n")
}
