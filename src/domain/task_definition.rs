//! Task definitions: containers, volumes, roles, environment.

use std::collections::BTreeMap;

use super::{Tag, Timestamp};

/// One revision of a family in a listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revision {
    pub arn: String,
    pub family: String,
    pub revision: i32,
    pub active: bool,
}

#[derive(Clone, Debug, Default)]
pub struct TaskDefinition {
    pub arn: String,
    pub family: String,
    pub revision: i32,
    pub status: String,
    pub cpu: String,
    pub memory: String,
    pub network_mode: String,
    pub compatibilities: Vec<String>,
    pub task_role_arn: String,
    pub execution_role_arn: String,
    pub containers: Vec<ContainerDef>,
    pub volumes: Vec<Volume>,
    pub registered_at: Option<Timestamp>,
    pub registered_by: String,
    pub tags: Vec<Tag>,
}

impl TaskDefinition {
    pub fn family_revision(&self) -> String {
        format!("{}:{}", self.family, self.revision)
    }

    pub fn container(&self, name: &str) -> Option<&ContainerDef> {
        self.containers.iter().find(|c| c.name == name)
    }
}

#[derive(Clone, Debug, Default)]
pub struct ContainerDef {
    pub name: String,
    pub image: String,
    pub cpu: i32,
    pub memory: Option<i32>,
    pub memory_reservation: Option<i32>,
    pub essential: bool,
    pub ports: Vec<PortMapping>,
    pub command: Vec<String>,
    pub entry_point: Vec<String>,
    /// (name, value) as registered; mask before showing (see `web::mask`).
    pub environment: Vec<(String, String)>,
    /// (name, valueFrom ARN).
    pub secrets: Vec<(String, String)>,
    pub health_check: Option<HealthCheck>,
    pub log: Option<LogConfig>,
}

impl ContainerDef {
    /// The awslogs group and stream prefix, if this container logs to
    /// CloudWatch Logs with a prefix (streams are `prefix/name/task-id`).
    pub fn awslogs(&self) -> Option<(&str, &str)> {
        let log = self.log.as_ref().filter(|l| l.driver == "awslogs")?;
        let group = log.options.get("awslogs-group")?;
        let prefix = log.options.get("awslogs-stream-prefix")?;
        Some((group.as_str(), prefix.as_str()))
    }

    /// The log stream of this container in task `task_id`.
    pub fn log_stream(&self, task_id: &str) -> Option<(String, String)> {
        self.awslogs()
            .map(|(g, p)| (g.to_string(), format!("{p}/{}/{task_id}", self.name)))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PortMapping {
    pub container_port: i32,
    pub host_port: Option<i32>,
    pub protocol: String,
}

#[derive(Clone, Debug, Default)]
pub struct HealthCheck {
    pub command: Vec<String>,
    pub interval: Option<i32>,
    pub timeout: Option<i32>,
    pub retries: Option<i32>,
    pub start_period: Option<i32>,
}

#[derive(Clone, Debug, Default)]
pub struct LogConfig {
    pub driver: String,
    pub options: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default)]
pub struct Volume {
    pub name: String,
    /// e.g. "EFS fs-0123 (/data)", "host /var/data", "docker".
    pub source: String,
}
