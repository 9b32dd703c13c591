//! Building the shared `SdkConfig` with explicit timeouts, standard retries
//! and the environment's `Budget` spent by every request attempt.

use std::sync::Arc;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};

use super::budget::Budget;
use super::budgeted_client::BudgetedClient;

/// Account id the sandbox pretends to be.
pub const SANDBOX_ACCOUNT_ID: &str = "123456789012";
/// Region the sandbox pretends to be in.
pub const SANDBOX_REGION: &str = "us-east-1";

/// Timeouts of the network itself. The SDK's operation and attempt
/// timeouts would also count the wait for the AWS budget's token, so they
/// are left unset: `BudgetedClient` times each attempt from when it is
/// sent (`ATTEMPT_TIMEOUT`) and bounds the wait for a token
/// (`MAX_BUDGET_WAIT`); with three attempts an operation is bounded too.
pub fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(3))
        .read_timeout(Duration::from_secs(10))
        .build()
}

/// Standard retry mode with three attempts. Each attempt takes a token from
/// the budget; throttling errors back off with the standard retry
/// strategy's exponential backoff and its retry quota, and nothing in
/// ecsdeck retries on top of it.
pub fn retries() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(3)
}

/// Config for talking to a sandbox at `endpoint` (any credentials work
/// there), every attempt spending `budget`.
pub async fn sandbox_sdk_config(endpoint: &str, budget: Arc<Budget>) -> SdkConfig {
    let creds = sandbox_credentials();
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(SANDBOX_REGION))
        .endpoint_url(endpoint)
        .credentials_provider(creds)
        .timeout_config(timeouts())
        .retry_config(retries())
        .http_client(BudgetedClient::new(budget))
        .load()
        .await
}

/// Where one environment's calls go and as whom (from the environments
/// file): its region, a profile of the shared AWS files, an endpoint.
#[derive(Clone, Debug, Default)]
pub struct EnvTarget {
    pub region: String,
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
    /// The sandbox's fixed credentials instead of the default chain (any
    /// credentials work there; tests never reach for a real identity).
    pub fixed_credentials: bool,
}

/// Config for one environment of the environments file: the default
/// credential chain (or `profile`'s), its region and endpoint, our timeouts
/// and retries, every attempt spending `budget`.
pub async fn env_sdk_config(target: &EnvTarget, budget: Arc<Budget>) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(target.region.clone()))
        .timeout_config(timeouts())
        .retry_config(retries())
        .http_client(BudgetedClient::new(budget));
    if let Some(profile) = &target.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(url) = &target.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if target.fixed_credentials {
        loader = loader.credentials_provider(sandbox_credentials());
    }
    loader.load().await
}

fn sandbox_credentials() -> aws_credential_types::Credentials {
    aws_credential_types::Credentials::new(
        "AKIDSANDBOX",
        "sandbox-secret",
        None,
        None,
        "ecsdeck-sandbox",
    )
}

/// Config for real AWS: the default credential chain and region, with our
/// timeouts and retries, every attempt spending `budget`. `endpoint_url`
/// overrides the endpoint (the SDK also honours `AWS_ENDPOINT_URL` by
/// itself).
pub async fn load_sdk_config(
    region: Option<String>,
    endpoint_url: Option<String>,
    budget: Arc<Budget>,
) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .timeout_config(timeouts())
        .retry_config(retries())
        .http_client(BudgetedClient::new(budget));
    if let Some(region) = region {
        loader = loader.region(Region::new(region));
    }
    if let Some(url) = endpoint_url {
        loader = loader.endpoint_url(url);
    }
    loader.load().await
}
