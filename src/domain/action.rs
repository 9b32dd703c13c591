//! The actions that change production. One enum names each of them for the
//! route table, the guard, the audit trail and the audit page's filter, so
//! the name a refusal is audited under is the name the filter selects.

use std::fmt;

/// One kind of change ecsdeck can make.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Scale,
    Redeploy,
    DeployImage,
    Rollback,
    StopDeployment,
    StopTask,
    /// RegisterScalableTarget: the service's autoscaling min/max.
    Capacity,
}

impl Action {
    /// Every action, in the order the audit filter lists them.
    pub const ALL: [Action; 7] = [
        Action::Scale,
        Action::Redeploy,
        Action::DeployImage,
        Action::Rollback,
        Action::StopDeployment,
        Action::StopTask,
        Action::Capacity,
    ];

    /// The name in the audit trail (and the audit page's `action=` filter).
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Scale => "scale",
            Action::Redeploy => "redeploy",
            Action::DeployImage => "deploy-image",
            Action::Rollback => "rollback",
            Action::StopDeployment => "stop-deployment",
            Action::StopTask => "stop-task",
            Action::Capacity => "capacity",
        }
    }

    /// A human name, for the audit page's filter.
    pub fn label(self) -> &'static str {
        match self {
            Action::Scale => "Scale",
            Action::Redeploy => "Redeploy",
            Action::DeployImage => "Deploy image",
            Action::Rollback => "Roll back",
            Action::StopDeployment => "Stop deployment",
            Action::StopTask => "Stop task",
            Action::Capacity => "Autoscaling min/max",
        }
    }

    /// The last path segment the action's form is posted to: after the
    /// service (`…/services/{service}/scale`) or, for [`Action::StopTask`],
    /// after the task (`…/tasks/{task_id}/stop`).
    pub fn segment(self) -> &'static str {
        match self {
            Action::StopTask => "stop",
            other => other.as_str(),
        }
    }

    /// Whether the action acts on a task (else on a service).
    pub fn on_task(self) -> bool {
        self == Action::StopTask
    }

    /// The action whose audit name is `name`.
    pub fn parse(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == name)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Action;

    #[test]
    fn names_round_trip_and_are_distinct() {
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(a));
        }
        let mut names: Vec<_> = Action::ALL.iter().map(|a| a.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Action::ALL.len());
        assert_eq!(Action::parse("stop"), None, "a URL segment is not a name");
        assert_eq!(Action::StopTask.as_str(), "stop-task");
        assert_eq!(Action::StopTask.segment(), "stop");
    }
}
