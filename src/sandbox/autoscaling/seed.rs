//! The seeded fleet's autoscaling, registered through the operations
//! themselves (so the seed obeys their validation): the staging and
//! pipeline Fargate APIs track CPU (orders-api memory too); the production
//! web service has min/max, a step-scaling policy and scheduled actions.

use serde_json::{Value, json};

use super::model::{NAMESPACE, ScheduledAction};
use super::{ops, policies};
use crate::sandbox::world::World;

fn register(world: &mut World, resource: &str, min: i32, max: i32, at: i64) -> bool {
    let body = json!({
        "ServiceNamespace": NAMESPACE,
        "ResourceId": resource,
        "ScalableDimension": super::model::DIMENSION,
        "MinCapacity": min,
        "MaxCapacity": max,
    });
    match ops::register(world, &body, at) {
        Ok(_) => true,
        Err(e) => {
            tracing::warn!(error = %e, resource, "autoscaling seed refused");
            false
        }
    }
}

fn policy(world: &mut World, resource: &str, name: &str, kind: &str, config: Value, at: i64) {
    let key = if kind == "TargetTrackingScaling" {
        "TargetTrackingScalingPolicyConfiguration"
    } else {
        "StepScalingPolicyConfiguration"
    };
    let body = json!({
        "ServiceNamespace": NAMESPACE,
        "ResourceId": resource,
        "ScalableDimension": super::model::DIMENSION,
        "PolicyName": name,
        "PolicyType": kind,
        key: config,
    });
    if let Err(e) = policies::put(&mut world.autoscaling, &body, at) {
        tracing::warn!(error = %e, resource, "autoscaling seed policy refused");
    }
}

fn tracking(metric: &str, target: f64) -> Value {
    json!({
        "TargetValue": target,
        "PredefinedMetricSpecification": { "PredefinedMetricType": metric },
        "ScaleOutCooldown": 60,
        "ScaleInCooldown": 300,
    })
}

/// Autoscaling of the seeded fleet, set up at `at` (the prehistory's
/// start, so the hour before now has scaling activities).
pub fn seeded(world: &mut World, at: i64) {
    const CPU: &str = "ECSServiceAverageCPUUtilization";
    const MEMORY: &str = "ECSServiceAverageMemoryUtilization";
    for (resource, min, max, cpu) in [
        ("service/staging/search-api", 4, 10, 40.0),
        ("service/staging/orders-api", 3, 8, 45.0),
        ("service/data-pipeline/pipeline-app", 1, 4, 60.0),
    ] {
        if register(world, resource, min, max, at) {
            policy(
                world,
                resource,
                "cpu-target-tracking",
                "TargetTrackingScaling",
                tracking(CPU, cpu),
                at,
            );
        }
    }
    policy(
        world,
        "service/staging/orders-api",
        "memory-target-tracking",
        "TargetTrackingScaling",
        tracking(MEMORY, 75.0),
        at,
    );
    let web = "service/acme-production/acme-production";
    if !register(world, web, 1, 3, at) {
        return;
    }
    policy(
        world,
        web,
        "acme-production-cpu-high",
        "StepScaling",
        json!({
            "AdjustmentType": "ChangeInCapacity",
            "Cooldown": 300,
            "MetricAggregationType": "Average",
            "StepAdjustments": [
                { "MetricIntervalLowerBound": 0.0, "MetricIntervalUpperBound": 20.0, "ScalingAdjustment": 1 },
                { "MetricIntervalLowerBound": 20.0, "ScalingAdjustment": 2 },
            ],
        }),
        at,
    );
    if let Some(t) = world.autoscaling.targets.get_mut(web) {
        for (name, schedule, min) in [
            ("weekday-morning-capacity", "cron(0 8 ? * MON-FRI *)", 2),
            ("night-capacity", "cron(0 20 ? * * *)", 1),
        ] {
            t.scheduled.push(ScheduledAction {
                name: name.into(),
                schedule: schedule.into(),
                timezone: Some("America/New_York".into()),
                min: Some(min),
                max: Some(3),
                created_ms: at,
                start_ms: None,
                end_ms: None,
                checked_ms: at,
            });
        }
    }
}
