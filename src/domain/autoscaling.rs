//! Application Auto Scaling of an ECS service: its scalable target
//! (min/max), policies, scheduled actions and recent activities.

use super::Timestamp;

/// What a scaling policy does.
#[derive(Clone, Debug, PartialEq)]
pub enum PolicyRule {
    /// Keep `metric` (e.g. ECSServiceAverageCPUUtilization) at `target`.
    TargetTracking {
        metric: String,
        target: f64,
        scale_out_cooldown_s: Option<i32>,
        scale_in_cooldown_s: Option<i32>,
        scale_in_disabled: bool,
    },
    /// Steps of capacity change by how far an alarm's metric is past its
    /// threshold.
    StepScaling {
        adjustment_type: String,
        /// `(lower, upper, adjustment)` per step.
        steps: Vec<(Option<f64>, Option<f64>, i32)>,
        cooldown_s: Option<i32>,
    },
    /// A policy type ecsdeck does not describe (predictive scaling…).
    Other(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ScalingPolicy {
    pub name: String,
    pub rule: PolicyRule,
    /// The CloudWatch alarms that trigger it.
    pub alarms: Vec<String>,
}

impl ScalingPolicy {
    /// One line an operator reads: "Target tracking: CPU at 50%".
    pub fn summary(&self) -> String {
        match &self.rule {
            PolicyRule::TargetTracking {
                metric,
                target,
                scale_out_cooldown_s,
                scale_in_cooldown_s,
                scale_in_disabled,
            } => {
                let what = match metric.as_str() {
                    "ECSServiceAverageCPUUtilization" => "average CPU".to_string(),
                    "ECSServiceAverageMemoryUtilization" => "average memory".to_string(),
                    "ALBRequestCountPerTarget" => "requests per target".to_string(),
                    other => other.to_string(),
                };
                let unit = if metric.contains("Utilization") {
                    "%"
                } else {
                    ""
                };
                let mut s = format!("Target tracking: keep {what} at {target}{unit}");
                if let (Some(o), Some(i)) = (scale_out_cooldown_s, scale_in_cooldown_s) {
                    s.push_str(&format!(" (cooldowns: out {o} s, in {i} s)"));
                }
                if *scale_in_disabled {
                    s.push_str("; never scales in");
                }
                s
            }
            PolicyRule::StepScaling {
                adjustment_type,
                steps,
                cooldown_s,
            } => {
                let steps: Vec<String> = steps
                    .iter()
                    .map(|(lo, hi, adj)| {
                        let range = match (lo, hi) {
                            (Some(l), Some(h)) => format!("{l} to {h}"),
                            (Some(l), None) => format!("{l} and above"),
                            (None, Some(h)) => format!("below {h}"),
                            (None, None) => "any".to_string(),
                        };
                        format!("{range}: {adj:+}")
                    })
                    .collect();
                let mut s = format!("Step scaling ({adjustment_type}): {}", steps.join(", "));
                if let Some(c) = cooldown_s {
                    s.push_str(&format!(" (cooldown {c} s)"));
                }
                s
            }
            PolicyRule::Other(kind) => kind.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ScheduledAction {
    pub name: String,
    pub schedule: String,
    pub timezone: String,
    pub min: Option<i32>,
    pub max: Option<i32>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ScalingActivity {
    pub description: String,
    pub cause: String,
    pub status: String,
    pub message: String,
    pub start: Option<Timestamp>,
}

impl ScalingActivity {
    /// The badge class of its status.
    pub fn class(&self) -> &'static str {
        match self.status.as_str() {
            "Successful" => "ok",
            "Failed" | "Unfulfilled" => "bad",
            _ => "muted",
        }
    }
}

/// Everything autoscaling says about one service; `target` is `None` when
/// the service is not a scalable target.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Autoscaling {
    pub target: Option<Capacity>,
    pub policies: Vec<ScalingPolicy>,
    pub scheduled: Vec<ScheduledAction>,
    pub activities: Vec<ScalingActivity>,
}

/// A scalable target's capacity range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capacity {
    pub min: i32,
    pub max: i32,
}

impl Capacity {
    /// Whether a desired count of `n` is outside the range.
    pub fn excludes(&self, n: i32) -> bool {
        n < self.min || n > self.max
    }
}
