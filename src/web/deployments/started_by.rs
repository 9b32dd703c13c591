//! Who started a deployment through ecsdeck: the audit trail's
//! deployment-starting actions on the service (redeploy, deploy-image,
//! rollback) matched to ECS's deployments.
//!
//! ECS does not say who started a deployment, so each successful action,
//! oldest first, is paired with the first deployment not yet paired that
//! ECS created at most a minute before the action began (clocks differ a
//! little) or any time after it — ECS's clock may run ahead of ours, and
//! the sandbox's does when sped up — and, for a rollback, whose target
//! revision is the one the action chose.

use crate::domain::ServiceDeployment;
use crate::store::{AuditEntry, AuditStatus};

/// How far ECS's `createdAt` may be before the action's start.
const SLACK_MS: i64 = 60_000;
/// Actions that start a deployment (`Action::as_str`).
const STARTERS: [&str; 3] = ["redeploy", "deploy-image", "rollback"];

/// For each deployment (in `deployments`' order), the matched audit entry.
pub fn match_actions<'a>(
    deployments: &[&ServiceDeployment],
    target_task_definitions: &[Option<String>],
    audit: &'a [AuditEntry],
) -> Vec<Option<&'a AuditEntry>> {
    let mut out: Vec<Option<&AuditEntry>> = vec![None; deployments.len()];
    let mut actions: Vec<&AuditEntry> = audit
        .iter()
        .filter(|a| a.status == AuditStatus::Ok && STARTERS.contains(&a.action.as_str()))
        .collect();
    actions.sort_by_key(|a| a.at_ms);
    // Deployments oldest first, by index into `deployments`.
    let mut order: Vec<usize> = (0..deployments.len())
        .filter(|i| deployments[*i].created_at.is_some())
        .collect();
    order.sort_by_key(|i| deployments[*i].created_at.map(|t| t.millis()));
    for a in actions {
        let chosen = a
            .params
            .get("task_definition")
            .and_then(|v| v.as_str())
            .map(str::to_string);
        let found = order.iter().copied().find(|i| {
            let created = deployments[*i].created_at.map(|t| t.millis()).unwrap_or(0);
            let td_ok = match (
                &chosen,
                target_task_definitions.get(*i).and_then(|t| t.as_ref()),
            ) {
                (Some(want), Some(td)) => crate::domain::family_revision(td) == want,
                _ => true,
            };
            out[*i].is_none() && created >= a.at_ms - SLACK_MS && td_ok
        });
        if let Some(i) = found {
            out[i] = Some(a);
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::Timestamp;

    fn dep(at: i64) -> ServiceDeployment {
        ServiceDeployment {
            created_at: Some(Timestamp::from_millis(at)),
            ..ServiceDeployment::default()
        }
    }

    fn entry(at: i64, action: &str, user: &str, params: serde_json::Value) -> AuditEntry {
        AuditEntry {
            id: at,
            at_ms: at,
            finished_ms: Some(at + 1),
            user: user.to_string(),
            role: "operator".to_string(),
            client_addr: String::new(),
            env: "e".to_string(),
            cluster: "c".to_string(),
            target: "s".to_string(),
            action: action.to_string(),
            params,
            before: None,
            after: None,
            status: AuditStatus::Ok,
            error_code: None,
            error_message: None,
            request_id: None,
            action_id: None,
        }
    }

    #[test]
    fn actions_pair_with_the_next_deployment_and_ignore_scaling() {
        let (a, b, c) = (dep(1_000_000), dep(2_000_000), dep(3_000_000));
        let deps = [&c, &b, &a];
        let tds = [None, Some("arn:…:task-definition/app:3".to_string()), None];
        let audit = vec![
            entry(
                1_990_000,
                "rollback",
                "alice",
                serde_json::json!({"task_definition": "app:3"}),
            ),
            entry(2_500_000, "scale", "bob", serde_json::json!({})),
            entry(2_600_000, "redeploy", "carol", serde_json::json!({})),
        ];
        let m = match_actions(&deps, &tds, &audit);
        assert_eq!(m[0].map(|e| e.user.as_str()), Some("carol"));
        assert_eq!(m[1].map(|e| e.user.as_str()), Some("alice"));
        assert!(m[2].is_none(), "the oldest was not started through ecsdeck");
    }

    #[test]
    fn a_rollback_only_matches_its_chosen_revision() {
        let d = dep(2_000_000);
        let tds = [Some("arn:…:task-definition/app:4".to_string())];
        let audit = vec![entry(
            1_990_000,
            "rollback",
            "alice",
            serde_json::json!({"task_definition": "app:3"}),
        )];
        assert!(match_actions(&[&d], &tds, &audit)[0].is_none());
    }
}
