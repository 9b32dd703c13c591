//! The SDK clients of one environment, built once and shared by clone.

use aws_config::SdkConfig;

/// ECS, ECR and CloudWatch Logs clients for one account and region.
/// Cloning is cheap (the SDK clients are reference-counted).
#[derive(Clone, Debug)]
pub struct AwsClients {
    pub(crate) ecs: aws_sdk_ecs::Client,
    pub(crate) ecr: aws_sdk_ecr::Client,
    pub(crate) logs: aws_sdk_cloudwatchlogs::Client,
}

impl AwsClients {
    pub fn new(config: &SdkConfig) -> Self {
        Self {
            ecs: aws_sdk_ecs::Client::new(config),
            ecr: aws_sdk_ecr::Client::new(config),
            logs: aws_sdk_cloudwatchlogs::Client::new(config),
        }
    }
}
