//! Step scaling: a StepScaling policy runs when a CloudWatch alarm whose
//! AlarmActions name its ARN is in ALARM (the sandbox's alarms judge the
//! simulated metrics). The step whose interval holds the metric's distance
//! from the alarm's threshold gives the adjustment (ChangeInCapacity,
//! PercentChangeInCapacity with MinAdjustmentMagnitude, or ExactCapacity);
//! the result is clamped to min/max and the policy then waits its Cooldown.

use serde_json::Value;

use super::model::PolicyKind;
use super::scaling::set_desired;
use super::validation;
use crate::sandbox::cloudwatch::get_metric_data::series_of;
use crate::sandbox::error::ApiError;
use crate::sandbox::world::World;

/// Steps a policy may have (AWS: 20).
const MAX_STEPS: usize = 20;
/// The cooldown when the policy names none (AWS for ECS: 300 s).
const DEFAULT_COOLDOWN_S: i64 = 300;
const TYPES: [&str; 3] = [
    "ChangeInCapacity",
    "PercentChangeInCapacity",
    "ExactCapacity",
];

/// A StepScalingPolicyConfiguration read for use.
#[derive(Debug, Clone, PartialEq)]
pub struct StepConfig {
    pub adjustment_type: String,
    /// (lower bound, upper bound, adjustment), bounds open when `None`.
    pub steps: Vec<(Option<f64>, Option<f64>, i64)>,
    pub min_magnitude: Option<i64>,
    pub cooldown_s: i64,
}

fn bound(step: &Value, key: &str) -> Result<Option<f64>, ApiError> {
    match step.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_f64()
            .filter(|f| f.is_finite())
            .map(Some)
            .ok_or_else(|| validation(format!("{key} must be a number"))),
    }
}

/// Reads (and so validates, as PutScalingPolicy does) a configuration.
pub fn config(cfg: &Value) -> Result<StepConfig, ApiError> {
    let adjustment_type = cfg
        .get("AdjustmentType")
        .and_then(Value::as_str)
        .filter(|t| TYPES.contains(t))
        .ok_or_else(|| {
            validation(
                "AdjustmentType must be ChangeInCapacity, PercentChangeInCapacity or ExactCapacity",
            )
        })?
        .to_string();
    let raw = cfg
        .get("StepAdjustments")
        .and_then(Value::as_array)
        .filter(|s| (1..=MAX_STEPS).contains(&s.len()))
        .ok_or_else(|| validation(format!("StepAdjustments must hold 1 to {MAX_STEPS} steps")))?;
    let mut steps = Vec::new();
    for s in raw {
        let (lo, hi) = (
            bound(s, "MetricIntervalLowerBound")?,
            bound(s, "MetricIntervalUpperBound")?,
        );
        if lo.is_none() && hi.is_none() && raw.len() > 1 {
            return Err(validation("Only one step may have neither bound"));
        }
        if let (Some(l), Some(h)) = (lo, hi)
            && l >= h
        {
            return Err(validation(
                "MetricIntervalLowerBound must be below MetricIntervalUpperBound",
            ));
        }
        let adj = s
            .get("ScalingAdjustment")
            .and_then(Value::as_i64)
            .filter(|a| a.abs() <= 100_000)
            .ok_or_else(|| {
                validation("ScalingAdjustment is required and must be a whole number")
            })?;
        steps.push((lo, hi, adj));
    }
    let mut sorted: Vec<_> = steps.iter().collect();
    sorted.sort_by(|a, b| a.0.unwrap_or(f64::MIN).total_cmp(&b.0.unwrap_or(f64::MIN)));
    if sorted
        .windows(2)
        .any(|w| w[0].1.unwrap_or(f64::MAX) > w[1].0.unwrap_or(f64::MIN))
    {
        return Err(validation("Step adjustments must not overlap"));
    }
    let min_magnitude = match cfg.get("MinAdjustmentMagnitude") {
        None | Some(Value::Null) => None,
        Some(v) => {
            if adjustment_type != "PercentChangeInCapacity" {
                return Err(validation(
                    "MinAdjustmentMagnitude may only be used with PercentChangeInCapacity",
                ));
            }
            Some(
                v.as_i64()
                    .filter(|m| (0..=100_000).contains(m))
                    .ok_or_else(|| validation("MinAdjustmentMagnitude must be 0 or more"))?,
            )
        }
    };
    let cooldown_s = match cfg.get("Cooldown") {
        None | Some(Value::Null) => DEFAULT_COOLDOWN_S,
        Some(v) => v
            .as_i64()
            .filter(|n| (0..=86_400).contains(n))
            .ok_or_else(|| validation("Cooldown must be between 0 and 86400 seconds"))?,
    };
    Ok(StepConfig {
        adjustment_type,
        steps,
        min_magnitude,
        cooldown_s,
    })
}

impl StepConfig {
    /// The adjustment for a metric `distance` from the threshold: lower
    /// bounds inclusive above the threshold, upper bounds inclusive below.
    fn step_for(&self, distance: f64) -> Option<i64> {
        self.steps
            .iter()
            .find(|(lo, hi, _)| {
                let (lo, hi) = (lo.unwrap_or(f64::NEG_INFINITY), hi.unwrap_or(f64::INFINITY));
                if distance >= 0.0 {
                    lo <= distance && distance < hi
                } else {
                    lo < distance && distance <= hi
                }
            })
            .map(|s| s.2)
    }

