//! Where tasks go and what they need: a task definition's CPU and memory,
//! what a container instance has left, and EC2 placement.

use std::collections::BTreeMap;

use serde_json::Value;

use super::model::{ContainerInstance, Task, TaskDef, TaskStatus};

/// A number member that may be sent as a JSON number or a string ("512").
pub fn num(v: &Value, name: &str) -> Option<i64> {
    match v.get(name)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// Where a task is placed on EC2: the instance with the most free memory
/// that fits it, if any.
pub fn place(
    instances: &BTreeMap<String, ContainerInstance>,
    tasks: &BTreeMap<String, Task>,
    cpu: i64,
    memory: i64,
) -> Option<String> {
    let mut best: Option<(i64, &ContainerInstance)> = None;
    for ci in instances.values().filter(|c| c.status == "ACTIVE") {
        let (used_cpu, used_mem) = used_by(tasks, &ci.arn);
        let (free_cpu, free_mem) = (ci.cpu - used_cpu, ci.memory - used_mem);
        if free_cpu >= cpu && free_mem >= memory && best.is_none_or(|(m, _)| free_mem > m) {
            best = Some((free_mem, ci));
        }
    }
    best.map(|(_, ci)| ci.arn.clone())
}

/// (cpu, memory) reserved on a container instance by its live tasks.
pub fn used_by(tasks: &BTreeMap<String, Task>, instance_arn: &str) -> (i64, i64) {
    tasks
        .values()
        .filter(|t| {
            t.last_status != TaskStatus::Stopped
                && t.container_instance.as_deref() == Some(instance_arn)
        })
        .fold((0, 0), |(c, m), t| (c + t.cpu_units, m + t.memory_mib))
}

/// (cpu units, memory MiB) a task definition needs.
pub fn task_size(def: &TaskDef) -> (i64, i64) {
    let containers = def
        .body
        .get("containerDefinitions")
        .and_then(Value::as_array);
    let sum = |f: &dyn Fn(&Value) -> i64| containers.map(|cs| cs.iter().map(f).sum()).unwrap_or(0);
    let cpu = num(&def.body, "cpu").unwrap_or_else(|| sum(&|c| num(c, "cpu").unwrap_or(0)));
    let mem = num(&def.body, "memory").unwrap_or_else(|| {
        sum(&|c| {
            num(c, "memory")
                .or_else(|| num(c, "memoryReservation"))
                .unwrap_or(0)
        })
    });
    (cpu, mem)
}
