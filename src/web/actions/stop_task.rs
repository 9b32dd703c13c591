//! `POST …/tasks/{task_id}/stop`: stop one task with a reason; a service's
//! scheduler replaces it.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;

use super::{Attempt, Confirm, Fields, action_id, field, is_protected, preflight, request_id};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::htmx::is_htmx;

pub async fn stop_task(
    State(state): State<AppState>,
    Path((env, cluster, task_id)): Path<(String, String, String)>,
    user: CurrentUser,
    headers: HeaderMap,
    Form(fields): Form<Fields>,
) -> Result<Response, AppError> {
    let environment = preflight(&state, &env)?;
    let reason = field(&fields, "reason");
    if reason.chars().count() > 255 {
        return Err(super::invalid(
            "The reason can be at most 255 characters long.",
        ));
    }
    let fleet = &environment.fleet;
    let cluster_info = fleet.cluster(&cluster).await?;
    let (task, _) = fleet.task(&cluster_info.name, &task_id).await?;
    if task.last_status == "STOPPED" {
        return Err(super::invalid(format!(
            "Task {} has already stopped.",
            task.id()
        )));
    }
    let back = match task.service_name() {
        Some(s) => format!("/{env}/clusters/{}/services/{s}", cluster_info.name),
        None => format!("/{env}/clusters/{}/tasks/{}", cluster_info.name, task.id()),
    };
    let url = format!(
        "/{env}/clusters/{}/tasks/{}/stop",
        cluster_info.name,
        task.id()
    );
    let action_id = action_id(&fields);
    let protected = is_protected(&state, &env, &cluster_info);
    let name = task.service_name().unwrap_or(task.id()).to_string();
    let mut form = Confirm::new(format!("Stop task {}", task.id()), url, back.clone(), &user)
        .hidden("action_id", action_id.clone());
    form.summary = vec![
        format!("Cluster {} · {}", cluster_info.name, task.group),
        format!(
            "Task {} ({}, {})",
            task.id(),
            task.last_status,
            task.task_definition_short()
        ),
    ];
    if task.service_name().is_some() {
        form.summary
            .push("The service's scheduler will start a replacement.".into());
    } else {
        form.warnings
            .push("This task belongs to no service: nothing will replace it.".into());
    }
    form.reason_field = true;
    form.danger = true;
    form.typed_name = protected.then(|| name.clone());
    form.submit = "Stop task".to_string();
    if let Some(status) = form.hold(&fields) {
        return form.show(environment, &headers, status);
    }
    let reason = if reason.is_empty() {
        format!("Stopped by {} via ecsdeck", user.name)
    } else {
        format!("{reason} (by {} via ecsdeck)", user.name)
    };
    let aws = environment.aws.clone();
    let (c, t, who, why) = (
        cluster_info.name.clone(),
        task.arn.clone(),
        user.name.clone(),
        reason.clone(),
    );
    Attempt {
        state: &state,
        user: &user,
        env: &env,
        cluster: &cluster_info.name,
        target: task.service_name().unwrap_or(task.id()),
        action: "stop-task",
        params: serde_json::json!({ "task": task.id(), "reason": reason }),
        before: format!("task {} {}", task.id(), task.last_status),
        after: format!("task {} stopping", task.id()),
        action_id,
        request_id: request_id(&headers),
        back,
        htmx: is_htmx(&headers),
    }
    .run(|| async move { aws.stop_task(&who, &c, &t, &why).await })
    .await
}
