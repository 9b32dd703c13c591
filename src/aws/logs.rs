//! CloudWatch Logs: groups, streams, events (GetLogEvents) and searches
//! (FilterLogEvents), converted into `crate::domain` log types.

use aws_sdk_cloudwatchlogs::types::OrderBy;

use super::convert::s;
use super::{AwsClients, AwsError, classify};
use crate::domain::{EventsPage, FilterPage, Listing, LogEvent, LogGroup, LogStream, Timestamp};

/// Most events GetLogEvents / FilterLogEvents return per call.
pub const MAX_EVENTS_PER_CALL: i32 = 10_000;

/// What to read from one stream with GetLogEvents.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventsQuery {
    pub start_ms: Option<i64>,
    /// Exclusive.
    pub end_ms: Option<i64>,
    /// Oldest first from `start_ms` (tailing, downloads) instead of newest.
    pub from_head: bool,
    pub token: Option<String>,
    pub limit: Option<i32>,
}

/// What to search with FilterLogEvents.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FilterQuery {
    /// Empty = every stream of the group.
    pub streams: Vec<String>,
    /// CloudWatch filter pattern; empty matches everything.
    pub pattern: String,
    pub start_ms: Option<i64>,
    /// Exclusive.
    pub end_ms: Option<i64>,
    pub token: Option<String>,
    pub limit: Option<i32>,
}

fn ts(ms: Option<i64>) -> Option<Timestamp> {
    ms.map(Timestamp::from_millis)
}

impl AwsClients {
    /// One page of log groups whose names start with `prefix`.
    pub async fn describe_log_groups(
        &self,
        prefix: Option<&str>,
        token: Option<String>,
    ) -> Result<Listing<LogGroup>, AwsError> {
        let out = self
            .logs
            .describe_log_groups()
            .set_log_group_name_prefix(prefix.filter(|p| !p.is_empty()).map(str::to_string))
            .set_next_token(token)
            .limit(50)
            .send()
            .await
            .map_err(classify)?;
        let items = out
            .log_groups()
            .iter()
            .map(|g| LogGroup {
                name: s(g.log_group_name()),
                stored_bytes: g.stored_bytes().unwrap_or(0),
                retention_days: g.retention_in_days(),
                created_at: ts(g.creation_time()),
            })
            .collect();
        Ok(Listing {
            items,
            next_token: out.next_token().map(str::to_string),
        })
    }

    /// One page of a group's streams, the most recently written first.
    pub async fn describe_log_streams(
        &self,
        group: &str,
        token: Option<String>,
    ) -> Result<Listing<LogStream>, AwsError> {
        let out = self
            .logs
            .describe_log_streams()
            .log_group_name(group)
            .order_by(OrderBy::LastEventTime)
            .descending(true)
            .set_next_token(token)
            .limit(50)
            .send()
            .await
            .map_err(classify)?;
        let items = out
            .log_streams()
            .iter()
            .map(|st| LogStream {
                name: s(st.log_stream_name()),
                created_at: ts(st.creation_time()),
                first_event_at: ts(st.first_event_timestamp()),
                last_event_at: ts(st.last_event_timestamp()),
            })
            .collect();
        Ok(Listing {
            items,
            next_token: out.next_token().map(str::to_string),
        })
    }

    /// One page of GetLogEvents on `group/stream`. The forward token comes
    /// back unchanged when nothing new was written.
    pub async fn get_log_events(
        &self,
        group: &str,
        stream: &str,
        q: &EventsQuery,
    ) -> Result<EventsPage, AwsError> {
        let out = self
            .logs
            .get_log_events()
            .log_group_name(group)
            .log_stream_name(stream)
            .set_start_time(q.start_ms)
            .set_end_time(q.end_ms)
            .start_from_head(q.from_head)
            .set_next_token(q.token.clone())
            .set_limit(q.limit)
            .send()
            .await
            .map_err(classify)?;
        let events = out
            .events()
            .iter()
            .map(|e| LogEvent {
                timestamp: Timestamp::from_millis(e.timestamp().unwrap_or(0)),
                message: s(e.message()),
                stream: stream.to_string(),
            })
            .collect();
        Ok(EventsPage {
            events,
            forward_token: out.next_forward_token().map(str::to_string),
            backward_token: out.next_backward_token().map(str::to_string),
        })
    }

    /// One page of FilterLogEvents over `group` (streams merged in time order).
    pub async fn filter_log_events(
        &self,
        group: &str,
        q: &FilterQuery,
    ) -> Result<FilterPage, AwsError> {
        let out = self
            .logs
            .filter_log_events()
            .log_group_name(group)
            .set_log_stream_names((!q.streams.is_empty()).then(|| q.streams.clone()))
            .set_filter_pattern((!q.pattern.is_empty()).then(|| q.pattern.clone()))
            .set_start_time(q.start_ms)
            .set_end_time(q.end_ms)
            .set_next_token(q.token.clone())
            .set_limit(q.limit)
            .send()
            .await
            .map_err(classify)?;
        let events = out
            .events()
            .iter()
            .map(|e| LogEvent {
                timestamp: Timestamp::from_millis(e.timestamp().unwrap_or(0)),
                message: s(e.message()),
                stream: s(e.log_stream_name()),
            })
            .collect();
        Ok(FilterPage {
            events,
            next_token: out.next_token().map(str::to_string),
        })
    }
}
