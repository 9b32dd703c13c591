//! Root cause: which of the failure modes operators chase a service is in,
//! and the evidence for it, from what ecsdeck already holds (the service,
//! its recent and recorded stopped tasks, its task definitions). Pure:
//! the caller passes the time and anything read elsewhere (whether an
//! image exists in ECR, a load balancer's target-health reason).

mod modes;
mod stops;

use std::sync::Arc;

use super::{Service, Task, TaskDefinition, Timestamp};

pub use stops::{StopGroup, group_stops};

/// Stops older than this do not make a diagnosis by themselves.
pub const RECENT_MS: i64 = 3_600_000;
/// A failed deployment is named for this long.
pub const FAILED_DEPLOY_MS: i64 = 24 * 3_600_000;

/// The failure modes, in the words of the contract (docs/contracts.md,
/// "Diagnosis vocabulary").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureMode {
    CrashLoop,
    OutOfMemory,
    ImagePull,
    Unhealthy,
    FailedDeployment,
}

impl FailureMode {
    pub fn label(self) -> &'static str {
        match self {
            Self::CrashLoop => "Crash loop",
            Self::OutOfMemory => "Out of memory",
            Self::ImagePull => "Image pull failure",
            Self::Unhealthy => "Unhealthy",
            Self::FailedDeployment => "Failed deployment",
        }
    }

    /// A stable word for markup and tests.
    pub fn slug(self) -> &'static str {
        match self {
            Self::CrashLoop => "crash-loop",
            Self::OutOfMemory => "oom",
            Self::ImagePull => "image-pull",
            Self::Unhealthy => "unhealthy",
            Self::FailedDeployment => "failed-deploy",
        }
    }
}

/// What the diagnosis looks at.
pub struct DiagnosisInput<'a> {
    pub service: &'a Service,
    /// Stopped tasks of the service: what ECS lists now and what ecsdeck
    /// recorded before (duplicates are counted once).
    pub stops: &'a [Task],
    /// Task definitions of the deployments and the stopped tasks.
    pub task_definitions: &'a [Arc<TaskDefinition>],
    /// Deployments ecsdeck recorded that ECS no longer reports (a failed
    /// deployment that was rolled back): (id, task definition, rollout
    /// state, reason, updated).
    pub past_deployments: &'a [PastDeployment],
    /// The load balancer's target-health reason for the service's targets,
    /// where known (`Target.FailedHealthChecks`…). Filled by the load
    /// balancer panel's data once that exists; None today.
    pub target_health_reason: Option<&'a str>,
    /// How a command (a health check's) is shown: secrets masked by the
    /// caller's one masking function (`web::mask`).
    pub show_command: &'a (dyn Fn(&[String]) -> String + Sync),
    pub now: Timestamp,
}

/// A deployment as recorded (ECS drops finished ones from the service).
#[derive(Clone, Debug, Default)]
pub struct PastDeployment {
    pub id: String,
    pub task_definition: String,
    pub rollout_state: String,
    pub rollout_reason: String,
    pub updated: Timestamp,
}

/// One line of evidence: a label and what was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evidence {
    pub label: String,
    pub value: String,
}

/// The named failure mode with its evidence.
#[derive(Clone, Debug)]
pub struct Diagnosis {
    pub mode: FailureMode,
    /// One sentence saying what happens.
    pub headline: String,
    pub evidence: Vec<Evidence>,
    /// Every abnormal stop, grouped by cause, most recent first.
    pub groups: Vec<StopGroup>,
    /// The stop that shows the failure best: (task id, container), for
    /// its last log lines.
    pub example: Option<(String, String)>,
    /// The image that could not be pulled (image pull failures).
    pub image: Option<String>,
    /// `family:revision` that failed and the one that last worked
    /// (failed deployments), for their diff and a rollback.
    pub failed_revision: Option<String>,
    pub good_revision: Option<String>,
}

impl Diagnosis {
    pub fn add(&mut self, label: impl Into<String>, value: impl Into<String>) {
        self.evidence.push(Evidence {
            label: label.into(),
            value: value.into(),
        });
    }
}

/// Names the service's failure mode, or None when nothing recent points
/// to one.
pub fn diagnose(input: &DiagnosisInput<'_>) -> Option<Diagnosis> {
    let groups = group_stops(input.stops);
    if let Some(d) = modes::failed_deployment(input, &groups) {
        return Some(d);
    }
    let since = input.now.millis() - RECENT_MS;
    groups
        .iter()
        .filter(|g| g.last.millis() >= since)
        .find_map(|g| modes::from_group(input, g, &groups))
}
