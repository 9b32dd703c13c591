//! Autoscaling-like desired counts: what Application Auto Scaling target
//! tracking does to a busy service over a day, compressed into a cycle of
//! minutes. A manual UpdateService with a desiredCount suspends it for that
//! service, as an operator pinning the count would expect.

use std::collections::BTreeMap;

use super::model::Cluster;

/// One scalable service whose desired count follows a smooth cycle.
#[derive(Debug, Clone)]
pub struct Autoscale {
    pub cluster: String,
    pub service: String,
    pub min: i32,
    pub max: i32,
    pub period_ms: i64,
    /// The desired count last set by the scaler.
    pub last: Option<i32>,
}

impl Autoscale {
    /// The desired count the cycle asks for at `now`.
    pub fn target(&self, now: i64) -> i32 {
        let period = self.period_ms.max(60_000);
        let phase = (now.rem_euclid(period)) as f64 / period as f64;
        let load = (1.0 - (phase * std::f64::consts::TAU).cos()) / 2.0;
        let span = f64::from(self.max.saturating_sub(self.min).max(0));
        self.min + (span * load).round() as i32
    }
}

/// Sets each scaled service's desired count for `now`.
pub fn apply(scalers: &mut [Autoscale], clusters: &mut BTreeMap<String, Cluster>, now: i64) {
    for a in scalers.iter_mut() {
        let target = a.target(now);
        if a.last == Some(target) {
            continue;
        }
        a.last = Some(target);
        let svc = clusters
            .get_mut(&a.cluster)
            .and_then(|c| c.services.get_mut(&a.service));
        if let Some(svc) = svc.filter(|s| s.status == "ACTIVE") {
            svc.desired = target;
        }
    }
}

/// Stops scaling `cluster/service` (after a manual desired count).
pub fn suspend(scalers: &mut Vec<Autoscale>, cluster: &str, service: &str) {
    scalers.retain(|a| !(a.cluster == cluster && a.service == service));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cycle_stays_within_min_and_max_and_reaches_both() {
        let a = Autoscale {
            cluster: "c".into(),
            service: "s".into(),
            min: 3,
            max: 8,
            period_ms: 600_000,
            last: None,
        };
        let seen: Vec<i32> = (0..600).map(|i| a.target(i * 1_000)).collect();
        assert!(seen.iter().all(|d| (3..=8).contains(d)));
        assert!(seen.contains(&3) && seen.contains(&8));
    }
}
