//! `POST …/tasks/{task_id}/stop`: stop one task with a reason; a service's
//! scheduler replaces it.

use axum::response::Response;

use super::{ActionCtx, Change, StopTaskFields};
use crate::domain::Action;
use crate::error::AppError;
use crate::web::extract::Form;
use crate::web::urls;

pub async fn stop_task(
    mut ctx: ActionCtx,
    Form(form): Form<StopTaskFields>,
) -> Result<Response, AppError> {
    let reason = form.reason.trim();
    if reason.chars().count() > 255 {
        return Err(super::invalid(
            "The reason can be at most 255 characters long.",
        ));
    }
    let cluster_info = ctx.cluster().await?.clone();
    let (task, _) = ctx.env.fleet.task(&cluster_info.name, &ctx.target).await?;
    if task.last_status == "STOPPED" {
        return Err(super::invalid(format!(
            "Task {} has already stopped.",
            task.id()
        )));
    }
    let env = ctx.env.name.clone();
    ctx.set_back(match task.service_name() {
        Some(s) => urls::service(&env, &cluster_info.name, s),
        None => urls::task(&env, &cluster_info.name, task.id()),
    });
    let fields = &form.confirm;
    let action_id = fields.action_id();
    let protected = ctx.protected().await?;
    let name = task.service_name().unwrap_or(task.id()).to_string();
    let mut confirm = ctx
        .confirm(Action::StopTask, format!("Stop task {}", task.id()))
        .hidden("action_id", action_id.clone());
    confirm.url = urls::task_stop(&env, &cluster_info.name, task.id());
    confirm.summary = vec![
        format!("Cluster {} · {}", cluster_info.name, task.group),
        format!(
            "Task {} ({}, {})",
            task.id(),
            task.last_status,
            task.task_definition_short()
        ),
    ];
    if task.service_name().is_some() {
        confirm
            .summary
            .push("The service's scheduler will start a replacement.".into());
    } else {
        confirm
            .warnings
            .push("This task belongs to no service: nothing will replace it.".into());
    }
    confirm.reason_field = true;
    confirm.danger = true;
    confirm.typed_name = protected.then(|| name.clone());
    confirm.submit = "Stop task".to_string();
    if let Some(status) = confirm.hold(fields) {
        return confirm.show(&ctx, status);
    }
    let who = ctx.user.name.clone();
    let reason = if reason.is_empty() {
        format!("Stopped by {who} via ecsdeck")
    } else {
        format!("{reason} (by {who} via ecsdeck)")
    };
    let aws = ctx.aws();
    let (c, t, why) = (cluster_info.name.clone(), task.arn.clone(), reason.clone());
    let change = Change {
        action: Action::StopTask,
        target: name,
        params: serde_json::json!({ "task": task.id(), "reason": reason }),
        before: format!("task {} {}", task.id(), task.last_status),
        after: format!("task {} stopping", task.id()),
        action_id,
    };
    ctx.run(change, || async move {
        let aws = aws.clients().await?;
        aws.stop_task(&who, &c, &t, &why).await
    })
    .await
}
