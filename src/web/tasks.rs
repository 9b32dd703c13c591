//! `GET /{env}/clusters/{cluster}/tasks` (running or stopped, filtered by
//! service and launch type) and `…/tasks/{task_id}` (one task in full).

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use crate::aws::TaskQuery;
use crate::domain::{Task, TaskDefinition, ecr_repository_name, image_tag};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::context::{Console, Freshness, POLL_SECONDS, environment};
use crate::web::htmx::{is_htmx, render};
use crate::web::links::{LogLinks, encode};
use crate::web::shell::Shell;

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
        format!(
            "/{}/clusters/{}/tasks?status={}&service={}&launch_type={}",
            self.env,
            self.cluster,
            encode(&self.filter.status),
            encode(&self.filter.service),
            encode(&self.filter.launch_type)
        )
    }
}

pub async fn list_tasks(
    State(state): State<AppState>,
    Path((env, cluster)): Path<(String, String)>,
    Query(filter): Query<TasksFilter>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let environment = environment(&state, &env)?;
    let query = filter.validate()?;
    let fleet = &environment.fleet;
    let cluster_name = fleet.cluster(&cluster).await?.name;
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
        env: &env,
        cluster: &cluster_name,
        filter: &filter,
        tasks,
        logs: LogLinks {
            env: &env,
            task_definitions: &defs,
        },
        fresh: Freshness::of(&fresh),
        poll: POLL_SECONDS,
        stopped,
    };
    if is_htmx(&headers) {
        return render(&live);
    }
    render(&TasksPage {
        shell: Shell::for_env(environment, format!("Tasks · {cluster_name}"))
            .section("clusters")
            .crumb("Clusters", Some("/".to_string()))
            .crumb(
                cluster_name.clone(),
                Some(format!("/{env}/clusters/{cluster_name}")),
            )
            .crumb("Tasks", None),
        console_url: Console {
            region: &environment.region,
        }
        .tasks(&cluster_name),
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
    pub env: &'a str,
    pub cluster: &'a str,
    pub task: &'a Task,
    pub containers: Vec<ContainerRow<'a>>,
    pub console_url: String,
    pub fresh: Freshness,
}

pub async fn show_task(
    State(state): State<AppState>,
    Path((env, cluster, task_id)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    let environment = environment(&state, &env)?;
    let fleet = &environment.fleet;
    let cluster_name = fleet.cluster(&cluster).await?.name;
    let (task, td) = fleet.task(&cluster_name, &task_id).await?;
    let defs: Vec<Arc<TaskDefinition>> = td.into_iter().collect();
    let logs = LogLinks {
        env: &env,
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
    let console = Console {
        region: &environment.region,
    };
    let mut shell = Shell::for_env(environment, format!("Task {}", task.id()))
        .section("clusters")
        .crumb("Clusters", Some("/".to_string()))
        .crumb(
            cluster_name.clone(),
            Some(format!("/{env}/clusters/{cluster_name}")),
        );
    if let Some(service) = task.service_name() {
        shell = shell.crumb(
            service.to_string(),
            Some(format!("/{env}/clusters/{cluster_name}/services/{service}")),
        );
    }
    render(&TaskPage {
        shell: shell.crumb(task.id().to_string(), None),
        env: &env,
        cluster: &cluster_name,
        task: &task,
        containers,
        console_url: console.task(&cluster_name, task.id()),
        fresh: Freshness::now(),
    })
}
