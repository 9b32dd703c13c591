//! Deploying an image: `GET …/services/{service}/deploy-image` (pick a
//! container and one of its ECR repository's tags, newest first, with push
//! time, digest and findings) and `POST` (preview the new revision's diff,
//! then register it with only that image changed and update the service).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use super::{
    Attempt, Confirm, Fields, action_id, field, invalid, is_protected, new_action_id, preflight,
    request_id,
};
use crate::auth::CurrentUser;
use crate::aws::ServiceUpdate;
use crate::domain::{Image, TaskDefinition, ecr_repository_name, image_repository, image_tag};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::htmx::render;
use crate::web::td_diff::diff;

#[derive(Template)]
#[template(path = "partials/action_deploy_image.html")]
pub struct DeployImageForm {
    pub url: String,
    pub containers: Vec<String>,
    pub container: String,
    pub current_tag: String,
    pub repository: Option<String>,
    pub images: Vec<Image>,
    pub csrf_token: String,
    pub action_id: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct PickQuery {
    #[serde(default)]
    pub container: String,
}

pub async fn show_deploy_image(
    State(state): State<AppState>,
    Path((env, cluster, service)): Path<(String, String, String)>,
    Query(q): Query<PickQuery>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    let environment = preflight(&state, &env)?;
    let fleet = &environment.fleet;
    let cluster_info = fleet.cluster(&cluster).await?;
    let current = fleet.service(&cluster_info.name, &service).await?.value;
    let td = fleet.task_definition(&current.task_definition).await?;
    let container = td
        .container(&q.container)
        .or_else(|| {
            td.containers
                .iter()
                .find(|c| ecr_repository_name(&c.image).is_some())
        })
        .or(td.containers.first())
        .ok_or_else(|| invalid("This task definition has no containers."))?;
    let repository = ecr_repository_name(&container.image).map(str::to_string);
    let images = match &repository {
        Some(r) => (*fleet.images(r).await?).clone(),
        None => Vec::new(),
    };
    render(&DeployImageForm {
        url: format!(
            "/{env}/clusters/{}/services/{}/deploy-image",
            cluster_info.name, current.name
        ),
        containers: td.containers.iter().map(|c| c.name.clone()).collect(),
        container: container.name.clone(),
        current_tag: image_tag(&container.image).to_string(),
        repository,
        images,
        csrf_token: user.csrf_token.clone(),
        action_id: new_action_id(),
    })
}

/// `td` with `container`'s image replaced (for the preview diff).
fn with_image(td: &TaskDefinition, container: &str, image: &str) -> TaskDefinition {
    let mut next = td.clone();
    for c in &mut next.containers {
        if c.name == container {
            c.image = image.to_string();
        }
    }
    next
}

pub async fn deploy_image(
    State(state): State<AppState>,
    Path((env, cluster, service)): Path<(String, String, String)>,
    user: CurrentUser,
    headers: HeaderMap,
    Form(fields): Form<Fields>,
) -> Result<Response, AppError> {
    let environment = preflight(&state, &env)?;
    let (container_name, tag) = (field(&fields, "container"), field(&fields, "tag"));
    if container_name.is_empty() || tag.is_empty() {
        return Err(invalid("Choose a container and an image tag to deploy."));
    }
    let fleet = &environment.fleet;
    let cluster_info = fleet.cluster(&cluster).await?;
    let current = fleet.service_now(&cluster_info.name, &service).await?;
    let td = fleet.task_definition(&current.task_definition).await?;
    let container = td.container(container_name).ok_or_else(|| {
        invalid(format!(
            "{} has no container named {container_name:?}.",
            td.family_revision()
        ))
    })?;
    let repository = ecr_repository_name(&container.image).ok_or_else(|| {
        invalid(format!(
            "{container_name} runs {}, which is not in ECR: ecsdeck deploys ECR tags only.",
            container.image
        ))
    })?;
    let images = fleet.images(repository).await?;
    let image = images
        .iter()
        .find(|i| i.tags.iter().any(|t| t == tag))
        .ok_or_else(|| {
            invalid(format!(
                "The repository {repository} has no image tagged {tag:?}."
            ))
        })?;
    let new_image = format!("{}:{tag}", image_repository(&container.image));
    let old_tag = image_tag(&container.image).to_string();
    let action_id = action_id(&fields);
    let url = format!("/{env}/clusters/{cluster}/services/{service}/deploy-image");
    let back = format!("/{env}/clusters/{cluster}/services/{service}");
    let protected = is_protected(&state, &env, &cluster_info);
    let mut form = Confirm::new(
        format!("Deploy {tag} to {service}"),
        url,
        back.clone(),
        &user,
    )
    .hidden("container", container_name)
    .hidden("tag", tag)
    .hidden("action_id", action_id.clone());
    form.summary = vec![
        format!(
            "Cluster {} · service {} · container {container_name}",
            cluster_info.name, current.name
        ),
        format!("Image {old_tag} → {tag} ({})", image.short_digest()),
        format!(
            "Registers a new revision of {} with only this image changed, then rolls it out.",
            td.family
        ),
    ];
    let critical = image.critical_findings();
    if critical > 0 {
        form.warnings
            .push(format!("{tag} has {critical} CRITICAL scan finding(s)."));
        form.danger = true;
    }
    if image.scan_status.is_empty() || image.scan_status == "FAILED" {
        form.warnings
            .push(format!("{tag} has no completed vulnerability scan."));
    }
    form.diff = diff(&td, &with_image(&td, container_name, &new_image), true);
    form.typed_name = protected.then(|| current.name.clone());
    form.submit = format!("Deploy {tag}");
    if let Some(status) = form.hold(&fields) {
        return form.show(environment, &headers, status);
    }
    let aws = environment.aws.clone();
    let (c, s, who) = (
        cluster_info.name.clone(),
        current.name.clone(),
        user.name.clone(),
    );
    let (from, cname, img) = (
        td.family_revision(),
        container_name.to_string(),
        new_image.clone(),
    );
    let tag_owned = tag.to_string();
    Attempt {
        state: &state,
        user: &user,
        env: &env,
        cluster: &cluster_info.name,
        target: &current.name,
        action: "deploy-image",
        params: serde_json::json!({ "container": container_name, "tag": tag, "digest": image.digest }),
        before: format!("revision {from}, {container_name} image tag {old_tag}"),
        after: format!("{container_name} image tag {tag}"),
        action_id,
        request_id: request_id(&headers),
        back,
        htmx: crate::web::htmx::is_htmx(&headers),
    }
    .run_with_after(|| async move {
        let new_td = aws.register_with_image(&who, &from, &cname, &img).await?;
        aws.update_service(&who, &c, &s, &ServiceUpdate::TaskDefinition(new_td.arn.clone()))
            .await?;
        Ok(Some(format!(
            "revision {}, {cname} image tag {tag_owned}",
            new_td.family_revision()
        )))
    })
    .await
}
