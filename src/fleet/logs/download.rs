//! Downloads: the whole view as text, one AWS page at a time. The stream
//! fetches the next page only when the body asks for more, so the server
//! holds at most one page however long the log is.

use std::pin::Pin;

use axum::body::Bytes;
use futures::Stream;

use super::{Fleet, LogView};
use crate::aws::{AwsClients, AwsError, EventsQuery, FilterQuery, MAX_EVENTS_PER_CALL};
use crate::domain::LogEvent;

/// One chunk of text per AWS page.
pub type DownloadStream = Pin<Box<dyn Stream<Item = Result<Bytes, AwsError>> + Send>>;

enum Cursor {
    Start,
    Token(String),
    Done,
}

impl Fleet {
    /// The lines of `view`, oldest first, as a lazily paged text stream.
    pub fn download(&self, view: LogView) -> DownloadStream {
        let aws = self.aws.clone();
        let tagged = view.streams.len() > 1;
        Box::pin(futures::stream::try_unfold(
            (aws, view, Cursor::Start),
            move |(aws, view, cursor)| async move {
                let token = match cursor {
                    Cursor::Done => return Ok(None),
                    Cursor::Start => None,
                    Cursor::Token(t) => Some(t),
                };
                let (events, next) = next_page(&aws, &view, token).await?;
                let cursor = next.map_or(Cursor::Done, Cursor::Token);
                // A filter page without matches yields an empty chunk and
                // the scan goes on.
                let text = format_lines(&events, tagged);
                if text.is_empty() && matches!(cursor, Cursor::Done) {
                    return Ok(None);
                }
                Ok(Some((Bytes::from(text), (aws, view, cursor))))
            },
        ))
    }
}

/// One page and the token for the next, None at the end.
async fn next_page(
    aws: &AwsClients,
    view: &LogView,
    token: Option<String>,
) -> Result<(Vec<LogEvent>, Option<String>), AwsError> {
    if view.is_plain_stream() {
        let page = aws
            .get_log_events(
                &view.group,
                &view.streams[0],
                &EventsQuery {
                    start_ms: view.start_ms,
                    end_ms: view.end_ms,
                    from_head: true,
                    token: token.clone(),
                    limit: Some(MAX_EVENTS_PER_CALL),
                },
            )
            .await?;
        // End of stream: no events, or the same forward token back.
        let next = match page.forward_token {
            Some(f) if !page.events.is_empty() && Some(&f) != token.as_ref() => Some(f),
            _ => None,
        };
        return Ok((page.events, next));
    }
    let page = aws
        .filter_log_events(
            &view.group,
            &FilterQuery {
                streams: view.streams.clone(),
                pattern: view.pattern.clone(),
                start_ms: view.start_ms,
                end_ms: view.end_ms,
                token,
                limit: Some(MAX_EVENTS_PER_CALL),
            },
        )
        .await?;
    Ok((page.events, page.next_token))
}

/// `2026-11-23T16:20:00.123Z [stream] message` lines.
fn format_lines(events: &[LogEvent], tagged: bool) -> String {
    let mut out = String::with_capacity(events.iter().map(|e| e.message.len() + 40).sum());
    for e in events {
        out.push_str(&e.timestamp.rfc3339());
        out.push(' ');
        if tagged {
            out.push('[');
            out.push_str(&e.stream);
            out.push_str("] ");
        }
        out.push_str(e.message.trim_end_matches(['\n', '\r']));
        out.push('\n');
    }
    out
}
