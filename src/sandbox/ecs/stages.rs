//! The lifecycle stages ECS reports for a service deployment
//! (`lifecycleStage`), driven by the simulation clock.
//!
//! A ROLLING deployment goes RECONCILE_SERVICE → SCALE_UP (until the new
//! revision's tasks run) → CLEAN_UP (the old ones drain while new ones
//! start). BLUE_GREEN, LINEAR and CANARY go through every stage: the new
//! (green) revision scales up beside the old one, test traffic shifts,
//! production traffic shifts (at once, in LINEAR steps, or a CANARY first),
//! both revisions run through the bake time, and only then CLEAN_UP stops
//! the old revision's tasks. A rollback runs as ROLLING (traffic goes back
//! at once).

use super::model::Deployment;

pub const ROLLING: &str = "ROLLING";
/// The strategies the locked SDK knows (`DeploymentStrategy`).
pub const STRATEGIES: [&str; 4] = ["ROLLING", "BLUE_GREEN", "LINEAR", "CANARY"];

const ROLLING_STAGES: [&str; 3] = ["RECONCILE_SERVICE", "SCALE_UP", "CLEAN_UP"];
const STAGED: [&str; 10] = [
    "RECONCILE_SERVICE",
    "PRE_SCALE_UP",
    "SCALE_UP",
    "POST_SCALE_UP",
    "TEST_TRAFFIC_SHIFT",
    "POST_TEST_TRAFFIC_SHIFT",
    "PRODUCTION_TRAFFIC_SHIFT",
    "POST_PRODUCTION_TRAFFIC_SHIFT",
    "BAKE_TIME",
    "CLEAN_UP",
];
/// A lifecycle hook stage without hooks passes this quickly.
const HOOK_MS: i64 = 5_000;
/// Shifting traffic at once (listener rule change) takes this long.
const SHIFT_MS: i64 = 10_000;
const MINUTE: i64 = 60_000;

/// Whether `d` runs through the traffic-shifting stages.
pub fn staged(d: &Deployment) -> bool {
    d.config.strategy != ROLLING && d.rollback_of.is_none()
}

/// The stage `d` starts in.
pub fn first() -> &'static str {
    "RECONCILE_SERVICE"
}

fn sequence(d: &Deployment) -> &'static [&'static str] {
    if staged(d) { &STAGED } else { &ROLLING_STAGES }
}

/// How many LINEAR steps reach 100 %.
fn linear_steps(step_percent: f64) -> i64 {
    if step_percent <= 0.0 {
        1
    } else {
        (100.0 / step_percent).ceil() as i64
    }
}

/// How long a timed stage lasts (`None`: it waits for a condition).
fn duration(d: &Deployment, stage: &str) -> Option<i64> {
    let c = &d.config;
    match stage {
        "SCALE_UP" | "CLEAN_UP" => None,
        "RECONCILE_SERVICE" if !staged(d) => Some(0),
        "RECONCILE_SERVICE" => Some(HOOK_MS),
        "TEST_TRAFFIC_SHIFT" => Some(SHIFT_MS),
        "PRODUCTION_TRAFFIC_SHIFT" => Some(match c.strategy.as_str() {
            "LINEAR" => linear_steps(c.step_percent) * i64::from(c.step_bake_min) * MINUTE,
            "CANARY" => i64::from(c.step_bake_min) * MINUTE + SHIFT_MS,
            _ => SHIFT_MS,
        }),
        "BAKE_TIME" => Some(i64::from(c.bake_time_min) * MINUTE),
        _ => Some(HOOK_MS),
    }
}

/// Moves an in-progress deployment through every stage that is over at
/// `now`; `scaled` says whether its tasks all run (SCALE_UP's end).
pub fn advance(d: &mut Deployment, scaled: bool, now: i64) {
    let seq = sequence(d);
    for _ in 0..seq.len() {
        let Some(i) = seq.iter().position(|s| *s == d.stage) else {
            d.stage = first().to_string();
            d.stage_ms = now;
            continue;
        };
        let Some(next) = seq.get(i + 1) else { return };
        let ends = match duration(d, &d.stage) {
            Some(ms) if d.stage_ms + ms <= now => d.stage_ms + ms,
            None if d.stage == "SCALE_UP" && scaled => now,
            _ => return,
        };
        d.stage = (*next).to_string();
        d.stage_ms = ends;
    }
}

/// Whether the old revision's tasks must keep running (blue/green until
/// CLEAN_UP).
pub fn holds_old(d: &Deployment) -> bool {
    staged(d) && d.rollout_state == "IN_PROGRESS" && d.stage != "CLEAN_UP"
}

/// Whether the deployment may complete (it reached CLEAN_UP).
pub fn may_complete(d: &Deployment) -> bool {
    d.rollout_state != "IN_PROGRESS" || d.stage == "CLEAN_UP"
}

