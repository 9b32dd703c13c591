//! One row of the deployments page per ECS service deployment: strategy,
//! status and outcome, lifecycle stages, times, monitors, the revisions
//! with their images and the task-definition diff, who started it, and
//! whether it can be rolled back to.

use std::sync::Arc;

use crate::domain::{ServiceDeployment, ServiceRevision, TaskDefinition, Timestamp};
use crate::fleet::DeploymentHistory;
use crate::store::AuditEntry;
use crate::web::td_diff::{DiffRow, diff};

/// The stages ECS reports, in order, per kind of strategy.
const ROLLING_STAGES: [&str; 3] = ["RECONCILE_SERVICE", "SCALE_UP", "CLEAN_UP"];
const STAGED: [&str; 10] = [
    "RECONCILE_SERVICE",
    "PRE_SCALE_UP",
    "SCALE_UP",
    "POST_SCALE_UP",
    "TEST_TRAFFIC_SHIFT",
    "POST_TEST_TRAFFIC_SHIFT",
    "PRODUCTION_TRAFFIC_SHIFT",
    "POST_PRODUCTION_TRAFFIC_SHIFT",
    "BAKE_TIME",
    "CLEAN_UP",
];

/// One stage as the page lists it.
pub struct Stage {
    pub name: String,
    /// `done`, `current` or `todo`.
    pub state: &'static str,
}

/// A revision as the page shows it.
pub struct RevisionView {
    /// `family:N` (the task definition), or the revision ARN's tail.
    pub task_definition: String,
    pub revision: Option<i32>,
    pub launch: String,
    /// (container, image, digest).
    pub images: Vec<(String, String, String)>,
    pub tasks: String,
}

pub struct DeploymentRow {
    pub arn: String,
    pub strategy: String,
    pub status: String,
    /// `ok`, `bad`, `warn` or `info` (the badge colour).
    pub tone: &'static str,
    pub outcome: &'static str,
    pub reason: Option<String>,
    pub in_progress: bool,
    pub stage: Option<String>,
    pub stages: Vec<Stage>,
    pub created_at: Option<Timestamp>,
    pub finished_at: Option<Timestamp>,
    pub duration: Option<String>,
    pub bake: Option<String>,
    pub traffic: Option<String>,
    pub monitors: Vec<String>,
    pub rollback: Option<String>,
    pub source: Option<RevisionView>,
    pub target: Option<RevisionView>,
    pub diff: Vec<DiffRow>,
    pub same_definition: bool,
    pub started_by: Option<String>,
    /// The revision number an operator may roll back to from this row.
    pub rollback_to: Option<i32>,
}

fn tone(status: &str) -> (&'static str, &'static str) {
    match status {
        "SUCCESSFUL" => ("ok", "Succeeded"),
        "ROLLBACK_SUCCESSFUL" => ("bad", "Failed, rolled back"),
        "ROLLBACK_FAILED" => ("bad", "Failed, and the rollback failed"),
        "STOPPED" => ("warn", "Stopped"),
        "STOP_REQUESTED" => ("warn", "Stopping"),
        "ROLLBACK_REQUESTED" | "ROLLBACK_IN_PROGRESS" => ("bad", "Rolling back"),
        "PENDING" => ("info", "Pending"),
        "IN_PROGRESS" => ("info", "In progress"),
        _ => ("info", "Unknown"),
    }
}

fn strategy(d: &ServiceDeployment) -> String {
    match (d.strategy.as_str(), d.steps) {
        ("BLUE_GREEN", _) => "Blue/green".to_string(),
        ("LINEAR", Some((p, m))) => format!("Linear: {p}% every {m} min"),
        ("CANARY", Some((p, m))) => format!("Canary: {p}% for {m} min, then the rest"),
        ("ROLLING", _) => "Rolling".to_string(),
        (other, _) => other.to_string(),
    }
}

fn stages(d: &ServiceDeployment) -> Vec<Stage> {
    let Some(current) = &d.lifecycle_stage else {
        return Vec::new();
    };
    let seq: &[&str] = if d.strategy == "ROLLING" {
        &ROLLING_STAGES
    } else {
        &STAGED
    };
    let at = seq.iter().position(|s| s == current);
    seq.iter()
        .enumerate()
        .map(|(i, s)| Stage {
            name: s.to_string(),
            state: match at {
                Some(a) if i < a => "done",
                Some(a) if i == a => "current",
                _ => "todo",
            },
        })
        .collect()
}

fn duration(from: Option<Timestamp>, to: Option<Timestamp>) -> Option<String> {
    let secs = (to?.millis() - from?.millis()).max(0) / 1000;
    Some(match secs {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min {} s", s / 60, s % 60),
        s => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    })
}

fn monitors(d: &ServiceDeployment) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(b) = d
        .circuit_breaker
        .as_ref()
        .filter(|b| b.status != "DISABLED")
    {
        out.push(format!(
            "Circuit breaker {}: {} of {} failed tasks",
            b.status.to_lowercase().replace('_', " "),
            b.failure_count,
            b.threshold
        ));
    }
    if let Some(a) = &d.alarms {
        let mut line = format!(
            "Alarms {}: {}",
            a.status.to_lowercase().replace('_', " "),
            a.names.join(", ")
        );
        if !a.triggered.is_empty() {
            line.push_str(&format!(" (in ALARM: {})", a.triggered.join(", ")));
        }
        out.push(line);
    }
    out
}

