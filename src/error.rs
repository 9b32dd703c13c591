//! `AppError`: the one error type of the web layer. A handler returns it; the
//! `render_errors` middleware (web/error_page.rs) logs it once and renders it
//! as a full page or, for htmx requests, as a toast — with the request id and
//! never with internals.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::aws::AwsError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A resource the user asked for does not exist; the text says which.
    #[error("{0}")]
    NotFound(String),
    /// The request is invalid; the text says why.
    #[error("{0}")]
    BadRequest(String),
    /// Nobody is signed in (where sign-in is not a page, e.g. behind an ALB).
    #[error("{0}")]
    Unauthorized(String),
    /// The user may not do this; the text says why.
    #[error("{0}")]
    Forbidden(String),
    /// The user (or everyone) uses too much of something capped; the text
    /// says what and what to do.
    #[error("{0}")]
    TooManyRequests(String),
    #[error(transparent)]
    Aws(#[from] AwsError),
    #[error("template rendering failed: {0}")]
    Template(#[from] askama::Error),
    /// The state store (users, sessions, audit trail) failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The session layer failed to load or save a session.
    #[error("session: {0}")]
    Session(#[from] tower_sessions::session::Error),
    #[error("{0}")]
    Internal(String),
}

/// What the middleware needs to render and log an error; travels in the
/// response extensions.
#[derive(Clone, Debug)]
pub struct ErrorReport {
    pub status: StatusCode,
    pub title: &'static str,
    /// Safe to show to the user.
    pub message: String,
    /// For the log only.
    pub detail: String,
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Aws(AwsError::NotFound { .. }) => StatusCode::NOT_FOUND,
            Self::Aws(AwsError::AccessDenied { .. }) => StatusCode::FORBIDDEN,
            Self::Aws(AwsError::Invalid { .. }) => StatusCode::BAD_REQUEST,
            Self::Aws(AwsError::Throttled { .. }) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Aws(AwsError::Unavailable { .. }) => StatusCode::BAD_GATEWAY,
            Self::Template(_) | Self::Store(_) | Self::Session(_) | Self::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    fn title(&self) -> &'static str {
        match self {
            Self::NotFound(_) | Self::Aws(AwsError::NotFound { .. }) => "Not found",
            Self::BadRequest(_) | Self::Aws(AwsError::Invalid { .. }) => "Invalid request",
            Self::Unauthorized(_) => "Sign-in required",
            Self::Forbidden(_) => "Not allowed",
            Self::TooManyRequests(_) => "Too many at once",
            Self::Aws(AwsError::AccessDenied { .. }) => "AWS denied access",
            Self::Aws(AwsError::Throttled { .. }) => "AWS is throttling",
            Self::Aws(AwsError::Unavailable { .. }) => "AWS unavailable",
            Self::Template(_) | Self::Store(_) | Self::Session(_) | Self::Internal(_) => {
                "Something went wrong"
            }
        }
    }

    /// The message shown to the user: AWS's own words for AWS errors, never
    /// an internal error's text.
    fn public_message(&self) -> String {
        match self {
            Self::NotFound(m)
            | Self::BadRequest(m)
            | Self::Unauthorized(m)
            | Self::Forbidden(m)
            | Self::TooManyRequests(m) => m.clone(),
            Self::Aws(e @ AwsError::Throttled { .. }) => format!(
                "AWS is throttling requests ({}). Try again in a moment.",
                e.code()
            ),
            Self::Aws(e) => format!("AWS said: {} ({})", e.message(), e.code()),
            Self::Template(_) | Self::Store(_) | Self::Session(_) | Self::Internal(_) => {
                "ecsdeck hit an internal error. It has been logged; quote the request id when reporting it."
                    .to_string()
            }
        }
    }

    pub fn report(&self) -> ErrorReport {
        ErrorReport {
            status: self.status(),
            title: self.title(),
            message: self.public_message(),
            detail: self.to_string(),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let report = self.report();
        let mut resp = (report.status, report.message.clone()).into_response();
        resp.extensions_mut().insert(report);
        resp
    }
}
