//! Elastic Load Balancing v2 in the sandbox (AWS query protocol, XML):
//! the target groups the services' `loadBalancers` name, and the health of
//! their targets, derived from the simulated tasks — registered (initial)
//! as a task starts, healthy once it passes the health check, unhealthy
//! with a reason code for the `unhealthy` scenario, draining as it stops.

pub mod groups;
pub mod health;
pub mod wire;
pub mod xml;

use std::collections::BTreeMap;

/// A target group's health check, as configured (defaults as AWS's).
#[derive(Debug, Clone)]
pub struct HealthCheck {
    pub protocol: String,
    /// `traffic-port` or a port number.
    pub port: String,
    pub path: String,
    pub interval_s: i64,
    pub timeout_s: i64,
    pub healthy_threshold: i64,
    pub unhealthy_threshold: i64,
    pub matcher: String,
}

impl Default for HealthCheck {
    fn default() -> Self {
        Self {
            protocol: "HTTP".to_string(),
            port: "traffic-port".to_string(),
            path: "/".to_string(),
            interval_s: 30,
            timeout_s: 5,
            healthy_threshold: 5,
            unhealthy_threshold: 2,
            matcher: "200".to_string(),
        }
    }
}

/// Settings of target groups by name (the groups themselves come from the
/// services that use them).
#[derive(Debug, Default)]
pub struct ElbStore {
    /// The sandbox's region (set by `World`), for the ARNs rendered here.
    pub region: crate::sandbox::region::Region,
    pub health_checks: BTreeMap<String, HealthCheck>,
    /// Deregistration delay (seconds) of every group.
    pub deregistration_delay_s: i64,
}

impl ElbStore {
    pub fn new() -> Self {
        Self {
            health_checks: BTreeMap::new(),
            deregistration_delay_s: 300,
            region: Default::default(),
        }
    }

    pub fn health_check(&self, group: &str) -> HealthCheck {
        self.health_checks.get(group).cloned().unwrap_or_default()
    }
}

/// The seeded fleet's health checks: the production web app answers on
/// port 4000 at `/up`; geo-api's check is quick (and fails: the
/// `unhealthy` scenario).
pub fn seed_health_checks(store: &mut ElbStore) {
    store.health_checks.insert(
        "acme-production-tg".to_string(),
        HealthCheck {
            port: "4000".to_string(),
            path: "/up".to_string(),
            interval_s: 15,
            healthy_threshold: 3,
            unhealthy_threshold: 3,
            matcher: "200-299".to_string(),
            ..HealthCheck::default()
        },
    );
    store.health_checks.insert(
        "staging-geo-api-tg".to_string(),
        HealthCheck {
            path: "/healthz".to_string(),
            interval_s: 10,
            healthy_threshold: 2,
            unhealthy_threshold: 2,
            ..HealthCheck::default()
        },
    );
}
