//! Renders `AppError`s (carried as `ErrorReport` in response extensions):
//! logged once here, shown as a full page or an htmx toast, always with the
//! request id.

use askama::Template;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use crate::error::{AppError, ErrorReport};
use crate::state::AppState;
use crate::web::htmx::is_htmx;
use crate::web::shell::Shell;

#[derive(Template)]
#[template(path = "pages/error.html")]
pub struct ErrorPage<'a> {
    pub shell: Shell,
    pub report: &'a ErrorReport,
    pub request_id: &'a str,
}

#[derive(Template)]
#[template(path = "partials/toast.html")]
pub struct ErrorToast<'a> {
    pub report: &'a ErrorReport,
    pub request_id: &'a str,
}

pub async fn render_errors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let htmx = is_htmx(req.headers());
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_string();
    let resp = next.run(req).await;
    let report = match resp.extensions().get::<ErrorReport>() {
        Some(report) => report.clone(),
        // The request timeout (`routes.rs`) answers a bare 408.
        None if resp.status() == StatusCode::REQUEST_TIMEOUT => {
            timed_out(state.settings.server.request_timeout)
        }
        None => return resp,
    };
    if report.status.is_server_error() {
        tracing::error!(status = report.status.as_u16(), error = %report.detail, "request failed");
    } else {
        tracing::info!(status = report.status.as_u16(), error = %report.detail, "request refused");
    }
    // The guard leaves the signed-in user on the response, so the error page's
    // header still shows who is signed in.
    let user = resp.extensions().get::<crate::auth::CurrentUser>().cloned();
    let rendered = if htmx {
        ErrorToast {
            report: &report,
            request_id: &request_id,
        }
        .render()
    } else {
        ErrorPage {
            shell: Shell::new(&state, user.as_ref(), report.title),
            report: &report,
            request_id: &request_id,
        }
        .render()
    };
    let mut out = match rendered {
        Ok(html) => (report.status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %AppError::from(e), "error page failed to render");
            (
                report.status,
                format!("{} (request {request_id})", report.message),
            )
                .into_response()
        }
    };
    if htmx {
        let h = out.headers_mut();
        h.insert("hx-retarget", HeaderValue::from_static("#toasts"));
        h.insert("hx-reswap", HeaderValue::from_static("beforeend"));
    }
    out.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // Who asked, for the request log line (`web::observe`).
    if let Some(u) = user {
        out.extensions_mut().insert(u);
    }
    // Cookies the refusal set (an expired ALB session clears the ALB's).
    for cookie in resp.headers().get_all(header::SET_COOKIE) {
        out.headers_mut().append(header::SET_COOKIE, cookie.clone());
    }
    out
}

/// The router's fallback: a styled 404.
pub async fn not_found(uri: axum::http::Uri) -> AppError {
    AppError::NotFound(format!("There is no page at {}.", uri.path()))
}

/// What a request that ran past the request timeout tells its user.
fn timed_out(limit: std::time::Duration) -> ErrorReport {
    ErrorReport {
        status: StatusCode::REQUEST_TIMEOUT,
        title: "Request timed out",
        message: format!(
            "This page took longer than {} s to prepare, so ecsdeck stopped waiting. \
             AWS may be slow or throttling; the data is still being read in the \
             background, so try again in a moment.",
            limit.as_secs_f64().ceil()
        ),
        detail: "request timeout".to_string(),
    }
}
