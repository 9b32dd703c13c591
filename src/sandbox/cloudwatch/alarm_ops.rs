//! The alarm operations: PutMetricAlarm (create or replace), DescribeAlarms
//! (evaluating every alarm up to now first; by names, prefix or state,
//! paginated by `MaxRecords`), DeleteAlarms.

use serde_json::{Value, json};

use super::alarms::{Alarm, AlarmStore, MAX_ALARMS};
use super::samples::Metric;
use crate::sandbox::ecs::EcsState;
use crate::sandbox::error::ApiError;

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(400, "InvalidParameterValue", message)
}

fn missing(name: &str) -> ApiError {
    ApiError::new(
        400,
        "MissingParameter",
        format!("The parameter {name} is required."),
    )
}

fn text<'a>(body: &'a Value, key: &str) -> Option<&'a str> {
    body.get(key).and_then(Value::as_str)
}

pub fn put_metric_alarm(store: &mut AlarmStore, body: &Value, now: i64) -> Result<Value, ApiError> {
    let name = text(body, "AlarmName").ok_or_else(|| missing("AlarmName"))?;
    if name.is_empty() || name.len() > 255 || name.chars().any(char::is_control) {
        return Err(invalid("AlarmName must be 1 to 255 printable characters."));
    }
    let stat = text(body, "Statistic").ok_or_else(|| missing("Statistic"))?;
    if !["SampleCount", "Average", "Sum", "Minimum", "Maximum"].contains(&stat) {
        return Err(invalid(format!(
            "Statistic {stat:?} is not one of SampleCount, Average, Sum, Minimum, Maximum."
        )));
    }
    let period = body
        .get("Period")
        .and_then(Value::as_i64)
        .ok_or_else(|| missing("Period"))?;
    if period < 60 || period % 60 != 0 {
        return Err(invalid(
            "Period must be a multiple of 60 seconds (the sandbox has no high-resolution metrics).",
        ));
    }
    let evaluation_periods = body
        .get("EvaluationPeriods")
        .and_then(Value::as_i64)
        .ok_or_else(|| missing("EvaluationPeriods"))?;
    if evaluation_periods < 1 || period * evaluation_periods > 7 * 86_400 {
        return Err(invalid(
            "EvaluationPeriods must be at least 1, and Period × EvaluationPeriods at most 7 days.",
        ));
    }
    let threshold = body
        .get("Threshold")
        .and_then(Value::as_f64)
        .ok_or_else(|| missing("Threshold"))?;
    let comparison =
        text(body, "ComparisonOperator").ok_or_else(|| missing("ComparisonOperator"))?;
    if ![
        "GreaterThanOrEqualToThreshold",
        "GreaterThanThreshold",
        "LessThanThreshold",
        "LessThanOrEqualToThreshold",
    ]
    .contains(&comparison)
    {
        return Err(invalid(format!(
            "ComparisonOperator {comparison:?} is not supported."
        )));
    }
    let (mut cluster, mut service, mut other) = (None, None, false);
    let dims = body
        .get("Dimensions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if dims.len() > 30 {
        return Err(invalid("At most 30 dimensions."));
    }
    for d in &dims {
        let value = text(d, "Value").map(str::to_string);
        match text(d, "Name") {
            Some("ClusterName") => cluster = value,
            Some("ServiceName") => service = value,
            _ => other = true,
        }
    }
    let alarm_actions: Vec<String> = body
        .get("AlarmActions")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    if alarm_actions.len() > 5 || alarm_actions.iter().any(|a| a.is_empty() || a.len() > 1024) {
        return Err(invalid(
            "AlarmActions must be at most 5 ARNs of 1 to 1024 characters.",
        ));
    }
    if !store.alarms.contains_key(name) && store.alarms.len() >= MAX_ALARMS {
        return Err(ApiError::new(
            400,
            "LimitExceeded",
            format!("The maximum of {MAX_ALARMS} alarms has been reached."),
        ));
    }
    let alarm = Alarm {
        name: name.to_string(),
        arn: store.region.arn("cloudwatch", &format!("alarm:{name}")),
        description: text(body, "AlarmDescription")
            .unwrap_or("")
            .chars()
            .take(1024)
            .collect(),
        metric: Metric {
            namespace: text(body, "Namespace").unwrap_or("").to_string(),
            name: text(body, "MetricName").unwrap_or("").to_string(),
            cluster,
            service,
            other_dimensions: other,
        },
        stat: stat.to_string(),
        period,
        evaluation_periods,
        threshold,
        comparison: comparison.to_string(),
        actions_enabled: body
            .get("ActionsEnabled")
            .and_then(Value::as_bool)
            .unwrap_or(true),
        alarm_actions,
        state: "INSUFFICIENT_DATA".to_string(),
        reason: "Unchecked: Initial alarm creation".to_string(),
        state_updated_ms: now,
        updated_ms: now,
        evaluated_ms: now / 60_000 * 60_000 - 60_000,
    };
    store.alarms.insert(name.to_string(), alarm);
    Ok(json!({}))
}

