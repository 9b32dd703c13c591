//! `GET /{env}/clusters/{cluster}/tasks` (running or stopped, filtered by
//! service and launch type) and `…/tasks/{task_id}` (one task in full).

use std::sync::Arc;

use askama::Template;
use axum::response::Response;
use serde::Deserialize;

use crate::auth::CurrentUser;
use axum::extract::State;

use crate::aws::{AwsError, TaskQuery};
use crate::domain::{Task, TaskDefinition, ecr_repository_name, image_tag};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::console::Console;
use crate::web::context::Freshness;
use crate::web::extract::{ClusterPath, Env, Htmx, Path, Query, TaskPath};
use crate::web::health_panels::targets::TargetsPanel;
use crate::web::history::recorded_task;
use crate::web::links::LogLinks;
use crate::web::live::{Poll, page_or_live};
use crate::web::shell::Shell;
use crate::web::urls;

#[derive(Debug, Default, Deserialize)]
pub struct TasksFilter {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub service: String,
    #[serde(default)]
    pub launch_type: String,
}

impl TasksFilter {
    fn validate(&self) -> Result<TaskQuery, AppError> {
        let status = self.status.to_ascii_uppercase();
        if !matches!(status.as_str(), "" | "RUNNING" | "PENDING" | "STOPPED") {
            return Err(AppError::BadRequest(format!(
                "Unknown task status {:?}: use RUNNING, PENDING or STOPPED.",
                self.status
            )));
        }
        let launch = self.launch_type.to_ascii_uppercase();
        if !matches!(launch.as_str(), "" | "EC2" | "FARGATE" | "EXTERNAL") {
            return Err(AppError::BadRequest(format!(
                "Unknown launch type {:?}: use EC2, FARGATE or EXTERNAL.",
                self.launch_type
            )));
        }
        Ok(TaskQuery {
            service: Some(self.service.trim().to_string()).filter(|s| !s.is_empty()),
            desired_status: Some(status).filter(|s| !s.is_empty()),
            launch_type: Some(launch).filter(|s| !s.is_empty()),
        })
    }
}

#[derive(Template)]
#[template(path = "pages/tasks.html")]
pub struct TasksPage<'a> {
    pub shell: Shell,
    pub console_url: String,
    /// Where the filter form submits.
    pub form_url: String,
    pub live: TasksLive<'a>,
}

#[derive(Template)]
#[template(path = "partials/tasks_live.html")]
pub struct TasksLive<'a> {
    pub env: &'a str,
    pub cluster: &'a str,
    pub filter: &'a TasksFilter,
    pub tasks: Vec<Task>,
    pub logs: LogLinks<'a>,
    pub fresh: Freshness,
    pub poll: u32,
    pub stopped: bool,
}

impl TasksLive<'_> {
    pub fn url(&self) -> String {
        urls::tasks_filtered(
            self.env,
            self.cluster,
            &self.filter.status,
            &self.filter.service,
            &self.filter.launch_type,
        )
    }

    pub fn task_url(&self, task: &Task) -> String {
        urls::task(self.env, self.cluster, task.id())
    }

    pub fn service_url(&self, service: &str) -> String {
        urls::service(self.env, self.cluster, service)
    }
}

pub async fn list_tasks(
    env: Env,
    user: CurrentUser,
    Path(path): Path<ClusterPath>,
    Query(filter): Query<TasksFilter>,
    htmx: Htmx,
) -> Result<Response, AppError> {
    let query = filter.validate()?;
    let fleet = &env.fleet;
    let cluster_name = fleet.cluster(&path.cluster).await?.name;
    let fresh = fleet.tasks(&cluster_name, &query).await?;
    let mut tasks = (*fresh.value).clone();
    let stopped = query.desired_status.as_deref() == Some("STOPPED");
    if stopped {
        tasks.sort_by_key(|t| std::cmp::Reverse(t.stopped_at));
    } else {
        tasks.sort_by_key(|t| std::cmp::Reverse(t.created_at));
    }
    let mut ids: Vec<String> = tasks.iter().map(|t| t.task_definition.clone()).collect();
    ids.sort();
    ids.dedup();
    let defs: Vec<Arc<TaskDefinition>> = fleet.task_definitions(&ids).await;
    let live = TasksLive {
        env: &env.name,
        cluster: &cluster_name,
        filter: &filter,
        tasks,
        logs: LogLinks {
            env: &env.name,
            task_definitions: &defs,
        },
        fresh: Freshness::of(&fresh).kept_by(&env.fleet),
        poll: Poll::Normal.seconds(),
        stopped,
    };
    page_or_live(htmx, live, |live| TasksPage {
        shell: Shell::for_env(&env, Some(&user), format!("Tasks · {cluster_name}"))
            .section("clusters")
            .crumb("Clusters", Some(urls::overview()))
            .crumb(
                cluster_name.clone(),
                Some(urls::cluster(&env.name, &cluster_name)),
            )
            .crumb("Tasks", None),
        console_url: Console {
            region: &env.region,
        }
        .tasks(&cluster_name),
        form_url: urls::tasks(&env.name, &cluster_name),
        live,
    })
}

