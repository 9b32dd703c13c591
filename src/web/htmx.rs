//! htmx request detection and rendering a template (pages with a live
//! region answer through `web::live::page_or_live`).

use askama::Template;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};

use crate::error::AppError;

/// True for requests htmx made to swap part of a page (not history restores
/// or boosted navigations, which need the full page).
pub fn is_htmx(headers: &HeaderMap) -> bool {
    let flag = |name: &str| headers.get(name).is_some_and(|v| v.as_bytes() == b"true");
    flag("hx-request") && !flag("hx-history-restore-request") && !flag("hx-boosted")
}

/// Renders a template into an HTML response.
pub fn render<T: Template>(template: &T) -> Result<Response, AppError> {
    let mut resp = Html(template.render()?).into_response();
    resp.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("HX-Request"));
    Ok(resp)
}
