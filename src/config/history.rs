//! `--history-retention-days`: how long the history recorder keeps what
//! ECS forgets.

use clap::Args;

#[derive(Debug, Clone, Args)]
pub struct HistoryArgs {
    /// Days of history (stopped tasks, service events, deployments) kept
    /// in the state store after ECS forgets them; 0 records nothing.
    #[arg(
        long,
        env = "ECSDECK_HISTORY_RETENTION_DAYS",
        value_name = "DAYS",
        default_value_t = 30,
        value_parser = clap::value_parser!(u16).range(0..=3650)
    )]
    pub history_retention_days: u16,
}

impl HistoryArgs {
    /// The retention, or None when recording is off.
    pub fn retention(&self) -> Option<crate::recorder::Retention> {
        (self.history_retention_days > 0).then(|| {
            crate::recorder::Retention(std::time::Duration::from_secs(
                u64::from(self.history_retention_days) * 86_400,
            ))
        })
    }
}
