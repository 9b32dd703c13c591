//! The command line (clap derive). Every flag has an `ECSDECK_*` environment
//! equivalent so the same settings work in a container.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

mod actions;
pub mod environments;
mod history;
mod limits;
mod serve;

pub use actions::ActionArgs;
pub use limits::{ServerArgs, TailArgs};
pub use serve::ServeArgs;

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
    /// Manage the dashboard's local users (in the state store: --data-dir or --database-url).
    #[command(subcommand)]
    User(UserCommand),
}

/// Settings shared by every command that serves the dashboard.
#[derive(Debug, Clone, Args)]
pub struct WebArgs {
    /// Address the dashboard listens on (port 0 picks a free port).
    #[arg(long, env = "ECSDECK_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    #[command(flatten)]
    pub store: StoreArgs,

    #[command(flatten)]
    pub auth: AuthArgs,

    #[command(flatten)]
    pub actions: ActionArgs,

    /// Share of AWS's published API rate limits ecsdeck may use, in percent
    /// (per ECS action group, per CloudWatch Logs and ECR operation; writes
    /// have their own buckets). The rest is left to everything else in the
    /// account. See docs/architecture.md, "AWS budget".
    #[arg(
        long,
        env = "ECSDECK_AWS_BUDGET",
        value_name = "PERCENT",
        default_value_t = 50,
        value_parser = clap::value_parser!(u8).range(1..=100)
    )]
    pub aws_budget: u8,

    /// Log groups (globs, e.g. `/aws/lambda/*`) users may read beyond
    /// those the services' task definitions log to (their `awslogs-group`),
    /// which are the only ones readable by default. Repeatable or
    /// comma-separated.
    #[arg(
        long = "log-groups",
        env = "ECSDECK_LOG_GROUPS",
        value_name = "PATTERNS",
        value_delimiter = ','
    )]
    pub log_groups: Vec<String>,

    #[command(flatten)]
    pub tail: TailArgs,

    #[command(flatten)]
    pub server: ServerArgs,

    #[command(flatten)]
    pub history: history::HistoryArgs,
}

impl WebArgs {
    /// The behaviour settings these flags describe.
    pub fn settings(&self) -> anyhow::Result<crate::state::Settings> {
        Ok(crate::state::Settings {
            server: self.server.limits()?,
            log_groups: self.log_groups.clone(),
            history_retention: self.history.retention(),
            metrics_token: self.server.metrics_token.clone().filter(|t| !t.is_empty()),
            ..self.actions.settings()
        })
    }

    /// A fresh budget (one per environment) of `--aws-budget`.
    pub fn budget(&self) -> std::sync::Arc<crate::aws::Budget> {
        std::sync::Arc::new(crate::aws::Budget::new(f64::from(self.aws_budget) / 100.0))
    }
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

    /// The AWS region the sandbox is in: every ARN, availability zone
    /// (`REGIONa`…), ECR registry host and log group ARN carries it.
    /// (`ecsdeck demo` stays in us-east-1.)
    #[arg(long, env = "ECSDECK_SANDBOX_REGION", default_value = "us-east-1", value_parser = crate::sandbox::region::Region::parse)]
    pub region: crate::sandbox::region::Region,

    #[command(flatten)]
    pub options: crate::sandbox::SandboxOptions,
}

impl SandboxArgs {
    /// Refuses a bind address off loopback without `--allow-remote`.
    pub fn validate(&self) -> anyhow::Result<()> {
        crate::sandbox::host::check_bind(self.bind, self.options.allow_remote)
            .map_err(anyhow::Error::msg)
    }

