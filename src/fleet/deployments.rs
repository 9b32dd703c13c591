//! A service's deployment history (ListServiceDeployments,
//! DescribeServiceDeployments, DescribeServiceRevisions), cached like the
//! service and renewed by the refresher while its page is watched.
//!
//! A finished deployment never changes and a service revision never does:
//! both are remembered by ARN (bounded), so renewing a watched history
//! costs one ListServiceDeployments plus a describe of the deployments
//! still in progress.

use std::sync::Arc;

use super::batch::describe_all;
use super::{Fleet, Fresh, IDLE, MAX_VIEWS};
use crate::aws::{AwsError, DESCRIBE_DEPLOYMENTS_BATCH};
use crate::domain::{ServiceDeployment, ServiceRevision};

/// Deployments read per service, newest first.
pub const DEPLOYMENTS_SHOWN: usize = 20;

/// What the deployments page shows of one service.
#[derive(Clone, Debug, Default)]
pub struct DeploymentHistory {
    /// Newest first, at most `DEPLOYMENTS_SHOWN`.
    pub deployments: Vec<Arc<ServiceDeployment>>,
    /// Every revision those deployments name that ECS could describe.
    pub revisions: Vec<Arc<ServiceRevision>>,
    /// ECS has older deployments than these.
    pub more: bool,
}

impl DeploymentHistory {
    pub fn revision(&self, arn: &str) -> Option<&ServiceRevision> {
        self.revisions
            .iter()
            .find(|r| r.arn == arn)
            .map(|r| r.as_ref())
    }
}

/// Finished deployments and revisions by ARN (they never change).
#[derive(Clone)]
pub(super) struct Memo {
    deployments: moka::sync::Cache<String, Arc<ServiceDeployment>>,
    revisions: moka::sync::Cache<String, Arc<ServiceRevision>>,
}

fn bounded<V: Clone + Send + Sync + 'static>() -> moka::sync::Cache<String, V> {
    moka::sync::Cache::builder()
        .max_capacity(MAX_VIEWS)
        .time_to_idle(IDLE)
        .build()
}

impl Default for Memo {
    fn default() -> Self {
        Self {
            deployments: bounded(),
            revisions: bounded(),
        }
    }
}

fn key(cluster: &str, service: &str) -> String {
    format!("{cluster}/service/{service}/deployments")
}

impl Fleet {
    /// `cluster/service`'s newest deployments with their revisions,
    /// waiting for the first read. A cluster or service the fleet does not
    /// know is answered without any call (and leaves no key behind).
    pub async fn service_deployments(
        &self,
        cluster: &str,
        service: &str,
    ) -> Result<Fresh<Arc<DeploymentHistory>>, AwsError> {
        let svc = self.service(cluster, service).await?.value;
        let cluster = self.cluster(cluster).await?.name;
        let (aws, budget, memo) = (self.aws.clone(), self.budget.clone(), self.memo.clone());
        let (c, s) = (cluster.clone(), svc.name.clone());
        self.deployments
            .get(&key(&cluster, &svc.name), move || {
                let (aws, budget, memo) = (aws.clone(), budget.clone(), memo.clone());
                let (c, s) = (c.clone(), s.clone());
                async move {
                    let mut arns = aws
                        .list_service_deployments(&c, &s, DEPLOYMENTS_SHOWN + 1)
                        .await?;
                    let more = arns.len() > DEPLOYMENTS_SHOWN;
                    arns.truncate(DEPLOYMENTS_SHOWN);
                    let deployments = deployments(&aws, &budget, &memo, &arns).await?;
                    let revisions = revisions(&aws, &budget, &memo, &deployments).await?;
                    Ok(Arc::new(DeploymentHistory {
                        deployments,
                        revisions,
                        more,
                    }))
                }
            })
            .await
    }
}

/// The deployments `arns` names, in their order: finished ones from the
/// memo, the rest described (20 a call, under the budget).
async fn deployments(
    aws: &crate::aws::AwsClients,
    budget: &Arc<tokio::sync::Semaphore>,
    memo: &Memo,
    arns: &[String],
) -> Result<Vec<Arc<ServiceDeployment>>, AwsError> {
    let missing: Vec<String> = arns
        .iter()
        .filter(|a| !memo.deployments.contains_key(*a))
        .cloned()
        .collect();
    let (found, _) = describe_all(&missing, DESCRIBE_DEPLOYMENTS_BATCH, budget, |chunk| {
        aws.describe_service_deployments(chunk)
    })
    .await?;
    let fresh: Vec<Arc<ServiceDeployment>> = found.into_iter().map(Arc::new).collect();
    for d in fresh.iter().filter(|d| d.finished()) {
        memo.deployments.insert(d.arn.clone(), d.clone());
    }
    Ok(arns
        .iter()
        .filter_map(|a| {
            memo.deployments
                .get(a)
                .or_else(|| fresh.iter().find(|d| &d.arn == a).cloned())
        })
        .collect())
}

/// Every revision the deployments name (targets, sources, rollbacks).
async fn revisions(
    aws: &crate::aws::AwsClients,
    budget: &Arc<tokio::sync::Semaphore>,
    memo: &Memo,
    deployments: &[Arc<ServiceDeployment>],
) -> Result<Vec<Arc<ServiceRevision>>, AwsError> {
    let mut arns: Vec<String> = deployments
        .iter()
        .flat_map(|d| {
            d.target_revision
                .iter()
                .chain(d.source_revisions.iter())
                .map(|r| r.arn.clone())
                .chain(d.rollback.iter().filter_map(|r| r.revision_arn.clone()))
        })
        .filter(|a| !a.is_empty())
        .collect();
    arns.sort();
    arns.dedup();
    let missing: Vec<String> = arns
        .iter()
        .filter(|a| !memo.revisions.contains_key(*a))
        .cloned()
        .collect();
    let (found, _) = describe_all(&missing, DESCRIBE_DEPLOYMENTS_BATCH, budget, |chunk| {
        aws.describe_service_revisions(chunk)
    })
    .await?;
    for r in found {
        memo.revisions.insert(r.arn.clone(), Arc::new(r));
    }
    Ok(arns.iter().filter_map(|a| memo.revisions.get(a)).collect())
}
