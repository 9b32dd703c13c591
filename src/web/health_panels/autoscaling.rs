//! The autoscaling panel of the service page: the scalable target's
//! min/max (with the form to change them, for operators), its policies,
//! scheduled actions and the latest scaling activities with their cause.

use std::sync::Arc;

use askama::Template;

use crate::domain::Autoscaling;

/// The min/max form, for someone allowed to act on the service.
pub struct CapacityForm {
    pub url: String,
    pub csrf_token: String,
    pub action_id: String,
}

#[derive(Template, Default)]
#[template(path = "partials/autoscaling.html")]
pub struct AutoscalingPanel {
    pub scaling: Arc<Autoscaling>,
    /// Why Application Auto Scaling could not be read.
    pub error: Option<String>,
    pub form: Option<CapacityForm>,
    /// The service's desired count now.
    pub desired: i32,
}

impl AutoscalingPanel {
    pub fn new(read: Result<Arc<Autoscaling>, crate::aws::AwsError>, desired: i32) -> Self {
        match read {
            Ok(scaling) => Self {
                scaling,
                error: None,
                form: None,
                desired,
            },
            Err(e) => Self {
                error: Some(format!(
                    "Application Auto Scaling could not be read: {} ({}).",
                    e.message(),
                    e.code()
                )),
                desired,
                ..Self::default()
            },
        }
    }

    /// The desired count is outside min/max (autoscaling will move it).
    pub fn outside(&self) -> bool {
        self.scaling
            .target
            .is_some_and(|c| c.excludes(self.desired))
    }
}
