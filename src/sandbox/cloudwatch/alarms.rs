//! Metric alarms: PutMetricAlarm, DescribeAlarms and DeleteAlarms, each
//! alarm evaluated minute by minute against the simulated metrics
//! (`samples.rs`), so it goes to ALARM and back as the fleet does, with
//! CloudWatch's reason text and the time of its last state change.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::get_metric_data::series_of;
use super::samples::Metric;
use crate::sandbox::ecs::EcsState;

/// Alarms an account may have (CloudWatch's default quota is 5,000).
pub const MAX_ALARMS: usize = 5_000;
/// Evaluations caught up at most per alarm per call (older minutes are
/// judged at once by the latest).
const MAX_CATCH_UP: i64 = 120;

#[derive(Debug, Clone)]
pub struct Alarm {
    pub name: String,
    pub arn: String,
    pub description: String,
    pub metric: Metric,
    pub stat: String,
    pub period: i64,
    pub evaluation_periods: i64,
    pub threshold: f64,
    pub comparison: String,
    pub actions_enabled: bool,
    /// AlarmActions: ARNs notified in ALARM (step scaling policies run).
    pub alarm_actions: Vec<String>,
    pub state: String,
    pub reason: String,
    pub state_updated_ms: i64,
    pub updated_ms: i64,
    /// The minute up to which the alarm was evaluated.
    pub evaluated_ms: i64,
}

#[derive(Debug, Default)]
pub struct AlarmStore {
    /// The sandbox's region (set by `World`), for the ARNs rendered here.
    pub region: crate::sandbox::region::Region,
    pub alarms: BTreeMap<String, Alarm>,
}

const COMPARISONS: [(&str, &str); 4] = [
    ("GreaterThanOrEqualToThreshold", "greater than or equal to"),
    ("GreaterThanThreshold", "greater than"),
    ("LessThanThreshold", "less than"),
    ("LessThanOrEqualToThreshold", "less than or equal to"),
];

fn breaches(comparison: &str, v: f64, threshold: f64) -> bool {
    match comparison {
        "GreaterThanOrEqualToThreshold" => v >= threshold,
        "GreaterThanThreshold" => v > threshold,
        "LessThanThreshold" => v < threshold,
        _ => v <= threshold,
    }
}

fn stamp(ms: i64) -> String {
    let t = crate::sandbox::cloudwatch::utc(ms);
    format!("({t})")
}

impl Alarm {
    /// The state the alarm's last `evaluation_periods` periods before `at`
    /// say, and why.
    fn judge(&self, ecs: &EcsState, at_ms: i64) -> (String, String) {
        let end = at_ms / 1000;
        let start = end - self.period * self.evaluation_periods;
        let points = series_of(
            ecs,
            &self.metric,
            &self.stat,
            self.period,
            start,
            end,
            at_ms,
        );
        let words = COMPARISONS
            .iter()
            .find(|(c, _)| *c == self.comparison)
            .map_or("", |(_, w)| w);
        if (points.len() as i64) < self.evaluation_periods {
            let unknown = self.evaluation_periods - points.len() as i64;
            return (
                "INSUFFICIENT_DATA".to_string(),
                format!(
                    "Insufficient Data: {unknown} datapoint{} unknown.",
                    if unknown == 1 { " was" } else { "s were" }
                ),
            );
        }
        let listed: Vec<String> = points
            .iter()
            .rev()
            .map(|(t, v)| format!("{v} {}", stamp(t * 1000)))
            .collect();
        let all = points
            .iter()
            .all(|(_, v)| breaches(&self.comparison, *v, self.threshold));
        let n = points.len();
        if all {
            (
                "ALARM".to_string(),
                format!(
                    "Threshold Crossed: {n} datapoint{} [{}] {} {words} the threshold ({}).",
                    if n == 1 { "" } else { "s" },
                    listed.join(", "),
                    if n == 1 { "was" } else { "were" },
                    self.threshold
                ),
            )
        } else {
            let not = COMPARISONS
                .iter()
                .find(|(c, _)| *c == self.comparison)
                .map_or("", |(_, w)| w);
            (
                "OK".to_string(),
                format!(
                    "Threshold Crossed: {n} datapoint{} [{}] {} not {not} the threshold ({}).",
                    if n == 1 { "" } else { "s" },
                    listed.join(", "),
                    if n == 1 { "was" } else { "were" },
                    self.threshold
                ),
            )
        }
    }

    /// Evaluates every minute since the last evaluation up to `now`,
    /// recording each state change when it happened.
    pub fn evaluate(&mut self, ecs: &EcsState, now: i64) {
        let last_minute = now / 60_000 * 60_000;
        let first = (self.evaluated_ms + 60_000).max(last_minute - MAX_CATCH_UP * 60_000);
        let mut at = first;
        while at <= last_minute {
            let (state, reason) = self.judge(ecs, at);
            if state != self.state {
                self.state = state;
                self.reason = reason;
                self.state_updated_ms = at;
            }
            at += 60_000;
        }
        self.evaluated_ms = self.evaluated_ms.max(last_minute);
    }

    pub fn render(&self) -> Value {
        let mut dims = Vec::new();
        if let Some(c) = &self.metric.cluster {
            dims.push(json!({"Name": "ClusterName", "Value": c}));
        }
        if let Some(s) = &self.metric.service {
            dims.push(json!({"Name": "ServiceName", "Value": s}));
        }
        json!({
            "AlarmName": self.name,
            "AlarmArn": self.arn,
            "AlarmDescription": self.description,
            "AlarmConfigurationUpdatedTimestamp": self.updated_ms as f64 / 1000.0,
            "ActionsEnabled": self.actions_enabled,
            "OKActions": [], "AlarmActions": self.alarm_actions, "InsufficientDataActions": [],
            "StateValue": self.state,
            "StateReason": self.reason,
            "StateUpdatedTimestamp": self.state_updated_ms as f64 / 1000.0,
            "StateTransitionedTimestamp": self.state_updated_ms as f64 / 1000.0,
            "MetricName": self.metric.name,
            "Namespace": self.metric.namespace,
            "Statistic": self.stat,
            "Dimensions": dims,
            "Period": self.period,
            "EvaluationPeriods": self.evaluation_periods,
            "DatapointsToAlarm": self.evaluation_periods,
            "Threshold": self.threshold,
            "ComparisonOperator": self.comparison,
            "TreatMissingData": "missing",
        })
    }
}
