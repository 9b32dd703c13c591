//! `POST …/services/{service}/redeploy`: force a new deployment of the
//! current task definition — picks up a re-pushed mutable tag; also what
//! "restart all tasks" means on ECS.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;

use super::{Attempt, Confirm, Fields, action_id, is_protected, preflight, request_id};
use crate::auth::CurrentUser;
use crate::aws::ServiceUpdate;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::htmx::is_htmx;

pub async fn redeploy_service(
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
    let url = format!("/{env}/clusters/{cluster}/services/{service}/redeploy");
    let back = format!("/{env}/clusters/{cluster}/services/{service}");
    let action_id = action_id(&fields);
    let protected = is_protected(&state, &env, &cluster_info);
    let mut form = Confirm::new(
        format!("Redeploy {service} (restart all tasks)"),
        url,
        back.clone(),
        &user,
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
        return form.show(environment, &headers, status);
    }
    let aws = environment.aws.clone();
    let (c, s, who) = (
        cluster_info.name.clone(),
        current.name.clone(),
        user.name.clone(),
    );
    let td = current.task_definition_short().to_string();
    Attempt {
        state: &state,
        user: &user,
        env: &env,
        cluster: &cluster_info.name,
        target: &current.name,
        action: "redeploy",
        params: serde_json::json!({ "force_new_deployment": true }),
        before: format!("revision {td}"),
        after: format!("new deployment of {td}"),
        action_id,
        request_id: request_id(&headers),
        back,
        htmx: is_htmx(&headers),
    }
    .run(|| async move {
        aws.update_service(&who, &c, &s, &ServiceUpdate::ForceNewDeployment)
            .await
    })
    .await
}
