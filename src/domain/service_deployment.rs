//! A service's deployment history as ECS's ServiceDeployment API reports
//! it: each deployment's strategy, lifecycle stage, outcome and the
//! revisions it went from and to; and what each service revision ran.

use super::{LoadBalancer, NetworkConfig, Timestamp};

/// One deployment (DescribeServiceDeployments).
#[derive(Clone, Debug, Default)]
pub struct ServiceDeployment {
    pub arn: String,
    /// PENDING, IN_PROGRESS, SUCCESSFUL, STOPPED, STOP_REQUESTED,
    /// ROLLBACK_REQUESTED, ROLLBACK_IN_PROGRESS, ROLLBACK_SUCCESSFUL,
    /// ROLLBACK_FAILED.
    pub status: String,
    pub status_reason: Option<String>,
    pub created_at: Option<Timestamp>,
    pub started_at: Option<Timestamp>,
    pub finished_at: Option<Timestamp>,
    pub stopped_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
    /// ROLLING (also when ECS does not say), BLUE_GREEN, LINEAR, CANARY.
    pub strategy: String,
    pub lifecycle_stage: Option<String>,
    pub bake_time_minutes: Option<i32>,
    /// LINEAR: (percent per step, minutes per step); CANARY: (canary
    /// percent, canary bake minutes).
    pub steps: Option<(f64, i32)>,
    pub source_revisions: Vec<RevisionSummary>,
    pub target_revision: Option<RevisionSummary>,
    pub rollback: Option<DeploymentRollback>,
    pub circuit_breaker: Option<BreakerState>,
    pub alarms: Option<AlarmsState>,
}

/// A revision's part in a deployment.
#[derive(Clone, Debug, Default)]
pub struct RevisionSummary {
    pub arn: String,
    pub requested: i32,
    pub running: i32,
    pub pending: i32,
    /// Percent of production traffic (blue/green, linear, canary).
    pub production_weight: Option<f64>,
}

#[derive(Clone, Debug, Default)]
pub struct DeploymentRollback {
    pub reason: Option<String>,
    pub started_at: Option<Timestamp>,
    pub revision_arn: Option<String>,
}

/// The circuit breaker's state for one deployment.
#[derive(Clone, Debug, Default)]
pub struct BreakerState {
    /// DISABLED, MONITORING, MONITORING_COMPLETE, TRIGGERED.
    pub status: String,
    pub failure_count: i32,
    pub threshold: i32,
}

/// The CloudWatch alarms watching one deployment.
#[derive(Clone, Debug, Default)]
pub struct AlarmsState {
    pub status: String,
    pub names: Vec<String>,
    pub triggered: Vec<String>,
}

/// What one service revision ran (DescribeServiceRevisions).
#[derive(Clone, Debug, Default)]
pub struct ServiceRevision {
    pub arn: String,
    pub task_definition: String,
    /// The launch type, or the capacity providers joined.
    pub launch: String,
    pub platform_version: Option<String>,
    pub load_balancers: Vec<LoadBalancer>,
    pub network: Option<NetworkConfig>,
    pub images: Vec<ContainerImage>,
    pub created_at: Option<Timestamp>,
}

/// A container's image and the digest ECS resolved it to.
#[derive(Clone, Debug, Default)]
pub struct ContainerImage {
    pub container: String,
    pub image: String,
    pub digest: Option<String>,
}

impl ServiceDeployment {
    /// Whether ECS is still working on it.
    pub fn in_progress(&self) -> bool {
        matches!(
            self.status.as_str(),
            "PENDING"
                | "IN_PROGRESS"
                | "STOP_REQUESTED"
                | "ROLLBACK_REQUESTED"
                | "ROLLBACK_IN_PROGRESS"
        )
    }

    /// Whether the outcome is final (the description can be kept).
    pub fn finished(&self) -> bool {
        !self.in_progress() && !self.status.is_empty()
    }
}
