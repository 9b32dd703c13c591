//! The environments of `serve --config FILE`: one `Environment` (own SDK
//! config, budget, fleet model and tail hub) per entry of the file, and
//! `protected = true` turned into the per-cluster protection every action
//! already honours.

use std::sync::Arc;

use crate::aws::config::EnvTarget;
use crate::aws::{AwsClients, Budget, RoleSpec};
use crate::config::environments::EnvironmentSpec;
use crate::fleet::logs::TailLimits;
use crate::state::{Environment, Settings};

/// What every environment of the file shares.
#[derive(Clone, Debug)]
pub struct EnvOptions {
    /// `--aws-budget` as a fraction: each environment gets its own buckets
    /// of that share (AWS's limits are per account and region).
    pub budget_fraction: f64,
    pub tail: TailLimits,
    /// Fixed credentials instead of the default chain: for environments
    /// that all point at sandboxes (tests), where any credentials work.
    pub fixed_credentials: bool,
}

/// One environment per spec, in the file's order. Nothing here calls AWS:
/// credentials are resolved (and roles assumed) on the first call.
pub async fn build(specs: &[EnvironmentSpec], opts: &EnvOptions) -> Vec<Environment> {
    let mut envs = Vec::with_capacity(specs.len());
    for spec in specs {
        let budget = Arc::new(Budget::new(opts.budget_fraction));
        let target = EnvTarget {
            region: spec.region.clone(),
            profile: spec.profile.clone(),
            endpoint_url: spec.endpoint_url.clone(),
            fixed_credentials: opts.fixed_credentials,
        };
        let sdk = crate::aws::config::env_sdk_config(&target, budget.clone()).await;
        let aws = match &spec.role_arn {
            Some(arn) => {
                let role = RoleSpec {
                    arn: arn.clone(),
                    external_id: spec.external_id.clone(),
                };
                AwsClients::assuming(&sdk, budget, role).await
            }
            None => AwsClients::new(&sdk, budget),
        };
        envs.push(
            Environment::new(spec.name.clone(), spec.region.clone(), aws)
                .with_tail_limits(opts.tail),
        );
    }
    envs
}

/// Every cluster of a `protected = true` environment needs the service
/// name typed before an action (`ENV/*` among `--protected-cluster`).
pub fn protect(settings: &mut Settings, specs: &[EnvironmentSpec]) {
    for spec in specs.iter().filter(|s| s.protected) {
        settings.protected_clusters.push(format!("{}/*", spec.name));
    }
}
