//! PutScheduledAction / DeleteScheduledAction, and running the actions when
//! they fall due on the simulation clock: the scalable target takes the
//! action's MinCapacity/MaxCapacity, the service's desired count is brought
//! into the new range, and the activity is logged as AWS words it.

use serde_json::{Value, json};

use super::model::{Activity, DIMENSION, ScheduledAction};
use super::ops::{namespace, resource};
use super::scaling::set_service_desired;
use super::schedule::{Schedule, Zone};
use super::validation;
use crate::sandbox::error::ApiError;
use crate::sandbox::world::World;

/// Scheduled actions per scalable target (AWS: 200).
pub const MAX_SCHEDULED: usize = 200;
const MAX_CAPACITY: i64 = 5_000;

fn not_registered(id: &str) -> ApiError {
    ApiError::new(
        400,
        "ObjectNotFoundException",
        format!(
            "No scalable target registered for service namespace: ecs, resource ID: {id}, scalable dimension: {DIMENSION}"
        ),
    )
}

fn name(body: &Value) -> Result<String, ApiError> {
    body.get("ScheduledActionName")
        .and_then(Value::as_str)
        .filter(|n| {
            !n.is_empty()
                && n.len() <= 256
                && n.trim() == *n
                && !n
                    .chars()
                    .any(|c| c.is_control() || matches!(c, ':' | '/' | '|'))
        })
        .map(str::to_string)
        .ok_or_else(|| {
            validation("ScheduledActionName must be 1 to 256 characters without ':', '/' or '|'")
        })
}

fn time_ms(body: &Value, key: &str) -> Result<Option<i64>, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_f64()
            .filter(|s| s.is_finite() && (0.0..=32_503_680_000.0).contains(s))
            .map(|s| Some((s * 1000.0) as i64))
            .ok_or_else(|| validation(format!("{key} must be a timestamp"))),
    }
}

fn capacity(action: &Value, key: &str) -> Result<Option<i32>, ApiError> {
    match action.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_i64()
            .filter(|n| (0..=MAX_CAPACITY).contains(n))
            .map(|n| Some(n as i32))
            .ok_or_else(|| validation(format!("{key} must be between 0 and {MAX_CAPACITY}"))),
    }
}

pub fn put(world: &mut World, body: &Value, now: i64) -> Result<Value, ApiError> {
    namespace(body)?;
    let name = name(body)?;
    let (cluster, service) = resource(body)?;
    let id = format!("service/{cluster}/{service}");
    let schedule = body
        .get("Schedule")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty() && s.len() <= 1600)
        .ok_or_else(|| validation("Schedule must be 1 to 1600 characters"))?;
    Schedule::parse(schedule).map_err(validation)?;
    let timezone = match body.get("Timezone").and_then(Value::as_str) {
        Some(tz) => {
            Zone::parse(tz).map_err(validation)?;
            Some(tz.to_string())
        }
        None => None,
    };
    let (start_ms, end_ms) = (time_ms(body, "StartTime")?, time_ms(body, "EndTime")?);
    if let (Some(s), Some(e)) = (start_ms, end_ms)
        && s >= e
    {
        return Err(validation("StartTime must be before EndTime"));
    }
    let action = body
        .get("ScalableTargetAction")
        .cloned()
        .unwrap_or(json!({}));
    let (min, max) = (
        capacity(&action, "MinCapacity")?,
        capacity(&action, "MaxCapacity")?,
    );
    if let (Some(a), Some(b)) = (min, max)
        && a > b
    {
        return Err(validation(format!(
            "Minimum capacity ({a}) cannot be greater than maximum capacity ({b})"
        )));
    }
    let target = world
        .autoscaling
        .targets
        .get_mut(&id)
        .ok_or_else(|| not_registered(&id))?;
    let entry = ScheduledAction {
        name: name.clone(),
        schedule: schedule.to_string(),
        timezone,
        min,
        max,
        created_ms: now,
        start_ms,
        end_ms,
        checked_ms: now,
    };
    if let Some(a) = target.scheduled.iter_mut().find(|a| a.name == name) {
        *a = ScheduledAction {
            created_ms: a.created_ms,
            ..entry
        };
    } else if target.scheduled.len() >= MAX_SCHEDULED {
        return Err(ApiError::new(
            400,
            "LimitExceededException",
            format!("A scalable target may have at most {MAX_SCHEDULED} scheduled actions"),
        ));
    } else {
        target.scheduled.push(entry);
    }
    Ok(json!({}))
}