    /// The simulator's configuration: the shared options in `--region`.
    pub fn to_config(&self) -> crate::sandbox::SandboxConfig {
        self.options.to_config().with_region(self.region.clone())
    }
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
        /// Read the password from standard input (one line; the newline is stripped).
        #[arg(long, required = true)]
        password_stdin: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// List local users and their roles.
    List {
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Remove a local user and end their sessions.
    Remove {
        name: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Change a user's role (takes effect on their next request).
    SetRole {
        name: String,
        #[arg(value_parser = ["viewer", "operator", "admin"])]
        role: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Set a user's password (ends their sessions).
    SetPassword {
        name: String,
        /// Read the password from standard input (one line; the newline is stripped).
        #[arg(long, required = true)]
        password_stdin: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
}

/// Where ecsdeck keeps its own state: users, sessions, the audit trail.
#[derive(Debug, Clone, Args)]
pub struct StoreArgs {
    /// Directory for the SQLite state store (`ecsdeck.db`, created if missing).
    /// Default: `data` (the demo: a fresh temporary directory).
    #[arg(long, env = "ECSDECK_DATA_DIR")]
    pub data_dir: Option<PathBuf>,

    /// Keep the state in PostgreSQL instead (`postgres://user:password@host/db`), so several
    /// replicas behind a load balancer share users, sessions and the audit trail.
    #[arg(long, env = "ECSDECK_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<crate::store::DatabaseUrl>,
}

impl StoreArgs {
    /// `--data-dir`, or `data`.
    pub fn data_dir(&self) -> PathBuf {
        self.data_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from("data"))
    }
}

/// How people sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuthModeArg {
    /// Local users (`ecsdeck user add`) with passwords, at /login.
    Local,
    /// Behind an Application Load Balancer with OIDC authentication: trust its signed
    /// `x-amzn-oidc-data` header (verified against --alb-arn and the ALB's public keys).
    Alb,
}

/// Sign-in, sessions and roles.
#[derive(Debug, Clone, Args)]
pub struct AuthArgs {
    /// Where users come from.
    #[arg(long = "auth", env = "ECSDECK_AUTH", value_enum, default_value_t = AuthModeArg::Local)]
    pub mode: AuthModeArg,

    /// Send the session cookie over plain HTTP too (no `Secure`, no `__Host-` prefix, no HSTS).
    /// Only for local use without TLS; the demo turns it on.
    #[arg(long, env = "ECSDECK_INSECURE_COOKIES")]
    pub insecure_cookies: bool,

    /// A session unused this long ends (e.g. 30m, 1h, 90s).
    #[arg(long, env = "ECSDECK_SESSION_IDLE_TIMEOUT", default_value = "30m", value_parser = parse_duration)]
    pub session_idle_timeout: std::time::Duration,

    /// A session ends this long after sign-in, however active (e.g. 12h).
    #[arg(long, env = "ECSDECK_SESSION_ABSOLUTE_TIMEOUT", default_value = "12h", value_parser = parse_duration)]
    pub session_absolute_timeout: std::time::Duration,

    /// Limit operators' actions to these ENV/CLUSTER patterns (`*` wildcards; comma-separated
    /// or repeated), e.g. `staging/*`. Default: everywhere. Admins act everywhere.
    #[arg(long, env = "ECSDECK_OPERATOR_SCOPE", value_delimiter = ',')]
    pub operator_scope: Vec<String>,

    /// Take the client address (sign-in limits, audit) from the last X-Forwarded-For entry.
    /// Only behind a load balancer that sets it.
    #[arg(long, env = "ECSDECK_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,

    /// With --auth alb: the load balancer's ARN; tokens signed by anything else are refused.
    #[arg(long, env = "ECSDECK_ALB_ARN")]
    pub alb_arn: Option<String>,

    /// With --auth alb: where the ALB's public keys are, `{region}` and `{kid}` substituted.
    #[arg(long, env = "ECSDECK_ALB_KEY_URL", default_value = crate::auth::alb::AWS_KEY_URL)]
    pub alb_key_url: String,

    /// With --auth alb: who is an admin: e-mail addresses, `*@example.com`, `group:NAME`, `*`.
    #[arg(long, env = "ECSDECK_ALB_ADMINS", value_delimiter = ',')]
    pub alb_admins: Vec<String>,

    /// With --auth alb: who is an operator (same patterns).
    #[arg(long, env = "ECSDECK_ALB_OPERATORS", value_delimiter = ',')]
    pub alb_operators: Vec<String>,

    /// With --auth alb: who is a viewer (same patterns); anyone else is refused.
    #[arg(long, env = "ECSDECK_ALB_VIEWERS", value_delimiter = ',')]
    pub alb_viewers: Vec<String>,

    /// With --auth alb: the claim listing the user's groups.
    #[arg(long, env = "ECSDECK_ALB_GROUPS_CLAIM", default_value = "groups")]
    pub alb_groups_claim: String,

    /// With --auth alb: where sign-out sends the browser (your identity provider's logout URL).
    #[arg(long, env = "ECSDECK_ALB_LOGOUT_URL")]
    pub alb_logout_url: Option<String>,
}

impl AuthArgs {
    /// The auth settings these flags describe.
    pub fn to_config(&self) -> anyhow::Result<crate::auth::AuthConfig> {
        use crate::auth::{AlbConfig, AuthConfig, AuthMode};
        anyhow::ensure!(
            !self.session_idle_timeout.is_zero() && !self.session_absolute_timeout.is_zero(),
            "session timeouts must be longer than zero"
        );
        let mode = match self.mode {
            AuthModeArg::Local => AuthMode::Local,
            AuthModeArg::Alb => {
                let Some(arn) = self.alb_arn.clone() else {
                    anyhow::bail!("--auth alb needs --alb-arn (the load balancer's ARN)");
                };
                if let Some(url) = &self.alb_logout_url {
                    anyhow::ensure!(
                        crate::web::headers::logout_origin(url).is_some(),
                        "--alb-logout-url must be an absolute http(s) URL, not {url:?}"
                    );
                }
                AuthMode::Alb(AlbConfig {
                    signer_arn: arn,
                    key_url: self.alb_key_url.clone(),
                    admins: self.alb_admins.clone(),
                    operators: self.alb_operators.clone(),
                    viewers: self.alb_viewers.clone(),
                    groups_claim: self.alb_groups_claim.clone(),
                    logout_url: self.alb_logout_url.clone(),
                })
            }
        };
        Ok(AuthConfig {
            mode,
            secure_cookies: !self.insecure_cookies,
            idle_timeout: self.session_idle_timeout,
            absolute_timeout: self.session_absolute_timeout,
            operator_scope: self.operator_scope.clone(),
            trust_forwarded_for: self.trust_forwarded_for,
            ..AuthConfig::default()
        })
    }
}

/// `90s`, `30m`, `12h`, `2d` or plain seconds.
pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = num
        .parse()
        .map_err(|_| format!("invalid duration {s:?}: use e.g. 90s, 30m, 12h"))?;
    let secs = match unit.trim() {
        "" | "s" => n,
        "m" | "min" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => return Err(format!("invalid duration {s:?}: use e.g. 90s, 30m, 12h")),
    };
    Ok(std::time::Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo(args: &[&str]) -> Result<DemoArgs, clap::Error> {
        let argv = ["ecsdeck", "demo"].iter().chain(args).copied();
        match Cli::try_parse_from(argv)?.command {
            Command::Demo(d) => Ok(d),
            other => panic!("parsed {other:?}"),
        }
    }

    #[test]
    fn aws_budget_is_a_percentage_defaulting_to_half() {
        assert_eq!(demo(&[]).unwrap().web.aws_budget, 50);
        assert_eq!(demo(&["--aws-budget", "100"]).unwrap().web.aws_budget, 100);
        let budget = demo(&["--aws-budget", "20"]).unwrap().web.budget();
        assert!((budget.fraction() - 0.2).abs() < 1e-9);
        assert!(demo(&["--aws-budget", "0"]).is_err());
        assert!(demo(&["--aws-budget", "101"]).is_err());
    }
}
