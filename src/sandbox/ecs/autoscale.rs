//! The load on a scalable service, in tasks' worth of work: what the
//! simulated CPU is computed from (`cloudwatch::samples`), independent of
//! how many tasks run, so that Application Auto Scaling's target tracking
//! (`sandbox::autoscaling`) really changes each task's CPU when it scales.
//! A seeded busy service's load follows a cycle of minutes (a day's traffic
//! compressed); a service registered as a scalable target keeps the load it
//! had then. Services without an entry carry what their desired count is
//! sized for.

/// The load on one service.
#[derive(Debug, Clone)]
pub struct Autoscale {
    pub cluster: String,
    pub service: String,
    /// Tasks' worth of load at the cycle's midpoint.
    pub base: f64,
    /// Half the cycle's range, as a fraction of `base` (0: steady).
    pub swing: f64,
    pub period_ms: i64,
}

impl Autoscale {
    /// A steady load of `tasks` tasks' worth.
    pub fn steady(cluster: &str, service: &str, tasks: i32) -> Self {
        Self {
            cluster: cluster.to_string(),
            service: service.to_string(),
            base: f64::from(tasks.max(1)),
            swing: 0.0,
            period_ms: 3_600_000,
        }
    }

    /// Tasks' worth of load at `now`.
    pub fn load(&self, now: i64) -> f64 {
        let period = self.period_ms.max(60_000);
        let phase = (now.rem_euclid(period)) as f64 / period as f64;
        let cycle = -(phase * std::f64::consts::TAU).cos();
        (self.base * (1.0 + self.swing.clamp(0.0, 0.9) * cycle)).max(0.1)
    }
}

/// The load entry of `cluster/service`, if it has one.
pub fn find<'a>(loads: &'a [Autoscale], cluster: &str, service: &str) -> Option<&'a Autoscale> {
    loads
        .iter()
        .find(|a| a.cluster == cluster && a.service == service)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cycle_swings_around_its_base() {
        let a = Autoscale {
            cluster: "c".into(),
            service: "s".into(),
            base: 6.0,
            swing: 0.5,
            period_ms: 600_000,
        };
        let seen: Vec<f64> = (0..600).map(|i| a.load(i * 1_000)).collect();
        assert!(seen.iter().all(|l| (2.99..=9.01).contains(l)));
        assert!(seen.iter().any(|l| *l < 3.1) && seen.iter().any(|l| *l > 8.9));
        assert_eq!(Autoscale::steady("c", "s", 3).load(12_345), 3.0);
    }
}