pub fn delete(world: &mut World, body: &Value) -> Result<Value, ApiError> {
    namespace(body)?;
    let name = name(body)?;
    let (cluster, service) = resource(body)?;
    let id = format!("service/{cluster}/{service}");
    let target = world
        .autoscaling
        .targets
        .get_mut(&id)
        .ok_or_else(|| not_registered(&id))?;
    let before = target.scheduled.len();
    target.scheduled.retain(|a| a.name != name);
    if target.scheduled.len() == before {
        return Err(ApiError::new(
            400,
            "ObjectNotFoundException",
            format!(
                "No scheduled action found for service namespace: ecs, resource ID: {id}, scheduled action name: {name}"
            ),
        ));
    }
    Ok(json!({}))
}

/// Whether `a` fell due in (checked, now], moving its check mark to now.
fn due(a: &mut ScheduledAction, now: i64) -> bool {
    let from = a.checked_ms.max(a.start_ms.map_or(i64::MIN, |s| s - 1));
    a.checked_ms = now;
    let (Ok(schedule), Ok(zone)) = (
        Schedule::parse(&a.schedule),
        a.timezone.as_deref().map_or(Ok(Zone::utc()), Zone::parse),
    ) else {
        return false;
    };
    let anchor = a.start_ms.unwrap_or(a.created_ms);
    schedule
        .next_after(zone, anchor, from)
        .is_some_and(|at| at <= now && a.end_ms.is_none_or(|e| at <= e))
}

fn words(min: Option<i32>, max: Option<i32>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!("min capacity to {a} and max capacity to {b}"),
        (Some(a), None) => format!("min capacity to {a}"),
        (None, Some(b)) => format!("max capacity to {b}"),
        (None, None) => "no capacity change".to_string(),
    }
}

/// Runs every scheduled action that fell due since the last check.
pub fn run_due(world: &mut World, now: i64) {
    let mut fired = Vec::new();
    for (id, t) in world.autoscaling.targets.iter_mut() {
        for a in t.scheduled.iter_mut() {
            if due(a, now) {
                fired.push((id.clone(), a.name.clone(), a.min, a.max));
            }
        }
    }
    for (id, name, min, max) in fired {
        let activity_id = world.autoscaling.next_id();
        let Some(t) = world.autoscaling.targets.get_mut(&id) else {
            continue;
        };
        let (new_min, new_max) = (min.unwrap_or(t.min), max.unwrap_or(t.max));
        let cause = format!("scheduled action name {name} was triggered");
        let what = words(min, max);
        let (status, message) = if new_min > new_max {
            (
                "Failed",
                format!(
                    "Failed to set {what}: minimum capacity ({new_min}) cannot be greater than maximum capacity ({new_max})"
                ),
            )
        } else {
            t.min = new_min;
            t.max = new_max;
            let desired = world
                .ecs
                .clusters
                .get(&t.cluster)
                .and_then(|c| c.services.get(&t.service))
                .map(|s| s.desired);
            if let Some(d) = desired
                && !(new_min..=new_max).contains(&d)
            {
                let to = d.clamp(new_min, new_max);
                set_service_desired(&mut world.ecs, &t.cluster, &t.service, to, now);
            }
            ("Successful", format!("Successfully set {what}"))
        };
        t.log(Activity {
            id: activity_id,
            description: format!("Setting {what}"),
            cause,
            status: status.into(),
            message,
            start_ms: now,
            end_ms: now + 1_000,
        });
    }
}
