//! Health roll-ups: is this service (or cluster) fine, rolling, or broken —
//! and why, in words an operator can act on.

use super::{Service, Task};

/// How far back a failed deployment or crash still counts as a problem.
const RECENT_MS: i64 = 3_600_000;

/// Worst first, so sorting by health puts problems on top.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Health {
    Failing,
    Degraded,
    Progressing,
    Healthy,
    Idle,
}

impl Health {
    pub fn label(self) -> &'static str {
        match self {
            Self::Failing => "failing",
            Self::Degraded => "degraded",
            Self::Progressing => "deploying",
            Self::Healthy => "healthy",
            Self::Idle => "scaled to 0",
        }
    }

    /// CSS badge class.
    pub fn class(self) -> &'static str {
        match self {
            Self::Failing => "bad",
            Self::Degraded => "warn",
            Self::Progressing => "info",
            Self::Healthy => "ok",
            Self::Idle => "muted",
        }
    }

    pub fn is_problem(self) -> bool {
        matches!(self, Self::Failing | Self::Degraded)
    }
}

/// A service's health and the reasons behind it.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct ServiceHealth {
    pub health: Health,
    pub reasons: Vec<String>,
}

impl ServiceHealth {
    /// Judges `service`, using its recently stopped tasks (any order) for
    /// crash evidence.
    pub fn of(service: &Service, stopped: &[&Task]) -> Self {
        let mut reasons = Vec::new();
        let primary = service.primary();
        let failed_rollout = primary.is_some_and(|d| d.rollout_state == "FAILED");
        let crashes: Vec<&&Task> = stopped.iter().filter(|t| t.stopped_abnormally()).collect();
        if failed_rollout {
            let reason = primary.map(|d| d.rollout_reason.as_str()).unwrap_or("");
            reasons.push(format!("deployment failed: {reason}"));
        }
        if service.running < service.desired {
            reasons.push(format!(
                "{} of {} tasks running",
                service.running, service.desired
            ));
        }
        if let Some(latest) = crashes.iter().max_by_key(|t| t.stopped_at) {
            reasons.push(format!(
                "{} task(s) stopped unexpectedly; latest: {}",
                crashes.len(),
                latest.stop_summary()
            ));
        }
        let recent_failure = service.events.iter().find(|e| {
            e.message.contains("deployment failed")
                && e.created_at.millis() >= super::Timestamp::now().millis() - RECENT_MS
        });
        if let Some(e) = recent_failure
            && !failed_rollout
        {
            reasons.push(format!(
                "a deployment failed at {}: {}",
                e.created_at.absolute(),
                e.message
            ));
        }
        let failed_tasks: i32 = service.deployments.iter().map(|d| d.failed).sum();
        if failed_tasks > 0 && crashes.is_empty() {
            reasons.push(format!("{failed_tasks} task(s) failed to start"));
        }
        let health = if failed_rollout
            || (service.desired > 0 && service.running == 0)
            || (!crashes.is_empty() && service.running < service.desired)
        {
            Health::Failing
        } else if !crashes.is_empty()
            || failed_tasks > 0
            || recent_failure.is_some()
            || (service.running < service.desired && !service.is_rolling())
        {
            Health::Degraded
        } else if service.is_rolling() {
            Health::Progressing
        } else if service.desired == 0 {
            Health::Idle
        } else {
            Health::Healthy
        };
        if health == Health::Progressing && reasons.is_empty() {
            reasons.push("rolling out a new deployment".to_string());
        }
        Self { health, reasons }
    }

    pub fn summary(&self) -> String {
        self.reasons.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Container, Deployment};

    fn service(desired: i32, running: i32, rollout: &str) -> Service {
        Service {
            name: "web".into(),
            desired,
            running,
            deployments: vec![Deployment {
                status: "PRIMARY".into(),
                desired,
                running,
                rollout_state: rollout.into(),
                rollout_reason: "tasks failed to start".into(),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    #[test]
    fn judges_services() {
        assert_eq!(
            ServiceHealth::of(&service(2, 2, "COMPLETED"), &[]).health,
            Health::Healthy
        );
        assert_eq!(
            ServiceHealth::of(&service(0, 0, "COMPLETED"), &[]).health,
            Health::Idle
        );
        assert_eq!(
            ServiceHealth::of(&service(2, 0, "COMPLETED"), &[]).health,
            Health::Failing
        );
        assert_eq!(
            ServiceHealth::of(&service(2, 1, "COMPLETED"), &[]).health,
            Health::Degraded
        );
        assert_eq!(
            ServiceHealth::of(&service(2, 1, "IN_PROGRESS"), &[]).health,
            Health::Progressing
        );
        let mut rolled_back = service(2, 2, "COMPLETED");
        rolled_back.events.push(crate::domain::ServiceEvent {
            id: "e".into(),
            created_at: crate::domain::Timestamp::now(),
            message:
                "(service web) (deployment ecs-svc/1) deployment failed: tasks failed to start."
                    .into(),
        });
        let h = ServiceHealth::of(&rolled_back, &[]);
        assert_eq!(h.health, Health::Degraded);
        assert!(h.summary().contains("tasks failed to start"));
        let failed = ServiceHealth::of(&service(2, 2, "FAILED"), &[]);
        assert_eq!(failed.health, Health::Failing);
        assert!(failed.summary().contains("tasks failed to start"));
    }

    #[test]
    fn names_the_crash_reason() {
        let oom = Task {
            stop_code: "EssentialContainerExited".into(),
            containers: vec![Container {
                name: "worker".into(),
                exit_code: Some(137),
                reason: "OutOfMemoryError: Container killed due to memory usage".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let h = ServiceHealth::of(&service(2, 1, "COMPLETED"), &[&oom]);
        assert_eq!(h.health, Health::Failing);
        assert!(
            h.summary().contains("worker: OutOfMemoryError"),
            "{}",
            h.summary()
        );
        let user = Task {
            stop_code: "UserInitiated".into(),
            ..Default::default()
        };
        assert_eq!(
            ServiceHealth::of(&service(1, 1, "COMPLETED"), &[&user]).health,
            Health::Healthy
        );
    }
}