/// The percent of production traffic the new revision gets at `now`
/// (`None` for ROLLING: no traffic shifting).
pub fn production_weight(d: &Deployment, now: i64) -> Option<f64> {
    if !staged(d) {
        return None;
    }
    let seq = sequence(d);
    let at = |s: &str| seq.iter().position(|x| *x == s).unwrap_or(0);
    let (stage, shift) = (at(&d.stage), at("PRODUCTION_TRAFFIC_SHIFT"));
    if d.rollout_state == "FAILED" {
        return Some(0.0);
    }
    if stage < shift {
        return Some(0.0);
    }
    if stage > shift {
        return Some(100.0);
    }
    let c = &d.config;
    let elapsed = (now - d.stage_ms).max(0);
    Some(match c.strategy.as_str() {
        "LINEAR" => {
            let step_ms = (i64::from(c.step_bake_min) * MINUTE).max(1);
            (c.step_percent * (elapsed / step_ms + 1) as f64).min(100.0)
        }
        "CANARY" if elapsed < i64::from(c.step_bake_min) * MINUTE => c.step_percent,
        _ => 100.0,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::sandbox::ecs::model::DeploymentConfig;

    fn dep(strategy: &str) -> Deployment {
        Deployment {
            id: "ecs-svc/1".to_string(),
            status: "PRIMARY".to_string(),
            task_definition: String::new(),
            desired: 2,
            failed_tasks: 0,
            created_ms: 0,
            updated_ms: 0,
            finished_ms: None,
            rollout_state: "IN_PROGRESS".to_string(),
            rollout_reason: String::new(),
            launch_type: "FARGATE".to_string(),
            network: None,
            sd_status: "IN_PROGRESS".to_string(),
            sd_reason: None,
            sources: Vec::new(),
            rollback_of: None,
            breaker_triggered: false,
            config: DeploymentConfig {
                strategy: strategy.to_string(),
                bake_time_min: 10,
                step_percent: 25.0,
                step_bake_min: 2,
                ..DeploymentConfig::default()
            },
            stage: first().to_string(),
            stage_ms: 0,
            triggered_alarms: Vec::new(),
        }
    }

    #[test]
    fn blue_green_waits_for_scale_up_then_runs_on_the_clock() {
        let mut d = dep("BLUE_GREEN");
        d.advance_to(false, 60_000);
        assert_eq!(d.stage, "SCALE_UP");
        d.advance_to(true, 70_000);
        assert_eq!(d.stage, "POST_SCALE_UP");
        // 5 s hook, 10 s test shift, 5 s hook, 10 s production shift, 5 s.
        d.advance_to(true, 70_000 + 35_000);
        assert_eq!(d.stage, "BAKE_TIME");
        assert_eq!(production_weight(&d, 105_000), Some(100.0));
        d.advance_to(true, 105_000 + 9 * MINUTE);
        assert_eq!(d.stage, "BAKE_TIME");
        assert!(holds_old(&d));
        d.advance_to(true, 105_000 + 10 * MINUTE);
        assert_eq!(d.stage, "CLEAN_UP");
        assert!(!holds_old(&d) && may_complete(&d));
    }

    #[test]
    fn linear_shifts_in_steps_and_canary_holds_its_percent() {
        let mut d = dep("LINEAR");
        d.advance_to(true, 10_000);
        assert_eq!(d.stage, "POST_SCALE_UP");
        d.advance_to(true, 10_000 + 5_000 + 10_000 + 5_000);
        assert_eq!(d.stage, "PRODUCTION_TRAFFIC_SHIFT");
        let start = d.stage_ms;
        assert_eq!(production_weight(&d, start), Some(25.0));
        assert_eq!(production_weight(&d, start + 2 * MINUTE), Some(50.0));
        d.advance_to(true, start + 8 * MINUTE);
        assert_eq!(d.stage, "POST_PRODUCTION_TRAFFIC_SHIFT");
        let mut c = dep("CANARY");
        c.stage = "PRODUCTION_TRAFFIC_SHIFT".to_string();
        assert_eq!(production_weight(&c, MINUTE), Some(25.0));
        assert_eq!(production_weight(&c, 2 * MINUTE), Some(100.0));
    }

    #[test]
    fn rolling_goes_straight_to_scale_up_and_clean_up() {
        let mut d = dep("ROLLING");
        d.advance_to(false, 1_000);
        assert_eq!(d.stage, "SCALE_UP");
        assert!(!holds_old(&d));
        d.advance_to(true, 2_000);
        assert_eq!(d.stage, "CLEAN_UP");
        assert_eq!(production_weight(&d, 2_000), None);
    }

    impl Deployment {
        fn advance_to(&mut self, scaled: bool, now: i64) {
            advance(self, scaled, now);
        }
    }
}
