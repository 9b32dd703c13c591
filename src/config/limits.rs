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

    /// CloudWatch Logs Live Tail sessions held at once per environment
    /// (one per followed log group, shared by all its viewers; the account
    /// allows 15). 0 = always poll GetLogEvents.
    #[arg(long, env = "ECSDECK_LIVE_TAIL_SESSIONS", default_value_t = 5)]
    pub live_tail_sessions: usize,
}

impl TailArgs {
    pub fn limits(&self) -> crate::fleet::logs::TailLimits {
        crate::fleet::logs::TailLimits {
            per_user: self.tail_max_per_user,
            total: self.tail_max_total,
            live_sessions: self.live_tail_sessions,
        }
    }
}

/// The dashboard server's own limits (see `server::ServerLimits`).
#[derive(Debug, Clone, Args)]
pub struct ServerArgs {
    /// A client must send a request's headers within this long, or the
    /// connection is closed (e.g. 10s).
    #[arg(long, env = "ECSDECK_HEADER_READ_TIMEOUT", default_value = "10s", value_parser = super::parse_duration)]
    pub header_read_timeout: std::time::Duration,

    /// Pages and actions answer 408 past this (the live tail and log
    /// downloads stream on).
    #[arg(long, env = "ECSDECK_REQUEST_TIMEOUT", default_value = "60s", value_parser = super::parse_duration)]
    pub request_timeout: std::time::Duration,

    /// Connections open at once; more wait until one closes.
    #[arg(long, env = "ECSDECK_MAX_CONNECTIONS", default_value_t = 1024)]
    pub max_connections: usize,

    /// `/metrics` answers only requests with `Authorization: Bearer TOKEN`
    /// (401 otherwise); without it, anyone who reaches the port may scrape.
    #[arg(long, env = "ECSDECK_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
}

impl ServerArgs {
    pub fn limits(&self) -> anyhow::Result<crate::server::ServerLimits> {
        anyhow::ensure!(
            !self.header_read_timeout.is_zero() && !self.request_timeout.is_zero(),
            "--header-read-timeout and --request-timeout must be longer than zero"
        );
        anyhow::ensure!(
            self.max_connections > 0,
            "--max-connections must be at least 1"
        );
        Ok(crate::server::ServerLimits {
            header_read_timeout: self.header_read_timeout,
            request_timeout: self.request_timeout,
            max_connections: self.max_connections,
        })
    }
}
