//! Where a container's lines land in CloudWatch Logs, from its task
//! definition's log configuration and the task it runs in:
//!
//! - `awslogs` with `awslogs-group` and `awslogs-stream-prefix`: the stream
//!   is `prefix/container/task-id`.
//! - `awsfirelens` with a CloudWatch output (`Name` `cloudwatch_logs`, the
//!   Fluent Bit plugin, or `cloudwatch`, the older Go one): the group is
//!   `log_group_name` (or `log_group_template`), the stream
//!   `log_stream_name` / `log_stream_template`, or `log_stream_prefix`
//!   followed by FireLens's tag, `container-firelens-task-id`. Names may use
//!   `$(ecs_task_id)`, `$(ecs_cluster)`, `$(ecs_task_arn)`, `$(tag)` and
//!   `$(container_name)` (also written `$ecs_task_id`…); a name built from
//!   anything else (a record field) cannot be known ahead, so it has no
//!   link.

use super::{LogConfig, Task};

/// What a log name template may refer to (empty: not known here).
struct Vars<'a> {
    task_id: &'a str,
    task_arn: &'a str,
    cluster: &'a str,
    container: &'a str,
    tag: String,
}

impl<'a> Vars<'a> {
    fn of(task: &'a Task, container: &'a str) -> Self {
        let task_id = task.id();
        Self {
            task_id,
            task_arn: &task.arn,
            cluster: task.cluster_arn.rsplit('/').next().unwrap_or(""),
            container,
            tag: format!("{container}-firelens-{task_id}"),
        }
    }

    fn get(&self, name: &str) -> Option<&str> {
        Some(match name {
            "ecs_task_id" => self.task_id,
            "ecs_task_arn" => self.task_arn,
            "ecs_cluster" => self.cluster,
            "container_name" => self.container,
            "tag" => &self.tag,
            _ => return None,
        })
        .filter(|v| !v.is_empty())
    }

    /// The template with its variables filled in; None when it names one
    /// that is not known before lines are written, or yields nothing.
    fn expand(&self, template: &str) -> Option<String> {
        let mut out = String::new();
        let mut rest = template;
        while let Some(at) = rest.find('$') {
            out.push_str(&rest[..at]);
            let after = &rest[at + 1..];
            let (name, tail) = if let Some(inner) = after.strip_prefix('(') {
                let end = inner.find(')')?;
                (&inner[..end], &inner[end + 1..])
            } else {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..end], &after[end..])
            };
            out.push_str(self.get(name)?);
            rest = tail;
        }
        out.push_str(rest);
        (!out.is_empty()).then_some(out)
    }
}

/// An option by name, as Fluent Bit reads them (case-insensitively).
fn option<'a>(log: &'a LogConfig, name: &str) -> Option<&'a str> {
    log.options
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// Whether this FireLens configuration sends to CloudWatch Logs.
pub fn is_firelens_cloudwatch(log: &LogConfig) -> bool {
    log.driver == "awsfirelens"
        && option(log, "Name").is_some_and(|n| {
            n.eq_ignore_ascii_case("cloudwatch_logs") || n.eq_ignore_ascii_case("cloudwatch")
        })
}

/// The log group a configuration names without a task (`awslogs-group`, or
/// a FireLens CloudWatch output's group when it uses no template).
pub fn fixed_group(log: &LogConfig) -> Option<&str> {
    match log.driver.as_str() {
        "awslogs" => option(log, "awslogs-group"),
        _ if is_firelens_cloudwatch(log) => {
            option(log, "log_group_name").filter(|g| !g.contains('$'))
        }
        _ => None,
    }
}

/// The group a FireLens CloudWatch output writes to for any task of
/// `cluster`, when its name template uses nothing task-specific
/// (`/ecs/$(ecs_cluster)`).
pub fn cluster_group(log: &LogConfig, cluster: &str) -> Option<String> {
    if !is_firelens_cloudwatch(log) {
        return None;
    }
    let vars = Vars {
        task_id: "",
        task_arn: "",
        cluster,
        container: "",
        tag: String::new(),
    };
    option(log, "log_group_template")
        .and_then(|t| vars.expand(t))
        .or_else(|| vars.expand(option(log, "log_group_name")?))
}

