//! Links between screens that need a little knowledge: a container's log
//! stream comes from its task definition's awslogs or FireLens options
//! (`domain::log_target`), no DescribeLogStreams needed.

use std::sync::Arc;

use crate::domain::{Task, TaskDefinition};
use crate::web::urls;

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
        let (group, stream) = td.container(container)?.log_stream(task)?;
        Some(urls::log_stream(self.env, &group, &stream))
    }

    /// The log link of a task's first logging container (for table rows).
    pub fn task(&self, task: &Task) -> Option<String> {
        task.containers
            .iter()
            .find_map(|c| self.container(task, &c.name))
    }

    /// Interleaved logs of every task of a service, for one container.
    pub fn service(&self, cluster: &str, service: &str, container: &str) -> String {
        urls::service_logs(self.env, cluster, service, container)
    }
}
