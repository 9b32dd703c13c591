//! Where a container's lines go, as the agent and its log router decide:
//! `awslogs` writes `prefix/container/task-id` in `awslogs-group`;
//! `awsfirelens` with a CloudWatch output (`Name` `cloudwatch_logs` or
//! `cloudwatch`) writes to `log_group_name` (or `log_group_template`), in
//! the stream `log_stream_name` / `log_stream_template` or
//! `log_stream_prefix` + the FireLens tag `container-firelens-task-id`,
//! with `$(ecs_task_id)`, `$(ecs_cluster)`, `$(ecs_task_arn)`, `$(tag)`,
//! `$(container_name)` filled in (also written `$ecs_task_id`). A name that
//! uses anything else (record fields) is not simulated: no lines.

use serde_json::Value;

/// The task a container runs in.
pub struct TaskNames<'a> {
    pub task_id: &'a str,
    pub task_arn: &'a str,
    pub cluster: &'a str,
}

fn opt<'a>(options: &'a Value, name: &str) -> Option<&'a str> {
    options
        .as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .and_then(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

fn expand(template: &str, container: &str, task: &TaskNames<'_>) -> Option<String> {
    let tag = format!("{container}-firelens-{}", task.task_id);
    let mut out = String::new();
    let mut rest = template;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, tail) = match after.strip_prefix('(') {
            Some(inner) => {
                let end = inner.find(')')?;
                (&inner[..end], &inner[end + 1..])
            }
            None => {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..end], &after[end..])
            }
        };
        out.push_str(match name {
            "ecs_task_id" => task.task_id,
            "ecs_task_arn" => task.task_arn,
            "ecs_cluster" => task.cluster,
            "container_name" => container,
            "tag" => &tag,
            _ => return None,
        });
        rest = tail;
    }
    out.push_str(rest);
    (!out.is_empty()).then_some(out)
}

/// (group, stream) of a container definition's log configuration.
pub fn destination(c: &Value, container: &str, task: &TaskNames<'_>) -> Option<(String, String)> {
    let lc = c.get("logConfiguration")?;
    let options = lc.get("options")?;
    match lc.get("logDriver").and_then(Value::as_str)? {
        "awslogs" => {
            let group = opt(options, "awslogs-group")?;
            let prefix = opt(options, "awslogs-stream-prefix").unwrap_or("ecs");
            Some((
                group.to_string(),
                format!("{prefix}/{container}/{}", task.task_id),
            ))
        }
        "awsfirelens" => {
            let output = opt(options, "Name")?;
            if !(output.eq_ignore_ascii_case("cloudwatch_logs")
                || output.eq_ignore_ascii_case("cloudwatch"))
            {
                return None;
            }
            let group = opt(options, "log_group_template")
                .and_then(|t| expand(t, container, task))
                .or_else(|| expand(opt(options, "log_group_name")?, container, task))?;
            let stream = opt(options, "log_stream_template")
                .and_then(|t| expand(t, container, task))
                .or_else(|| expand(opt(options, "log_stream_name")?, container, task))
                .or_else(|| {
                    let prefix = opt(options, "log_stream_prefix")?;
                    Some(format!("{prefix}{container}-firelens-{}", task.task_id))
                })?;
            Some((group, stream))
        }
        _ => None,
    }
}
