//! The service page's "Why" panel: the failure mode the service is in and
//! its evidence on the first screen (`domain::diagnosis`), from the
//! service view, the stopped tasks ecsdeck recorded (`store::history`) and,
//! per mode, one more read the fleet model caches: the crashed container's
//! last log lines, the image's presence in ECR, the failed revision's task
//! definition for its diff.

mod enrich;

use std::sync::Arc;

use crate::domain::diagnosis::{Diagnosis, DiagnosisInput, PastDeployment, diagnose};
use crate::domain::{LogEvent, Task, TaskDefinition, Timestamp};
use crate::fleet::ServiceView;
use crate::state::{AppState, Environment};
use crate::store::history::HistoryQuery;
use crate::web::td_diff::DiffRow;
use crate::web::urls;

/// Recorded stops looked at (the newest of the last day).
const RECORDED_STOPS: u32 = 500;
const DAY_MS: i64 = 86_400_000;

/// One group of stops as the panel lists it.
pub struct GroupRow {
    pub summary: String,
    pub detail: String,
    /// The group's tasks, newest first: (id, task page URL).
    pub tasks: Vec<(String, String)>,
}

/// A rollback the panel offers operators (through the rollback action).
pub struct RollbackOffer {
    pub url: String,
    pub revision: String,
    pub csrf_token: String,
    pub action_id: String,
}

/// One of the last log lines.
pub struct WhyLine {
    pub timestamp: Timestamp,
    pub html: crate::web::logs::ansi::LogHtml,
}

impl From<&LogEvent> for WhyLine {
    fn from(e: &LogEvent) -> Self {
        Self {
            timestamp: e.timestamp,
            html: crate::web::logs::ansi::to_html(&e.message, &[]),
        }
    }
}

/// Everything the panel renders.
pub struct WhyPanel {
    pub diagnosis: Diagnosis,
    pub groups: Vec<GroupRow>,
    /// The crashed container's last lines before it stopped, oldest first,
    /// rendered as the log viewer renders them (colours, no escapes).
    pub log_lines: Vec<WhyLine>,
    /// Why there are no log lines, when there are none.
    pub log_note: Option<String>,
    /// "Logs around this moment": the service's logs around the last stop.
    pub logs_url: Option<String>,
    /// The failed revision against the one that last worked (changes only).
    pub diff: Vec<DiffRow>,
    pub rollback: Option<RollbackOffer>,
}

impl WhyPanel {
    pub fn label(&self) -> &'static str {
        self.diagnosis.mode.label()
    }

    pub fn slug(&self) -> &'static str {
        self.diagnosis.mode.slug()
    }
}

/// The panel for the service of `view`, or None when nothing points to a
/// failure. `act_token` is set when the user may act (rollback offered).
pub async fn why_panel(
    state: &AppState,
    env: &Environment,
    cluster: &str,
    view: &ServiceView,
    act_token: Option<&str>,
    target_health_reason: Option<&str>,
) -> Option<WhyPanel> {
    let now = Timestamp::now();
    let service = &view.service;
    let q = HistoryQuery {
        env: env.name.clone(),
        cluster: cluster.to_string(),
        service: Some(service.name.clone()),
        since_ms: now.millis() - DAY_MS,
        until_ms: now.millis() + DAY_MS,
        limit: RECORDED_STOPS,
    };
    let store = state.store();
    let (recorded, deployments) =
        tokio::join!(store.history_tasks(&q), store.history_deployments(&q));
    let recorded = recorded.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "reading recorded stops failed");
        Vec::new()
    });
    let mut stops: Vec<Task> = view.stopped.clone();
    stops.extend(recorded.iter().map(crate::recorder::task_from_row));
    let past: Vec<PastDeployment> = deployments
        .unwrap_or_default()
        .into_iter()
        .map(|d| PastDeployment {
            id: d.deployment_id,
            task_definition: d.task_definition,
            rollout_state: d.rollout_state,
            rollout_reason: d.rollout_reason,
            updated: Timestamp::from_millis(d.updated_ms),
        })
        .collect();
    let mut task_definitions: Vec<Arc<TaskDefinition>> = view.task_definitions.clone();
    let mut missing: Vec<String> = stops
        .iter()
        .map(|t| t.task_definition.clone())
        .chain(past.iter().map(|d| d.task_definition.clone()))
        .filter(|id| !id.is_empty() && !task_definitions.iter().any(|td| &td.arn == id))
        .collect();
    missing.sort();
    missing.dedup();
    missing.truncate(10);
    task_definitions.extend(env.fleet.task_definitions(&missing).await);
    let input = DiagnosisInput {
        service,
        stops: &stops,
        task_definitions: &task_definitions,
        past_deployments: &past,
        target_health_reason,
        show_command: &|args: &[String]| crate::web::mask::mask_args(args).join(" "),
        now,
    };
    let mut diagnosis = diagnose(&input)?;
    let groups = diagnosis
        .groups
        .iter()
        .map(|g| GroupRow {
            summary: g.summary(now),
            detail: g.detail.clone(),
            tasks: g
                .task_ids
                .iter()
                .map(|id| (id.clone(), urls::task(&env.name, cluster, id)))
                .collect(),
        })
        .collect();
    let (log_lines, log_note) =
        enrich::last_lines(env, &diagnosis, &stops, &task_definitions).await;
    enrich::image_in_ecr(env, &mut diagnosis).await;
    let logs_url =
        enrich::logs_around(env, cluster, &diagnosis, &stops, service, &task_definitions);
    let diff = enrich::revision_diff(&diagnosis, &task_definitions, env).await;
    let rollback = match (act_token, &diagnosis.good_revision) {
        (Some(token), Some(good)) if diagnosis.failed_revision.is_some() => Some(RollbackOffer {
            url: urls::service_action(&env.name, cluster, &service.name, "rollback"),
            revision: good.clone(),
            csrf_token: token.to_string(),
            action_id: crate::web::actions::new_action_id(),
        }),
        _ => None,
    };
    Some(WhyPanel {
        diagnosis,
        groups,
        log_lines: log_lines.iter().map(WhyLine::from).collect(),
        log_note,
        logs_url,
        diff,
        rollback,
    })
}
