//! Moving a task through PROVISIONING → … → STOPPED as simulated time
//! passes, and the awslogs lines its containers write on the way.

use rand::rngs::StdRng;

use super::lifecycle::{Note, TaskTimings, digest_for, hex_id};
use super::model::{Fate, Task, TaskStatus};
use crate::sandbox::loggen::CrashKind;
use crate::sandbox::logs::LogStore;

/// Writes lines only for times at or after `log_from_ms` (the seeded
/// prehistory is not logged line by line).
pub struct LogSink<'a> {
    pub logs: &'a mut LogStore,
    pub log_from_ms: i64,
}

impl LogSink<'_> {
    fn write(&mut self, group: &str, stream: &str, lines: Vec<(i64, String)>, now: i64) {
        let lines: Vec<_> = lines
            .into_iter()
            .filter(|(t, _)| *t >= self.log_from_ms)
            .collect();
        if !lines.is_empty() {
            self.logs.append(group, stream, &lines, now);
        }
    }
}

fn has_health_check(task: &Task) -> bool {
    task.containers.iter().any(|c| c.health.is_some())
}

fn fate_due(task: &Task) -> i64 {
    let started = task.started_ms.unwrap_or(task.next_ms);
    match task.fate {
        Fate::Dies { after_ms, .. } | Fate::Completes { after_ms } => started + after_ms,
        _ => i64::MAX,
    }
}

/// Advances `task` through every lifecycle step due by `now`.
pub fn step(
    task: &mut Task,
    rng: &mut StdRng,
    tm: &TaskTimings,
    sink: &mut LogSink<'_>,
    now: i64,
    notes: &mut Vec<Note>,
) {
    while task.last_status != TaskStatus::Stopped && task.next_ms <= now {
        let t = task.next_ms;
        task.version += 1;
        match task.last_status {
            TaskStatus::Provisioning => {
                task.last_status = TaskStatus::Pending;
                task.pull_started_ms = Some(t);
                task.next_ms = t + tm.delay(rng, tm.pending_ms);
            }
            TaskStatus::Pending => {
                if let Fate::PullFails { reason } = task.fate.clone() {
                    task.desired_status = "STOPPED".to_string();
                    task.stop_code = Some("TaskFailedToStart".to_string());
                    task.stopped_reason = Some(reason.clone());
                    task.stopping_ms = Some(t);
                    for c in &mut task.containers {
                        c.last_status = "STOPPED".to_string();
                        c.reason = Some(reason.clone());
                    }
                    task.failed = true;
                    notes.push(Note::Failed {
                        task_id: task.id.clone(),
                        unhealthy: false,
                    });
                    task.last_status = TaskStatus::Deprovisioning;
                    task.next_ms = t + tm.delay(rng, tm.deprovisioning_ms);
                } else {
                    task.pull_stopped_ms = Some(t);
                    for c in &mut task.containers {
                        c.image_digest = Some(digest_for(&c.image));
                    }
                    task.last_status = TaskStatus::Activating;
                    task.next_ms = t + tm.delay(rng, tm.activating_ms);
                }
            }
            TaskStatus::Activating => {
                task.last_status = TaskStatus::Running;
                task.started_ms = Some(t);
                for c in &mut task.containers {
                    c.last_status = "RUNNING".to_string();
                    c.runtime_id = format!("{}-{}", &task.id, hex_id(rng, 10));
                    if let Some(log) = &mut c.log {
                        let lines = log.generator.startup_lines(t);
                        log.logged_until_ms = t;
                        sink.write(&log.group, &log.stream, lines, t);
                    }
                }
                task.next_ms = if has_health_check(task) {
                    t + tm.delay(rng, tm.health_check_ms)
                } else {
                    fate_due(task)
                };
                notes.push(Note::Running {
                    task_id: task.id.clone(),
                    healthy_fate: matches!(task.fate, Fate::Healthy | Fate::Completes { .. }),
                });
            }
            TaskStatus::Running => running_due(task, rng, tm, sink, t, notes),
            TaskStatus::Deactivating => {
                task.last_status = TaskStatus::Stopping;
                task.next_ms = t + tm.delay(rng, tm.stopping_ms);
            }
            TaskStatus::Stopping => {
                write_logs(task, sink, t);
                for c in &mut task.containers {
                    if c.last_status == "RUNNING" {
                        c.last_status = "STOPPED".to_string();
                        c.exit_code.get_or_insert(0);
                    }
                }
                task.last_status = TaskStatus::Deprovisioning;
                task.next_ms = t + tm.delay(rng, tm.deprovisioning_ms);
            }
            TaskStatus::Deprovisioning => {
                for c in &mut task.containers {
                    c.last_status = "STOPPED".to_string();
                }
                task.last_status = TaskStatus::Stopped;
                task.stopped_ms = Some(t);
                task.next_ms = i64::MAX;
            }
            TaskStatus::Stopped => {}
        }
    }
}

