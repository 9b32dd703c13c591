//! An ECS service with its deployments, events and configuration.

use super::{Tag, Timestamp, family_revision};

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Service {
    pub arn: String,
    pub name: String,
    pub cluster_arn: String,
    pub status: String,
    /// `FARGATE`, `EC2`, `EXTERNAL`, or the capacity providers used.
    pub launch_type: String,
    pub scheduling_strategy: String,
    pub desired: i32,
    pub running: i32,
    pub pending: i32,
    pub task_definition: String,
    pub deployments: Vec<Deployment>,
    /// Newest first, as ECS returns them.
    pub events: Vec<ServiceEvent>,
    pub load_balancers: Vec<LoadBalancer>,
    pub network: Option<NetworkConfig>,
    pub deployment_config: DeploymentConfig,
    pub created_at: Option<Timestamp>,
    pub tags: Vec<Tag>,
}

impl Service {
    /// The PRIMARY deployment (the one being rolled out or last rolled out).
    pub fn primary(&self) -> Option<&Deployment> {
        self.deployments
            .iter()
            .find(|d| d.status == "PRIMARY")
            .or(self.deployments.first())
    }

    /// `family:revision` of the task definition in use.
    pub fn task_definition_short(&self) -> &str {
        family_revision(&self.task_definition)
    }

    pub fn last_event_at(&self) -> Option<Timestamp> {
        self.events.first().map(|e| e.created_at)
    }

    /// A tag's value, if present.
    pub fn tag(&self, key: &str) -> Option<&str> {
        self.tags
            .iter()
            .find(|t| t.key == key)
            .map(|t| t.value.as_str())
    }

    /// True while more than one deployment exists or the primary is rolling.
    pub fn is_rolling(&self) -> bool {
        self.deployments.len() > 1
            || self
                .primary()
                .is_some_and(|d| d.rollout_state == "IN_PROGRESS")
    }
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Deployment {
    pub id: String,
    /// `PRIMARY`, `ACTIVE` or `INACTIVE`.
    pub status: String,
    pub task_definition: String,
    pub desired: i32,
    pub pending: i32,
    pub running: i32,
    pub failed: i32,
    /// `IN_PROGRESS`, `COMPLETED`, `FAILED` (empty when ECS gives none).
    pub rollout_state: String,
    pub rollout_reason: String,
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
}

impl Deployment {
    pub fn task_definition_short(&self) -> &str {
        family_revision(&self.task_definition)
    }

    /// Rollout progress 0–100: running tasks of this deployment against its
    /// desired count (100 when nothing is desired).
    pub fn progress_percent(&self) -> i32 {
        if self.desired <= 0 {
            100
        } else {
            (self.running.clamp(0, self.desired) * 100) / self.desired
        }
    }
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct ServiceEvent {
    pub id: String,
    pub created_at: Timestamp,
    pub message: String,
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct LoadBalancer {
    pub target_group_arn: String,
    pub load_balancer_name: String,
    pub container_name: String,
    pub container_port: i32,
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct NetworkConfig {
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    pub assign_public_ip: String,
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct DeploymentConfig {
    pub minimum_healthy_percent: Option<i32>,
    pub maximum_percent: Option<i32>,
    pub circuit_breaker: bool,
    pub rollback: bool,
    /// ROLLING, BLUE_GREEN, LINEAR or CANARY (`None`: ECS did not say,
    /// which means ROLLING).
    pub strategy: Option<String>,
}

impl DeploymentConfig {
    /// The strategy in words for a sentence ("a rolling deployment").
    pub fn strategy_words(&self) -> &'static str {
        match self.strategy.as_deref() {
            Some("BLUE_GREEN") => "blue/green",
            Some("LINEAR") => "linear",
            Some("CANARY") => "canary",
            _ => "rolling",
        }
    }
}
