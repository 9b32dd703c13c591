//! Metrics computed from the simulation, minute by minute, the way ECS and
//! Container Insights would publish them: per task CPU and memory (with
//! noise, a daily cycle, load shared among the running tasks, and the OOM
//! scenario's memory climbing to its limit before each kill), aggregated
//! per service and per cluster.

use std::collections::HashMap;

use crate::sandbox::ecs::EcsState;
use crate::sandbox::ecs::model::{Cluster, Fate, Task};
use crate::sandbox::loggen::CrashKind;

/// One metric named by a query: namespace, name and dimensions.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    pub namespace: String,
    pub name: String,
    pub cluster: Option<String>,
    pub service: Option<String>,
    /// Dimensions other than ClusterName / ServiceName (no ECS metric has
    /// them: such a metric has no data).
    pub other_dimensions: bool,
}

/// The tasks of one cluster by service, built once per call.
pub struct TaskIndex<'a> {
    pub cluster: &'a Cluster,
    by_service: HashMap<&'a str, Vec<&'a Task>>,
    all: Vec<&'a Task>,
}

impl<'a> TaskIndex<'a> {
    pub fn new(cluster: &'a Cluster) -> Self {
        let mut by_service: HashMap<&str, Vec<&Task>> = HashMap::new();
        let mut all = Vec::new();
        for t in cluster.tasks.values() {
            if t.started_ms.is_none() {
                continue;
            }
            all.push(t);
            if let Some(s) = &t.service {
                by_service.entry(s.as_str()).or_default().push(t);
            }
        }
        Self {
            cluster,
            by_service,
            all,
        }
    }

    /// When the first task `service` (or the cluster) still knows of
    /// started: the simulation's memory of this metric begins there.
    pub fn first_start_ms(&self, service: Option<&str>) -> Option<i64> {
        self.tasks(service)
            .iter()
            .filter_map(|t| t.started_ms)
            .min()
    }

    fn tasks(&self, service: Option<&str>) -> &[&'a Task] {
        match service {
            Some(s) => self.by_service.get(s).map_or(&[], Vec::as_slice),
            None => &self.all,
        }
    }
}

/// A stable pseudo-random number in [0, 1) for `key` and `n`.
fn noise(key: &str, n: i64) -> f64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes().chain(n.to_le_bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h ^= h >> 33;
    (h % 10_000) as f64 / 10_000.0
}

/// When `t` is read for the minute starting at `ms`: its last moment alive
/// in that minute (for the minute it is killed in, just before the kill),
/// or `None` if it did not run in that minute.
fn reading_at(t: &Task, ms: i64) -> Option<i64> {
    let started = t.started_ms?;
    let end = t.stopping_ms.or(t.stopped_ms).unwrap_or(i64::MAX);
    let at = (ms + 59_999).min(end - 1);
    (started < ms + 60_000 && end > ms && at >= started).then_some(at)
}

/// The day's load: 0.7 at night, 1.3 in the afternoon (UTC).
fn daily(ms: i64) -> f64 {
    let phase = (ms.rem_euclid(86_400_000)) as f64 / 86_400_000.0;
    1.0 - 0.3 * (phase * std::f64::consts::TAU).cos()
}

/// CPU utilization (%) of `task` at minute `ms`, `running` tasks sharing
/// the service's load, `planned` of them being what the load was sized for.
fn task_cpu(t: &Task, ms: i64, running: usize, planned: f64) -> f64 {
    let key = t.service.as_deref().unwrap_or(&t.group);
    let base = 12.0 + 30.0 * noise(key, 0);
    let share = planned.max(0.1) / running.max(1) as f64;
    let jitter = 0.85 + 0.3 * noise(&t.id, ms / 60_000);
    (base * daily(ms) * share * jitter).clamp(0.5, 100.0)
}

/// Memory utilization (%) of `task` at minute `ms`. A task the OOM scenario
/// kills climbs from 30% to its limit at the moment it is killed.
fn task_memory(t: &Task, ms: i64) -> f64 {
    let started = t.started_ms.unwrap_or(ms);
    if let Fate::Dies {
        after_ms,
        kind: CrashKind::OutOfMemory,
    } = t.fate
    {
        let frac = ((ms - started) as f64 / after_ms.max(1) as f64).clamp(0.0, 1.0);
        return (30.0 + 70.0 * frac.powf(0.8)).min(100.0);
    }
    let key = t.service.as_deref().unwrap_or(&t.group);
    let base = 25.0 + 35.0 * noise(key, 1);
    let warm = ((ms - started) as f64 / 600_000.0).clamp(0.0, 1.0);
    (base * (0.8 + 0.2 * warm) + 4.0 * noise(&t.id, ms / 60_000)).min(100.0)
}

