//! One service with its tasks and task definition.

use std::sync::Arc;

use futures::stream::{self, StreamExt};

use super::batch::{PER_REQUEST, describe_all};
use super::{Fleet, Fresh};
use crate::aws::{AwsError, DESCRIBE_TASKS_BATCH, TaskQuery};
use crate::domain::{Service, ServiceHealth, Task, TaskDefinition};

/// Stopped tasks shown on a service page.
const STOPPED_SHOWN: usize = 50;

#[derive(Clone, Debug)]
pub struct ServiceView {
    pub service: Arc<Service>,
    pub health: ServiceHealth,
    /// Running and pending tasks, newest first.
    pub tasks: Vec<Task>,
    /// Recently stopped tasks, newest first.
    pub stopped: Vec<Task>,
    /// The task definition of the primary deployment.
    pub task_definition: Option<Arc<TaskDefinition>>,
    /// Every task definition the deployments and listed tasks use (for
    /// log links of tasks from older or failed revisions).
    pub task_definitions: Vec<Arc<TaskDefinition>>,
}

impl Fleet {
    /// One service, described (cached briefly); `NotFound` if missing.
    pub async fn service(
        &self,
        cluster: &str,
        name: &str,
    ) -> Result<Fresh<Arc<Service>>, AwsError> {
        // A cluster the cluster list does not have, or a name the
        // cluster's service list (both in memory) does not have, is
        // answered without asking AWS: a URL with made-up names costs
        // nothing and leaves nothing behind.
        let cluster = &self.cluster(cluster).await?.name;
        if let Some(data) = self.cluster_data.peek(&format!("{cluster}/data"))
            && !data.services().any(|s| s.name == name)
        {
            return Err(AwsError::NotFound {
                code: "ServiceNotFoundException".to_string(),
                message: format!(
                    "Service {name} not found in cluster {cluster} (as of the last refresh)."
                ),
            });
        }
        let (aws, observer) = (self.aws.clone(), self.observer.clone());
        let (c, n) = (cluster.to_string(), name.to_string());
        self.services
            .get(&format!("{cluster}/service/{name}"), move || {
                let (aws, c, n) = (aws.clone(), c.clone(), n.clone());
                let observer = observer.clone();
                async move {
                    let (found, _) = aws.describe_services(&c, std::slice::from_ref(&n)).await?;
                    observer.services(&found);
                    found
                        .into_iter()
                        .find(|s| s.status != "INACTIVE")
                        .map(Arc::new)
                        .ok_or_else(|| AwsError::NotFound {
                            code: "ServiceNotFoundException".to_string(),
                            message: format!("Service {n} not found in cluster {c}."),
                        })
                }
            })
            .await
    }

    /// One service read from AWS now (not from the cache): the state an
    /// action compares against.
    pub async fn service_now(&self, cluster: &str, name: &str) -> Result<Arc<Service>, AwsError> {
        self.services
            .invalidate(&format!("{cluster}/service/{name}"));
        Ok(self.service(cluster, name).await?.value)
    }

    /// The ARN of the service's deployment in progress, read from AWS now
    /// (the state the action that stops it acts on).
    pub async fn deployment_in_progress_now(
        &self,
        cluster: &str,
        service: &str,
    ) -> Result<Option<String>, AwsError> {
        self.aws.in_progress_deployment(cluster, service).await
    }

    /// The service page: the service, its tasks and its task definition.
    pub async fn service_view(
        &self,
        cluster: &str,
        name: &str,
    ) -> Result<Fresh<ServiceView>, AwsError> {
        let service = self.service(cluster, name).await?;
        let running_q = TaskQuery {
            service: Some(name.to_string()),
            ..Default::default()
        };
        let stopped_q = TaskQuery {
            service: Some(name.to_string()),
            desired_status: Some("STOPPED".to_string()),
            ..Default::default()
        };
        let (tasks, stopped, task_definition) = tokio::join!(
            self.tasks(cluster, &running_q),
            self.tasks(cluster, &stopped_q),
            self.task_definition(&service.value.task_definition),
        );
        let mut tasks = (*tasks?.value).clone();
        let mut stopped = (*stopped?.value).clone();
        tasks.sort_by_key(|t| std::cmp::Reverse(t.created_at));
        stopped.sort_by_key(|t| std::cmp::Reverse(t.stopped_at));
        stopped.truncate(STOPPED_SHOWN);
        let mut ids: Vec<String> = service
            .value
            .deployments
            .iter()
            .map(|d| d.task_definition.clone())
            .chain(
                tasks
                    .iter()
                    .chain(&stopped)
                    .map(|t| t.task_definition.clone()),
            )
            .collect();
        ids.sort();
        ids.dedup();
        let task_definitions = self.task_definitions(&ids).await;
        let recent: Vec<&Task> = stopped.iter().collect();
        let health = ServiceHealth::of(&service.value, &recent);
        Ok(Fresh {
            value: ServiceView {
                service: service.value,
                health,
                tasks,
                stopped,
                task_definition: task_definition.ok(),
                task_definitions,
            },
            as_of: service.as_of,
            stale_because: service.stale_because,
        })
    }

    /// Describes task definitions (by ARN or family:revision), forever cached.
    pub async fn task_definition(&self, id: &str) -> Result<Arc<TaskDefinition>, AwsError> {
        let (aws, shared) = (self.aws.clone(), self.shared.clone());
        let key = crate::domain::family_revision(id).to_string();
        let id = id.to_string();
        // Revisions never change: any replica's copy will do.
        let td = self
            .task_definitions
            .get_dated(&key.clone(), move || {
                let (aws, id) = (aws.clone(), id.clone());
                let read = async move { aws.describe_task_definition(&id).await.map(Arc::new) };
                shared.load(super::shared::kind::TASK_DEFINITIONS, key.clone(), read)
            })
            .await?;
        Ok(td.value)
    }

    /// Task definitions for many ids at once (for image columns), under the
    /// describe budget; ids that fail are left out.
    pub async fn task_definitions(&self, ids: &[String]) -> Vec<Arc<TaskDefinition>> {
        stream::iter(ids.to_vec())
            .map(|id: String| async move {
                let _permit = self.budget.acquire().await.ok()?;
                self.task_definition(&id).await.ok()
            })
            .buffer_unordered(PER_REQUEST)
            .filter_map(|td| async move { td })
            .collect()
            .await
    }

    /// Tasks of `cluster` matching `query`, described (cached briefly).
    pub async fn tasks(
        &self,
        cluster: &str,
        query: &TaskQuery,
    ) -> Result<Fresh<Arc<Vec<Task>>>, AwsError> {
        let (aws, observer) = (self.aws.clone(), self.observer.clone());
        let budget = self.budget.clone();
        let key = format!(
            "{cluster}/tasks/{}/{}/{}",
            query.service.as_deref().unwrap_or(""),
            query.desired_status.as_deref().unwrap_or(""),
            query.launch_type.as_deref().unwrap_or("")
        );
        let (c, q) = (cluster.to_string(), query.clone());
        self.tasks
            .get(&key, move || {
                let (aws, budget, c, q) = (aws.clone(), budget.clone(), c.clone(), q.clone());
                let observer = observer.clone();
                async move {
                    let arns = aws.list_task_arns(&c, &q).await?;
                    let (found, _) = describe_all(&arns, DESCRIBE_TASKS_BATCH, &budget, |t| {
                        let (aws, c) = (aws.clone(), c.clone());
                        async move { aws.describe_tasks(&c, &t).await }
                    })
                    .await?;
                    observer.tasks(&found);
                    Ok(Arc::new(found))
                }
            })
            .await
    }
}
