//! What the dashboard lets operators change.

use clap::Args;

/// What the dashboard lets operators change.
#[derive(Debug, Clone, Args)]
pub struct ActionArgs {
    /// Hide every action and refuse every change: a look-only dashboard.
    #[arg(long, env = "ECSDECK_READ_ONLY")]
    pub read_only: bool,

    /// Largest desired count a scale form accepts without an explicit
    /// "yes, really" confirmation.
    #[arg(long, env = "ECSDECK_SCALE_CEILING", default_value_t = 100)]
    pub scale_ceiling: u32,

    /// Clusters (glob on `ENV/CLUSTER` or `CLUSTER`) where every action
    /// needs the service name typed to confirm. Clusters tagged
    /// `environment=production` are protected anyway. Repeatable or
    /// comma-separated.
    #[arg(
        long = "protected-cluster",
        env = "ECSDECK_PROTECTED_CLUSTERS",
        value_delimiter = ','
    )]
    pub protected_clusters: Vec<String>,
}

impl ActionArgs {
    pub fn settings(&self) -> crate::state::Settings {
        crate::state::Settings {
            read_only: self.read_only,
            scale_ceiling: self.scale_ceiling,
            protected_clusters: self.protected_clusters.clone(),
            ..crate::state::Settings::default()
        }
    }
}
