//! ECS in the sandbox: clusters, services, tasks, task definitions,
//! container instances, deployments, and the
//! `AmazonEC2ContainerServiceV20141113.*` operations.

use serde_json::Value;

use crate::sandbox::error::ApiError;
use crate::sandbox::world::World;

/// All ECS state of the sandbox.
#[derive(Debug, Default)]
pub struct EcsState {}

/// Answers one `AmazonEC2ContainerServiceV20141113.<op>` call.
pub fn handle(
    _world: &mut World,
    op: &str,
    _body: &Value,
    _now_ms: i64,
) -> Result<Value, ApiError> {
    Err(ApiError::new(
        400,
        "UnknownOperationException",
        format!("AmazonEC2ContainerServiceV20141113.{op} is not supported by the ecsdeck sandbox"),
    ))
}
