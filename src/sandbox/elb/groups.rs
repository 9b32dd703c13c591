//! DescribeTargetGroups: every target group some service's
//! `loadBalancers` names, by ARN, name or load balancer, paginated by
//! `PageSize` and `Marker`.

use std::collections::BTreeMap;

use super::ElbStore;
use super::xml::{Node, member_list, members, param, parent, text};
use crate::sandbox::ecs::EcsState;
use crate::sandbox::error::ApiError;

/// One target group as the services describe it.
#[derive(Debug, Clone)]
pub struct Group {
    pub arn: String,
    pub name: String,
    pub port: i64,
    /// `ip` (awsvpc tasks) or `instance` (bridge / host).
    pub target_type: &'static str,
    pub load_balancer_arn: String,
    /// `(cluster, service, container port)` of each service behind it.
    pub services: Vec<(String, String, i64)>,
}

/// `targetgroup/NAME/hash` → NAME.
pub fn name_of(arn: &str) -> &str {
    arn.split("targetgroup/")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or(arn)
}

/// Every target group named by an active service, by ARN.
pub fn all(ecs: &EcsState) -> BTreeMap<String, Group> {
    let mut out: BTreeMap<String, Group> = BTreeMap::new();
    for c in ecs.clusters.values() {
        for s in c.services.values().filter(|s| s.status == "ACTIVE") {
            for lb in &s.load_balancers {
                let Some(arn) = lb.get("targetGroupArn").and_then(|v| v.as_str()) else {
                    continue;
                };
                let port = lb
                    .get("containerPort")
                    .and_then(|v| v.as_i64())
                    .unwrap_or(80);
                let g = out.entry(arn.to_string()).or_insert_with(|| Group {
                    arn: arn.to_string(),
                    name: name_of(arn).to_string(),
                    port,
                    target_type: if s.network.is_some() {
                        "ip"
                    } else {
                        "instance"
                    },
                    load_balancer_arn: ecs.region.arn(
                        "elasticloadbalancing",
                        &format!(
                            "loadbalancer/app/{}-alb/{:016x}",
                            c.name,
                            (c.name.len() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
                        ),
                    ),
                    services: Vec::new(),
                });
                g.services.push((c.name.clone(), s.name.clone(), port));
            }
        }
    }
    out
}

fn not_found(what: &str) -> ApiError {
    ApiError::new(
        400,
        "TargetGroupNotFound",
        format!("One or more target groups not found: {what}"),
    )
}

pub fn describe_target_groups(
    store: &ElbStore,
    ecs: &EcsState,
    params: &[(String, String)],
) -> Result<Vec<Node>, ApiError> {
    let groups = all(ecs);
    let arns = member_list(params, "TargetGroupArns");
    let names = member_list(params, "Names");
    let lb = param(params, "LoadBalancerArn");
    if [!arns.is_empty(), !names.is_empty(), lb.is_some()]
        .iter()
        .filter(|b| **b)
        .count()
        > 1
    {
        return Err(ApiError::new(
            400,
            "ValidationError",
            "Only one of TargetGroupArns, Names and LoadBalancerArn can be specified",
        ));
    }
    if let Some(missing) = arns.iter().find(|a| !groups.contains_key(*a)) {
        return Err(not_found(missing));
    }
    if let Some(missing) = names
        .iter()
        .find(|n| !groups.values().any(|g| &g.name == *n))
    {
        return Err(not_found(missing));
    }
    let page_size: usize = match param(params, "PageSize") {
        None => 400,
        Some(p) => p
            .parse()
            .ok()
            .filter(|n| (1..=400).contains(n))
            .ok_or_else(|| {
                ApiError::new(400, "ValidationError", "PageSize must be between 1 and 400")
            })?,
    };
    let marker = param(params, "Marker");
    let matching: Vec<&Group> = groups
        .values()
        .filter(|g| arns.is_empty() || arns.contains(&g.arn))
        .filter(|g| names.is_empty() || names.contains(&g.name))
        .filter(|g| lb.is_none_or(|l| g.load_balancer_arn == l))
        .filter(|g| marker.is_none_or(|m| g.arn.as_str() > m))
        .collect();
    let page: Vec<&Group> = matching.iter().take(page_size).copied().collect();
    let mut result = vec![members(
        "TargetGroups",
        page.iter().map(|g| render(store, g)).collect(),
    )];
    if matching.len() > page_size
        && let Some(last) = page.last()
    {
        result.push(text("NextMarker", &last.arn));
    }
    Ok(result)
}

fn render(store: &ElbStore, g: &Group) -> Vec<Node> {
    let hc = store.health_check(&g.name);
    vec![
        text("TargetGroupArn", &g.arn),
        text("TargetGroupName", &g.name),
        text("Protocol", "HTTP"),
        text("Port", g.port),
        text("VpcId", "vpc-0sandbox000000001"),
        text("HealthCheckProtocol", &hc.protocol),
        text("HealthCheckPort", &hc.port),
        text("HealthCheckEnabled", true),
        text("HealthCheckIntervalSeconds", hc.interval_s),
        text("HealthCheckTimeoutSeconds", hc.timeout_s),
        text("HealthyThresholdCount", hc.healthy_threshold),
        text("UnhealthyThresholdCount", hc.unhealthy_threshold),
        text("HealthCheckPath", &hc.path),
        parent("Matcher", vec![text("HttpCode", &hc.matcher)]),
        parent(
            "LoadBalancerArns",
            vec![text("member", &g.load_balancer_arn)],
        ),
        text("TargetType", g.target_type),
        text("ProtocolVersion", "HTTP1"),
        text("IpAddressType", "ipv4"),
    ]
}
