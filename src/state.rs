//! Application state shared by every handler (cheap to clone).

use std::sync::Arc;

use crate::aws::AwsClients;
use crate::fleet::Fleet;
use crate::fleet::logs::{TailHub, TailTiming};

/// Product version shown in the footer.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// One AWS account + region the dashboard shows, named in URLs (`/{env}/…`).
#[derive(Clone)]
pub struct Environment {
    pub name: String,
    pub region: String,
    pub aws: AwsClients,
    /// The read model every page reads through.
    pub fleet: Arc<Fleet>,
    /// Live-tail pollers shared by every viewer of a log stream.
    pub tail: Arc<TailHub>,
}

impl Environment {
    pub fn new(name: String, region: String, aws: AwsClients) -> Self {
        let fleet = Arc::new(Fleet::new(aws.clone()));
        let tail = Arc::new(TailHub::new(aws.clone(), TailTiming::default()));
        Self {
            name,
            region,
            aws,
            fleet,
            tail,
        }
    }
}

/// Settings that shape behaviour, fixed at start-up.
#[derive(Clone, Debug, Default)]
pub struct Settings {}

#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub environments: Arc<Vec<Environment>>,
}

impl AppState {
    pub fn new(settings: Settings, environments: Vec<Environment>) -> Self {
        Self {
            settings: Arc::new(settings),
            environments: Arc::new(environments),
        }
    }

    /// The environment named `name`, if configured.
    pub fn environment(&self, name: &str) -> Option<&Environment> {
        self.environments.iter().find(|e| e.name == name)
    }
}
