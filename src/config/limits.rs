//! Limits on what users can make ecsdeck do at once.

use clap::Args;

/// How many log streams may be followed live at once (each is a poller
/// calling GetLogEvents about once a second).
#[derive(Debug, Clone, Args)]
pub struct TailArgs {
    /// Log streams one user may follow live at once, across all their tabs.
    #[arg(long, env = "ECSDECK_TAIL_MAX_PER_USER", default_value_t = 10)]
    pub tail_max_per_user: usize,

    /// Distinct log streams followed live at once per environment.
    #[arg(long, env = "ECSDECK_TAIL_MAX_TOTAL", default_value_t = 200)]
    pub tail_max_total: usize,
}

impl TailArgs {
    pub fn limits(&self) -> crate::fleet::logs::TailLimits {
        crate::fleet::logs::TailLimits {
            per_user: self.tail_max_per_user,
            total: self.tail_max_total,
        }
    }
}
