//! TagResource and UntagResource, and the tag limits every ECS operation
//! that takes `tags` applies (50 tags, keys ≤ 128 characters, values ≤ 256,
//! the `aws:` prefix reserved).

use serde_json::{Value, json};

use super::model::Tags;
use super::{EcsState, arn, task_definitions};
use crate::sandbox::error::ApiError;

pub const MAX_TAGS: usize = 50;
const MAX_KEY: usize = 128;
const MAX_VALUE: usize = 256;

fn reserved(key: &str) -> bool {
    key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:"))
}

/// The `tags` member of a request, validated as ECS does.
pub fn parse(v: Option<&Value>) -> Result<Tags, ApiError> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    let list = v
        .as_array()
        .ok_or_else(|| ApiError::new(400, "SerializationException", "tags must be a list"))?;
    let mut tags = Vec::new();
    for t in list {
        let key = t.get("key").and_then(Value::as_str).unwrap_or("");
        let value = t.get("value").and_then(Value::as_str).unwrap_or("");
        check(key, value)?;
        tags.push((key.to_string(), value.to_string()));
    }
    if tags.len() > MAX_TAGS {
        return Err(too_many());
    }
    Ok(tags)
}

fn check(key: &str, value: &str) -> Result<(), ApiError> {
    let keys = key.chars().count();
    if keys == 0 || keys > MAX_KEY {
        return Err(ApiError::invalid(format!(
            "Tag keys must be between 1 and {MAX_KEY} characters."
        )));
    }
    if value.chars().count() > MAX_VALUE {
        return Err(ApiError::invalid(format!(
            "Tag values must be at most {MAX_VALUE} characters."
        )));
    }
    if reserved(key) {
        return Err(ApiError::invalid(
            "Tag keys with the prefix 'aws:' are reserved for AWS use.",
        ));
    }
    Ok(())
}

fn too_many() -> ApiError {
    ApiError::invalid(format!("A resource can have at most {MAX_TAGS} tags."))
}

/// Sets each tag (replacing the value of a key already there).
pub fn merge(tags: &mut Tags, new: Tags) {
    for (k, v) in new {
        match tags.iter_mut().find(|(key, _)| *key == k) {
            Some(t) => t.1 = v,
            None => tags.push((k, v)),
        }
    }
}

/// The tags of the cluster, service, task or task definition `resource`.
fn tags_mut<'a>(ecs: &'a mut EcsState, resource: &str) -> Result<&'a mut Tags, ApiError> {
    let kind = resource
        .strip_prefix("arn:aws:ecs:")
        .and_then(|r| r.splitn(3, ':').nth(2))
        .and_then(|r| r.split_once('/'))
        .map(|(k, _)| k)
        .ok_or_else(|| ApiError::invalid(format!("Invalid resource ARN: {resource}")))?;
    let found = match kind {
        "cluster" => {
            let name = arn::cluster_name(Some(resource))?;
            ecs.clusters
                .get_mut(&name)
                .filter(|c| c.status == "ACTIVE")
                .map(|c| &mut c.tags)
        }
        "service" => {
            let (c, s) = arn::service_ref(resource);
            ecs.clusters
                .get_mut(&c.unwrap_or_default())
                .and_then(|c| c.services.get_mut(&s))
                .map(|s| &mut s.tags)
        }
        "task" => {
            let (c, t) = arn::task_ref(resource);
            ecs.clusters
                .get_mut(&c.unwrap_or_default())
                .and_then(|c| c.tasks.get_mut(&t))
                .map(|t| &mut t.tags)
        }
        "task-definition" => {
            let (family, rev) = arn::task_def_ref(resource)?;
            let wanted = task_definitions::find_by_arn(&ecs.task_defs, resource)
                .map(|d| d.revision)
                .or(rev);
            ecs.task_defs
                .get_mut(&family)
                .and_then(|revs| revs.iter_mut().find(|d| Some(d.revision) == wanted))
                .map(|d| &mut d.tags)
        }
        _ => None,
    };
    found.ok_or_else(|| ApiError::invalid("The specified resource could not be found."))
}

/// TagResource.
pub fn tag(ecs: &mut EcsState, body: &Value) -> Result<Value, ApiError> {
    let resource = arn::required(body, "resourceArn")?;
    let new = parse(body.get("tags"))?;
    if new.is_empty() {
        return Err(ApiError::invalid("tags can not be empty."));
    }
    let tags = tags_mut(ecs, resource)?;
    let mut merged = tags.clone();
    merge(&mut merged, new);
    if merged.len() > MAX_TAGS {
        return Err(too_many());
    }
    *tags = merged;
    Ok(json!({}))
}

/// UntagResource.
pub fn untag(ecs: &mut EcsState, body: &Value) -> Result<Value, ApiError> {
    let resource = arn::required(body, "resourceArn")?;
    let keys = arn::str_list(body, "tagKeys");
    if keys.is_empty() {
        return Err(ApiError::invalid("tagKeys can not be empty."));
    }
    if keys.iter().any(|k| reserved(k)) {
        return Err(ApiError::invalid(
            "Tag keys with the prefix 'aws:' are reserved for AWS use.",
        ));
    }
    let tags = tags_mut(ecs, resource)?;
    tags.retain(|(k, _)| !keys.contains(k));
    Ok(json!({}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_aws_limits() {
        let tag = |k: &str, v: &str| json!([{ "key": k, "value": v }]);
        assert!(parse(Some(&tag(&"k".repeat(128), &"v".repeat(256)))).is_ok());
        assert!(parse(Some(&tag(&"k".repeat(129), "v"))).is_err());
        assert!(parse(Some(&tag("k", &"v".repeat(257)))).is_err());
        assert!(parse(Some(&tag("AWS:x", "v"))).is_err());
        assert!(parse(Some(&tag("", "v"))).is_err());
        let many: Vec<Value> = (0..51)
            .map(|i| json!({ "key": format!("k{i}"), "value": "" }))
            .collect();
        assert!(parse(Some(&Value::Array(many))).is_err());
    }
}