/// The samples of `metric` in the minute starting at `ms` (each task read
/// at its last moment alive in that minute): one per task for
/// utilizations, one for the whole for counts, bytes and reservations.
/// Empty when the metric has no data then.
pub fn minute(ecs: &EcsState, idx: &TaskIndex<'_>, metric: &Metric, ms: i64) -> Vec<f64> {
    if metric.other_dimensions {
        return Vec::new();
    }
    let cluster = idx.cluster;
    let service = metric
        .service
        .as_deref()
        .and_then(|s| cluster.services.get(s));
    if metric.service.is_some() && service.is_none() {
        return Vec::new();
    }
    if service.is_some_and(|s| s.created_ms > ms) {
        return Vec::new();
    }
    let tasks: Vec<(&Task, i64)> = idx
        .tasks(metric.service.as_deref())
        .iter()
        .filter_map(|t| Some((*t, reading_at(t, ms)?)))
        .collect();
    let planned = |t: &Task| -> f64 {
        let name = t.service.as_deref().unwrap_or("");
        crate::sandbox::ecs::autoscale::find(&ecs.autoscalers, &cluster.name, name)
            .map(|a| a.load(ms))
            .or_else(|| cluster.services.get(name).map(|s| f64::from(s.desired)))
            .unwrap_or(1.0)
    };
    let running_of = |t: &Task| -> usize {
        match metric.service {
            Some(_) => tasks.len(),
            None => tasks.iter().filter(|(o, _)| o.service == t.service).count(),
        }
    };
    match (metric.namespace.as_str(), metric.name.as_str()) {
        ("AWS/ECS", "CPUUtilization") => tasks
            .iter()
            .map(|(t, at)| task_cpu(t, *at, running_of(t), planned(t)))
            .collect(),
        ("AWS/ECS", "MemoryUtilization") => {
            tasks.iter().map(|(t, at)| task_memory(t, *at)).collect()
        }
        ("AWS/ECS", "CPUReservation" | "MemoryReservation") if metric.service.is_none() => {
            let cpu = metric.name == "CPUReservation";
            let capacity: i64 = cluster
                .instances
                .values()
                .filter(|i| i.registered_ms <= ms)
                .map(|i| if cpu { i.cpu } else { i.memory })
                .sum();
            if capacity <= 0 {
                return Vec::new();
            }
            let used: i64 = tasks
                .iter()
                .filter(|(t, _)| t.container_instance.is_some())
                .map(|(t, _)| if cpu { t.cpu_units } else { t.memory_mib })
                .sum();
            vec![(used as f64 * 100.0 / capacity as f64).min(100.0)]
        }
        ("ECS/ContainerInsights", name) if cluster.container_insights => match name {
            // Running at the minute's end (a task killed and its
            // replacement in one minute count once).
            "RunningTaskCount" => {
                vec![tasks.iter().filter(|(_, at)| *at == ms + 59_999).count() as f64]
            }
            "NetworkRxBytes" | "NetworkTxBytes" => {
                // Bytes per second, as Container Insights reports them.
                let per_task = if name == "NetworkRxBytes" {
                    1_500.0
                } else {
                    600.0
                };
                let bytes: f64 = tasks
                    .iter()
                    .map(|(t, _)| per_task * daily(ms) * (0.5 + noise(&t.id, ms / 60_000 + 7)))
                    .sum();
                vec![bytes.round()]
            }
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// Folds the samples of one period into `stat` (Average, Maximum, Minimum,
/// Sum, SampleCount, or pNN). `per_minute` holds each minute's samples;
/// for utilizations the minute's value is the mean of its tasks (ECS
/// publishes service utilization as the tasks' total over their
/// reservation), Maximum and Minimum look at single tasks.
pub fn fold(stat: &str, per_minute: &[Vec<f64>]) -> Option<f64> {
    let all: Vec<f64> = per_minute.iter().flatten().copied().collect();
    if all.is_empty() {
        return None;
    }
    let minutes: Vec<f64> = per_minute
        .iter()
        .filter(|m| !m.is_empty())
        .map(|m| m.iter().sum::<f64>() / m.len() as f64)
        .collect();
    let value = match stat {
        "Average" => minutes.iter().sum::<f64>() / minutes.len() as f64,
        "Maximum" => all.iter().copied().fold(f64::MIN, f64::max),
        "Minimum" => all.iter().copied().fold(f64::MAX, f64::min),
        "Sum" => per_minute.iter().flatten().sum(),
        "SampleCount" => all.len() as f64,
        p => {
            let q: f64 = p.strip_prefix('p')?.parse().ok()?;
            if !(0.0..=100.0).contains(&q) {
                return None;
            }
            let mut sorted = all;
            sorted.sort_by(f64::total_cmp);
            let i = ((q / 100.0) * (sorted.len() - 1) as f64).round() as usize;
            sorted[i.min(sorted.len() - 1)]
        }
    };
    Some((value * 100.0).round() / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics_fold_like_cloudwatch() {
        let minutes = vec![vec![10.0, 30.0], vec![], vec![50.0]];
        assert_eq!(fold("Average", &minutes), Some(35.0));
        assert_eq!(fold("Maximum", &minutes), Some(50.0));
        assert_eq!(fold("Minimum", &minutes), Some(10.0));
        assert_eq!(fold("Sum", &minutes), Some(90.0));
        assert_eq!(fold("SampleCount", &minutes), Some(3.0));
        assert_eq!(fold("p100", &minutes), Some(50.0));
        assert_eq!(fold("Average", &[vec![], vec![]]), None);
        assert_eq!(fold("p101", &minutes), None);
    }

    #[test]
    fn noise_is_stable_and_bounded() {
        for n in 0..100 {
            let v = noise("svc", n);
            assert!((0.0..1.0).contains(&v));
            assert_eq!(v, noise("svc", n));
        }
    }
}