/// A container of the task with what the page shows about it.
pub struct ContainerRow<'a> {
    pub container: &'a crate::domain::Container,
    pub tag: &'a str,
    pub repository: Option<&'a str>,
    pub logs: Option<String>,
}

#[derive(Template)]
#[template(path = "pages/task.html")]
pub struct TaskPage<'a> {
    pub shell: Shell,
    pub task_arn: &'a str,
    pub console_url: String,
    pub live: TaskLive<'a>,
}

#[derive(Template)]
#[template(path = "partials/task_live.html")]
pub struct TaskLive<'a> {
    pub env: &'a str,
    pub cluster: &'a str,
    pub task: &'a Task,
    pub containers: Vec<ContainerRow<'a>>,
    pub fresh: Freshness,
    pub poll: u32,
    /// This task's targets in its service's target groups.
    pub targets: TargetsPanel,
    /// Set for a task ECS no longer lists, shown from the history:
    /// "Recorded 3 h ago; ECS no longer lists it."
    pub recorded: Option<String>,
}

impl TaskLive<'_> {
    pub fn url(&self) -> String {
        urls::task(self.env, self.cluster, self.task.id())
    }

    pub fn service_url(&self, service: &str) -> String {
        urls::service(self.env, self.cluster, service)
    }

    pub fn task_definition_url(&self) -> String {
        urls::task_definition_ref(self.env, self.task.task_definition_short())
    }

    pub fn repository_url(&self, repository: &str) -> String {
        urls::repository(self.env, repository)
    }
}

pub async fn show_task(
    State(state): State<AppState>,
    env: Env,
    user: CurrentUser,
    Path(path): Path<TaskPath>,
    htmx: Htmx,
) -> Result<Response, AppError> {
    let fleet = &env.fleet;
    let cluster_name = fleet.cluster(&path.cluster).await?.name;
    // A task ECS forgot is shown as the history recorded it.
    let (task, td, recorded) = match fleet.task(&cluster_name, &path.task_id).await {
        Ok((task, td)) => (task, td, None),
        Err(AwsError::NotFound { code, message }) => {
            let Some((task, notice)) =
                recorded_task(&state, &env.name, &cluster_name, &path.task_id).await
            else {
                return Err(AwsError::NotFound { code, message }.into());
            };
            let td = fleet.task_definition(&task.task_definition).await.ok();
            (task, td, Some(notice))
        }
        Err(e) => return Err(e.into()),
    };
    let defs: Vec<Arc<TaskDefinition>> = td.into_iter().collect();
    let logs = LogLinks {
        env: &env.name,
        task_definitions: &defs,
    };
    let containers = task
        .containers
        .iter()
        .map(|c| ContainerRow {
            container: c,
            tag: image_tag(&c.image),
            repository: ecr_repository_name(&c.image),
            logs: logs.container(&task, &c.name),
        })
        .collect();
    let targets = fleet.task_targets(&cluster_name, &task).await.map(Arc::new);
    let live = TaskLive {
        targets: TargetsPanel::new(targets, true),
        env: &env.name,
        cluster: &cluster_name,
        task: &task,
        containers,
        fresh: Freshness::now(),
        // A recorded task does not change: poll slowly.
        poll: if recorded.is_some() {
            Poll::Slow
        } else {
            Poll::Normal
        }
        .seconds(),
        recorded,
    };
    page_or_live(htmx, live, |live| {
        let mut shell = Shell::for_env(&env, Some(&user), format!("Task {}", task.id()))
            .section("clusters")
            .crumb("Clusters", Some(urls::overview()))
            .crumb(
                cluster_name.clone(),
                Some(urls::cluster(&env.name, &cluster_name)),
            );
        if let Some(service) = task.service_name() {
            shell = shell.crumb(
                service.to_string(),
                Some(urls::service(&env.name, &cluster_name, service)),
            );
        }
        TaskPage {
            shell: shell.crumb(task.id().to_string(), None),
            task_arn: &task.arn,
            console_url: Console {
                region: &env.region,
            }
            .task(&cluster_name, task.id()),
            live,
        }
    })
}
