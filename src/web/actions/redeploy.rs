//! `POST …/services/{service}/redeploy`: force a new deployment of the
//! current task definition — picks up a re-pushed mutable tag; also what
//! "restart all tasks" means on ECS.

use axum::response::Response;

use super::{ActionCtx, Change, ConfirmFields};
use crate::aws::ServiceUpdate;
use crate::domain::Action;
use crate::error::AppError;
use crate::web::extract::Form;

pub async fn redeploy_service(
    ctx: ActionCtx,
    Form(fields): Form<ConfirmFields>,
) -> Result<Response, AppError> {
    let service = &ctx.target;
    let (cluster_info, current) = ctx.service_now().await?;
    let action_id = fields.action_id();
    let protected = ctx.protected().await?;
    let mut form = ctx
        .confirm(
            Action::Redeploy,
            format!("Redeploy {service} (restart all tasks)"),
        )
        .hidden("action_id", action_id.clone());
    form.summary = vec![
        format!("Cluster {} · service {}", cluster_info.name, current.name),
        format!(
            "Force a new deployment of {}: ECS starts {} fresh task(s), pulling the image tags again, and stops the old ones as the new ones become healthy.",
            current.task_definition_short(),
            current.desired
        ),
    ];
    if current.is_rolling() {
        form.warnings
            .push("A deployment is already in progress; this one replaces it.".into());
    }
    form.typed_name = protected.then(|| current.name.clone());
    form.submit = "Redeploy".to_string();
    if let Some(status) = form.hold(&fields) {
        return form.show(&ctx, status);
    }
    let aws = ctx.aws();
    let (c, s, who) = (
        cluster_info.name.clone(),
        current.name.clone(),
        ctx.user.name.clone(),
    );
    let td = current.task_definition_short().to_string();
    let change = Change {
        action: Action::Redeploy,
        target: current.name.clone(),
        params: serde_json::json!({ "force_new_deployment": true }),
        before: format!("revision {td}"),
        after: format!("new deployment of {td}"),
        action_id,
    };
    ctx.run(change, || async move {
        let aws = aws.clients().await?;
        aws.update_service(&who, &c, &s, &ServiceUpdate::ForceNewDeployment)
            .await
    })
    .await
}
