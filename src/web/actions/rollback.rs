//! Rolling back: `GET/POST …/services/{service}/rollback` (to an earlier
//! revision of the family, chosen from a list, with a diff) and
//! `POST …/stop-deployment` (stop an in-progress deployment with ROLLBACK).

use askama::Template;
use axum::response::Response;

use super::{ActionCtx, Change, ConfirmFields, RollbackFields, invalid, new_action_id};
use crate::aws::ServiceUpdate;
use crate::domain::{Action, Revision};
use crate::error::AppError;
use crate::web::extract::Form;
use crate::web::htmx::render;
use crate::web::td_diff::diff;
use crate::web::urls;

/// The rollback picker: earlier revisions of the service's family.
#[derive(Template)]
#[template(path = "partials/action_rollback.html")]
pub struct RollbackForm {
    pub url: String,
    pub env: String,
    pub family: String,
    pub current: i32,
    pub revisions: Vec<Revision>,
    pub csrf_token: String,
    pub action_id: String,
}

impl RollbackForm {
    /// The family page's diff of the current revision with `revision`.
    pub fn diff_url(&self, revision: &i32) -> String {
        urls::family_diff(&self.env, &self.family, self.current, *revision)
    }
}

pub async fn show_rollback(ctx: ActionCtx) -> Result<Response, AppError> {
    let fleet = &ctx.env.fleet;
    let cluster_info = ctx.cluster().await?;
    let current = fleet.service(&cluster_info.name, &ctx.target).await?.value;
    let (family, rev) = split(current.task_definition_short())?;
    let revisions = fleet
        .revisions(family)
        .await?
        .iter()
        .filter(|r| r.revision != rev)
        .cloned()
        .collect();
    render(&RollbackForm {
        url: urls::service_action(
            &ctx.env.name,
            &cluster_info.name,
            &current.name,
            Action::Rollback.segment(),
        ),
        env: ctx.env.name.clone(),
        family: family.to_string(),
        current: rev,
        revisions,
        csrf_token: ctx.user.csrf_token.clone(),
        action_id: new_action_id(),
    })
}

fn split(family_revision: &str) -> Result<(&str, i32), AppError> {
    family_revision
        .rsplit_once(':')
        .and_then(|(f, r)| r.parse().ok().map(|r| (f, r)))
        .ok_or_else(|| AppError::Internal(format!("unexpected task definition {family_revision}")))
}

pub async fn rollback_service(
    ctx: ActionCtx,
    Form(form): Form<RollbackFields>,
) -> Result<Response, AppError> {
    let service = &ctx.target;
    let raw = form.revision.trim();
    // Accept `N` or `family:N`; anything else is refused before any call.
    let (named_family, number) = match raw.rsplit_once(':') {
        Some((f, n)) => (Some(f.to_string()), n),
        None => (None, raw),
    };
    let target: i32 = number.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
        invalid(format!(
            "Choose a revision to roll back to (a positive number, not {raw:?})."
        ))
    })?;
    let fleet = &ctx.env.fleet;
    let (cluster_info, current) = ctx.service_now().await?;
    let (family, rev) = split(current.task_definition_short())?;
    if let Some(other) = named_family.filter(|f| f != family) {
        return Err(invalid(format!(
            "{other}:{target} is not a revision of {family}, the family this service runs."
        )));
    }
    if target == rev {
        return Err(invalid(format!("{service} already runs {family}:{rev}.")));
    }
    let (from, to) = (format!("{family}:{rev}"), format!("{family}:{target}"));
    let (old, new) = tokio::try_join!(fleet.task_definition(&from), fleet.task_definition(&to))
        .map_err(|e| match e {
            crate::aws::AwsError::NotFound { .. } | crate::aws::AwsError::Invalid { .. } => {
                invalid(format!("{family} has no revision {target}."))
            }
            e => e.into(),
        })?;
    let fields = &form.confirm;
    let action_id = fields.action_id();
    let protected = ctx.protected().await?;
    let mut confirm = ctx
        .confirm(Action::Rollback, format!("Roll back {service}"))
        .hidden("revision", target.to_string())
        .hidden("action_id", action_id.clone());
    confirm.summary = vec![
        format!("Cluster {} · service {}", cluster_info.name, current.name),
        format!(
            "Task definition {from} → {to} (a {} deployment)",
            current.deployment_config.strategy_words()
        ),
    ];
    if new.status == "INACTIVE" {
        confirm.warnings.push(format!(
            "{to} is INACTIVE (deregistered); ECS may refuse it."
        ));
    }
    confirm.diff = diff(&old, &new, true);
    confirm.typed_name = protected.then(|| current.name.clone());
    confirm.submit = format!("Roll back to {target}");
    if let Some(status) = confirm.hold(fields) {
        return confirm.show(&ctx, status);
    }
    let aws = ctx.aws();
    let (c, s, who, arn) = (
        cluster_info.name.clone(),
        current.name.clone(),
        ctx.user.name.clone(),
        new.arn.clone(),
    );
    let change = Change {
        action: Action::Rollback,
        target: current.name.clone(),
        params: serde_json::json!({ "task_definition": to }),
        before: format!("revision {from}"),
        after: format!("revision {to}"),
        action_id,
    };
    ctx.run(change, || async move {
        let aws = aws.clients().await?;
        aws.update_service(&who, &c, &s, &ServiceUpdate::TaskDefinition(arn))
            .await
    })
    .await
}

pub async fn stop_deployment(
    ctx: ActionCtx,
    Form(fields): Form<ConfirmFields>,
) -> Result<Response, AppError> {
    let service = &ctx.target;
    let (cluster_info, current) = ctx.service_now().await?;
    let Some(deployment) = ctx
        .env
        .fleet
        .deployment_in_progress_now(&cluster_info.name, &current.name)
        .await?
    else {
        return Err(invalid(format!(
            "{service} has no deployment in progress to stop."
        )));
    };
    let action_id = fields.action_id();
    let protected = ctx.protected().await?;
    let mut confirm = ctx
        .confirm(
            Action::StopDeployment,
            format!("Stop the deployment of {service}"),
        )
        .hidden("action_id", action_id.clone());
    confirm.summary = vec![
        format!("Cluster {} · service {}", cluster_info.name, current.name),
        format!("Stop deployment {deployment} and roll back to the last completed one."),
    ];
    confirm.danger = true;
    confirm.typed_name = protected.then(|| current.name.clone());
    confirm.submit = "Stop and roll back".to_string();
    if let Some(status) = confirm.hold(&fields) {
        return confirm.show(&ctx, status);
    }
    let aws = ctx.aws();
    let (who, arn) = (ctx.user.name.clone(), deployment.clone());
    let change = Change {
        action: Action::StopDeployment,
        target: current.name.clone(),
        params: serde_json::json!({ "service_deployment": deployment, "stop_type": "ROLLBACK" }),
        before: format!(
            "deployment in progress ({})",
            current.task_definition_short()
        ),
        after: "stopped, rolling back".to_string(),
        action_id,
    };
    ctx.run(change, || async move {
        let aws = aws.clients().await?;
        aws.stop_deployment_with_rollback(&who, &arn).await
    })
    .await
}
