//! CloudWatch metric alarms: DescribeAlarms, 100 a page, keeping those
//! whose dimensions name an ECS cluster.

use super::clients::AwsClients;
use super::convert::{s, ts};
use super::error::{AwsError, classify};
use crate::domain::{Alarm, AlarmState};

/// Alarms read at most (100 pages): an account's quota is 5,000 by default.
pub const MAX_ALARMS: usize = 10_000;

impl AwsClients {
    /// Every metric alarm on an ECS cluster or service (dimension
    /// `ClusterName`), at most `MAX_ALARMS` scanned.
    pub async fn ecs_alarms(&self) -> Result<Vec<Alarm>, AwsError> {
        let mut pages = self
            .cloudwatch
            .describe_alarms()
            .max_records(100)
            .into_paginator()
            .send();
        let mut out = Vec::new();
        let mut scanned = 0;
        while let Some(page) = pages.next().await {
            let page = page.map_err(classify)?;
            for a in page.metric_alarms() {
                scanned += 1;
                let dim = |name: &str| {
                    a.dimensions()
                        .iter()
                        .find(|d| d.name() == Some(name))
                        .and_then(|d| d.value())
                        .map(str::to_string)
                };
                let cluster = dim("ClusterName");
                if cluster.is_none() {
                    continue;
                }
                out.push(Alarm {
                    name: s(a.alarm_name()),
                    arn: s(a.alarm_arn()),
                    description: s(a.alarm_description()),
                    state: AlarmState::parse(a.state_value().map_or("", |v| v.as_str())),
                    reason: s(a.state_reason()),
                    since: ts(a.state_updated_timestamp()),
                    namespace: s(a.namespace()),
                    metric: s(a.metric_name()),
                    statistic: a.statistic().map_or("", |v| v.as_str()).to_string(),
                    threshold: a.threshold(),
                    comparison: a
                        .comparison_operator()
                        .map_or("", |v| v.as_str())
                        .to_string(),
                    cluster,
                    service: dim("ServiceName"),
                });
            }
            if scanned >= MAX_ALARMS {
                break;
            }
        }
        Ok(out)
    }
}
