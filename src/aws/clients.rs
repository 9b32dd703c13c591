//! The SDK clients of one environment, built once and shared by clone.

use std::sync::Arc;

use aws_config::SdkConfig;
use aws_credential_types::provider::SharedCredentialsProvider;

use super::budget::Budget;
use super::readiness::ReadinessCache;

/// ECS, ECR, CloudWatch Logs, CloudWatch, ELBv2 and Application Auto Scaling clients for one account and region.
/// Cloning is cheap (the SDK clients are reference-counted).
#[derive(Clone, Debug)]
pub struct AwsClients {
    pub(crate) ecs: aws_sdk_ecs::Client,
    pub(crate) ecr: aws_sdk_ecr::Client,
    pub(crate) logs: aws_sdk_cloudwatchlogs::Client,
    pub(crate) cloudwatch: aws_sdk_cloudwatch::Client,
    pub(crate) elb: aws_sdk_elasticloadbalancingv2::Client,
    pub(crate) autoscaling: aws_sdk_applicationautoscaling::Client,
    budget: Arc<Budget>,
    /// The config's credentials, resolved by `readiness` (`/readyz`).
    pub(crate) credentials: Option<SharedCredentialsProvider>,
    pub(crate) readiness: Arc<ReadinessCache>,
    /// The endpoint URL is a loopback address (see `logs_live`).
    pub(crate) local_endpoint: bool,
    /// With a role to assume: the per-user sessions actions run with
    /// (`for_user`, in `assume.rs`).
    pub(crate) users: Option<Arc<super::assume::UserSessions>>,
}

impl AwsClients {
    /// Clients from `config`, which must spend `budget` (the one passed to
    /// `sandbox_sdk_config` or `load_sdk_config`): kept here for its usage
    /// counters.
    pub fn new(config: &SdkConfig, budget: Arc<Budget>) -> Self {
        Self {
            ecs: aws_sdk_ecs::Client::new(config),
            ecr: aws_sdk_ecr::Client::new(config),
            logs: aws_sdk_cloudwatchlogs::Client::new(config),
            cloudwatch: aws_sdk_cloudwatch::Client::new(config),
            elb: aws_sdk_elasticloadbalancingv2::Client::new(config),
            autoscaling: aws_sdk_applicationautoscaling::Client::new(config),
            budget,
            credentials: config.credentials_provider(),
            readiness: Arc::default(),
            local_endpoint: super::logs_live::is_local_endpoint(config.endpoint_url()),
            users: None,
        }
    }

    /// The token buckets every call of these clients spends.
    pub fn budget(&self) -> &Arc<Budget> {
        &self.budget
    }
}
