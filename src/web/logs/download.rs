//! `GET /{env}/logs/download?…`: the current view (range and filter) as a
//! plain-text attachment, streamed page by page from AWS, never built in
//! memory.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;

use super::params::LogParams;
use super::resolve;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::extract::{Env, Query};

pub async fn download_logs(
    State(state): State<AppState>,
    env: Env,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let params = LogParams::parse(&pairs)?;
    if !params.is_viewer() {
        return Err(AppError::BadRequest(
            "A download needs group= and stream=, or service= and container=.".to_string(),
        ));
    }
    let resolved = resolve(&env, &state.settings, &params).await?;
    if resolved.no_streams {
        return Err(AppError::NotFound(
            "No task of this service logs that container to CloudWatch.".to_string(),
        ));
    }
    let mut pages = env.fleet.download(resolved.view);
    // The first page decides the status: a missing group is a 404, not a
    // truncated file.
    let first = pages.next().await.transpose()?;
    let body = futures::stream::iter(first.map(Ok))
        .chain(pages)
        .map(|r| r.map_err(|e| std::io::Error::other(e.to_string())));
    let mut resp = Body::from_stream(body).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    let disposition = format!(
        "attachment; filename=\"{}.log\"",
        file_name(&resolved.title)
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}

/// A safe file name from a stream or service title.
fn file_name(title: &str) -> String {
    let name: String = title
        .chars()
        .map(|c| match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '.' | '-' | '_' => c,
            _ => '-',
        })
        .collect();
    let name = name.trim_matches(['-', '.']);
    if name.is_empty() {
        "logs".to_string()
    } else {
        name.to_string()
    }
}
