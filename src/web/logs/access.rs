//! Which log groups a dashboard user may read. The dashboard's AWS role can
//! usually read every group in the account — Lambda, RDS, CloudTrail — but
//! ecsdeck shows only what belongs to the ECS fleet: by default the
//! `awslogs-group` (or FireLens CloudWatch `log_group_name`) of the containers of the task definitions its services
//! run (their deployments', as the fleet model holds them), plus whatever
//! `--log-groups` globs allow. A refused group answers 403 before any
//! CloudWatch Logs call.

use std::collections::BTreeSet;

use crate::error::AppError;
use crate::state::{Environment, Settings};

/// The log groups one environment allows right now.
pub struct GroupAccess {
    /// `awslogs-group` of the services' task definitions.
    referenced: BTreeSet<String>,
    /// `--log-groups` globs.
    patterns: Vec<String>,
}

impl GroupAccess {
    /// Reads the fleet model (clusters, services and task definitions, all
    /// cached and under the AWS budget; never CloudWatch Logs).
    pub async fn of(env: &Environment, settings: &Settings) -> Result<Self, AppError> {
        let clusters = env.fleet.clusters().await?.value;
        let views = futures::future::join_all(
            clusters
                .iter()
                .map(|c| async move { env.fleet.cluster_view(&c.name).await }),
        )
        .await;
        let mut ids = BTreeSet::new();
        for view in views {
            for row in view?.value.rows() {
                ids.insert(row.service.task_definition.clone());
                for d in &row.service.deployments {
                    ids.insert(d.task_definition.clone());
                }
            }
        }
        ids.retain(|id| !id.is_empty());
        let ids: Vec<String> = ids.into_iter().collect();
        let referenced = env
            .fleet
            .task_definitions(&ids)
            .await
            .iter()
            .flat_map(|td| td.containers.iter())
            .filter_map(|c| c.log.as_ref())
            .filter_map(|l| crate::domain::fixed_group(l).map(str::to_string))
            .collect();
        Ok(Self {
            referenced,
            patterns: settings.log_groups.clone(),
        })
    }

    pub fn allows(&self, group: &str) -> bool {
        self.referenced.contains(group) || crate::glob::any(&self.patterns, group)
    }

    /// `Ok` for an allowed group; the 403 saying why and how to widen it
    /// otherwise.
    pub fn check(&self, group: &str) -> Result<(), AppError> {
        if self.allows(group) {
            return Ok(());
        }
        Err(AppError::Forbidden(format!(
            "The log group {group} is not used by any task definition of this environment's \
             services, so ecsdeck does not show it. An administrator can allow more log \
             groups with --log-groups (ECSDECK_LOG_GROUPS), comma-separated globs such as \
             '/aws/lambda/*'."
        )))
    }
}

/// Refuses `group` unless the environment allows it (see [`GroupAccess`]).
pub async fn check_group(
    env: &Environment,
    settings: &Settings,
    group: &str,
) -> Result<(), AppError> {
    if crate::glob::any(&settings.log_groups, group) {
        return Ok(());
    }
    GroupAccess::of(env, settings).await?.check(group)
}
