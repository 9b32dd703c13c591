//! The timeline's points from the history (and what ECS still reports):
//! deployments (started, completed, failed), service events with repeats
//! collapsed ("has reached a steady state ×24"), task stops grouped by
//! cause per hour, and ecsdeck's own actions (who, before → after,
//! result). Newest first, bounded.

use std::collections::HashSet;

use crate::domain::diagnosis::group_stops;
use crate::domain::{Service, Task, Timestamp, family_revision};
use crate::store::AuditEntry;
use crate::store::history::{RecordedDeployment, RecordedEvent};

/// Points shown at most.
pub const MAX_POINTS: usize = 500;
const HOUR_MS: i64 = 3_600_000;

/// What a point is about (also the `show=` filter's values).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Deployment,
    Event,
    Stops,
    Action,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Deployment, Kind::Event, Kind::Stops, Kind::Action];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Deployment => "deployments",
            Kind::Event => "events",
            Kind::Stops => "stops",
            Kind::Action => "actions",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One point of the timeline.
pub struct Point {
    pub at: Timestamp,
    pub kind: Kind,
    /// The service it concerns (the cluster timeline mixes them).
    pub service: String,
    pub text: String,
    /// Who did it, for ecsdeck's actions.
    pub who: Option<String>,
    /// A task to open (the newest of a group of stops).
    pub task_id: Option<String>,
}

/// Everything read for one timeline.
pub struct Sources<'a> {
    pub events: &'a [RecordedEvent],
    pub deployments: &'a [RecordedDeployment],
    pub stops: &'a [Task],
    pub audit: &'a [AuditEntry],
    /// Services as ECS reports them now (their live events and
    /// deployments join the recorded ones).
    pub services: &'a [&'a Service],
    pub since_ms: i64,
    pub until_ms: i64,
}

/// "(service cms) has reached a steady state." → "has reached a steady
/// state." (so repeats of one message collapse).
fn message_key(message: &str) -> &str {
    match message.strip_prefix("(service ") {
        Some(rest) => rest.split_once(") ").map_or(message, |(_, m)| m),
        None => message,
    }
}

fn events(src: &Sources<'_>, out: &mut Vec<Point>) {
    // ECS's own order first (newest first, and events of one moment in
    // the order ECS wrote them), then what only the history has; the sort
    // below is stable.
    let mut seen = HashSet::new();
    let mut all: Vec<(i64, String, String)> = Vec::new();
    for s in src.services {
        for e in &s.events {
            if seen.insert((s.name.clone(), e.id.clone())) {
                all.push((e.created_at.millis(), s.name.clone(), e.message.clone()));
            }
        }
    }
    for e in src.events {
        if seen.insert((e.service.clone(), e.event_id.clone())) {
            all.push((e.at_ms, e.service.clone(), e.message.clone()));
        }
    }
    all.retain(|e| e.0 >= src.since_ms && e.0 <= src.until_ms);
    all.sort_by_key(|e| std::cmp::Reverse(e.0));
    // Consecutive repeats (same service, same message) collapse into one
    // point at the newest, with the count.
    let mut i = 0;
    while i < all.len() {
        let (at, service, message) = &all[i];
        let mut j = i + 1;
        while j < all.len()
            && all[j].1 == *service
            && message_key(&all[j].2) == message_key(message)
        {
            j += 1;
        }
        let n = j - i;
        let text = if n > 1 {
            format!("{} ×{n}", message_key(message))
        } else {
            message.clone()
        };
        out.push(Point {
            at: Timestamp::from_millis(*at),
            kind: Kind::Event,
            service: service.clone(),
            text,
            who: None,
            task_id: None,
        });
        i = j;
    }
}

