//! The newest lines of a view: what the viewer renders into its first page.
//!
//! One plain stream is one GetLogEvents call read backwards. Several streams
//! or a filter go through FilterLogEvents, which only reads forwards, so the
//! newest lines are found by searching time windows backwards from the end
//! (5 min, then 4× wider each step), keeping only the last `limit` lines of
//! each window: bounded memory and few calls however long the range is.
//!
//! Identical views share one read for a few seconds (`cache.rs`), so many
//! viewers of one service's logs cost the calls of one.

use std::collections::VecDeque;
use std::sync::Arc;

use super::cache::{RecentKey, Start};
use super::{Fleet, LogView};
use crate::aws::{AwsError, EventsQuery, FilterQuery, MAX_EVENTS_PER_CALL};
use crate::domain::{LogEvent, Timestamp};

/// The first window searched backwards from the end.
const FIRST_WINDOW_MS: i64 = 5 * 60_000;
/// How far back an open-ended search goes (CloudWatch's default view).
const OPEN_RANGE_MS: i64 = 14 * 24 * 3_600_000;
/// FilterLogEvents calls one page of the viewer may cost at most.
const MAX_CALLS: usize = 24;

/// The newest lines of a view, oldest first.
#[derive(Clone, Debug, Default)]
pub struct Recent {
    pub events: Vec<LogEvent>,
    /// Older lines may exist before the first one shown.
    pub more_before: bool,
}

impl Fleet {
    /// Up to `limit` of the newest lines of `view`, read once for every
    /// viewer asking for the same view within the cache's TTL.
    pub async fn recent_lines(
        &self,
        view: &LogView,
        limit: usize,
    ) -> Result<Arc<Recent>, AwsError> {
        self.logs
            .recent(recent_key(view, limit), self.read_recent(view, limit))
            .await
    }

    async fn read_recent(&self, view: &LogView, limit: usize) -> Result<Recent, AwsError> {
        if view.is_plain_stream() {
            let page = self
                .aws
                .get_log_events(
                    &view.group,
                    &view.streams[0],
                    &EventsQuery {
                        start_ms: view.start_ms,
                        end_ms: view.end_ms,
                        from_head: false,
                        token: None,
                        limit: Some(limit.min(MAX_EVENTS_PER_CALL as usize) as i32),
                    },
                )
                .await?;
            let more_before = page.events.len() >= limit;
            return Ok(Recent {
                events: page.events,
                more_before,
            });
        }
        self.search_backwards(view, limit).await
    }

    async fn search_backwards(&self, view: &LogView, limit: usize) -> Result<Recent, AwsError> {
        let now = Timestamp::now().millis();
        let floor = view.start_ms.unwrap_or(now - OPEN_RANGE_MS);
        let mut hi = view.end_ms;
        let mut width = FIRST_WINDOW_MS;
        let mut found: VecDeque<LogEvent> = VecDeque::new();
        let mut calls = 0;
        loop {
            let top = hi.unwrap_or(now);
            let lo = (top - width).max(floor);
            let need = limit - found.len();
            let mut window: VecDeque<LogEvent> = VecDeque::with_capacity(need.min(1024));
            let mut token = None;
            loop {
                let page = self
                    .aws
                    .filter_log_events(
                        &view.group,
                        &FilterQuery {
                            streams: view.streams.clone(),
                            pattern: view.pattern.clone(),
                            start_ms: Some(lo),
                            end_ms: hi,
                            token: token.take(),
                            limit: Some(MAX_EVENTS_PER_CALL),
                        },
                    )
                    .await?;
                calls += 1;
                for e in page.events {
                    if window.len() == need {
                        window.pop_front();
                    }
                    window.push_back(e);
                }
                token = page.next_token;
                if token.is_none() || calls >= MAX_CALLS {
                    break;
                }
            }
            let window_complete = token.is_none();
            for e in window.into_iter().rev() {
                found.push_front(e);
            }
            let exhausted = lo <= floor && window_complete;
            if found.len() >= limit || exhausted || calls >= MAX_CALLS {
                return Ok(Recent {
                    events: found.into(),
                    more_before: !exhausted,
                });
            }
            hi = Some(lo);
            width = width.saturating_mul(4);
        }
    }
}

/// What makes two reads identical. An open-ended preset range is keyed by
/// its length, not by a start computed from each request's "now".
fn recent_key(view: &LogView, limit: usize) -> RecentKey {
    let start = match (view.end_ms, view.since_ms, view.start_ms) {
        (None, Some(span), _) => Start::Last(span),
        (_, _, Some(at)) => Start::At(at),
        (_, _, None) => Start::Open,
    };
    RecentKey {
        group: view.group.clone(),
        streams: view.streams.clone(),
        pattern: view.pattern.clone(),
        start,
        end_ms: view.end_ms,
        limit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preset_ranges_opened_at_different_moments_share_a_key() {
        let view = |start| LogView {
            group: "g".into(),
            streams: vec!["a".into(), "b".into()],
            pattern: "ERROR".into(),
            start_ms: Some(start),
            end_ms: None,
            since_ms: Some(3_600_000),
        };
        assert_eq!(recent_key(&view(1_000), 500), recent_key(&view(1_777), 500));
        assert_ne!(recent_key(&view(1_000), 500), recent_key(&view(1_000), 100));
        let fixed = |start| LogView {
            since_ms: None,
            ..view(start)
        };
        assert_ne!(
            recent_key(&fixed(1_000), 500),
            recent_key(&fixed(1_777), 500)
        );
    }
}
