//! CloudWatch in the sandbox (`GraniteServiceVersion20100801`, Smithy RPC
//! v2 CBOR): metric data computed from the simulated fleet.

pub mod alarm_ops;
pub mod alarms;
pub mod get_metric_data;
pub mod samples;
pub mod seed;

use serde_json::Value;

use crate::sandbox::ecs::scheduler;
use crate::sandbox::error::ApiError;
use crate::sandbox::world::World;

/// The Smithy service name in CloudWatch's RPC v2 paths.
pub const SERVICE_SHAPE: &str = "GraniteServiceVersion20100801";

/// Answers one CloudWatch operation.
pub fn handle(world: &mut World, op: &str, body: &Value, now: i64) -> Result<Value, ApiError> {
    scheduler::advance(world, now);
    match op {
        "GetMetricData" => get_metric_data::get_metric_data(&world.ecs, body, now),
        "PutMetricAlarm" => alarm_ops::put_metric_alarm(&mut world.alarms, body, now),
        "DescribeAlarms" => alarm_ops::describe_alarms(&mut world.alarms, &world.ecs, body, now),
        "DeleteAlarms" => alarm_ops::delete_alarms(&mut world.alarms, body),
        _ => Err(ApiError::new(
            400,
            "UnknownOperationException",
            format!("CloudWatch {op} is not supported by the ecsdeck sandbox"),
        )),
    }
}

/// `30/11/26 19:20:00`: how CloudWatch writes times in alarm reasons.
pub fn utc(ms: i64) -> String {
    let fmt = time::macros::format_description!(
        "[day]/[month]/[year repr:last_two] [hour]:[minute]:[second]"
    );
    time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .ok()
        .and_then(|t| t.format(&fmt).ok())
        .unwrap_or_default()
}
