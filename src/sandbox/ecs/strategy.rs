//! The deployment strategy part of `deploymentConfiguration` in
//! CreateService / UpdateService: `strategy`, `bakeTimeInMinutes`,
//! `linearConfiguration`, `canaryConfiguration`, `alarms`, validated as
//! ECS does.

use serde_json::Value;

use super::arn;
use super::model::DeploymentConfig;
use super::stages::STRATEGIES;
use crate::sandbox::error::ApiError;

/// ECS allows a bake time of 0–1440 minutes.
const MAX_BAKE_MIN: i64 = 1440;
/// Alarms per deployment configuration.
const MAX_ALARMS: usize = 10;

fn minutes(v: &Value, name: &str) -> Result<Option<i32>, ApiError> {
    match arn::int_field(v, name)? {
        None => Ok(None),
        Some(n) if (0..=MAX_BAKE_MIN).contains(&n) => Ok(Some(n as i32)),
        Some(n) => Err(ApiError::invalid(format!(
            "{name} must be between 0 and {MAX_BAKE_MIN}, got {n}."
        ))),
    }
}

fn percent(v: &Value, name: &str, min: f64, max: f64) -> Result<Option<f64>, ApiError> {
    match v.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(p) => match p.as_f64() {
            Some(p) if (min..=max).contains(&p) => Ok(Some(p)),
            _ => Err(ApiError::invalid(format!(
                "{name} must be between {min} and {max}, got {p}."
            ))),
        },
    }
}

/// Reads the strategy fields of `dc` into `cfg`.
pub fn parse(cfg: &mut DeploymentConfig, dc: &Value) -> Result<(), ApiError> {
    if let Some(s) = arn::str_field(dc, "strategy") {
        if !STRATEGIES.contains(&s) {
            return Err(ApiError::invalid(format!(
                "Invalid deployment strategy {s}: use one of {}.",
                STRATEGIES.join(", ")
            )));
        }
        cfg.strategy = s.to_string();
    }
    if let Some(m) = minutes(dc, "bakeTimeInMinutes")? {
        cfg.bake_time_min = m;
    }
    if let Some(l) = dc.get("linearConfiguration").filter(|v| !v.is_null()) {
        if let Some(p) = percent(l, "stepPercent", 3.0, 100.0)? {
            cfg.step_percent = p;
        }
        if let Some(m) = minutes(l, "stepBakeTimeInMinutes")? {
            cfg.step_bake_min = m;
        }
    }
    if let Some(c) = dc.get("canaryConfiguration").filter(|v| !v.is_null()) {
        if let Some(p) = percent(c, "canaryPercent", 0.1, 100.0)? {
            cfg.step_percent = p;
        }
        if let Some(m) = minutes(c, "canaryBakeTimeInMinutes")? {
            cfg.step_bake_min = m;
        }
    }
    if matches!(cfg.strategy.as_str(), "LINEAR" | "CANARY") && cfg.step_percent <= 0.0 {
        let what = if cfg.strategy == "LINEAR" {
            "linearConfiguration.stepPercent"
        } else {
            "canaryConfiguration.canaryPercent"
        };
        return Err(ApiError::invalid(format!(
            "A {} deployment needs {what}.",
            cfg.strategy
        )));
    }
    if let Some(a) = dc.get("alarms").filter(|v| !v.is_null()) {
        let names = arn::str_list(a, "alarmNames");
        if names.len() > MAX_ALARMS {
            return Err(ApiError::invalid(format!(
                "alarms.alarmNames can have at most {MAX_ALARMS} items."
            )));
        }
        let enable = arn::bool_field(a, "enable").unwrap_or(false);
        cfg.alarm_names = if enable { names } else { Vec::new() };
        cfg.alarm_rollback = enable && arn::bool_field(a, "rollback").unwrap_or(false);
    }
    Ok(())
}
