//! Links between screens that need a little knowledge: a container's log
//! stream comes from its task definition's awslogs options
//! (`prefix/container/task-id`), no DescribeLogStreams needed.

use std::sync::Arc;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::domain::{Task, TaskDefinition};

/// Builds log viewer links for tasks of the given task definitions.
pub struct LogLinks<'a> {
    pub env: &'a str,
    pub task_definitions: &'a [Arc<TaskDefinition>],
}

impl LogLinks<'_> {
    /// `/{env}/logs?group=…&stream=…` for `container` of `task`, if it logs
    /// to CloudWatch with a stream prefix.
    pub fn container(&self, task: &Task, container: &str) -> Option<String> {
        let td = self
            .task_definitions
            .iter()
            .find(|td| td.arn == task.task_definition)?;
        let (group, stream) = td.container(container)?.log_stream(task.id())?;
        Some(format!(
            "/{}/logs?group={}&stream={}",
            self.env,
            encode(&group),
            encode(&stream)
        ))
    }

    /// The log link of a task's first logging container (for table rows).
    pub fn task(&self, task: &Task) -> Option<String> {
        task.containers
            .iter()
            .find_map(|c| self.container(task, &c.name))
    }

    /// Interleaved logs of every task of a service, for one container.
    pub fn service(&self, cluster: &str, service: &str, container: &str) -> String {
        format!(
            "/{}/logs?service={}&container={}",
            self.env,
            encode(&format!("{cluster}/{service}")),
            encode(container)
        )
    }
}

/// Characters a query parameter value keeps as they are (RFC 3986
/// unreserved, plus `/` for readable log stream names).
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// Percent-encodes a query parameter value.
pub fn encode(s: &str) -> String {
    utf8_percent_encode(s, QUERY_VALUE).to_string()
}
