//! Logs in the read model: group and stream listings, the newest lines of a
//! view (one stream, several interleaved, or a search), the streams of a
//! service's tasks, lazy downloads and the shared live-tail pollers.

mod cache;
mod download;
mod live;
mod recent;
mod reorder;
mod slots;
mod tail;

use std::sync::Arc;

use super::Fleet;
use crate::aws::AwsError;
use crate::domain::{Listing, LogGroup, LogStream, Task};

pub use cache::{LogCache, LogCacheLimits};
pub use download::DownloadStream;
pub use live::TailSource;
pub use recent::Recent;
pub use reorder::{REORDER_WINDOW, Reorder};
pub use slots::{TailLimits, TailPass, TailRefusal};
pub use tail::{Subscription, TailHub, TailTiming};

/// What a viewer shows: one group, some of its streams, an optional
/// CloudWatch filter pattern and a time range.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogView {
    pub group: String,
    /// At least one stream.
    pub streams: Vec<String>,
    /// CloudWatch filter pattern; empty = every line.
    pub pattern: String,
    pub start_ms: Option<i64>,
    /// Exclusive; None = up to now (and live).
    pub end_ms: Option<i64>,
    /// For a range up to now given as a length (`since=1h`): that length.
    /// `start_ms` is now minus it; viewers opening the same preset at
    /// different moments share one cached read.
    pub since_ms: Option<i64>,
}

impl LogView {
    /// One stream without a filter reads with GetLogEvents; anything else
    /// goes through FilterLogEvents.
    fn is_plain_stream(&self) -> bool {
        self.streams.len() == 1 && self.pattern.is_empty()
    }
}

/// A stream of a service's task, for interleaved service logs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskStream {
    pub group: String,
    pub stream: String,
    pub task_id: String,
    pub container: String,
    /// Still running (or pending), not stopped.
    pub running: bool,
}

/// FilterLogEvents accepts at most this many stream names.
pub const MAX_STREAMS: usize = 100;

impl Fleet {
    /// One page of log groups starting with `prefix` (shared by identical
    /// requests for a few seconds).
    pub async fn log_groups(
        &self,
        prefix: &str,
        token: Option<String>,
    ) -> Result<Arc<Listing<LogGroup>>, AwsError> {
        let load = self.aws.describe_log_groups(Some(prefix), token.clone());
        self.logs.groups(prefix, token, load).await
    }

    /// One page of a group's streams, newest event first (shared by
    /// identical requests for a few seconds).
    pub async fn log_streams(
        &self,
        group: &str,
        token: Option<String>,
    ) -> Result<Arc<Listing<LogStream>>, AwsError> {
        let load = self.aws.describe_log_streams(group, token.clone());
        self.logs.streams(group, token, load).await
    }

    /// Log reads cached right now (for tests and metrics).
    pub async fn log_cache_entries(&self) -> u64 {
        self.logs.entry_count().await
    }

    /// Forgets every cached log read (for tests).
    pub fn clear_log_cache(&self) {
        self.logs.clear();
    }

    /// The log streams of `container` in every task of the service,
    /// running and recently stopped, derived from the task definitions'
    /// awslogs or FireLens options (no DescribeLogStreams needed).
    pub async fn service_log_streams(
        &self,
        cluster: &str,
        service: &str,
        container: &str,
    ) -> Result<Vec<TaskStream>, AwsError> {
        let view = self.service_view(cluster, service).await?.value;
        let running = view.tasks.iter().map(|t| (t, true));
        let stopped = view.stopped.iter().map(|t| (t, false));
        let mut out: Vec<TaskStream> = Vec::new();
        for (task, is_running) in running.chain(stopped) {
            let Some((group, stream)) = stream_of(&view.task_definitions, task, container) else {
                continue;
            };
            if out.iter().any(|s| s.stream == stream) {
                continue;
            }
            out.push(TaskStream {
                group,
                stream,
                task_id: task.id().to_string(),
                container: container.to_string(),
                running: is_running,
            });
        }
        out.truncate(MAX_STREAMS);
        Ok(out)
    }
}

fn stream_of(
    tds: &[std::sync::Arc<crate::domain::TaskDefinition>],
    task: &Task,
    container: &str,
) -> Option<(String, String)> {
    tds.iter()
        .find(|td| td.arn == task.task_definition)?
        .container(container)?
        .log_stream(task)
}
