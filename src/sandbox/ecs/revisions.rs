//! DescribeServiceRevisions: what a service ran in one deployment — its
//! task definition, the container images resolved to digests, launch type
//! or capacity providers, platform, load balancers and network.

use serde_json::{Value, json};

use super::arn;
use super::lifecycle::digest_for;
use super::model::{Cluster, Deployment, Service};
use super::render::{self, opt, ts};
use super::{EcsState, task_definitions};
use crate::sandbox::error::ApiError;

/// DescribeServiceRevisions takes at most this many ARNs.
pub const MAX_ARNS: usize = 20;

/// `(cluster, service, deployment id)` of a service revision ARN.
fn revision_ref(s: &str) -> Option<(String, String, String)> {
    let rest = s.strip_prefix("arn:aws:ecs:")?;
    let mut parts = rest.splitn(3, ':');
    let (_region, _account) = (parts.next()?, parts.next()?);
    let r = parts.next()?.strip_prefix("service-revision/")?;
    let mut it = r.splitn(3, '/');
    let (c, svc, id) = (it.next()?, it.next()?, it.next()?);
    if c.is_empty() || svc.is_empty() || id.is_empty() || id.contains('/') {
        return None;
    }
    Some((c.to_string(), svc.to_string(), format!("ecs-svc/{id}")))
}

fn locate<'a>(ecs: &'a EcsState, a: &str) -> Option<(&'a Cluster, &'a Service, &'a Deployment)> {
    let (c, s, id) = revision_ref(a)?;
    let c = ecs.clusters.get(&c)?;
    let svc = c.services.get(&s)?;
    let d = svc
        .history
        .iter()
        .chain(svc.deployments.iter())
        .find(|d| d.id == id)?;
    Some((c, svc, d))
}

/// `containerImages`: each container's image and the digest ECS resolved
/// it to when the deployment started.
fn container_images(ecs: &EcsState, td: &str) -> Vec<Value> {
    let Some(def) = task_definitions::find_by_arn(&ecs.task_defs, td) else {
        return Vec::new();
    };
    def.body
        .get("containerDefinitions")
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .filter_map(|c| {
                    let name = c.get("name")?.as_str()?;
                    let image = c.get("image")?.as_str()?;
                    Some(json!({
                        "containerName": name,
                        "image": image,
                        "imageDigest": digest_for(image),
                    }))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn revision(ecs: &EcsState, c: &Cluster, svc: &Service, d: &Deployment) -> Value {
    let mut v = json!({
        "serviceRevisionArn": arn::service_revision_arn(&ecs.region, &c.name, &svc.name, &d.id),
        "serviceArn": svc.arn,
        "clusterArn": c.arn,
        "taskDefinition": d.task_definition,
        "loadBalancers": svc.load_balancers,
        "containerImages": container_images(ecs, &d.task_definition),
        "guardDutyEnabled": false,
        "createdAt": ts(d.created_ms),
    });
    match &svc.capacity_provider_strategy {
        Some(cps) => v["capacityProviderStrategy"] = cps.clone(),
        None => v["launchType"] = json!(d.launch_type),
    }
    if d.launch_type == "FARGATE" {
        v["platformVersion"] = json!("1.4.0");
        v["platformFamily"] = json!("Linux");
    }
    opt(&mut v, "networkConfiguration", d.network.clone());
    v
}

pub fn describe(ecs: &EcsState, body: &Value) -> Result<Value, ApiError> {
    let arns = arn::str_list(body, "serviceRevisionArns");
    if arns.is_empty() {
        return Err(ApiError::invalid("serviceRevisionArns can not be empty."));
    }
    if arns.len() > MAX_ARNS {
        return Err(ApiError::invalid(format!(
            "serviceRevisionArns can have at most {MAX_ARNS} items."
        )));
    }
    let mut found = Vec::new();
    let mut failures = Vec::new();
    for a in &arns {
        match locate(ecs, a) {
            Some((c, svc, d)) => found.push(revision(ecs, c, svc, d)),
            None => failures.push(render::failure(a, "MISSING")),
        }
    }
    Ok(json!({ "serviceRevisions": found, "failures": failures }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revision_arns_parse_and_refuse_others() {
        let a = arn::service_revision_arn(&arn::Region::default(), "c", "s", "ecs-svc/123");
        assert_eq!(
            revision_ref(&a),
            Some(("c".into(), "s".into(), "ecs-svc/123".into()))
        );
        assert_eq!(revision_ref("arn:aws:ecs:us-east-1:1:service/c/s"), None);
        assert_eq!(revision_ref("nonsense"), None);
    }
}
