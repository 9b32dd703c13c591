//! CreateCluster and DeleteCluster.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::arn::{self, str_field};
use super::clusters::cluster_json;
use super::model::{Cluster, TaskStatus};
use super::{EcsState, tagging};
use crate::sandbox::error::ApiError;

/// Whether `name` is a valid cluster, service or family name: 1–255
/// letters, digits, hyphens and underscores.
pub fn valid_name(name: &str) -> bool {
    (1..=255).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn describe_all() -> Value {
    json!({ "include": ["SETTINGS", "TAGS", "STATISTICS"] })
}

/// CreateCluster: an existing ACTIVE cluster of that name is returned as is.
pub fn create(ecs: &mut EcsState, body: &Value) -> Result<Value, ApiError> {
    let name = str_field(body, "clusterName").unwrap_or("default");
    if !valid_name(name) {
        return Err(ApiError::invalid(
            "Cluster name must be 1-255 characters: letters, numbers, hyphens and underscores.",
        ));
    }
    let tags = tagging::parse(body.get("tags"))?;
    let mut insights = false;
    for s in body
        .get("settings")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        match (str_field(s, "name"), str_field(s, "value")) {
            (Some("containerInsights"), Some("enabled" | "enhanced")) => insights = true,
            (Some("containerInsights"), Some("disabled")) => insights = false,
            _ => {
                return Err(ApiError::invalid(
                    "Cluster setting containerInsights must be enabled, enhanced or disabled.",
                ));
            }
        }
    }
    let providers = arn::str_list(body, "capacityProviders");
    if let Some(c) = ecs.clusters.get(name).filter(|c| c.status == "ACTIVE") {
        return Ok(json!({ "cluster": cluster_json(c, &describe_all()) }));
    }
    let cluster = Cluster {
        name: name.to_string(),
        arn: arn::cluster_arn(&ecs.region, name),
        status: "ACTIVE".to_string(),
        tags,
        container_insights: insights,
        capacity_providers: providers,
        services: BTreeMap::new(),
        tasks: BTreeMap::new(),
        instances: BTreeMap::new(),
    };
    let out = json!({ "cluster": cluster_json(&cluster, &describe_all()) });
    ecs.clusters.insert(name.to_string(), cluster);
    Ok(out)
}

/// DeleteCluster: refused while services or tasks are active; the cluster
/// then stays describable as INACTIVE.
pub fn delete(ecs: &mut EcsState, body: &Value) -> Result<Value, ApiError> {
    let name = arn::cluster_name(Some(arn::required(body, "cluster")?))?;
    let c = ecs
        .clusters
        .get_mut(&name)
        .filter(|c| c.status == "ACTIVE")
        .ok_or_else(arn::cluster_not_found)?;
    if c.services
        .values()
        .any(|s| s.status == "ACTIVE" || s.status == "DRAINING")
    {
        return Err(ApiError::new(
            400,
            "ClusterContainsServicesException",
            "The Cluster cannot be deleted while Services are active.",
        ));
    }
    if c.tasks
        .values()
        .any(|t| t.last_status != TaskStatus::Stopped)
    {
        return Err(ApiError::new(
            400,
            "ClusterContainsTasksException",
            "The Cluster cannot be deleted while Tasks are active.",
        ));
    }
    if c.instances.values().any(|i| i.status == "ACTIVE") {
        return Err(ApiError::new(
            400,
            "ClusterContainsContainerInstancesException",
            "The Cluster cannot be deleted while Container Instances are active or draining.",
        ));
    }
    c.status = "INACTIVE".to_string();
    Ok(json!({ "cluster": cluster_json(c, &describe_all()) }))
}