/// (group, stream) of `container` in `task`, if its lines go to
/// CloudWatch Logs under a name known ahead.
pub fn log_target(log: &LogConfig, container: &str, task: &Task) -> Option<(String, String)> {
    let vars = Vars::of(task, container);
    if log.driver == "awslogs" {
        let group = option(log, "awslogs-group")?;
        let prefix = option(log, "awslogs-stream-prefix")?;
        return Some((
            group.to_string(),
            format!("{prefix}/{container}/{}", task.id()),
        ));
    }
    if !is_firelens_cloudwatch(log) {
        return None;
    }
    let group = option(log, "log_group_template")
        .and_then(|t| vars.expand(t))
        .or_else(|| vars.expand(option(log, "log_group_name")?))?;
    let stream = option(log, "log_stream_template")
        .and_then(|t| vars.expand(t))
        .or_else(|| vars.expand(option(log, "log_stream_name")?))
        .or_else(|| Some(format!("{}{}", option(log, "log_stream_prefix")?, vars.tag)))?;
    Some((group, stream))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn config(driver: &str, options: &[(&str, &str)]) -> LogConfig {
        LogConfig {
            driver: driver.to_string(),
            options: options
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>(),
        }
    }

    fn task() -> Task {
        Task {
            arn: "arn:aws:ecs:eu-west-1:1:task/prod/0123abcd".to_string(),
            cluster_arn: "arn:aws:ecs:eu-west-1:1:cluster/prod".to_string(),
            ..Task::default()
        }
    }

    #[test]
    fn awslogs_and_firelens_outputs_resolve_to_streams() {
        let t = task();
        let aws = config(
            "awslogs",
            &[
                ("awslogs-group", "/ecs/a"),
                ("awslogs-stream-prefix", "ecs"),
            ],
        );
        assert_eq!(
            log_target(&aws, "app", &t),
            Some(("/ecs/a".into(), "ecs/app/0123abcd".into()))
        );
        let prefix = config(
            "awsfirelens",
            &[
                ("Name", "cloudwatch_logs"),
                ("log_group_name", "/ecs/fl"),
                ("log_stream_prefix", "fb-"),
            ],
        );
        assert_eq!(
            log_target(&prefix, "app", &t),
            Some(("/ecs/fl".into(), "fb-app-firelens-0123abcd".into()))
        );
        let templated = config(
            "awsfirelens",
            &[
                ("name", "cloudwatch"),
                ("log_group_name", "/ecs/$(ecs_cluster)"),
                ("log_stream_name", "app/$(ecs_task_id)"),
            ],
        );
        assert_eq!(
            log_target(&templated, "app", &t),
            Some(("/ecs/prod".into(), "app/0123abcd".into()))
        );
        assert_eq!(fixed_group(&templated), None);
        assert_eq!(cluster_group(&templated, "prod"), Some("/ecs/prod".into()));
        let per_task = config(
            "awsfirelens",
            &[
                ("Name", "cloudwatch"),
                ("log_group_name", "/ecs/$(ecs_task_id)"),
            ],
        );
        assert_eq!(cluster_group(&per_task, "prod"), None);
        let c_plugin = config(
            "awsfirelens",
            &[
                ("Name", "cloudwatch_logs"),
                ("log_group_name", "/ecs/fl"),
                ("log_stream_template", "$ecs_task_id.$container_name"),
            ],
        );
        assert_eq!(log_target(&c_plugin, "app", &t).unwrap().1, "0123abcd.app");
    }

    #[test]
    fn other_outputs_and_unknown_templates_have_no_stream() {
        let t = task();
        let datadog = config("awsfirelens", &[("Name", "datadog"), ("apikey", "x")]);
        assert_eq!(log_target(&datadog, "app", &t), None);
        let record = config(
            "awsfirelens",
            &[
                ("Name", "cloudwatch_logs"),
                ("log_group_name", "/ecs/fl"),
                ("log_stream_name", "$(kubernetes['pod_name'])"),
            ],
        );
        assert_eq!(log_target(&record, "app", &t), None);
        assert_eq!(fixed_group(&record), Some("/ecs/fl"));
    }
}
