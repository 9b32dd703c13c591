//! What the dashboard knows about a fleet, independent of the SDK: the
//! `aws/` layer converts SDK types into these, `fleet/` assembles them and
//! `web/` renders them.

mod action;
mod alarm;
mod autoscaling;
mod cluster;
pub mod diagnosis;
mod health;
mod image;
mod log;
mod log_target;
mod metrics;
mod service;
mod service_deployment;
mod targets;
mod task;
mod task_definition;
mod time;

pub use action::Action;
pub use alarm::{Alarm, AlarmState};
pub use autoscaling::{
    Autoscaling, Capacity, PolicyRule, ScalingActivity, ScalingPolicy, ScheduledAction,
};
pub use cluster::{Cluster, ContainerInstance};
pub use health::{Health, ServiceHealth};
pub use image::{Image, Repository, Severity};
pub use log::{EventsPage, FilterPage, Listing, LogEvent, LogGroup, LogStream, human_bytes};
pub use log_target::{cluster_group, fixed_group, is_firelens_cloudwatch, log_target};
pub use metrics::{MetricQuery, MetricRange, MetricSeries};
pub use service::{
    Deployment, DeploymentConfig, LoadBalancer, NetworkConfig, Service, ServiceEvent,
};
pub use service_deployment::{
    AlarmsState, BreakerState, ContainerImage, DeploymentRollback, RevisionSummary,
    ServiceDeployment, ServiceRevision,
};
pub use targets::{GroupHealth, HealthCheckConfig, TargetGroup, TargetHealth, unhealthy_reason};
pub use task::{Container, Task, ecr_repository_name, image_repository, image_tag};
pub use task_definition::{
    ContainerDef, HealthCheck, LogConfig, PortMapping, Revision, TaskDefinition, Volume,
};
pub use time::Timestamp;

/// A describe call's `failures[]` entry: AWS could not describe `arn`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Failure {
    pub arn: String,
    pub reason: String,
    pub detail: String,
}

/// A key/value tag.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// The last path segment of an ARN (`…:task/cluster/abc` → `abc`).
pub fn short_id(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// `family:revision` from a task definition ARN or `family:revision` string.
pub fn family_revision(arn: &str) -> &str {
    short_id(arn)
}
