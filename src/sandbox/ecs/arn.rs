//! ECS ARNs and the short names ECS accepts in their place, plus small
//! readers for request members.

use serde_json::Value;

use crate::sandbox::error::ApiError;

pub use crate::sandbox::region::{ACCOUNT, Region};

fn prefix(r: &Region) -> String {
    r.arn("ecs", "").trim_end_matches(':').to_string()
}

pub fn cluster_arn(r: &Region, cluster: &str) -> String {
    format!("{}:cluster/{cluster}", prefix(r))
}

pub fn service_arn(r: &Region, cluster: &str, service: &str) -> String {
    format!("{}:service/{cluster}/{service}", prefix(r))
}

pub fn task_arn(r: &Region, cluster: &str, id: &str) -> String {
    format!("{}:task/{cluster}/{id}", prefix(r))
}

pub fn task_def_arn(r: &Region, family: &str, revision: i32) -> String {
    format!("{}:task-definition/{family}:{revision}", prefix(r))
}

pub fn container_instance_arn(r: &Region, cluster: &str, id: &str) -> String {
    format!("{}:container-instance/{cluster}/{id}", prefix(r))
}

pub fn service_deployment_arn(
    r: &Region,
    cluster: &str,
    service: &str,
    deployment_id: &str,
) -> String {
    let short = deployment_id.trim_start_matches("ecs-svc/");
    format!(
        "{}:service-deployment/{cluster}/{service}/{short}",
        prefix(r)
    )
}

pub fn service_revision_arn(
    r: &Region,
    cluster: &str,
    service: &str,
    deployment_id: &str,
) -> String {
    let short = deployment_id.trim_start_matches("ecs-svc/");
    format!("{}:service-revision/{cluster}/{service}/{short}", prefix(r))
}

/// The resource part after `:kind/` of an ECS ARN, or `None` if `s` is not
/// an ECS ARN of that kind.
fn resource<'a>(s: &'a str, kind: &str) -> Option<&'a str> {
    let rest = s.strip_prefix("arn:aws:ecs:")?;
    let mut parts = rest.splitn(3, ':');
    let _region = parts.next()?;
    let _account = parts.next()?;
    parts.next()?.strip_prefix(kind)?.strip_prefix('/')
}

/// The cluster name from a name or ARN; ECS's `default` when absent.
pub fn cluster_name(v: Option<&str>) -> Result<String, ApiError> {
    match v {
        None | Some("") => Ok("default".to_string()),
        Some(s) if s.starts_with("arn:") => resource(s, "cluster")
            .map(str::to_string)
            .ok_or_else(|| ApiError::invalid(format!("Invalid cluster ARN: {s}"))),
        Some(s) => Ok(s.to_string()),
    }
}

/// (cluster from the ARN if it carries one, service name).
pub fn service_ref(s: &str) -> (Option<String>, String) {
    if let Some(r) = resource(s, "service") {
        return match r.split_once('/') {
            Some((c, n)) => (Some(c.to_string()), n.to_string()),
            None => (None, r.to_string()),
        };
    }
    (None, s.to_string())
}

/// (cluster from the ARN if it carries one, task id).
pub fn task_ref(s: &str) -> (Option<String>, String) {
    if let Some(r) = resource(s, "task") {
        return match r.split_once('/') {
            Some((c, n)) => (Some(c.to_string()), n.to_string()),
            None => (None, r.to_string()),
        };
    }
    (None, s.to_string())
}

/// (cluster from the ARN if it carries one, container instance id).
pub fn container_instance_ref(s: &str) -> (Option<String>, String) {
    if let Some(r) = resource(s, "container-instance") {
        return match r.split_once('/') {
            Some((c, n)) => (Some(c.to_string()), n.to_string()),
            None => (None, r.to_string()),
        };
    }
    (None, s.to_string())
}

/// `family`, `family:rev` or a task definition ARN → (family, revision).
pub fn task_def_ref(s: &str) -> Result<(String, Option<i32>), ApiError> {
    let body = resource(s, "task-definition").unwrap_or(s);
    match body.rsplit_once(':') {
        Some((family, rev)) => rev
            .parse::<i32>()
            .map(|r| (family.to_string(), Some(r)))
            .map_err(|_| ApiError::invalid(format!("Invalid revision number. Number: {rev}"))),
        None if body.is_empty() => Err(ApiError::invalid("taskDefinition can not be blank.")),
        None => Ok((body.to_string(), None)),
    }
}

/// (cluster, service, deployment id) from a service-deployment ARN.
pub fn service_deployment_ref(s: &str) -> Option<(String, String, String)> {
    let r = resource(s, "service-deployment")?;
    let mut it = r.splitn(3, '/');
    let c = it.next()?.to_string();
    let svc = it.next()?.to_string();
    let id = it.next()?.to_string();
    Some((c, svc, format!("ecs-svc/{id}")))
}

/// (repository, tag or digest) for an image in this account's ECR, or `None`
/// for an image hosted elsewhere (Docker Hub, public.ecr.aws).
pub fn ecr_image(r: &Region, image: &str) -> Option<(String, String)> {
    let host = r.ecr_host();
    let path = image.strip_prefix(host.as_str())?.strip_prefix('/')?;
    if let Some((repo, digest)) = path.split_once('@') {
        return Some((repo.to_string(), digest.to_string()));
    }
    match path.rsplit_once(':') {
        Some((repo, tag)) => Some((repo.to_string(), tag.to_string())),
        None => Some((path.to_string(), "latest".to_string())),
    }
}

pub fn str_field<'a>(body: &'a Value, name: &str) -> Option<&'a str> {
    body.get(name).and_then(Value::as_str)
}

pub fn bool_field(body: &Value, name: &str) -> Option<bool> {
    body.get(name).and_then(Value::as_bool)
}

pub fn int_field(body: &Value, name: &str) -> Result<Option<i64>, ApiError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v.as_i64().map(Some).ok_or_else(|| {
            ApiError::new(
                400,
                "SerializationException",
                format!("{name} must be an integer"),
            )
        }),
    }
}

pub fn str_list(body: &Value, name: &str) -> Vec<String> {
    body.get(name)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether `include` asks for `what` (e.g. "TAGS").
pub fn includes(body: &Value, what: &str) -> bool {
    str_list(body, "include").iter().any(|s| s == what)
}

pub fn required<'a>(body: &'a Value, name: &str) -> Result<&'a str, ApiError> {
    match str_field(body, name) {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(ApiError::invalid(format!("{name} can not be blank."))),
    }
}

pub fn cluster_not_found() -> ApiError {
    ApiError::new(400, "ClusterNotFoundException", "Cluster not found.")
}

pub fn service_not_found() -> ApiError {
    ApiError::new(400, "ServiceNotFoundException", "Service not found.")
}
