//! Elastic Load Balancing v2: the target groups services register with and
//! their targets' health (AWS query protocol).

use super::clients::AwsClients;
use super::convert::s;
use super::error::{AwsError, classify};
use crate::domain::{HealthCheckConfig, TargetGroup, TargetHealth};

/// Target group ARNs one DescribeTargetGroups call takes at most.
pub const DESCRIBE_TARGET_GROUPS_BATCH: usize = 20;

impl AwsClients {
    /// The target groups `arns` (at most `DESCRIBE_TARGET_GROUPS_BATCH`).
    pub async fn target_groups(&self, arns: &[String]) -> Result<Vec<TargetGroup>, AwsError> {
        if arns.is_empty() {
            return Ok(Vec::new());
        }
        let out = self
            .elb
            .describe_target_groups()
            .set_target_group_arns(Some(
                arns.iter()
                    .take(DESCRIBE_TARGET_GROUPS_BATCH)
                    .cloned()
                    .collect(),
            ))
            .send()
            .await
            .map_err(classify)?;
        Ok(out
            .target_groups()
            .iter()
            .map(|g| TargetGroup {
                arn: s(g.target_group_arn()),
                name: s(g.target_group_name()),
                protocol: g.protocol().map_or("", |p| p.as_str()).to_string(),
                port: g.port(),
                target_type: g.target_type().map_or("", |t| t.as_str()).to_string(),
                health_check: HealthCheckConfig {
                    protocol: g
                        .health_check_protocol()
                        .map_or("", |p| p.as_str())
                        .to_string(),
                    port: s(g.health_check_port()),
                    path: s(g.health_check_path()),
                    interval_s: g.health_check_interval_seconds().unwrap_or_default(),
                    timeout_s: g.health_check_timeout_seconds().unwrap_or_default(),
                    healthy_threshold: g.healthy_threshold_count().unwrap_or_default(),
                    unhealthy_threshold: g.unhealthy_threshold_count().unwrap_or_default(),
                    matcher: s(g.matcher().and_then(|m| m.http_code())),
                },
                load_balancer_arns: g.load_balancer_arns().to_vec(),
            })
            .collect())
    }

    /// Every target of `group` and its health.
    pub async fn target_health(&self, group: &str) -> Result<Vec<TargetHealth>, AwsError> {
        let out = self
            .elb
            .describe_target_health()
            .target_group_arn(group)
            .send()
            .await
            .map_err(classify)?;
        Ok(out
            .target_health_descriptions()
            .iter()
            .map(|d| {
                let target = d.target();
                let health = d.target_health();
                TargetHealth {
                    id: s(target.and_then(|t| t.id())),
                    port: target.and_then(|t| t.port()),
                    availability_zone: s(target.and_then(|t| t.availability_zone())),
                    state: health
                        .and_then(|h| h.state())
                        .map_or("", |v| v.as_str())
                        .to_string(),
                    reason: health
                        .and_then(|h| h.reason())
                        .map_or("", |v| v.as_str())
                        .to_string(),
                    description: s(health.and_then(|h| h.description())),
                }
            })
            .collect())
    }
}
