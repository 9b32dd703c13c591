//! The extractors handlers use: `Env` (the environment named in the URL,
//! or the styled 404), typed path structs, and `Path` / `Query` / `Form`
//! wrappers whose rejections become `AppError` — so `?page=abc` or a
//! malformed form gets the styled 400 page (or the htmx toast), never
//! axum's plain text. axum's own versions are disallowed by clippy.toml.
#![allow(clippy::disallowed_types)] // the one place that wraps axum's extractors

use std::ops::Deref;

use axum::extract::rejection::{FormRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use serde::Deserialize;

use crate::error::AppError;
use crate::state::{AppState, Environment};
use crate::web::htmx::is_htmx;

/// Path parameters, deserialized; a mismatch is a styled 400.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct Path<T>(pub T);

/// The query string, deserialized; a mismatch is a styled 400.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct Query<T>(pub T);

/// A urlencoded form body, deserialized; a mismatch is a styled 400.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Form), rejection(AppError))]
pub struct Form<T>(pub T);

impl From<PathRejection> for AppError {
    fn from(e: PathRejection) -> Self {
        AppError::BadRequest(format!("This address is not valid: {}.", e.body_text()))
    }
}

impl From<QueryRejection> for AppError {
    fn from(e: QueryRejection) -> Self {
        AppError::BadRequest(format!(
            "This address's query is not valid: {}.",
            e.body_text()
        ))
    }
}

impl From<FormRejection> for AppError {
    fn from(e: FormRejection) -> Self {
        AppError::BadRequest(format!(
            "The submitted form is not valid: {}.",
            e.body_text()
        ))
    }
}

/// The environment named by the route's `{env}`; unknown names answer the
/// styled 404.
#[derive(Clone)]
pub struct Env(pub Environment);

impl Deref for Env {
    type Target = Environment;

    fn deref(&self) -> &Environment {
        &self.0
    }
}

impl FromRequestParts<AppState> for Env {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|e| AppError::BadRequest(e.body_text()))?;
        let name = params
            .iter()
            .find_map(|(k, v)| (k == "env").then(|| v.to_string()))
            .unwrap_or_default();
        state
            .environment(&name)
            .cloned()
            .map(Env)
            .ok_or_else(|| AppError::NotFound(format!("There is no environment named {name}.")))
    }
}

/// Whether htmx made this request to swap part of a page.
#[derive(Clone, Copy, Debug)]
pub struct Htmx(pub bool);

impl<S: Send + Sync> FromRequestParts<S> for Htmx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Htmx(is_htmx(&parts.headers)))
    }
}

/// The request id the request-id layer set (for audit records).
#[derive(Clone, Debug, Default)]
pub struct RequestId(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for RequestId {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(RequestId(
            parts
                .headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
        ))
    }
}

/// `/{env}/clusters/{cluster}`.
#[derive(Debug, Deserialize)]
pub struct ClusterPath {
    pub env: String,
    pub cluster: String,
}

/// `/{env}/clusters/{cluster}/services/{service}` (and its actions).
#[derive(Debug, Deserialize)]
pub struct ServicePath {
    pub env: String,
    pub cluster: String,
    pub service: String,
}

/// `/{env}/clusters/{cluster}/tasks/{task_id}` (and its stop action).
#[derive(Debug, Deserialize)]
pub struct TaskPath {
    pub env: String,
    pub cluster: String,
    pub task_id: String,
}

/// `/{env}/task-definitions/{family}`.
#[derive(Debug, Deserialize)]
pub struct FamilyPath {
    pub env: String,
    #[serde(deserialize_with = "family_name")]
    pub family: String,
}

/// A task definition family as AWS allows it (1–255 letters, digits, `-`
/// and `_`): anything else is refused before it is sent to AWS.
fn family_name<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let name = String::deserialize(d)?;
    let valid = (1..=255).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if valid {
        Ok(name)
    } else {
        let shown: String = name.chars().take(64).collect();
        Err(serde::de::Error::custom(format!(
            "“{shown}” is not a task definition family name (1–255 letters, digits, - and _)"
        )))
    }
}

/// `/{env}/task-definitions/{family}/{revision}`; the revision stays text
/// so a wrong one gets the page's own message.
#[derive(Debug, Deserialize)]
pub struct RevisionPath {
    pub env: String,
    #[serde(deserialize_with = "family_name")]
    pub family: String,
    pub revision: String,
}

/// `/{env}/images/{*repository}`.
#[derive(Debug, Deserialize)]
pub struct RepositoryPath {
    pub env: String,
    pub repository: String,
}
