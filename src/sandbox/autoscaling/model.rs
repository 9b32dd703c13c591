//! What Application Auto Scaling holds for ECS services: scalable targets
//! (by resource id), their policies and scheduled actions, and the log of
//! scaling activities (bounded per target, newest first).

use std::collections::{BTreeMap, VecDeque};

use serde_json::{Value, json};

/// Scalable targets an account may register per namespace (AWS: 3,000).
pub const MAX_TARGETS: usize = 3_000;
/// Policies per scalable target (AWS: 50).
pub const MAX_POLICIES: usize = 50;
/// Activities kept per target (AWS keeps six weeks; the sandbox the latest).
pub const MAX_ACTIVITIES: usize = 100;
pub const DIMENSION: &str = "ecs:service:DesiredCount";
pub const NAMESPACE: &str = "ecs";
use crate::sandbox::region::Region;

#[derive(Debug, Clone, PartialEq)]
pub enum PolicyKind {
    /// Keep `metric` (ECSServiceAverageCPUUtilization or
    /// ECSServiceAverageMemoryUtilization) at `target` %.
    TargetTracking {
        metric: String,
        target: f64,
        scale_out_cooldown_s: i64,
        scale_in_cooldown_s: i64,
        disable_scale_in: bool,
    },
    /// Run by the CloudWatch alarms whose actions name it (`step`).
    StepScaling { config: Value },
}

#[derive(Debug, Clone)]
pub struct Policy {
    pub name: String,
    pub arn: String,
    pub kind: PolicyKind,
    pub created_ms: i64,
}

#[derive(Debug, Clone)]
pub struct ScheduledAction {
    pub name: String,
    pub schedule: String,
    pub timezone: Option<String>,
    pub min: Option<i32>,
    pub max: Option<i32>,
    pub created_ms: i64,
    /// StartTime / EndTime: the action runs only between them.
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
    /// The schedule was checked up to this time (it ran any due before).
    pub checked_ms: i64,
}

#[derive(Debug, Clone)]
pub struct Activity {
    pub id: String,
    pub description: String,
    pub cause: String,
    pub status: String,
    pub message: String,
    pub start_ms: i64,
    pub end_ms: i64,
}

#[derive(Debug, Clone)]
pub struct ScalableTarget {
    pub cluster: String,
    pub service: String,
    pub min: i32,
    pub max: i32,
    pub role_arn: String,
    pub created_ms: i64,
    pub policies: Vec<Policy>,
    pub scheduled: Vec<ScheduledAction>,
    pub activities: VecDeque<Activity>,
    /// When target tracking last scaled out / in (for cooldowns).
    pub last_out_ms: i64,
    pub last_in_ms: i64,
    /// Suffix of the target-tracking alarms' names (AWS: a UUID).
    pub alarm_id: String,
}

impl ScalableTarget {
    pub fn resource_id(&self) -> String {
        format!("service/{}/{}", self.cluster, self.service)
    }

    pub fn arn(&self, r: &Region) -> String {
        r.arn(
            "application-autoscaling",
            &format!("scalable-target/{}", self.alarm_id),
        )
    }

    pub fn policy_arn(&self, r: &Region, name: &str) -> String {
        r.arn(
            "autoscaling",
            &format!(
                "scalingPolicy:{}:resource/ecs/{}:policyName/{name}",
                self.alarm_id,
                self.resource_id()
            ),
        )
    }

    /// The ARN of scheduled action `name` of this target.
    pub fn scheduled_action_arn(&self, r: &Region, name: &str) -> String {
        r.arn(
            "autoscaling",
            &format!(
                "scheduledAction:{}:resource/ecs/{}:scheduledActionName/{name}",
                self.alarm_id,
                self.resource_id()
            ),
        )
    }

    /// Logs a finished activity, dropping the oldest beyond the bound.
    pub fn log(&mut self, activity: Activity) {
        self.activities.push_front(activity);
        self.activities.truncate(MAX_ACTIVITIES);
    }

    pub fn to_json(&self, r: &Region) -> Value {
        json!({
            "ServiceNamespace": NAMESPACE,
            "ResourceId": self.resource_id(),
            "ScalableDimension": DIMENSION,
            "MinCapacity": self.min,
            "MaxCapacity": self.max,
            "RoleARN": self.role_arn,
            "CreationTime": secs(self.created_ms),
            "ScalableTargetARN": self.arn(r),
            "SuspendedState": {
                "DynamicScalingInSuspended": false,
                "DynamicScalingOutSuspended": false,
                "ScheduledScalingSuspended": false,
            },
        })
    }
}

/// Epoch seconds, as AWS JSON writes timestamps.
pub fn secs(ms: i64) -> f64 {
    ms as f64 / 1000.0
}

/// Scalable targets by resource id (`service/CLUSTER/SERVICE`).
#[derive(Debug, Default)]
pub struct AutoscalingStore {
    /// The sandbox's region (set by `World`), for the ARNs rendered here.
    pub region: crate::sandbox::region::Region,
    pub targets: BTreeMap<String, ScalableTarget>,
    /// Activities and targets created so far (ids).
    pub counter: u64,
    /// The last whole minute target tracking evaluated.
    pub evaluated_minute: i64,
    /// When each step policy (by ARN) last ran, for its cooldown.
    pub step_fired: BTreeMap<String, i64>,
}

impl AutoscalingStore {
    /// A fresh id, UUID-shaped, stable for a given sequence of calls.
    pub fn next_id(&mut self) -> String {
        self.counter += 1;
        let n = self.counter;
        format!(
            "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
            n.wrapping_mul(0x9e37_79b9) & 0xffff_ffff,
            n & 0xffff,
            (n >> 4) & 0xfff,
            (n >> 8) & 0xfff,
            n.wrapping_mul(0x1000_0000_01b3) & 0xffff_ffff_ffff
        )
    }
}