fn revision_view(
    h: &DeploymentHistory,
    arn: &str,
    tasks: String,
    tds: &[Arc<TaskDefinition>],
) -> RevisionView {
    let Some(r) = h.revision(arn) else {
        return RevisionView {
            task_definition: arn.rsplit('/').next().unwrap_or(arn).to_string(),
            revision: None,
            launch: String::new(),
            images: Vec::new(),
            tasks,
        };
    };
    let td = tds.iter().find(|t| t.arn == r.task_definition);
    RevisionView {
        task_definition: crate::domain::family_revision(&r.task_definition).to_string(),
        revision: td.map(|t| t.revision),
        launch: launch(r),
        images: r
            .images
            .iter()
            .map(|i| {
                let digest = i.digest.clone().unwrap_or_default();
                (i.container.clone(), i.image.clone(), digest)
            })
            .collect(),
        tasks,
    }
}

fn launch(r: &ServiceRevision) -> String {
    match &r.platform_version {
        Some(p) => format!("{} (platform {p})", r.launch),
        None => r.launch.clone(),
    }
}

/// What the rows are built from.
pub struct Inputs<'a> {
    pub history: &'a DeploymentHistory,
    pub task_definitions: &'a [Arc<TaskDefinition>],
    pub audit: &'a [AuditEntry],
    /// The task definition ARN the service runs now.
    pub current: &'a str,
}

/// The task definition ARN a revision ran, if ECS described it.
fn td_of(h: &DeploymentHistory, arn: Option<&str>) -> Option<String> {
    arn.and_then(|a| h.revision(a))
        .map(|r| r.task_definition.clone())
}

pub fn rows(i: &Inputs<'_>) -> Vec<DeploymentRow> {
    let h = i.history;
    let deps: Vec<&ServiceDeployment> = h.deployments.iter().map(|d| d.as_ref()).collect();
    let targets: Vec<Option<String>> = deps
        .iter()
        .map(|d| td_of(h, d.target_revision.as_ref().map(|r| r.arn.as_str())))
        .collect();
    let started = super::started_by::match_actions(&deps, &targets, i.audit);
    let find_td = |arn: &Option<String>| {
        arn.as_ref()
            .and_then(|a| i.task_definitions.iter().find(|t| &t.arn == a))
    };
    let current_family = i
        .task_definitions
        .iter()
        .find(|t| t.arn == i.current)
        .map(|t| t.family.clone());
    let mut offered: Vec<String> = vec![i.current.to_string()];
    let mut out = Vec::new();
    for (n, d) in deps.iter().enumerate() {
        let (tone, outcome) = tone(&d.status);
        let source_arn = d.source_revisions.first().map(|r| r.arn.clone());
        let source_td = td_of(h, source_arn.as_deref());
        let (old, new) = (find_td(&source_td), find_td(&targets[n]));
        let diff_rows = match (old, new) {
            (Some(a), Some(b)) => diff(a, b, true),
            _ => Vec::new(),
        };
        let same_definition = source_td.is_some() && source_td == targets[n];
        // Roll back to a revision that once deployed successfully, is not
        // the one running, is of the service's family, offered once.
        let rollback_to = match (new, &targets[n]) {
            (Some(td), Some(arn))
                if d.status == "SUCCESSFUL"
                    && Some(&td.family) == current_family.as_ref()
                    && !offered.contains(arn) =>
            {
                offered.push(arn.clone());
                Some(td.revision)
            }
            _ => None,
        };
        let weight = d.target_revision.as_ref().and_then(|r| r.production_weight);
        out.push(DeploymentRow {
            arn: d.arn.clone(),
            strategy: strategy(d),
            status: d.status.clone(),
            tone,
            outcome,
            reason: d.status_reason.clone(),
            in_progress: d.in_progress(),
            stage: d.lifecycle_stage.clone(),
            stages: stages(d),
            created_at: d.created_at,
            finished_at: d.finished_at.or(d.stopped_at),
            duration: duration(
                d.started_at.or(d.created_at),
                d.finished_at.or(d.stopped_at),
            ),
            bake: d
                .bake_time_minutes
                .filter(|_| d.strategy != "ROLLING")
                .map(|m| format!("{m} min")),
            traffic: weight
                .filter(|_| d.in_progress())
                .map(|w| format!("{w}% of production traffic on the new revision")),
            monitors: monitors(d),
            rollback: d.rollback.as_ref().map(|r| {
                let to = td_of(h, r.revision_arn.as_deref())
                    .map(|t| crate::domain::family_revision(&t).to_string())
                    .unwrap_or_else(|| "the previous revision".to_string());
                match &r.reason {
                    Some(why) => format!("Rolled back to {to}: {why}"),
                    None => format!("Rolled back to {to}"),
                }
            }),
            source: source_arn.map(|a| {
                let r = &d.source_revisions[0];
                revision_view(h, &a, format!("{} running", r.running), i.task_definitions)
            }),
            target: d.target_revision.as_ref().map(|r| {
                let tasks = format!("{} of {} running", r.running, r.requested);
                revision_view(h, &r.arn, tasks, i.task_definitions)
            }),
            diff: diff_rows,
            same_definition,
            started_by: started[n].map(|a| format!("{} ({})", a.user, a.role)),
            rollback_to,
        });
    }
    out
}
