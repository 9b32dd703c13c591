//! Rolling back: `GET/POST …/services/{service}/rollback` (to an earlier
//! revision of the family, chosen from a list, with a diff) and
//! `POST …/stop-deployment` (stop an in-progress deployment with ROLLBACK).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;

use super::{
    Attempt, Confirm, Fields, action_id, field, invalid, is_protected, new_action_id, preflight,
    request_id,
};
use crate::auth::CurrentUser;
use crate::aws::ServiceUpdate;
use crate::domain::Revision;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::htmx::{is_htmx, render};
use crate::web::td_diff::diff;

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

pub async fn show_rollback(
    State(state): State<AppState>,
    Path((env, cluster, service)): Path<(String, String, String)>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    let environment = preflight(&state, &env)?;
    let fleet = &environment.fleet;
    let cluster_info = fleet.cluster(&cluster).await?;
    let current = fleet.service(&cluster_info.name, &service).await?.value;
    let (family, rev) = split(current.task_definition_short())?;
    let revisions = fleet
        .revisions(family)
        .await?
        .into_iter()
        .filter(|r| r.revision != rev)
        .collect();
    render(&RollbackForm {
        url: format!(
            "/{env}/clusters/{}/services/{}/rollback",
            cluster_info.name, current.name
        ),
        env: env.clone(),
        family: family.to_string(),
        current: rev,
        revisions,
        csrf_token: user.csrf_token.clone(),
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
    State(state): State<AppState>,
    Path((env, cluster, service)): Path<(String, String, String)>,
    user: CurrentUser,
    headers: HeaderMap,
    Form(fields): Form<Fields>,
) -> Result<Response, AppError> {
    let environment = preflight(&state, &env)?;
    let raw = field(&fields, "revision");
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
    let fleet = &environment.fleet;
    let cluster_info = fleet.cluster(&cluster).await?;
    let current = fleet.service_now(&cluster_info.name, &service).await?;
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
    let action_id = action_id(&fields);
    let url = format!("/{env}/clusters/{cluster}/services/{service}/rollback");
    let back = format!("/{env}/clusters/{cluster}/services/{service}");
    let protected = is_protected(&state, &env, &cluster_info);
    let mut form = Confirm::new(format!("Roll back {service}"), url, back.clone(), &user)
        .hidden("revision", target.to_string())
        .hidden("action_id", action_id.clone());
    form.summary = vec![
        format!("Cluster {} · service {}", cluster_info.name, current.name),
        format!("Task definition {from} → {to} (a rolling deployment)"),
    ];
    if new.status == "INACTIVE" {
        form.warnings.push(format!(
            "{to} is INACTIVE (deregistered); ECS may refuse it."
        ));
    }
    form.diff = diff(&old, &new, true);
    form.typed_name = protected.then(|| current.name.clone());
    form.submit = format!("Roll back to {target}");
    if let Some(status) = form.hold(&fields) {
        return form.show(environment, &headers, status);
    }
    let aws = environment.aws.clone();
    let (c, s, who, arn) = (
        cluster_info.name.clone(),
        current.name.clone(),
        user.name.clone(),
        new.arn.clone(),
    );
    Attempt {
        state: &state,
        user: &user,
        env: &env,
        cluster: &cluster_info.name,
        target: &current.name,
        action: "rollback",
        params: serde_json::json!({ "task_definition": to }),
        before: format!("revision {from}"),
        after: format!("revision {to}"),
        action_id,
        request_id: request_id(&headers),
        back,
        htmx: is_htmx(&headers),
    }
    .run(|| async move {
        aws.update_service(&who, &c, &s, &ServiceUpdate::TaskDefinition(arn))
            .await
    })
    .await
}

pub async fn stop_deployment(
    State(state): State<AppState>,
    Path((env, cluster, service)): Path<(String, String, String)>,
    user: CurrentUser,
    headers: HeaderMap,
    Form(fields): Form<Fields>,
) -> Result<Response, AppError> {
    let environment = preflight(&state, &env)?;
    let fleet = &environment.fleet;
    let cluster_info = fleet.cluster(&cluster).await?;
    let current = fleet.service_now(&cluster_info.name, &service).await?;
    let Some(deployment) = environment
        .aws
        .in_progress_deployment(&cluster_info.name, &current.name)
        .await?
    else {
        return Err(invalid(format!(
            "{service} has no deployment in progress to stop."
        )));
    };
    let action_id = action_id(&fields);
    let url = format!("/{env}/clusters/{cluster}/services/{service}/stop-deployment");
    let back = format!("/{env}/clusters/{cluster}/services/{service}");
    let protected = is_protected(&state, &env, &cluster_info);
    let mut form = Confirm::new(
        format!("Stop the deployment of {service}"),
        url,
        back.clone(),
        &user,
    )
    .hidden("action_id", action_id.clone());
    form.summary = vec![
        format!("Cluster {} · service {}", cluster_info.name, current.name),
        format!("Stop deployment {deployment} and roll back to the last completed one."),
    ];
    form.danger = true;
    form.typed_name = protected.then(|| current.name.clone());
    form.submit = "Stop and roll back".to_string();
    if let Some(status) = form.hold(&fields) {
        return form.show(environment, &headers, status);
    }
    let aws = environment.aws.clone();
    let (who, arn) = (user.name.clone(), deployment.clone());
    Attempt {
        state: &state,
        user: &user,
        env: &env,
        cluster: &cluster_info.name,
        target: &current.name,
        action: "stop-deployment",
        params: serde_json::json!({ "service_deployment": deployment, "stop_type": "ROLLBACK" }),
        before: format!(
            "deployment in progress ({})",
            current.task_definition_short()
        ),
        after: "stopped, rolling back".to_string(),
        action_id,
        request_id: request_id(&headers),
        back,
        htmx: is_htmx(&headers),
    }
    .run(|| async move { aws.stop_deployment_with_rollback(&who, &arn).await })
    .await
}