    /// The desired count this policy asks for from `desired`.
    pub fn apply(&self, desired: i32, distance: f64) -> Option<i64> {
        let adj = self.step_for(distance)?;
        let current = i64::from(desired);
        Some(match self.adjustment_type.as_str() {
            "ExactCapacity" => adj,
            "PercentChangeInCapacity" => {
                let raw = current as f64 * adj as f64 / 100.0;
                let mut change = if raw > 1.0 {
                    raw.floor() as i64
                } else if raw < -1.0 {
                    raw.ceil() as i64
                } else if raw > 0.0 {
                    1
                } else if raw < 0.0 {
                    -1
                } else {
                    0
                };
                if let Some(m) = self.min_magnitude
                    && change != 0
                    && change.abs() < m
                {
                    change = change.signum() * m;
                }
                current + change
            }
            _ => current + adj,
        })
    }
}

/// Runs every step policy an alarm in ALARM names, outside its cooldown.
pub fn run(world: &mut World, now: i64) {
    let World {
        alarms,
        ecs,
        autoscaling,
        ..
    } = world;
    let mut fire = Vec::new();
    for (id, t) in &autoscaling.targets {
        let Some(desired) = ecs
            .clusters
            .get(&t.cluster)
            .and_then(|c| c.services.get(&t.service))
            .filter(|s| s.status == "ACTIVE")
            .map(|s| s.desired)
        else {
            continue;
        };
        for p in &t.policies {
            let PolicyKind::StepScaling { config: raw } = &p.kind else {
                continue;
            };
            let Ok(cfg) = config(raw) else {
                continue;
            };
            let last = autoscaling.step_fired.get(&p.arn).copied();
            if last.is_some_and(|l| now - l < cfg.cooldown_s * 1000) {
                continue;
            }
            for alarm in alarms.alarms.values_mut() {
                if !alarm.actions_enabled || !alarm.alarm_actions.contains(&p.arn) {
                    continue;
                }
                alarm.evaluate(ecs, now);
                if alarm.state != "ALARM" {
                    continue;
                }
                let end = now / 60_000 * 60;
                let points = series_of(
                    ecs,
                    &alarm.metric,
                    &alarm.stat,
                    alarm.period,
                    end - alarm.period,
                    end,
                    now,
                );
                let Some((_, value)) = points.last() else {
                    continue;
                };
                let Some(want) = cfg.apply(desired, value - alarm.threshold) else {
                    continue;
                };
                let want = want.clamp(i64::from(t.min), i64::from(t.max)) as i32;
                let cause = format!(
                    "monitor alarm {} in state ALARM triggered policy {}",
                    alarm.name, p.name
                );
                fire.push((id.clone(), p.arn.clone(), want, desired, cause));
                break;
            }
        }
    }
    for (id, arn, want, desired, cause) in fire {
        world.autoscaling.step_fired.insert(arn, now);
        if want != desired {
            set_desired(world, &id, want, cause, now);
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::config;

    #[test]
    fn steps_pick_by_distance_and_percentages_round_as_aws_does() {
        let c = config(&json!({
            "AdjustmentType": "PercentChangeInCapacity",
            "MinAdjustmentMagnitude": 3,
            "StepAdjustments": [
                { "MetricIntervalUpperBound": 0.0, "ScalingAdjustment": -50 },
                { "MetricIntervalLowerBound": 0.0, "MetricIntervalUpperBound": 20.0, "ScalingAdjustment": 15 },
                { "MetricIntervalLowerBound": 20.0, "ScalingAdjustment": 100 },
            ],
        }))
        .unwrap();
        assert_eq!(c.cooldown_s, 300);
        // 15% of 10 is 1.5, rounded down, then raised to the magnitude 3.
        assert_eq!(c.apply(10, 5.0), Some(13));
        assert_eq!(c.apply(10, 20.0), Some(20));
        assert_eq!(c.apply(10, -4.0), Some(5));
        let exact = config(&json!({
            "AdjustmentType": "ExactCapacity",
            "StepAdjustments": [{ "MetricIntervalLowerBound": 0.0, "ScalingAdjustment": 6 }],
        }))
        .unwrap();
        assert_eq!(exact.apply(2, 1.0), Some(6));
        assert_eq!(exact.apply(2, -1.0), None, "no step below the threshold");
    }

    #[test]
    fn bad_configurations_are_refused() {
        for bad in [
            json!({ "AdjustmentType": "Double", "StepAdjustments": [{ "ScalingAdjustment": 1 }] }),
            json!({ "AdjustmentType": "ChangeInCapacity", "StepAdjustments": [] }),
            json!({ "AdjustmentType": "ChangeInCapacity", "MinAdjustmentMagnitude": 2,
                    "StepAdjustments": [{ "ScalingAdjustment": 1 }] }),
            json!({ "AdjustmentType": "ChangeInCapacity", "StepAdjustments": [
                { "MetricIntervalLowerBound": 0.0, "MetricIntervalUpperBound": 20.0, "ScalingAdjustment": 1 },
                { "MetricIntervalLowerBound": 10.0, "ScalingAdjustment": 2 }] }),
            json!({ "AdjustmentType": "ChangeInCapacity", "Cooldown": -1,
                    "StepAdjustments": [{ "ScalingAdjustment": 1 }] }),
        ] {
            assert!(config(&bad).is_err(), "{bad}");
        }
    }
}
