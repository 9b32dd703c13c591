//! RegisterScalableTarget and the Describe operations of scalable targets,
//! scheduled actions and scaling activities (paginated like AWS: at most 50
//! a page, an opaque NextToken).

use std::collections::VecDeque;

use serde_json::{Value, json};

use super::model::{AutoscalingStore, DIMENSION, MAX_TARGETS, NAMESPACE, ScalableTarget, secs};
use super::{scaling, validation};
use crate::sandbox::ecs::autoscale::{self, Autoscale};
use crate::sandbox::error::ApiError;
use crate::sandbox::world::World;

/// ECS's upper bound on a service's desired count.
const MAX_CAPACITY: i64 = 5_000;

fn text<'a>(body: &'a Value, key: &str) -> Option<&'a str> {
    body.get(key).and_then(Value::as_str)
}

/// Checks the namespace (and, if given, the dimension) are ECS's.
pub fn namespace(body: &Value) -> Result<(), ApiError> {
    match text(body, "ServiceNamespace") {
        Some(NAMESPACE) => {}
        Some(other) => {
            return Err(validation(format!(
                "1 validation error detected: Value '{other}' at 'serviceNamespace' failed to satisfy constraint: the ecsdeck sandbox serves only the ecs namespace"
            )));
        }
        None => {
            return Err(validation(
                "1 validation error detected: Value null at 'serviceNamespace' failed to satisfy constraint: Member must not be null",
            ));
        }
    }
    match text(body, "ScalableDimension") {
        None | Some(DIMENSION) => Ok(()),
        Some(other) => Err(validation(format!(
            "Unsupported scalable dimension '{other}' for service namespace 'ecs'; use {DIMENSION}"
        ))),
    }
}

/// `service/CLUSTER/SERVICE` → (cluster, service).
pub fn resource(body: &Value) -> Result<(String, String), ApiError> {
    let id = text(body, "ResourceId").ok_or_else(|| {
        validation(
            "1 validation error detected: Value null at 'resourceId' failed to satisfy constraint: Member must not be null",
        )
    })?;
    let parts: Vec<&str> = id.split('/').collect();
    match parts.as_slice() {
        ["service", c, s] if !c.is_empty() && !s.is_empty() && id.len() <= 1600 => {
            Ok((c.to_string(), s.to_string()))
        }
        _ => Err(validation(format!(
            "Unsupported resource ID '{}' for service namespace 'ecs'; expected service/CLUSTER/SERVICE",
            id.chars().take(200).collect::<String>()
        ))),
    }
}

fn capacity(body: &Value, key: &str) -> Result<Option<i32>, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => match v.as_i64() {
            Some(n) if (0..=MAX_CAPACITY).contains(&n) => Ok(Some(n as i32)),
            _ => Err(validation(format!(
                "1 validation error detected: Value '{v}' at '{}' failed to satisfy constraint: Member must be between 0 and {MAX_CAPACITY}",
                key[..1].to_lowercase() + &key[1..]
            ))),
        },
    }
}

pub fn register(world: &mut World, body: &Value, now: i64) -> Result<Value, ApiError> {
    namespace(body)?;
    if text(body, "ScalableDimension").is_none() {
        return Err(validation(
            "1 validation error detected: Value null at 'scalableDimension' failed to satisfy constraint: Member must not be null",
        ));
    }
    let (cluster, service) = resource(body)?;
    let (min, max) = (
        capacity(body, "MinCapacity")?,
        capacity(body, "MaxCapacity")?,
    );
    let exists = world
        .ecs
        .clusters
        .get(&cluster)
        .and_then(|c| c.services.get(&service))
        .is_some_and(|s| s.status == "ACTIVE");
    if !exists {
        return Err(validation(format!(
            "ECS service doesn't exist: service/{cluster}/{service}"
        )));
    }
    let id = format!("service/{cluster}/{service}");
    let store = &mut world.autoscaling;
    if !store.targets.contains_key(&id) {
        let (Some(min), Some(max)) = (min, max) else {
            return Err(validation(
                "MinCapacity and MaxCapacity are required to register a new scalable target",
            ));
        };
        if store.targets.len() >= MAX_TARGETS {
            return Err(ApiError::new(
                400,
                "LimitExceededException",
                format!("You have reached the maximum of {MAX_TARGETS} scalable targets"),
            ));
        }
        let alarm_id = store.next_id();
        store.targets.insert(
            id.clone(),
            ScalableTarget {
                cluster: cluster.clone(),
                service: service.clone(),
                min,
                max,
                role_arn: "arn:aws:iam::123456789012:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService".into(),
                created_ms: now,
                policies: Vec::new(),
                scheduled: Vec::new(),
                activities: VecDeque::new(),
                last_out_ms: i64::MIN / 2,
                last_in_ms: i64::MIN / 2,
                alarm_id,
            },
        );
    }
    let target = store.targets.get(&id).ok_or_else(|| validation("gone"))?;
    let (new_min, new_max) = (min.unwrap_or(target.min), max.unwrap_or(target.max));
    if new_min > new_max {
        return Err(validation(format!(
            "Minimum capacity ({new_min}) cannot be greater than maximum capacity ({new_max})"
        )));
    }
    let (old_min, old_max) = (target.min, target.max);
    if let Some(t) = store.targets.get_mut(&id) {
        t.min = new_min;
        t.max = new_max;
    }
    let desired = world
        .ecs
        .clusters
        .get(&cluster)
        .and_then(|c| c.services.get(&service))
        .map_or(0, |s| s.desired);
    if autoscale::find(&world.ecs.autoscalers, &cluster, &service).is_none() {
        world
            .ecs
            .autoscalers
            .push(Autoscale::steady(&cluster, &service, desired));
    }
    let stamp = time_text(now);
    if desired < new_min {
        let cause = if new_min != old_min {
            format!(
                "at {stamp} a user request update of effective min capacity to {new_min} triggered this scaling activity"
            )
        } else {
            format!(
                "at {stamp} the desired count {desired} was below the minimum capacity {new_min}"
            )
        };
        scaling::set_desired(world, &id, new_min, cause, now);
    } else if desired > new_max {
        let cause = if new_max != old_max {
            format!(
                "at {stamp} a user request update of effective max capacity to {new_max} triggered this scaling activity"
            )
        } else {
            format!(
                "at {stamp} the desired count {desired} was above the maximum capacity {new_max}"
            )
        };
        scaling::set_desired(world, &id, new_max, cause, now);
    }
    let arn = world
        .autoscaling
        .targets
        .get(&id)
        .map(|t| t.arn(&world.autoscaling.region));
    Ok(json!({ "ScalableTargetARN": arn }))
}

