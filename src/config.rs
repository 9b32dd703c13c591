//! The command line (clap derive). Every flag has an `ECSDECK_*` environment
//! equivalent so the same settings work in a container.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "ecsdeck",
    version,
    about = "A web dashboard for operating Amazon ECS",
    long_about = "ecsdeck serves a web dashboard for Amazon ECS: cluster health at a glance, \
services, deployments, tasks, task definitions, ECR images and container logs, with audited \
forms to scale, redeploy, deploy an image and roll back.\n\n\
Start with `ecsdeck demo` to try it on a simulated fleet; use `ecsdeck serve` for a real AWS account."
)]
pub struct Cli {
    /// Log output format: `text` for people, `json` for log pipelines.
    #[arg(long, global = true, env = "ECSDECK_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the dashboard against real AWS.
    ///
    /// Credentials come from the standard AWS chain (AWS_PROFILE, SSO, the ECS task role,
    /// instance metadata); the region from --region or the usual AWS settings.
    Serve(ServeArgs),
    /// Try ecsdeck: start the simulated fleet and the dashboard against it.
    ///
    /// Prints the dashboard URL and the sandbox endpoint, so the AWS CLI can be pointed at
    /// the very fleet the dashboard shows.
    Demo(DemoArgs),
    /// Run the AWS-compatible ECS/ECR/CloudWatch Logs simulator alone.
    ///
    /// Point any AWS SDK or the AWS CLI at it with --endpoint-url; any credentials work.
    Sandbox(SandboxArgs),
    /// Manage the dashboard's local users (stored under --data-dir).
    #[command(subcommand)]
    User(UserCommand),
}

/// Settings shared by every command that serves the dashboard.
#[derive(Debug, Clone, Args)]
pub struct WebArgs {
    /// Address the dashboard listens on (port 0 picks a free port).
    #[arg(long, env = "ECSDECK_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// Directory for ecsdeck's own state (users, sessions, audit trail).
    #[arg(long, env = "ECSDECK_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
}

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
}

#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub web: WebArgs,

    /// Address of the embedded sandbox (default: a free loopback port).
    #[arg(long, env = "ECSDECK_SANDBOX_BIND", default_value = "127.0.0.1:0")]
    pub sandbox_bind: SocketAddr,

    #[command(flatten)]
    pub sandbox: crate::sandbox::SandboxOptions,
}

#[derive(Debug, Clone, Args)]
pub struct SandboxArgs {
    /// Address the simulator listens on (port 0 picks a free port).
    #[arg(long, env = "ECSDECK_SANDBOX_BIND", default_value = "127.0.0.1:4510")]
    pub bind: SocketAddr,

    #[command(flatten)]
    pub options: crate::sandbox::SandboxOptions,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a local user.
    Add {
        /// Sign-in name.
        name: String,
        /// What the user may do: viewer (look), operator (act), admin (manage users, audit).
        #[arg(long, value_parser = ["viewer", "operator", "admin"])]
        role: String,
        /// Read the password from standard input (one line).
        #[arg(long)]
        password_stdin: bool,
        #[arg(long, env = "ECSDECK_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
    },
    /// List local users and their roles.
    List {
        #[arg(long, env = "ECSDECK_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
    },
    /// Remove a local user and end their sessions.
    Remove {
        name: String,
        #[arg(long, env = "ECSDECK_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
    },
}
