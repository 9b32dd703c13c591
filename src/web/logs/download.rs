//! `GET /{env}/logs/download?…`: the current view (range and filter) as a
//! plain-text attachment, streamed page by page from AWS, never built in
//! memory.
//!
//! Bounded three ways: by range (no `start` means the last
//! `DEFAULT_SPAN`; a range longer than `MAX_SPAN` is refused), by the AWS
//! budget every page spends, and by the client: a producer task feeds the
//! body through a one-page channel and stops calling AWS as soon as the
//! body is dropped (the client went away), even between pages that matched
//! nothing and so wrote nothing.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use super::params::LogParams;
use super::resolve;
use crate::domain::Timestamp;
use crate::error::AppError;
use crate::fleet::logs::{DownloadStream, LogView};
use crate::state::AppState;
use crate::web::extract::{Env, Query};

/// What a download without `start` covers: the last day.
pub const DEFAULT_SPAN: Duration = Duration::from_secs(24 * 3600);
/// The longest range one download may cover.
pub const MAX_SPAN: Duration = Duration::from_secs(7 * 24 * 3600);

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
    let view = bounded(resolved.view, Timestamp::now().millis())?;
    let mut pages = env.fleet.download(view);
    // The first page decides the status: a missing group is a 404, not a
    // truncated file.
    let first = pages.next().await.transpose()?;
    let body = futures::stream::iter(first.filter(|b| !b.is_empty()).map(Ok))
        .chain(ReceiverStream::new(produce(pages)));
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

/// `view` with a start (`DEFAULT_SPAN` before its end when it has none),
/// or the 400 when it spans more than `MAX_SPAN`.
fn bounded(mut view: LogView, now_ms: i64) -> Result<LogView, AppError> {
    let span = |d: Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
    let end = view.end_ms.unwrap_or(now_ms);
    let start = view
        .start_ms
        .unwrap_or_else(|| end.saturating_sub(span(DEFAULT_SPAN)));
    if end.saturating_sub(start) > span(MAX_SPAN) {
        return Err(AppError::BadRequest(format!(
            "A download covers at most {} days; choose a later start or an earlier end.",
            MAX_SPAN.as_secs() / 86_400
        )));
    }
    view.start_ms = Some(start);
    Ok(view)
}

/// Runs `pages` in a task that hands each non-empty chunk to the body
/// through a one-chunk channel, and stops — no further AWS call, an
/// AWS call or budget wait in flight abandoned — once the body is dropped.
fn produce(mut pages: DownloadStream) -> mpsc::Receiver<Result<Bytes, std::io::Error>> {
    let (tx, rx) = mpsc::channel(1);
    tokio::spawn(async move {
        loop {
            let next = tokio::select! {
                biased;
                () = tx.closed() => break,
                next = pages.next() => next,
            };
            let chunk = match next {
                None => break,
                Some(Ok(bytes)) if bytes.is_empty() => continue,
                Some(Ok(bytes)) => Ok(bytes),
                Some(Err(e)) => Err(std::io::Error::other(e.to_string())),
            };
            let failed = chunk.is_err();
            if tx.send(chunk).await.is_err() || failed {
                break;
            }
        }
    });
    rx
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
