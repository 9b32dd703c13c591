//! Task definitions: families, revisions and one revision in full.

use std::collections::BTreeMap;

use aws_sdk_ecs::types::{SortOrder, TaskDefinitionFamilyStatus, TaskDefinitionField};

use super::convert::{s, tag, ts};
use super::{AwsClients, AwsError, classify};
use crate::domain::{
    ContainerDef, HealthCheck, LogConfig, PortMapping, Revision, TaskDefinition, Volume,
};

impl AwsClients {
    /// Every task definition family with at least one ACTIVE revision.
    pub async fn list_task_definition_families(&self) -> Result<Vec<String>, AwsError> {
        self.ecs
            .list_task_definition_families()
            .status(TaskDefinitionFamilyStatus::Active)
            .max_results(100)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(classify)
    }

    /// Every revision of `family`, newest first, ACTIVE and INACTIVE.
    pub async fn list_revisions(&self, family: &str) -> Result<Vec<Revision>, AwsError> {
        let mut revisions = Vec::new();
        for (status, active) in [
            (aws_sdk_ecs::types::TaskDefinitionStatus::Active, true),
            (aws_sdk_ecs::types::TaskDefinitionStatus::Inactive, false),
        ] {
            let arns: Vec<String> = self
                .ecs
                .list_task_definitions()
                .family_prefix(family)
                .status(status)
                .sort(SortOrder::Desc)
                .max_results(100)
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
                .map_err(classify)?;
            for arn in arns {
                let short = crate::domain::family_revision(&arn);
                if let Some((fam, rev)) = short.rsplit_once(':')
                    && fam == family
                    && let Ok(revision) = rev.parse()
                {
                    revisions.push(Revision {
                        family: fam.to_string(),
                        arn,
                        revision,
                        active,
                    });
                }
            }
        }
        revisions.sort_by_key(|r| std::cmp::Reverse(r.revision));
        Ok(revisions)
    }

    /// One revision (`family:revision` or ARN) with its tags.
    pub async fn describe_task_definition(&self, id: &str) -> Result<TaskDefinition, AwsError> {
        let out = self
            .ecs
            .describe_task_definition()
            .task_definition(id)
            .include(TaskDefinitionField::Tags)
            .send()
            .await
            .map_err(classify)?;
        let td = out.task_definition().ok_or_else(|| AwsError::NotFound {
            code: "ClientException".to_string(),
            message: format!("Unable to describe task definition {id}."),
        })?;
        let mut def = task_definition(td);
        def.tags = out.tags().iter().map(|t| tag(t.key(), t.value())).collect();
        Ok(def)
    }
}

pub(crate) fn task_definition(td: &aws_sdk_ecs::types::TaskDefinition) -> TaskDefinition {
    TaskDefinition {
        arn: s(td.task_definition_arn()),
        family: s(td.family()),
        revision: td.revision(),
        status: td
            .status()
            .map(|x| x.as_str().to_string())
            .unwrap_or_default(),
        cpu: s(td.cpu()),
        memory: s(td.memory()),
        network_mode: td
            .network_mode()
            .map(|x| x.as_str().to_string())
            .unwrap_or_default(),
        compatibilities: td
            .requires_compatibilities()
            .iter()
            .map(|c| c.as_str().to_string())
            .collect(),
        task_role_arn: s(td.task_role_arn()),
        execution_role_arn: s(td.execution_role_arn()),
        containers: td.container_definitions().iter().map(container).collect(),
        volumes: td.volumes().iter().map(volume).collect(),
        registered_at: ts(td.registered_at()),
        registered_by: s(td.registered_by()),
        tags: Vec::new(),
    }
}

fn container(c: &aws_sdk_ecs::types::ContainerDefinition) -> ContainerDef {
    ContainerDef {
        name: s(c.name()),
        image: s(c.image()),
        cpu: c.cpu(),
        memory: c.memory(),
        memory_reservation: c.memory_reservation(),
        essential: c.essential().unwrap_or(true),
        ports: c
            .port_mappings()
            .iter()
            .map(|p| PortMapping {
                container_port: p.container_port().unwrap_or_default(),
                host_port: p.host_port(),
                protocol: p
                    .protocol()
                    .map(|x| x.as_str().to_string())
                    .unwrap_or_else(|| "tcp".to_string()),
            })
            .collect(),
        command: c.command().to_vec(),
        entry_point: c.entry_point().to_vec(),
        environment: c
            .environment()
            .iter()
            .map(|kv| (s(kv.name()), s(kv.value())))
            .collect(),
        secrets: c
            .secrets()
            .iter()
            .map(|x| (x.name().to_string(), x.value_from().to_string()))
            .collect(),
        health_check: c.health_check().map(|h| HealthCheck {
            command: h.command().to_vec(),
            interval: h.interval(),
            timeout: h.timeout(),
            retries: h.retries(),
            start_period: h.start_period(),
        }),
        log: c.log_configuration().map(|l| LogConfig {
            driver: l.log_driver().as_str().to_string(),
            options: l
                .options()
                .map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_else(BTreeMap::new),
        }),
    }
}

fn volume(v: &aws_sdk_ecs::types::Volume) -> Volume {
    let source = if let Some(efs) = v.efs_volume_configuration() {
        format!(
            "EFS {} ({})",
            efs.file_system_id(),
            efs.root_directory().unwrap_or("/")
        )
    } else if let Some(host) = v.host().and_then(|h| h.source_path()) {
        format!("host path {host}")
    } else if v.docker_volume_configuration().is_some() {
        "Docker volume".to_string()
    } else {
        "task storage".to_string()
    };
    Volume {
        name: s(v.name()),
        source,
    }
}
