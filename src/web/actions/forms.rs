//! The posted forms, one type per action, received with
//! `crate::web::extract::Form` (a body that does not fit is the styled 400).
//! Free-text inputs stay `String` (trimmed when read) so the handlers'
//! own validation gives its specific messages; every field is a `String`
//! or `Option<String>` because `#[serde(flatten)]` with urlencoded bodies
//! only carries strings.

use serde::Deserialize;

use super::new_action_id;

/// The fields every confirmation form carries.
#[derive(Debug, Default, Deserialize)]
pub struct ConfirmFields {
    /// `1` on the confirmed submission; absent for the preview.
    pub confirmed: Option<String>,
    /// The typed service name, on protected clusters.
    pub confirm: Option<String>,
    /// The one-time id of this form.
    pub action_id: Option<String>,
    /// `1` when "above the ceiling, yes really" is ticked (scale).
    pub allow_large: Option<String>,
}

fn text(v: &Option<String>) -> &str {
    v.as_deref().map(str::trim).unwrap_or("")
}

impl ConfirmFields {
    /// Whether this is the confirmed submission.
    pub fn confirmed(&self) -> bool {
        text(&self.confirmed) == "1"
    }

    /// The name typed to confirm ("" when none).
    pub fn typed(&self) -> &str {
        text(&self.confirm)
    }

    /// The submitted action id, or a fresh one for a first submission.
    pub fn action_id(&self) -> String {
        match text(&self.action_id) {
            "" => new_action_id(),
            id => id.to_string(),
        }
    }

    /// Whether a count above the ceiling was explicitly allowed.
    pub fn allow_large(&self) -> bool {
        text(&self.allow_large) == "1"
    }
}

/// `POST …/scale`.
#[derive(Debug, Deserialize)]
pub struct ScaleForm {
    /// Free text: `parse_count` says what is wrong with it.
    #[serde(default)]
    pub desired_count: String,
    #[serde(flatten)]
    pub confirm: ConfirmFields,
}

/// `POST …/capacity`: the autoscaling min/max, free text like the scale
/// form's count.
#[derive(Debug, Deserialize)]
pub struct CapacityForm {
    #[serde(default)]
    pub min_capacity: String,
    #[serde(default)]
    pub max_capacity: String,
    #[serde(flatten)]
    pub confirm: ConfirmFields,
}

/// `POST …/deploy-image`.
#[derive(Debug, Deserialize)]
pub struct DeployImageFields {
    #[serde(default)]
    pub container: String,
    #[serde(default)]
    pub tag: String,
    #[serde(flatten)]
    pub confirm: ConfirmFields,
}

/// `POST …/rollback`: `revision` is `N` or `family:N`.
#[derive(Debug, Deserialize)]
pub struct RollbackFields {
    #[serde(default)]
    pub revision: String,
    #[serde(flatten)]
    pub confirm: ConfirmFields,
}

/// `POST …/tasks/{task_id}/stop`.
#[derive(Debug, Deserialize)]
pub struct StopTaskFields {
    #[serde(default)]
    pub reason: String,
    #[serde(flatten)]
    pub confirm: ConfirmFields,
}

#[cfg(test)]
mod tests {
    use super::{ConfirmFields, ScaleForm, StopTaskFields};

    #[test]
    fn flattened_confirmation_fields_arrive_from_urlencoded_bodies() {
        let f: ScaleForm = serde_urlencoded::from_str(
            "desired_count=+3+&confirmed=1&confirm=web&action_id=a-1&allow_large=1&csrf_token=t",
        )
        .unwrap();
        assert_eq!(f.desired_count.trim(), "3");
        assert!(f.confirm.confirmed() && f.confirm.allow_large());
        assert_eq!(f.confirm.typed(), "web");
        assert_eq!(f.confirm.action_id(), "a-1");
    }

    #[test]
    fn absent_fields_are_empty_and_a_fresh_action_id_is_made() {
        let f: StopTaskFields = serde_urlencoded::from_str("").unwrap();
        assert_eq!(f.reason, "");
        assert!(!f.confirm.confirmed());
        assert!(!f.confirm.action_id().is_empty());
        let c: ConfirmFields = serde_urlencoded::from_str("confirmed=0").unwrap();
        assert!(!c.confirmed());
    }

    #[test]
    fn free_text_counts_reach_the_validation() {
        for raw in ["abc", "-1", "1e9", "2.5", ""] {
            let body = serde_urlencoded::to_string([("desired_count", raw)]).unwrap();
            let f: ScaleForm = serde_urlencoded::from_str(&body).unwrap();
            assert_eq!(f.desired_count, raw);
        }
    }

    #[test]
    fn a_repeated_field_does_not_fit() {
        assert!(
            serde_urlencoded::from_str::<ScaleForm>("desired_count=1&desired_count=2").is_err()
        );
    }
}
