//! What the service page shows about actions: the operator's forms (when
//! the role, scope and mode allow) and the service's recent audit entries,
//! so "who scaled this to zero?" is one look.

use crate::auth::CurrentUser;
use crate::domain::{Action, Service};
use crate::state::AppState;
use crate::store::{AuditEntry, AuditFilter};
use crate::web::urls;

use super::new_action_id;

/// The forms on a service page for someone allowed to act.
pub struct ActionPanel {
    /// Where each action's form posts (or its picker is fetched).
    pub scale_url: String,
    pub redeploy_url: String,
    pub deploy_image_url: String,
    pub rollback_url: String,
    pub stop_deployment_url: String,
    pub capacity_url: String,
    pub csrf_token: String,
    pub action_id: String,
    pub desired: i32,
    pub rolling: bool,
    pub ceiling: u32,
}

impl ActionPanel {
    /// The panel for `user` on `service`, or `None` when they may not act
    /// here (viewer, outside their operator scope, or read-only mode).
    pub fn for_user(
        state: &AppState,
        user: Option<&CurrentUser>,
        env: &str,
        cluster: &str,
        service: &Service,
    ) -> Option<Self> {
        let user = user?;
        if state.settings.read_only || !user.may_act_on(state, env, cluster) {
            return None;
        }
        let url =
            |action: Action| urls::service_action(env, cluster, &service.name, action.segment());
        Some(Self {
            scale_url: url(Action::Scale),
            redeploy_url: url(Action::Redeploy),
            deploy_image_url: url(Action::DeployImage),
            rollback_url: url(Action::Rollback),
            stop_deployment_url: url(Action::StopDeployment),
            capacity_url: url(Action::Capacity),
            csrf_token: user.csrf_token.clone(),
            action_id: new_action_id(),
            desired: service.desired,
            rolling: service.is_rolling(),
            ceiling: state.settings.scale_ceiling,
        })
    }
}

/// The newest audit entries about `service` (empty if the store fails:
/// the page still renders, the failure is logged).
pub async fn recent_audit(
    state: &AppState,
    env: &str,
    cluster: &str,
    service: &str,
) -> Vec<AuditEntry> {
    let filter = AuditFilter {
        env: Some(env.to_string()),
        cluster: Some(cluster.to_string()),
        target: Some(service.to_string()),
        ..Default::default()
    };
    match state.store().audit_list(&filter, 10).await {
        Ok(entries) => entries,
        Err(e) => {
            tracing::error!(error = %e, "cannot read the audit trail");
            Vec::new()
        }
    }
}
