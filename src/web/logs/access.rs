//! Which log groups a dashboard user may read. The dashboard's AWS role can
//! usually read every group in the account — Lambda, RDS, CloudTrail — but
//! ecsdeck shows only what belongs to the ECS fleet: by default the
//! `awslogs-group` (or FireLens CloudWatch `log_group_name`) of the containers of the task definitions its services
//! run (their deployments', as the fleet model holds them), plus whatever
//! `--log-groups` globs allow. A refused group answers 403 before any
//! CloudWatch Logs call.

use std::collections::{BTreeMap, BTreeSet};

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
        // Task definition → the clusters that run it (a FireLens group may
        // be named after the cluster: `/ecs/$(ecs_cluster)`).
        let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (cluster, view) in clusters.iter().zip(views) {
            for row in view?.value.rows() {
                let tds = std::iter::once(&row.service.task_definition)
                    .chain(row.service.deployments.iter().map(|d| &d.task_definition));
                for td in tds.filter(|id| !id.is_empty()) {
                    ids.entry(td.clone())
                        .or_default()
                        .insert(cluster.name.clone());
                }
            }
        }
        let wanted: Vec<String> = ids.keys().cloned().collect();
        let mut referenced = BTreeSet::new();
        for td in env.fleet.task_definitions(&wanted).await.iter() {
            let clusters = ids.get(&td.arn).into_iter().flatten();
            for log in td.containers.iter().filter_map(|c| c.log.as_ref()) {
                match crate::domain::fixed_group(log) {
                    Some(g) => {
                        referenced.insert(g.to_string());
                    }
                    None => referenced.extend(
                        clusters
                            .clone()
                            .filter_map(|c| crate::domain::cluster_group(log, c)),
                    ),
                }
            }
        }
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
