//! The forms that change production: scale, redeploy, deploy an image,
//! roll back, stop a deployment, stop a task, change autoscaling's min/max. Every action is two POSTs to
//! the same URL: the first (no `confirmed`) validates and shows what will
//! happen; the second (`confirmed=1`, same one-time `action_id`) records the
//! attempt in the audit trail, calls AWS once, records the result and shows
//! it. The guard has already checked the role, scope and CSRF token;
//! [`ActionCtx`] does the rest of the shared preflight and the carrying
//! out, so each handler states only what is specific to its action.

mod capacity;
mod confirm;
mod context;
mod deploy_image;
mod forms;
mod panel;
mod protect;
mod redeploy;
mod rollback;
mod scale;
mod stop_task;

use crate::error::AppError;

pub use capacity::set_capacity;
pub use confirm::{ActionDone, Confirm};
pub use context::{ActionCtx, Change};
pub use deploy_image::{deploy_image, show_deploy_image};
pub use forms::{
    CapacityForm, ConfirmFields, DeployImageFields, RollbackFields, ScaleForm, StopTaskFields,
};
pub use panel::{ActionPanel, recent_audit};
pub use protect::is_protected;
pub use redeploy::redeploy_service;
pub use rollback::{rollback_service, show_rollback, stop_deployment};
pub use scale::scale_service;
pub use stop_task::stop_task;

/// A fresh one-time action id for a form.
pub fn new_action_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Rejects input that is not valid, with the message shown to the user.
pub fn invalid(message: impl Into<String>) -> AppError {
    AppError::BadRequest(message.into())
}
