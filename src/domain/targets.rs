//! Load balancer target groups and the health of their targets.

/// A target group's health check.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HealthCheckConfig {
    pub protocol: String,
    /// `traffic-port` or a number.
    pub port: String,
    pub path: String,
    pub interval_s: i32,
    pub timeout_s: i32,
    pub healthy_threshold: i32,
    pub unhealthy_threshold: i32,
    /// Success codes (`200`, `200-299`).
    pub matcher: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct TargetGroup {
    pub arn: String,
    pub name: String,
    pub protocol: String,
    pub port: Option<i32>,
    /// `ip` or `instance`.
    pub target_type: String,
    pub health_check: HealthCheckConfig,
    pub load_balancer_arns: Vec<String>,
}

/// One registered target and what the load balancer thinks of it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TargetHealth {
    /// An IP address (awsvpc tasks) or an EC2 instance id.
    pub id: String,
    pub port: Option<i32>,
    pub availability_zone: String,
    /// healthy, unhealthy, initial, draining, unused, unavailable.
    pub state: String,
    /// `Target.ResponseCodeMismatch`…
    pub reason: String,
    pub description: String,
}

impl TargetHealth {
    pub fn class(&self) -> &'static str {
        match self.state.as_str() {
            "healthy" => "ok",
            "unhealthy" | "unavailable" => "bad",
            "draining" | "initial" => "warn",
            _ => "muted",
        }
    }
}

/// A service's target group with its targets.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GroupHealth {
    pub group: TargetGroup,
    pub targets: Vec<TargetHealth>,
}

impl GroupHealth {
    pub fn unhealthy(&self) -> impl Iterator<Item = &TargetHealth> {
        self.targets.iter().filter(|t| t.state == "unhealthy")
    }
}

/// What the load balancer says of the first unhealthy target of `groups`
/// ("Target.ResponseCodeMismatch: Health checks failed … (target group
/// geo-api, 1 of 2 targets unhealthy)"), for the service's diagnosis.
pub fn unhealthy_reason(groups: &[GroupHealth]) -> Option<String> {
    groups.iter().find_map(|g| {
        let bad = g.unhealthy().count();
        g.unhealthy().next().map(|t| {
            format!(
                "{}: {} (target group {}, {bad} of {} targets unhealthy)",
                t.reason,
                t.description,
                g.group.name,
                g.targets.len()
            )
        })
    })
}
