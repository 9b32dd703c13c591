//! `ecsdeck serve`'s own flags: one environment from the ambient AWS
//! settings, or several from an environments file (`--config`).

use std::path::PathBuf;

use clap::Args;

use super::WebArgs;

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub web: WebArgs,

    /// AWS region to operate in (default: AWS_REGION / the profile's region).
    #[arg(long, env = "ECSDECK_REGION")]
    pub region: Option<String>,

    /// Send AWS calls to this endpoint instead of AWS (also honours AWS_ENDPOINT_URL).
    #[arg(long, env = "ECSDECK_ENDPOINT_URL")]
    pub endpoint_url: Option<String>,

    /// Name shown for this account/region in URLs and the header (default: the region).
    #[arg(long, env = "ECSDECK_ENVIRONMENT")]
    pub environment: Option<String>,

    /// An environments file (TOML) listing several accounts and regions,
    /// each with its region, optional profile, role to assume, endpoint and
    /// protection. Replaces --region, --endpoint-url and --environment.
    #[arg(
        long,
        env = "ECSDECK_CONFIG",
        value_name = "PATH",
        conflicts_with_all = ["region", "endpoint_url", "environment"]
    )]
    pub config: Option<PathBuf>,
}
