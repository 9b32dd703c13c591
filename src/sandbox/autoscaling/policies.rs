//! PutScalingPolicy (create or replace by name) and DescribeScalingPolicies.
//! Target tracking takes ECS's predefined CPU and memory metrics; step
//! scaling is stored and listed as configured.

use crate::sandbox::region::Region;
use serde_json::{Value, json};

use super::model::{
    AutoscalingStore, DIMENSION, MAX_POLICIES, NAMESPACE, Policy, PolicyKind, secs,
};
use super::ops::{namespace, page, resource, selected};
use super::validation;
use crate::sandbox::error::ApiError;

/// The predefined metrics target tracking understands for ECS services.
pub const METRICS: [&str; 2] = [
    "ECSServiceAverageCPUUtilization",
    "ECSServiceAverageMemoryUtilization",
];

fn not_registered(id: &str) -> ApiError {
    ApiError::new(
        400,
        "ObjectNotFoundException",
        format!(
            "No scalable target registered for service namespace: ecs, resource ID: {id}, scalable dimension: {DIMENSION}"
        ),
    )
}

fn cooldown(cfg: &Value, key: &str) -> Result<i64, ApiError> {
    match cfg.get(key) {
        None | Some(Value::Null) => Ok(300),
        Some(v) => v
            .as_i64()
            .filter(|n| (0..=86_400).contains(n))
            .ok_or_else(|| validation(format!("{key} must be between 0 and 86400 seconds"))),
    }
}

fn target_tracking(cfg: Option<&Value>) -> Result<PolicyKind, ApiError> {
    let cfg = cfg.ok_or_else(|| {
        validation("TargetTrackingScalingPolicyConfiguration is required for a TargetTrackingScaling policy")
    })?;
    let target = cfg
        .get("TargetValue")
        .and_then(Value::as_f64)
        .ok_or_else(|| validation("TargetValue is required"))?;
    if !(8.515_920e-109..=6.174_271e307).contains(&target) {
        return Err(validation("TargetValue must be a positive number"));
    }
    if cfg.get("CustomizedMetricSpecification").is_some() {
        return Err(validation(
            "Customized metrics are not supported by the ecsdeck sandbox; use a PredefinedMetricSpecification",
        ));
    }
    let metric = cfg
        .get("PredefinedMetricSpecification")
        .and_then(|p| p.get("PredefinedMetricType"))
        .and_then(Value::as_str)
        .ok_or_else(|| validation("A PredefinedMetricSpecification is required"))?;
    if !METRICS.contains(&metric) {
        return Err(validation(format!(
            "Unsupported predefined metric type '{}' for service namespace 'ecs'",
            metric.chars().take(100).collect::<String>()
        )));
    }
    Ok(PolicyKind::TargetTracking {
        metric: metric.to_string(),
        target,
        scale_out_cooldown_s: cooldown(cfg, "ScaleOutCooldown")?,
        scale_in_cooldown_s: cooldown(cfg, "ScaleInCooldown")?,
        disable_scale_in: cfg
            .get("DisableScaleIn")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    })
}

pub fn put(store: &mut AutoscalingStore, body: &Value, now: i64) -> Result<Value, ApiError> {
    namespace(body)?;
    let name = body
        .get("PolicyName")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty() && n.len() <= 256 && !n.contains(':'))
        .ok_or_else(|| validation("PolicyName must be 1 to 256 characters without ':'"))?
        .to_string();
    let (cluster, service) = resource(body)?;
    let id = format!("service/{cluster}/{service}");
    let kind = match body.get("PolicyType").and_then(Value::as_str) {
        None | Some("StepScaling") => {
            let config = body
                .get("StepScalingPolicyConfiguration")
                .cloned()
                .ok_or_else(|| {
                    validation(
                        "StepScalingPolicyConfiguration is required for a StepScaling policy",
                    )
                })?;
            super::step::config(&config)?;
            PolicyKind::StepScaling { config }
        }
        Some("TargetTrackingScaling") => {
            target_tracking(body.get("TargetTrackingScalingPolicyConfiguration"))?
        }
        Some(other) => {
            return Err(validation(format!(
                "Unsupported policy type '{}' for service namespace 'ecs'",
                other.chars().take(100).collect::<String>()
            )));
        }
    };
    let region = store.region.clone();
    let target = store
        .targets
        .get_mut(&id)
        .ok_or_else(|| not_registered(&id))?;
    let arn = target.policy_arn(&region, &name);
    let policy = Policy {
        name: name.clone(),
        arn: arn.clone(),
        kind,
        created_ms: now,
    };
    if let Some(p) = target.policies.iter_mut().find(|p| p.name == name) {
        *p = policy;
    } else if target.policies.len() >= MAX_POLICIES {
        return Err(ApiError::new(
            400,
            "LimitExceededException",
            format!("A scalable target may have at most {MAX_POLICIES} policies"),
        ));
    } else {
        target.policies.push(policy);
    }
    let tracking = body.get("PolicyType").and_then(Value::as_str) == Some("TargetTrackingScaling");
    let alarms = alarms_of(&region, &target.resource_id(), &target.alarm_id, tracking);
    Ok(json!({ "PolicyARN": arn, "Alarms": alarms }))
}

/// The alarms AWS creates for a target-tracking policy (none listed for
/// step scaling: its alarms are the user's).
fn alarms_of(region: &Region, resource: &str, alarm_id: &str, tracking: bool) -> Vec<Value> {
    if !tracking {
        return Vec::new();
    }
    ["AlarmHigh", "AlarmLow"]
        .iter()
        .map(|kind| {
            let alarm = format!("TargetTracking-{resource}-{kind}-{alarm_id}");
            json!({
                "AlarmName": alarm,
                "AlarmARN": region.arn("cloudwatch", &format!("alarm:{alarm}")),
            })
        })
        .collect()
}

pub fn describe(store: &AutoscalingStore, body: &Value) -> Result<Value, ApiError> {
    let names: Vec<&str> = body
        .get("PolicyNames")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut all = Vec::new();
    for t in selected(store, body)? {
        for p in &t.policies {
            if !names.is_empty() && !names.contains(&p.name.as_str()) {
                continue;
            }
            let mut v = json!({
                "PolicyARN": p.arn,
                "PolicyName": p.name,
                "ServiceNamespace": NAMESPACE,
                "ResourceId": t.resource_id(),
                "ScalableDimension": DIMENSION,
                "CreationTime": secs(p.created_ms),
            });
            match &p.kind {
                PolicyKind::TargetTracking {
                    metric,
                    target,
                    scale_out_cooldown_s,
                    scale_in_cooldown_s,
                    disable_scale_in,
                } => {
                    v["PolicyType"] = json!("TargetTrackingScaling");
                    v["TargetTrackingScalingPolicyConfiguration"] = json!({
                        "TargetValue": target,
                        "PredefinedMetricSpecification": { "PredefinedMetricType": metric },
                        "ScaleOutCooldown": scale_out_cooldown_s,
                        "ScaleInCooldown": scale_in_cooldown_s,
                        "DisableScaleIn": disable_scale_in,
                    });
                    v["Alarms"] = json!(alarms_of(
                        &store.region,
                        &t.resource_id(),
                        &t.alarm_id,
                        true
                    ));
                }
                PolicyKind::StepScaling { config } => {
                    v["PolicyType"] = json!("StepScaling");
                    v["StepScalingPolicyConfiguration"] = config.clone();
                    v["Alarms"] = json!([]);
                }
            }
            all.push(v);
        }
    }
    let (items, next) = page(&all, body)?;
    Ok(json!({ "ScalingPolicies": items, "NextToken": next }))
}
