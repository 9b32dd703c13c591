//! Past deployments of seeded services, as ListServiceDeployments reports
//! them: successes, circuit-breaker and alarm rollbacks, each with its
//! strategy, final lifecycle stage and source → target revisions.

use super::builder::Seeder;
use crate::sandbox::ecs::model::{Deployment, DeploymentConfig};
use crate::sandbox::ecs::rollout;

const DAY: f64 = 86_400_000.0;
const MINUTE: i64 = 60_000;

/// How a past deployment ended.
#[derive(Clone, Copy)]
pub enum Outcome {
    Success,
    /// The circuit breaker rolled it back to the previous revision.
    Breaker,
    /// This CloudWatch alarm went into ALARM and rolled it back.
    Alarm(&'static str),
}

/// One past deployment: its task definition ARN, when, how long it ran.
pub struct Past<'a> {
    pub td: &'a str,
    pub days_ago: f64,
    pub minutes: i64,
    pub outcome: Outcome,
}

fn finished(
    id: String,
    td: &str,
    config: &DeploymentConfig,
    created: i64,
    ended: i64,
    sources: Vec<String>,
) -> Deployment {
    Deployment {
        id: id.clone(),
        status: "INACTIVE".to_string(),
        task_definition: td.to_string(),
        desired: 0,
        failed_tasks: 0,
        created_ms: created,
        updated_ms: ended,
        finished_ms: Some(ended),
        rollout_state: "COMPLETED".to_string(),
        rollout_reason: format!("ECS deployment {id} completed."),
        launch_type: String::new(),
        network: None,
        sd_status: "SUCCESSFUL".to_string(),
        sd_reason: None,
        sources,
        rollback_of: None,
        breaker_triggered: false,
        config: config.clone(),
        stage: "CLEAN_UP".to_string(),
        stage_ms: ended - MINUTE,
        triggered_alarms: Vec::new(),
    }
}

impl Seeder<'_> {
    /// Gives `cluster/service` (already seeded) the deployments `past`
    /// (oldest first) before its current one.
    pub fn past_deployments(&mut self, cluster: &str, service: &str, past: &[Past<'_>]) {
        let now = self.now;
        let ecs = &mut self.world.ecs;
        let Some(svc) = ecs
            .clusters
            .get_mut(cluster)
            .and_then(|c| c.services.get_mut(service))
        else {
            return;
        };
        let config = svc.deployment_config.clone();
        let (launch, network) = (svc.launch_type.clone(), svc.network.clone());
        let mut good: Option<(String, String)> = None;
        for p in past {
            let created = now - (p.days_ago * DAY) as i64;
            let ended = created + p.minutes * MINUTE;
            let id = rollout::deployment_id(&mut ecs.rng);
            let sources: Vec<String> = good.iter().map(|(g, _)| g.clone()).collect();
            let mut d = finished(id.clone(), p.td, &config, created, ended, sources);
            d.launch_type = launch.clone();
            d.network = network.clone();
            let reason = match p.outcome {
                Outcome::Success => {
                    good = Some((id, p.td.to_string()));
                    svc.history.push(d);
                    continue;
                }
                Outcome::Breaker => {
                    d.breaker_triggered = true;
                    d.failed_tasks = 3;
                    d.stage = "SCALE_UP".to_string();
                    "ECS deployment circuit breaker: tasks failed to start.".to_string()
                }
                Outcome::Alarm(name) => {
                    d.triggered_alarms = vec![name.to_string()];
                    d.stage = "BAKE_TIME".to_string();
                    format!("CloudWatch alarm {name} went into ALARM state.")
                }
            };
            d.rollout_state = "FAILED".to_string();
            d.rollout_reason = reason.clone();
            d.sd_status = "ROLLBACK_SUCCESSFUL".to_string();
            d.sd_reason = Some(reason);
            svc.history.push(d);
            let Some((_, good_td)) = good.clone() else {
                continue;
            };
            let rb_id = rollout::deployment_id(&mut ecs.rng);
            let mut rb = finished(
                rb_id.clone(),
                &good_td,
                &config,
                ended,
                ended + 3 * MINUTE,
                vec![id.clone()],
            );
            rb.rollback_of = Some(id);
            rb.launch_type = launch.clone();
            rb.network = network.clone();
            svc.history.push(rb);
            good = Some((rb_id, good_td));
        }
        if let (Some((g, _)), Some(current)) = (good, svc.deployments.first_mut()) {
            current.sources = vec![g];
        }
    }
}