/// `2026-11-30T20:15:00Z`, as causes write times.
pub fn time_text(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// The page `body` asks for of `items`: (page, next token).
pub fn page<T: Clone>(items: &[T], body: &Value) -> Result<(Vec<T>, Option<String>), ApiError> {
    let max = match body.get("MaxResults").and_then(Value::as_i64) {
        None => 50,
        Some(n) if (1..=50).contains(&n) => n as usize,
        Some(n) => {
            return Err(validation(format!(
                "1 validation error detected: Value '{n}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 50"
            )));
        }
    };
    let start = match text(body, "NextToken") {
        None => 0,
        Some(t) => t
            .strip_prefix("page-")
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| *n <= items.len())
            .ok_or_else(|| ApiError::new(400, "InvalidNextTokenException", "Invalid token"))?,
    };
    let end = (start + max).min(items.len());
    let next = (end < items.len()).then(|| format!("page-{end}"));
    Ok((items[start..end].to_vec(), next))
}

/// The targets `body` names (ResourceId or ResourceIds), or all of them.
pub fn selected<'a>(
    store: &'a AutoscalingStore,
    body: &Value,
) -> Result<Vec<&'a ScalableTarget>, ApiError> {
    namespace(body)?;
    let mut ids: Vec<String> = body
        .get("ResourceIds")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    if ids.len() > 50 {
        return Err(validation("At most 50 resource IDs may be given"));
    }
    if let Some(id) = text(body, "ResourceId") {
        ids.push(id.to_string());
    }
    Ok(store
        .targets
        .iter()
        .filter(|(id, _)| ids.is_empty() || ids.iter().any(|i| i == *id))
        .map(|(_, t)| t)
        .collect())
}

pub fn describe_targets(store: &AutoscalingStore, body: &Value) -> Result<Value, ApiError> {
    let all: Vec<Value> = selected(store, body)?
        .iter()
        .map(|t| t.to_json(&store.region))
        .collect();
    let (items, next) = page(&all, body)?;
    Ok(json!({ "ScalableTargets": items, "NextToken": next }))
}

pub fn describe_scheduled(store: &AutoscalingStore, body: &Value) -> Result<Value, ApiError> {
    let names: Vec<&str> = body
        .get("ScheduledActionNames")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut all = Vec::new();
    for t in selected(store, body)? {
        for a in &t.scheduled {
            if !names.is_empty() && !names.contains(&a.name.as_str()) {
                continue;
            }
            all.push(json!({
                "ScheduledActionName": a.name,
                "ScheduledActionARN": t.scheduled_action_arn(&store.region, &a.name),
                "ServiceNamespace": NAMESPACE,
                "Schedule": a.schedule,
                "Timezone": a.timezone,
                "ResourceId": t.resource_id(),
                "ScalableDimension": DIMENSION,
                "ScalableTargetAction": { "MinCapacity": a.min, "MaxCapacity": a.max },
                "CreationTime": secs(a.created_ms),
                "StartTime": a.start_ms.map(secs),
                "EndTime": a.end_ms.map(secs),
            }));
        }
    }
    let (items, next) = page(&all, body)?;
    Ok(json!({ "ScheduledActions": items, "NextToken": next }))
}

pub fn describe_activities(store: &AutoscalingStore, body: &Value) -> Result<Value, ApiError> {
    let mut all: Vec<(i64, Value)> = Vec::new();
    for t in selected(store, body)? {
        for a in &t.activities {
            all.push((
                a.start_ms,
                json!({
                    "ActivityId": a.id,
                    "ServiceNamespace": NAMESPACE,
                    "ResourceId": t.resource_id(),
                    "ScalableDimension": DIMENSION,
                    "Description": a.description,
                    "Cause": a.cause,
                    "StartTime": secs(a.start_ms),
                    "EndTime": secs(a.end_ms),
                    "StatusCode": a.status,
                    "StatusMessage": a.message,
                }),
            ));
        }
    }
    all.sort_by_key(|a| std::cmp::Reverse(a.0));
    let all: Vec<Value> = all.into_iter().map(|(_, v)| v).collect();
    let (items, next) = page(&all, body)?;
    Ok(json!({ "ScalingActivities": items, "NextToken": next }))
}
