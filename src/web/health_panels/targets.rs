//! The load balancer panel of the service and task pages: each target
//! group with its health check (path, port, thresholds, codes) and its
//! targets' state with the reason code and description.

use std::sync::Arc;

use askama::Template;

use crate::domain::{GroupHealth, Health, ServiceHealth};

#[derive(Template, Default)]
#[template(path = "partials/targets.html")]
pub struct TargetsPanel {
    pub groups: Arc<Vec<GroupHealth>>,
    /// Why the load balancer could not be read.
    pub error: Option<String>,
    /// The task page shows only that task's targets.
    pub for_task: bool,
}

impl TargetsPanel {
    pub fn new(read: Result<Arc<Vec<GroupHealth>>, crate::aws::AwsError>, for_task: bool) -> Self {
        match read {
            Ok(groups) => Self {
                groups,
                error: None,
                for_task,
            },
            Err(e) => Self {
                groups: Arc::default(),
                error: Some(format!(
                    "The load balancer could not be read: {} ({}).",
                    e.message(),
                    e.code()
                )),
                for_task,
            },
        }
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.error.is_none()
    }
}

/// Adds what the load balancer says to a service's health: unhealthy
/// targets make a healthy or deploying service degraded, with the reason.
pub fn include_targets(health: &mut ServiceHealth, groups: &[GroupHealth]) {
    for g in groups {
        let bad: Vec<_> = g.unhealthy().collect();
        let Some(first) = bad.first() else { continue };
        health.reasons.push(format!(
            "{} of {} targets unhealthy in target group {}: {} ({})",
            bad.len(),
            g.targets.len(),
            g.group.name,
            first.reason,
            first.description
        ));
        if health.health > Health::Degraded {
            health.health = Health::Degraded;
        }
    }
}
