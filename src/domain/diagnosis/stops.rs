//! Stopped tasks grouped by cause: "17 × OutOfMemoryError, exit 137,
//! every ~3.5 min, last 1 min ago", with the tasks one click away.

use std::collections::BTreeMap;

use crate::domain::{Task, Timestamp};

/// Task ids kept per group (the newest).
pub const IDS_PER_GROUP: usize = 20;
/// Groups kept at most (the most recent causes).
pub const MAX_GROUPS: usize = 12;

/// Stops that share a cause.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StopGroup {
    /// The cause in a word or two: `OutOfMemoryError`,
    /// `CannotPullContainerError`, `Task failed container health checks`,
    /// `Essential container in task exited`.
    pub cause: String,
    pub stop_code: String,
    /// The container that stopped it, and its exit code.
    pub container: String,
    pub exit_code: Option<i32>,
    /// The newest stop's full reason (container reason or task reason).
    pub detail: String,
    pub count: usize,
    pub first: Timestamp,
    pub last: Timestamp,
    /// Newest first, at most `IDS_PER_GROUP`.
    pub task_ids: Vec<String>,
    /// The task definition (`family:revision`) of the newest stop.
    pub task_definition: String,
}

impl StopGroup {
    /// The mean time between stops, when there are at least two.
    pub fn interval_ms(&self) -> Option<i64> {
        (self.count > 1)
            .then(|| (self.last.millis() - self.first.millis()) / (self.count as i64 - 1))
    }

    /// "every ~3.5 min" (or empty for a single stop).
    pub fn every(&self) -> String {
        let Some(ms) = self.interval_ms() else {
            return String::new();
        };
        let s = ms as f64 / 1000.0;
        if s < 90.0 {
            format!("every ~{s:.0} s")
        } else if s < 5400.0 {
            format!("every ~{:.1} min", s / 60.0)
        } else {
            format!("every ~{:.1} h", s / 3600.0)
        }
    }

    /// "17 × OutOfMemoryError, exit 137, every ~3.5 min, last 1 min ago".
    pub fn summary(&self, now: Timestamp) -> String {
        let mut parts = vec![format!("{} × {}", self.count, self.cause)];
        if let Some(code) = self.exit_code {
            parts.push(format!("exit {code}"));
        }
        let every = self.every();
        if !every.is_empty() {
            parts.push(every);
        }
        parts.push(format!("last {}", self.last.ago(now)));
        parts.join(", ")
    }
}

/// The cause of one stop: the telling container's reason up to its first
/// colon, else the task's stopped reason.
fn cause_of(t: &Task) -> (String, String, Option<i32>, String) {
    let culprit = t
        .containers
        .iter()
        .find(|c| !c.reason.is_empty() || c.exit_code.is_some_and(|x| x != 0));
    let task_reason = t.stopped_reason.split(':').next().unwrap_or("").trim();
    match culprit {
        Some(c) if !c.reason.is_empty() => {
            let word = c.reason.split(':').next().unwrap_or(&c.reason).trim();
            (
                word.to_string(),
                c.name.clone(),
                c.exit_code,
                c.reason.clone(),
            )
        }
        Some(c) => (
            task_reason.to_string(),
            c.name.clone(),
            c.exit_code,
            t.stopped_reason.clone(),
        ),
        None => (
            task_reason.to_string(),
            String::new(),
            None,
            t.stopped_reason.clone(),
        ),
    }
}

/// Abnormal stops (`Task::stopped_abnormally`) grouped by cause, stop code
/// and exit code; the most recent group first. Tasks without a stop time
/// are left out; each task counts once (by id).
pub fn group_stops(tasks: &[Task]) -> Vec<StopGroup> {
    let mut seen = std::collections::HashSet::new();
    let mut groups: BTreeMap<(String, String, Option<i32>), StopGroup> = BTreeMap::new();
    let mut sorted: Vec<&Task> = tasks
        .iter()
        .filter(|t| t.stopped_abnormally() && t.stopped_at.is_some())
        .collect();
    sorted.sort_by_key(|t| std::cmp::Reverse(t.stopped_at));
    for t in sorted {
        if !seen.insert(t.id().to_string()) {
            continue;
        }
        let Some(at) = t.stopped_at else { continue };
        let (cause, container, exit_code, detail) = cause_of(t);
        let key = (cause.clone(), t.stop_code.clone(), exit_code);
        let g = groups.entry(key).or_insert_with(|| StopGroup {
            cause,
            stop_code: t.stop_code.clone(),
            container,
            exit_code,
            detail,
            count: 0,
            first: at,
            last: at,
            task_ids: Vec::new(),
            task_definition: t.task_definition_short().to_string(),
        });
        g.count += 1;
        g.first = g.first.min(at);
        if g.task_ids.len() < IDS_PER_GROUP {
            g.task_ids.push(t.id().to_string());
        }
    }
    let mut out: Vec<StopGroup> = groups.into_values().collect();
    out.sort_by_key(|g| std::cmp::Reverse(g.last));
    out.truncate(MAX_GROUPS);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Container;

    fn oom(id: &str, at_s: i64) -> Task {
        Task {
            arn: format!("arn:aws:ecs:us-east-1:1:task/c/{id}"),
            group: "service:api".to_string(),
            task_definition: "arn:aws:ecs:us-east-1:1:task-definition/api:3".to_string(),
            stop_code: "EssentialContainerExited".to_string(),
            stopped_reason: "Essential container in task exited".to_string(),
            stopped_at: Some(Timestamp::from_millis(at_s * 1000)),
            containers: vec![Container {
                name: "app".to_string(),
                exit_code: Some(137),
                reason: "OutOfMemoryError: Container killed due to memory usage".to_string(),
                ..Container::default()
            }],
            ..Task::default()
        }
    }

    #[test]
    fn groups_stops_by_cause_with_interval_and_age() {
        let mut tasks: Vec<Task> = (0..17)
            .map(|i| oom(&format!("t{i}"), 1_000 + i * 210))
            .collect();
        // The same task twice (ECS's copy and the recorded one) counts once.
        tasks.push(oom("t16", 1_000 + 16 * 210));
        let mut user = oom("u", 5_000);
        user.stop_code = "UserInitiated".to_string();
        tasks.push(user);
        let groups = group_stops(&tasks);
        assert_eq!(groups.len(), 1);
        let g = &groups[0];
        assert_eq!((g.count, g.exit_code), (17, Some(137)));
        assert_eq!(g.cause, "OutOfMemoryError");
        assert_eq!(g.task_ids[0], "t16");
        let now = Timestamp::from_millis((1_000 + 16 * 210 + 60) * 1000);
        assert_eq!(
            g.summary(now),
            "17 × OutOfMemoryError, exit 137, every ~3.5 min, last 1 min ago"
        );
    }
}
