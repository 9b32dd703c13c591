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

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
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

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
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
    /// Whether this container logs to CloudWatch Logs (awslogs, or FireLens
    /// with a CloudWatch output).
    pub fn logs_to_cloudwatch(&self) -> bool {
        self.log
            .as_ref()
            .is_some_and(|l| l.driver == "awslogs" || super::is_firelens_cloudwatch(l))
    }

    /// The log group and stream of this container in `task`, when it logs
    /// to CloudWatch Logs (awslogs, or FireLens with a CloudWatch output)
    /// under names known ahead (see `log_target`).
    pub fn log_stream(&self, task: &super::Task) -> Option<(String, String)> {
        super::log_target(self.log.as_ref()?, &self.name, task)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PortMapping {
    pub container_port: i32,
    pub host_port: Option<i32>,
    pub protocol: String,
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct HealthCheck {
    pub command: Vec<String>,
    pub interval: Option<i32>,
    pub timeout: Option<i32>,
    pub retries: Option<i32>,
    pub start_period: Option<i32>,
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct LogConfig {
    pub driver: String,
    pub options: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Volume {
    pub name: String,
    /// e.g. "EFS fs-0123 (/data)", "host /var/data", "docker".
    pub source: String,
}
