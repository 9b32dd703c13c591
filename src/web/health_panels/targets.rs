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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{TargetGroup, TargetHealth};

    fn target(state: &str, reason: &str) -> TargetHealth {
        TargetHealth {
            id: "10.0.1.5".into(),
            state: state.into(),
            reason: reason.into(),
            description: "Health checks failed with these codes: [503]".into(),
            ..TargetHealth::default()
        }
    }

    #[test]
    fn unhealthy_targets_degrade_a_healthy_service_with_the_reason() {
        let groups = vec![GroupHealth {
            group: TargetGroup {
                name: "web-tg".into(),
                ..TargetGroup::default()
            },
            targets: vec![
                target("healthy", ""),
                target("unhealthy", "Target.ResponseCodeMismatch"),
            ],
        }];
        let mut health = ServiceHealth {
            health: Health::Healthy,
            reasons: Vec::new(),
        };
        include_targets(&mut health, &groups);
        assert_eq!(health.health, Health::Degraded);
        assert_eq!(
            health.reasons,
            vec![
                "1 of 2 targets unhealthy in target group web-tg: Target.ResponseCodeMismatch (Health checks failed with these codes: [503])"
            ]
        );
        // A failing service stays failing; healthy targets add nothing.
        let mut failing = ServiceHealth {
            health: Health::Failing,
            reasons: Vec::new(),
        };
        include_targets(&mut failing, &groups);
        assert_eq!(failing.health, Health::Failing);
        let mut fine = ServiceHealth {
            health: Health::Healthy,
            reasons: Vec::new(),
        };
        include_targets(&mut fine, &[GroupHealth::default()]);
        assert_eq!((fine.health, fine.reasons.len()), (Health::Healthy, 0));
    }
}
