//! Small things every screen needs: the environment from the URL, the
//! freshness line, links to the AWS console.

use crate::domain::Timestamp;
use crate::error::AppError;
use crate::fleet::Fresh;
use crate::state::{AppState, Environment};

/// Seconds between htmx refreshes of live fragments.
pub const POLL_SECONDS: u32 = 5;

/// The environment named in the URL, or a 404 that says so.
pub fn environment<'a>(state: &'a AppState, name: &str) -> Result<&'a Environment, AppError> {
    state
        .environment(name)
        .ok_or_else(|| AppError::NotFound(format!("There is no environment named {name}.")))
}

/// "as of" line data: when AWS produced what the page shows and, if it is
/// an older copy, why.
#[derive(Clone, Debug)]
pub struct Freshness {
    pub as_of: Timestamp,
    pub stale: Option<String>,
}

impl Freshness {
    pub fn of<V>(fresh: &Fresh<V>) -> Self {
        Self {
            as_of: fresh.as_of,
            stale: fresh.stale_because.as_ref().map(|e| {
                format!(
                    "Showing data from before the last refresh failed: {} ({}).",
                    e.message(),
                    e.code()
                )
            }),
        }
    }

    pub fn now() -> Self {
        Self {
            as_of: Timestamp::now(),
            stale: None,
        }
    }
}

/// Links to the same resource in the AWS console.
pub struct Console<'a> {
    pub region: &'a str,
}

impl Console<'_> {
    fn base(&self) -> String {
        format!("https://{r}.console.aws.amazon.com/ecs/v2", r = self.region)
    }

    pub fn clusters(&self) -> String {
        format!("{}/clusters?region={}", self.base(), self.region)
    }

    pub fn tasks(&self, cluster: &str) -> String {
        format!(
            "{}/clusters/{cluster}/tasks?region={}",
            self.base(),
            self.region
        )
    }

    pub fn family(&self, family: &str) -> String {
        format!(
            "{}/task-definitions/{family}?region={}",
            self.base(),
            self.region
        )
    }

    pub fn repositories(&self) -> String {
        format!(
            "https://{r}.console.aws.amazon.com/ecr/private-registry/repositories?region={r}",
            r = self.region
        )
    }

    pub fn cluster(&self, cluster: &str) -> String {
        format!(
            "{}/clusters/{cluster}/services?region={}",
            self.base(),
            self.region
        )
    }

    pub fn service(&self, cluster: &str, service: &str) -> String {
        format!(
            "{}/clusters/{cluster}/services/{service}/health?region={}",
            self.base(),
            self.region
        )
    }

    pub fn task(&self, cluster: &str, task_id: &str) -> String {
        format!(
            "{}/clusters/{cluster}/tasks/{task_id}/configuration?region={}",
            self.base(),
            self.region
        )
    }

    pub fn task_definition(&self, family: &str, revision: i32) -> String {
        format!(
            "{}/task-definitions/{family}/{revision}/containers?region={}",
            self.base(),
            self.region
        )
    }

    pub fn repository(&self, account: &str, name: &str) -> String {
        format!(
            "https://{r}.console.aws.amazon.com/ecr/repositories/private/{account}/{name}?region={r}",
            r = self.region
        )
    }
}
