//! A service's load balancer target groups and their targets' health, for
//! the service and task pages and the service's health roll-up. Cached
//! like the service (refreshed while watched), one DescribeTargetGroups
//! and one DescribeTargetHealth per group a read.

use std::sync::Arc;

use super::{Fleet, Fresh};
use crate::aws::AwsError;
use crate::domain::GroupHealth;

/// Target groups read per service at most (ECS allows 5 per service).
const MAX_GROUPS: usize = 5;

impl Fleet {
    /// The target groups of `service` (from its `loadBalancers`) and their
    /// targets; empty without load balancers (no ELB call).
    pub async fn service_targets(
        &self,
        cluster: &str,
        service: &str,
    ) -> Result<Fresh<Arc<Vec<GroupHealth>>>, AwsError> {
        let svc = self.service(cluster, service).await?;
        let mut arns: Vec<String> = svc
            .value
            .load_balancers
            .iter()
            .map(|lb| lb.target_group_arn.clone())
            .filter(|a| !a.is_empty())
            .collect();
        arns.sort();
        arns.dedup();
        arns.truncate(MAX_GROUPS);
        if arns.is_empty() {
            return Ok(Fresh {
                value: Arc::default(),
                as_of: svc.as_of,
                stale_because: None,
            });
        }
        let aws = self.aws.clone();
        let key = format!("{cluster}/service/{service}/targets");
        self.targets
            .get(&key, move || {
                let (aws, arns) = (aws.clone(), arns.clone());
                async move {
                    let groups = aws.target_groups(&arns).await?;
                    let mut out = Vec::with_capacity(groups.len());
                    for group in groups {
                        let targets = aws.target_health(&group.arn).await?;
                        out.push(GroupHealth { group, targets });
                    }
                    Ok(Arc::new(out))
                }
            })
            .await
    }
}

impl Fleet {
    /// What the load balancers say about one task: its service's groups,
    /// each with only this task's targets (by IP for `ip` groups, by its
    /// container instance's EC2 id for `instance` groups).
    pub async fn task_targets(
        &self,
        cluster: &str,
        task: &crate::domain::Task,
    ) -> Result<Vec<GroupHealth>, AwsError> {
        let Some(service) = task.service_name() else {
            return Ok(Vec::new());
        };
        let groups = self.service_targets(cluster, service).await?.value;
        let ec2_id = if groups.iter().any(|g| g.group.target_type == "instance")
            && !task.container_instance_arn.is_empty()
        {
            self.instances(cluster)
                .await?
                .value
                .iter()
                .find(|i| i.arn == task.container_instance_arn)
                .map(|i| i.ec2_instance_id.clone())
        } else {
            None
        };
        Ok(groups
            .iter()
            .map(|g| {
                let mine = |id: &str| match g.group.target_type.as_str() {
                    "instance" => ec2_id.as_deref() == Some(id),
                    _ => !task.private_ip.is_empty() && task.private_ip == id,
                };
                GroupHealth {
                    group: g.group.clone(),
                    targets: g.targets.iter().filter(|t| mine(&t.id)).cloned().collect(),
                }
            })
            .collect())
    }
}
