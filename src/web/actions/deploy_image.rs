//! Deploying an image: `GET …/services/{service}/deploy-image` (pick a
//! container and one of its ECR repository's tags, newest first, with push
//! time, digest and findings) and `POST` (preview the new revision's diff,
//! then register it with only that image changed and update the service).

use askama::Template;
use axum::response::Response;
use serde::Deserialize;

use super::{ActionCtx, Change, DeployImageFields, invalid, new_action_id};
use crate::aws::ServiceUpdate;
use crate::domain::{
    Action, Image, TaskDefinition, ecr_repository_name, image_repository, image_tag,
};
use crate::error::AppError;
use crate::web::extract::{Form, Query};
use crate::web::htmx::render;
use crate::web::td_diff::diff;

/// The picker: a container and one of its repository's tags.
#[derive(Template)]
#[template(path = "partials/action_deploy_image.html")]
pub struct DeployImagePicker {
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
    ctx: ActionCtx,
    Query(q): Query<PickQuery>,
) -> Result<Response, AppError> {
    let fleet = &ctx.env.fleet;
    let cluster_info = ctx.cluster().await?;
    let current = fleet.service(&cluster_info.name, &ctx.target).await?.value;
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
    render(&DeployImagePicker {
        url: crate::web::urls::service_action(
            &ctx.env.name,
            &cluster_info.name,
            &current.name,
            Action::DeployImage.segment(),
        ),
        containers: td.containers.iter().map(|c| c.name.clone()).collect(),
        container: container.name.clone(),
        current_tag: image_tag(&container.image).to_string(),
        repository,
        images,
        csrf_token: ctx.user.csrf_token.clone(),
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
    ctx: ActionCtx,
    Form(form): Form<DeployImageFields>,
) -> Result<Response, AppError> {
    let service = &ctx.target;
    let (container_name, tag) = (form.container.trim(), form.tag.trim());
    if container_name.is_empty() || tag.is_empty() {
        return Err(invalid("Choose a container and an image tag to deploy."));
    }
    let fleet = &ctx.env.fleet;
    let (cluster_info, current) = ctx.service_now().await?;
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
    let fields = &form.confirm;
    let action_id = fields.action_id();
    let protected = ctx.protected().await?;
    let mut confirm = ctx
        .confirm(Action::DeployImage, format!("Deploy {tag} to {service}"))
        .hidden("container", container_name)
        .hidden("tag", tag)
        .hidden("action_id", action_id.clone());
    confirm.summary = vec![
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
        confirm
            .warnings
            .push(format!("{tag} has {critical} CRITICAL scan finding(s)."));
        confirm.danger = true;
    }
    if image.scan_status.is_empty() || image.scan_status == "FAILED" {
        confirm
            .warnings
            .push(format!("{tag} has no completed vulnerability scan."));
    }
    confirm.diff = diff(&td, &with_image(&td, container_name, &new_image), true);
    confirm.typed_name = protected.then(|| current.name.clone());
    confirm.submit = format!("Deploy {tag}");
    if let Some(status) = confirm.hold(fields) {
        return confirm.show(&ctx, status);
    }
    let aws = ctx.aws();
    let (c, s, who) = (
        cluster_info.name.clone(),
        current.name.clone(),
        ctx.user.name.clone(),
    );
    let (from, cname, img) = (
        td.family_revision(),
        container_name.to_string(),
        new_image.clone(),
    );
    let tag_owned = tag.to_string();
    let change = Change {
        action: Action::DeployImage,
        target: current.name.clone(),
        params: serde_json::json!({ "container": container_name, "tag": tag, "digest": image.digest }),
        before: format!("revision {from}, {container_name} image tag {old_tag}"),
        after: format!("{container_name} image tag {tag}"),
        action_id,
    };
    ctx.run_with_after(change, || async move {
        let aws = aws.clients().await?;
        let new_td = aws.register_with_image(&who, &from, &cname, &img).await?;
        aws.update_service(
            &who,
            &c,
            &s,
            &ServiceUpdate::TaskDefinition(new_td.arn.clone()),
        )
        .await?;
        Ok(Some(format!(
            "revision {}, {cname} image tag {tag_owned}",
            new_td.family_revision()
        )))
    })
    .await
}
