//! The calls that change ECS. Each carries the acting user's name in the
//! User-Agent (`app/ecsdeck-user-NAME`), so CloudTrail shows who acted
//! even though ecsdeck's own credentials made the call.

use aws_sdk_ecs::config::AppName;
use aws_sdk_ecs::types::{
    ServiceDeploymentStatus, StopServiceDeploymentStopType, TaskDefinitionField,
};

use super::convert::s;
use super::ecs_task_definitions::task_definition;
use super::{AwsClients, AwsError, classify};
use crate::domain::TaskDefinition;

/// What to change with UpdateService.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServiceUpdate {
    DesiredCount(i32),
    ForceNewDeployment,
    TaskDefinition(String),
}

/// The User-Agent app name for `user`: `ecsdeck-user-` plus the name with
/// characters a User-Agent token cannot hold replaced by `-`.
fn app_name(user: &str) -> Option<AppName> {
    let clean: String = user
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c) {
                c
            } else {
                '-'
            }
        })
        .take(40)
        .collect();
    AppName::new(format!("ecsdeck-user-{clean}")).ok()
}

fn as_user(user: &str) -> aws_sdk_ecs::config::Builder {
    let mut b = aws_sdk_ecs::config::Builder::default();
    if let Some(name) = app_name(user) {
        b = b.app_name(name);
    }
    b
}

impl AwsClients {
    /// UpdateService with one change, on behalf of `user`.
    pub async fn update_service(
        &self,
        user: &str,
        cluster: &str,
        service: &str,
        update: &ServiceUpdate,
    ) -> Result<(), AwsError> {
        let mut call = self.ecs.update_service().cluster(cluster).service(service);
        call = match update {
            ServiceUpdate::DesiredCount(n) => call.desired_count(*n),
            ServiceUpdate::ForceNewDeployment => call.force_new_deployment(true),
            ServiceUpdate::TaskDefinition(td) => call.task_definition(td),
        };
        call.customize()
            .config_override(as_user(user))
            .send()
            .await
            .map_err(classify)?;
        Ok(())
    }

    /// Registers a new revision of `from` (family:revision or ARN) with
    /// `container`'s image replaced by `image` and everything else kept.
    pub async fn register_with_image(
        &self,
        user: &str,
        from: &str,
        container: &str,
        image: &str,
    ) -> Result<TaskDefinition, AwsError> {
        let out = self
            .ecs
            .describe_task_definition()
            .task_definition(from)
            .include(TaskDefinitionField::Tags)
            .send()
            .await
            .map_err(classify)?;
        let td = out.task_definition().ok_or_else(|| AwsError::NotFound {
            code: "ClientException".to_string(),
            message: format!("Unable to describe task definition {from}."),
        })?;
        let mut found = false;
        let containers: Vec<_> = td
            .container_definitions()
            .iter()
            .map(|c| {
                let mut c = c.clone();
                if c.name.as_deref() == Some(container) {
                    c.image = Some(image.to_string());
                    found = true;
                }
                c
            })
            .collect();
        if !found {
            return Err(AwsError::Invalid {
                code: "ClientException".to_string(),
                message: format!("{from} has no container named {container}."),
            });
        }
        let registered = self
            .ecs
            .register_task_definition()
            .family(s(td.family()))
            .set_task_role_arn(td.task_role_arn().map(str::to_string))
            .set_execution_role_arn(td.execution_role_arn().map(str::to_string))
            .set_network_mode(td.network_mode().cloned())
            .set_container_definitions(Some(containers))
            .set_volumes(Some(td.volumes().to_vec()))
            .set_placement_constraints(Some(td.placement_constraints().to_vec()))
            .set_requires_compatibilities(Some(td.requires_compatibilities().to_vec()))
            .set_cpu(td.cpu().map(str::to_string))
            .set_memory(td.memory().map(str::to_string))
            .set_pid_mode(td.pid_mode().cloned())
            .set_ipc_mode(td.ipc_mode().cloned())
            .set_proxy_configuration(td.proxy_configuration().cloned())
            .set_ephemeral_storage(td.ephemeral_storage().cloned())
            .set_runtime_platform(td.runtime_platform().cloned())
            .set_tags(Some(out.tags().to_vec()).filter(|t| !t.is_empty()))
            .customize()
            .config_override(as_user(user))
            .send()
            .await
            .map_err(classify)?;
        registered
            .task_definition()
            .map(task_definition)
            .ok_or_else(|| AwsError::Unavailable {
                code: "ResponseError".to_string(),
                message: "RegisterTaskDefinition returned no task definition".to_string(),
            })
    }

    /// StopTask with a reason, on behalf of `user`.
    pub async fn stop_task(
        &self,
        user: &str,
        cluster: &str,
        task: &str,
        reason: &str,
    ) -> Result<(), AwsError> {
        self.ecs
            .stop_task()
            .cluster(cluster)
            .task(task)
            .reason(reason)
            .customize()
            .config_override(as_user(user))
            .send()
            .await
            .map_err(classify)?;
        Ok(())
    }

    /// The ARN of `service`'s in-progress service deployment, if any.
    pub async fn in_progress_deployment(
        &self,
        cluster: &str,
        service: &str,
    ) -> Result<Option<String>, AwsError> {
        let out = self
            .ecs
            .list_service_deployments()
            .cluster(cluster)
            .service(service)
            .status(ServiceDeploymentStatus::InProgress)
            .send()
            .await
            .map_err(classify)?;
        Ok(out
            .service_deployments()
            .first()
            .and_then(|d| d.service_deployment_arn())
            .map(str::to_string))
    }

    /// StopServiceDeployment with ROLLBACK, on behalf of `user`.
    pub async fn stop_deployment_with_rollback(
        &self,
        user: &str,
        deployment_arn: &str,
    ) -> Result<(), AwsError> {
        self.ecs
            .stop_service_deployment()
            .service_deployment_arn(deployment_arn)
            .stop_type(StopServiceDeploymentStopType::Rollback)
            .customize()
            .config_override(as_user(user))
            .send()
            .await
            .map_err(classify)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agent_app_name_is_sanitised() {
        assert_eq!(app_name("alice").unwrap().as_ref(), "ecsdeck-user-alice");
        assert_eq!(
            app_name("bob smith@corp").unwrap().as_ref(),
            "ecsdeck-user-bob-smith-corp"
        );
    }
}