fn deployments(src: &Sources<'_>, out: &mut Vec<Point>) {
    let mut seen = HashSet::new();
    let mut all: Vec<RecordedDeployment> = Vec::new();
    for s in src.services {
        for d in &s.deployments {
            let created_ms = d.created_at.map_or(0, |t| t.millis());
            all.push(RecordedDeployment {
                service: s.name.clone(),
                deployment_id: d.id.clone(),
                task_definition: d.task_definition.clone(),
                status: d.status.clone(),
                rollout_state: d.rollout_state.clone(),
                rollout_reason: d.rollout_reason.clone(),
                created_ms,
                updated_ms: d.updated_at.map_or(created_ms, |t| t.millis()),
                ..RecordedDeployment::default()
            });
        }
    }
    all.extend(src.deployments.iter().cloned());
    for d in all {
        if !seen.insert((d.service.clone(), d.deployment_id.clone())) {
            continue;
        }
        let td = family_revision(&d.task_definition).to_string();
        let mut push = |at: i64, text: String| {
            if at >= src.since_ms && at <= src.until_ms {
                out.push(Point {
                    at: Timestamp::from_millis(at),
                    kind: Kind::Deployment,
                    service: d.service.clone(),
                    text,
                    who: None,
                    task_id: None,
                });
            }
        };
        push(
            d.created_ms,
            format!("Deployment {} of {td} started", d.deployment_id),
        );
        match d.rollout_state.as_str() {
            "COMPLETED" => push(
                d.updated_ms,
                format!("Deployment {} of {td} completed", d.deployment_id),
            ),
            "FAILED" => push(
                d.updated_ms,
                format!(
                    "Deployment {} of {td} failed: {}",
                    d.deployment_id, d.rollout_reason
                ),
            ),
            _ => {}
        }
    }
}

fn stops(src: &Sources<'_>, out: &mut Vec<Point>) {
    let in_range: Vec<Task> = src
        .stops
        .iter()
        .filter(|t| {
            t.stopped_at
                .is_some_and(|at| at.millis() >= src.since_ms && at.millis() <= src.until_ms)
        })
        .cloned()
        .collect();
    // Per service and per hour: the stops of each cause in one point.
    let mut buckets: std::collections::BTreeMap<(String, i64), Vec<Task>> = Default::default();
    for t in in_range {
        let hour = t.stopped_at.map_or(0, |at| at.millis() / HOUR_MS);
        let service = t.service_name().unwrap_or(&t.group).to_string();
        buckets.entry((service, hour)).or_default().push(t);
    }
    for ((service, _), tasks) in buckets {
        for g in group_stops(&tasks) {
            let mut text = format!("{} × {}", g.count, g.cause);
            if let Some(code) = g.exit_code {
                text.push_str(&format!(", exit {code}"));
            }
            let every = g.every();
            if !every.is_empty() {
                text.push_str(&format!(", {every}"));
            }
            out.push(Point {
                at: g.last,
                kind: Kind::Stops,
                service: service.clone(),
                text,
                who: None,
                task_id: g.task_ids.first().cloned(),
            });
        }
    }
}

fn actions(src: &Sources<'_>, out: &mut Vec<Point>) {
    for a in src.audit {
        if a.at_ms < src.since_ms || a.at_ms > src.until_ms {
            continue;
        }
        let change = match (&a.before, &a.after) {
            (Some(b), Some(after)) => format!(": {b} → {after}"),
            (Some(b), None) => format!(": from {b}"),
            (None, Some(after)) => format!(": → {after}"),
            (None, None) => String::new(),
        };
        let mut text = format!("{}{change} — {}", a.action, a.status.as_str());
        if let Some(m) = &a.error_message {
            text.push_str(&format!(" ({m})"));
        }
        out.push(Point {
            at: Timestamp::from_millis(a.at_ms),
            kind: Kind::Action,
            service: a.target.clone(),
            text,
            who: Some(format!("{} ({})", a.user, a.role)),
            task_id: None,
        });
    }
}

/// The points of `kinds`, newest first, at most `MAX_POINTS`.
pub fn points(src: &Sources<'_>, kinds: &[Kind]) -> Vec<Point> {
    let mut out = Vec::new();
    if kinds.contains(&Kind::Deployment) {
        deployments(src, &mut out);
    }
    if kinds.contains(&Kind::Event) {
        events(src, &mut out);
    }
    if kinds.contains(&Kind::Stops) {
        stops(src, &mut out);
    }
    if kinds.contains(&Kind::Action) {
        actions(src, &mut out);
    }
    out.sort_by_key(|p| std::cmp::Reverse(p.at));
    out.truncate(MAX_POINTS);
    out
}
