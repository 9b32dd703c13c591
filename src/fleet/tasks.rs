//! One task in full, with the task definition it runs.

use std::sync::Arc;

use super::Fleet;
use crate::aws::AwsError;
use crate::domain::{Task, TaskDefinition};

impl Fleet {
    /// One task by id or ARN, with its task definition (for log streams);
    /// `NotFound` if ECS no longer knows it.
    pub async fn task(
        &self,
        cluster: &str,
        id: &str,
    ) -> Result<(Task, Option<Arc<TaskDefinition>>), AwsError> {
        let (found, _) = self.aws.describe_tasks(cluster, &[id.to_string()]).await?;
        self.observer.tasks(&found);
        let task = found.into_iter().next().ok_or_else(|| AwsError::NotFound {
            code: "TaskNotFound".to_string(),
            message: format!(
                "Task {id} not found in cluster {cluster} (stopped tasks disappear about an hour after they stop)."
            ),
        })?;
        let td = self.task_definition(&task.task_definition).await.ok();
        Ok((task, td))
    }
}