pub fn describe_alarms(
    store: &mut AlarmStore,
    ecs: &EcsState,
    body: &Value,
    now: i64,
) -> Result<Value, ApiError> {
    let names: Vec<&str> = body
        .get("AlarmNames")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if names.len() > 100 {
        return Err(invalid("At most 100 AlarmNames."));
    }
    let prefix = text(body, "AlarmNamePrefix");
    if prefix.is_some() && !names.is_empty() {
        return Err(ApiError::new(
            400,
            "InvalidParameterCombination",
            "AlarmNames and AlarmNamePrefix cannot be used together.",
        ));
    }
    let state = text(body, "StateValue");
    if state.is_some_and(|s| !["OK", "ALARM", "INSUFFICIENT_DATA"].contains(&s)) {
        return Err(invalid(
            "StateValue must be OK, ALARM or INSUFFICIENT_DATA.",
        ));
    }
    let max = body.get("MaxRecords").and_then(Value::as_i64).unwrap_or(50);
    if !(1..=100).contains(&max) {
        return Err(invalid("MaxRecords must be between 1 and 100."));
    }
    let after = match text(body, "NextToken") {
        None => None,
        Some(t) if store.alarms.contains_key(t) => Some(t.to_string()),
        Some(_) => {
            return Err(ApiError::new(
                400,
                "InvalidNextToken",
                "The NextToken is invalid.",
            ));
        }
    };
    for alarm in store.alarms.values_mut() {
        alarm.evaluate(ecs, now);
    }
    let matching: Vec<&Alarm> = store
        .alarms
        .values()
        .filter(|a| after.as_ref().is_none_or(|t| a.name.as_str() > t.as_str()))
        .filter(|a| names.is_empty() || names.contains(&a.name.as_str()))
        .filter(|a| prefix.is_none_or(|p| a.name.starts_with(p)))
        .filter(|a| state.is_none_or(|s| a.state == s))
        .take(max as usize + 1)
        .collect();
    let more = matching.len() > max as usize;
    let page: Vec<Value> = matching
        .iter()
        .take(max as usize)
        .map(|a| a.render())
        .collect();
    let mut out = json!({ "MetricAlarms": page, "CompositeAlarms": [] });
    if more && let Some(last) = matching.get(max as usize - 1) {
        out["NextToken"] = Value::String(last.name.clone());
    }
    Ok(out)
}

pub fn delete_alarms(store: &mut AlarmStore, body: &Value) -> Result<Value, ApiError> {
    let names: Vec<&str> = body
        .get("AlarmNames")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if names.is_empty() || names.len() > 100 {
        return Err(invalid("AlarmNames must name 1 to 100 alarms."));
    }
    if let Some(n) = names.iter().find(|n| !store.alarms.contains_key(**n)) {
        return Err(ApiError::new(
            404,
            "ResourceNotFound",
            format!("Alarm {n} does not exist."),
        ));
    }
    for n in names {
        store.alarms.remove(n);
    }
    Ok(json!({}))
}
