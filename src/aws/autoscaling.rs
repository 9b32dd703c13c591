//! Application Auto Scaling of ECS services (AWS JSON 1.1): a service's
//! scalable target, policies, scheduled actions and recent activities, and
//! RegisterScalableTarget for an operator's new min/max.

use aws_sdk_applicationautoscaling::types::{
    PolicyType, ScalableDimension, ScalingPolicy as SdkPolicy, ServiceNamespace,
};
use futures::TryFutureExt;

use super::clients::AwsClients;
use super::convert::ts;
use super::error::{AwsError, classify};
use crate::domain::{
    Autoscaling, Capacity, PolicyRule, ScalingActivity, ScalingPolicy, ScheduledAction,
};

/// Recent scaling activities read per service (one page).
pub const RECENT_ACTIVITIES: i32 = 10;
/// Policies and scheduled actions read per service (one page of 50).
const PAGE: i32 = 50;

fn resource_id(cluster: &str, service: &str) -> String {
    format!("service/{cluster}/{service}")
}

fn policy(p: &SdkPolicy) -> ScalingPolicy {
    let rule = match p.policy_type() {
        PolicyType::TargetTrackingScaling => {
            let c = p.target_tracking_scaling_policy_configuration();
            PolicyRule::TargetTracking {
                metric: c
                    .and_then(|c| c.predefined_metric_specification())
                    .map(|m| m.predefined_metric_type().as_str().to_string())
                    .or_else(|| {
                        c.and_then(|c| c.customized_metric_specification())
                            .and_then(|m| m.metric_name())
                            .map(str::to_string)
                    })
                    .unwrap_or_default(),
                target: c.map_or(0.0, |c| c.target_value()),
                scale_out_cooldown_s: c.and_then(|c| c.scale_out_cooldown()),
                scale_in_cooldown_s: c.and_then(|c| c.scale_in_cooldown()),
                scale_in_disabled: c.and_then(|c| c.disable_scale_in()).unwrap_or(false),
            }
        }
        PolicyType::StepScaling => {
            let c = p.step_scaling_policy_configuration();
            PolicyRule::StepScaling {
                adjustment_type: c
                    .and_then(|c| c.adjustment_type())
                    .map_or("", |a| a.as_str())
                    .to_string(),
                steps: c
                    .map(|c| {
                        c.step_adjustments()
                            .iter()
                            .map(|s| {
                                (
                                    s.metric_interval_lower_bound(),
                                    s.metric_interval_upper_bound(),
                                    s.scaling_adjustment(),
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                cooldown_s: c.and_then(|c| c.cooldown()),
            }
        }
        other => PolicyRule::Other(other.as_str().to_string()),
    };
    ScalingPolicy {
        name: p.policy_name().to_string(),
        rule,
        alarms: p
            .alarms()
            .iter()
            .map(|a| a.alarm_name().to_string())
            .collect(),
    }
}

impl AwsClients {
    /// What autoscaling holds for `cluster/service`: one
    /// DescribeScalableTargets, and for a scalable target one page each of
    /// its policies, scheduled actions and latest activities.
    pub async fn service_autoscaling(
        &self,
        cluster: &str,
        service: &str,
    ) -> Result<Autoscaling, AwsError> {
        let id = resource_id(cluster, service);
        let targets = self
            .autoscaling
            .describe_scalable_targets()
            .service_namespace(ServiceNamespace::Ecs)
            .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
            .resource_ids(&id)
            .send()
            .await
            .map_err(classify)?;
        let Some(target) = targets
            .scalable_targets()
            .iter()
            .find(|t| t.resource_id() == id)
        else {
            return Ok(Autoscaling::default());
        };
        let capacity = Capacity {
            min: target.min_capacity(),
            max: target.max_capacity(),
        };
        // The three reads are independent: one round trip, not three.
        let (policies, scheduled, activities) = tokio::try_join!(
            self.autoscaling
                .describe_scaling_policies()
                .service_namespace(ServiceNamespace::Ecs)
                .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
                .resource_id(&id)
                .max_results(PAGE)
                .send()
                .map_err(classify),
            self.autoscaling
                .describe_scheduled_actions()
                .service_namespace(ServiceNamespace::Ecs)
                .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
                .resource_id(&id)
                .max_results(PAGE)
                .send()
                .map_err(classify),
            self.autoscaling
                .describe_scaling_activities()
                .service_namespace(ServiceNamespace::Ecs)
                .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
                .resource_id(&id)
                .max_results(RECENT_ACTIVITIES)
                .send()
                .map_err(classify),
        )?;
        Ok(Autoscaling {
            target: Some(capacity),
            policies: policies.scaling_policies().iter().map(policy).collect(),
            scheduled: scheduled
                .scheduled_actions()
                .iter()
                .map(|a| ScheduledAction {
                    name: a.scheduled_action_name().to_string(),
                    schedule: a.schedule().to_string(),
                    timezone: a.timezone().unwrap_or("UTC").to_string(),
                    min: a.scalable_target_action().and_then(|t| t.min_capacity()),
                    max: a.scalable_target_action().and_then(|t| t.max_capacity()),
                })
                .collect(),
            activities: activities
                .scaling_activities()
                .iter()
                .map(|a| ScalingActivity {
                    description: a.description().to_string(),
                    cause: a.cause().to_string(),
                    status: a.status_code().as_str().to_string(),
                    message: a.status_message().unwrap_or_default().to_string(),
                    start: ts(Some(a.start_time())),
                })
                .collect(),
        })
    }

    /// RegisterScalableTarget: `cluster/service` scales between `min` and
    /// `max` tasks.
    pub async fn register_scalable_target(
        &self,
        cluster: &str,
        service: &str,
        capacity: Capacity,
    ) -> Result<(), AwsError> {
        self.autoscaling
            .register_scalable_target()
            .service_namespace(ServiceNamespace::Ecs)
            .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
            .resource_id(resource_id(cluster, service))
            .min_capacity(capacity.min)
            .max_capacity(capacity.max)
            .send()
            .await
            .map_err(classify)?;
        Ok(())
    }
}