/// A RUNNING task's next event: its health check passing, or its fate.
fn running_due(
    task: &mut Task,
    rng: &mut StdRng,
    tm: &TaskTimings,
    sink: &mut LogSink<'_>,
    t: i64,
    notes: &mut Vec<Note>,
) {
    let unhealthy_fate = matches!(
        task.fate,
        Fate::Dies {
            kind: CrashKind::Unhealthy,
            ..
        }
    );
    if !task.health_checked && has_health_check(task) {
        task.health_checked = true;
        if !unhealthy_fate {
            task.health = "HEALTHY".to_string();
            for c in task.containers.iter_mut().filter(|c| c.health.is_some()) {
                c.health = Some("HEALTHY".to_string());
            }
        }
        task.next_ms = fate_due(task).max(t);
        return;
    }
    write_logs(task, sink, t);
    let (code, reason, stop_code, stopped_reason, failed) = match task.fate {
        Fate::Dies {
            kind: CrashKind::Error,
            ..
        } => (
            1,
            None,
            "EssentialContainerExited",
            "Essential container in task exited",
            true,
        ),
        Fate::Dies {
            kind: CrashKind::OutOfMemory,
            ..
        } => (
            137,
            Some("OutOfMemoryError: Container killed due to memory usage"),
            "EssentialContainerExited",
            "Essential container in task exited",
            true,
        ),
        Fate::Dies {
            kind: CrashKind::Unhealthy,
            ..
        } => (
            143,
            None,
            "ServiceSchedulerInitiated",
            "Task failed container health checks",
            true,
        ),
        Fate::Completes { .. } => (
            0,
            None,
            "EssentialContainerExited",
            "Essential container in task exited",
            false,
        ),
        _ => {
            task.next_ms = i64::MAX;
            return;
        }
    };
    let kind = match task.fate {
        Fate::Dies { kind, .. } => Some(kind),
        _ => None,
    };
    if let Some(kind) = kind {
        for c in &mut task.containers {
            if let Some(log) = &mut c.log {
                let lines = log.generator.crash_lines(t, kind);
                sink.write(&log.group, &log.stream, lines, t);
            }
        }
    }
    if unhealthy_fate {
        task.health = "UNHEALTHY".to_string();
    }
    let essential = task
        .containers
        .iter()
        .position(|c| c.essential)
        .unwrap_or(0);
    for (i, c) in task.containers.iter_mut().enumerate() {
        if unhealthy_fate && c.health.is_some() {
            c.health = Some("UNHEALTHY".to_string());
        }
        if i == essential {
            c.exit_code = Some(code);
            c.reason = reason.map(str::to_string);
            c.last_status = "STOPPED".to_string();
        }
    }
    task.desired_status = "STOPPED".to_string();
    task.stop_code = Some(stop_code.to_string());
    task.stopped_reason = Some(stopped_reason.to_string());
    task.stopping_ms = Some(t);
    task.failed = failed;
    if failed {
        notes.push(Note::Failed {
            task_id: task.id.clone(),
            unhealthy: unhealthy_fate,
        });
    }
    task.last_status = TaskStatus::Deactivating;
    task.next_ms = t + tm.delay(rng, tm.deactivating_ms);
}

/// Writes what a running task's containers logged up to `now`.
pub fn write_logs(task: &mut Task, sink: &mut LogSink<'_>, now: i64) {
    for c in &mut task.containers {
        if c.last_status != "RUNNING" {
            continue;
        }
        if let Some(log) = &mut c.log {
            let from = log.logged_until_ms.max(sink.log_from_ms - 1);
            if now > from {
                let lines = log.generator.lines_between(from, now);
                sink.write(&log.group, &log.stream, lines, now);
            }
            log.logged_until_ms = now;
        }
    }
}
