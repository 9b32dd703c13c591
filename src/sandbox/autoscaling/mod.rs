//! Application Auto Scaling in the sandbox (`AnyScaleFrontendService`, AWS
//! JSON 1.1): ECS services' scalable targets, target-tracking and step
//! scaling policies, scheduled actions and scaling activities. Target
//! tracking really scales the simulated services (`scaling`), from the same
//! CPU and memory the simulated CloudWatch reports, on the simulation clock;
//! scheduled actions run when due (`scheduled`) and step policies when an
//! alarm naming them is in ALARM (`step`).

pub mod model;
pub mod ops;
pub mod policies;
pub mod scaling;
pub mod schedule;
pub mod scheduled;
pub mod seed;
pub mod step;

use serde_json::Value;

use crate::sandbox::ecs::scheduler;
use crate::sandbox::error::ApiError;
use crate::sandbox::world::World;

/// The X-Amz-Target prefix of Application Auto Scaling.
pub const TARGET_PREFIX: &str = "AnyScaleFrontendService";

/// Answers one Application Auto Scaling operation.
pub fn handle(world: &mut World, op: &str, body: &Value, now: i64) -> Result<Value, ApiError> {
    scheduler::advance(world, now);
    match op {
        "RegisterScalableTarget" => ops::register(world, body, now),
        "DescribeScalableTargets" => ops::describe_targets(&world.autoscaling, body),
        "PutScalingPolicy" => policies::put(&mut world.autoscaling, body, now),
        "DescribeScalingPolicies" => policies::describe(&world.autoscaling, body),
        "PutScheduledAction" => scheduled::put(world, body, now),
        "DeleteScheduledAction" => scheduled::delete(world, body),
        "DescribeScheduledActions" => ops::describe_scheduled(&world.autoscaling, body),
        "DescribeScalingActivities" => ops::describe_activities(&world.autoscaling, body),
        _ => Err(ApiError::new(
            400,
            "UnknownOperationException",
            format!("Application Auto Scaling {op} is not supported by the ecsdeck sandbox"),
        )),
    }
}

/// `ValidationException`, as Application Auto Scaling names bad input.
pub fn validation(message: impl Into<String>) -> ApiError {
    ApiError::new(400, "ValidationException", message)
}
