//! Task definitions: RegisterTaskDefinition, DescribeTaskDefinition,
//! ListTaskDefinitions, ListTaskDefinitionFamilies.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::arn::{self, includes, str_field};
use super::model::{Tags, TaskDef};
use super::{EcsState, pagination, render};
use crate::sandbox::error::ApiError;

pub fn find_by_arn<'a>(
    defs: &'a BTreeMap<String, Vec<TaskDef>>,
    td_arn: &str,
) -> Option<&'a TaskDef> {
    let (family, rev) = arn::task_def_ref(td_arn).ok()?;
    let revs = defs.get(&family)?;
    match rev {
        Some(r) => revs.iter().find(|d| d.revision == r),
        None => revs.iter().rev().find(|d| d.status == "ACTIVE"),
    }
}

pub fn latest<'a>(defs: &'a BTreeMap<String, Vec<TaskDef>>, family: &str) -> Option<&'a TaskDef> {
    defs.get(family)?
        .iter()
        .rev()
        .find(|d| d.status == "ACTIVE")
}

/// Resolves `family`, `family:rev` or an ARN, as UpdateService/RunTask do.
pub fn resolve<'a>(
    defs: &'a BTreeMap<String, Vec<TaskDef>>,
    reference: &str,
) -> Result<&'a TaskDef, ApiError> {
    arn::task_def_ref(reference)?;
    find_by_arn(defs, reference).ok_or_else(|| {
        ApiError::new(
            400,
            "ClientException",
            "Unable to describe task definition.",
        )
    })
}

/// Registers a new revision of `body["family"]`.
pub fn register(
    ecs: &mut EcsState,
    mut body: Value,
    tags: Tags,
    now: i64,
) -> Result<TaskDef, ApiError> {
    let family = arn::required(&body, "family")?.to_string();
    if !super::cluster_ops::valid_name(&family) {
        return Err(ApiError::new(
            400,
            "ClientException",
            "Family must be 1-255 characters: letters, numbers, hyphens and underscores.",
        ));
    }
    let containers = body.get("containerDefinitions").and_then(Value::as_array);
    if containers.is_none_or(|c| c.is_empty()) {
        return Err(ApiError::new(
            400,
            "ClientException",
            "Container list cannot be empty.",
        ));
    }
    for c in containers.into_iter().flatten() {
        if str_field(c, "name").is_none_or(str::is_empty) {
            return Err(ApiError::new(
                400,
                "ClientException",
                "Container.name should not be null or empty.",
            ));
        }
        if str_field(c, "image").is_none_or(str::is_empty) {
            return Err(ApiError::new(
                400,
                "ClientException",
                "Container.image should not be null or empty.",
            ));
        }
    }
    if let Some(obj) = body.as_object_mut() {
        obj.remove("tags");
    }
    let revs = ecs.task_defs.entry(family.clone()).or_default();
    let revision = revs.last().map(|d| d.revision + 1).unwrap_or(1);
    let def = TaskDef {
        arn: arn::task_def_arn(&ecs.region, &family, revision),
        family,
        revision,
        status: "ACTIVE".to_string(),
        body,
        registered_ms: now,
        tags,
    };
    revs.push(def.clone());
    Ok(def)
}

/// The TaskDefinition shape AWS returns.
pub fn to_json(def: &TaskDef) -> Value {
    let mut out = match &def.body {
        Value::Object(m) => m.clone(),
        _ => Map::new(),
    };
    let network = str_field(&def.body, "networkMode")
        .unwrap_or("bridge")
        .to_string();
    let compat = if network == "awsvpc" {
        json!(["EC2", "FARGATE"])
    } else {
        json!(["EC2"])
    };
    if let Some(Value::Array(cs)) = out.get_mut("containerDefinitions") {
        for c in cs.iter_mut().filter_map(Value::as_object_mut) {
            for key in ["portMappings", "environment", "mountPoints", "volumesFrom"] {
                c.entry(key).or_insert_with(|| json!([]));
            }
            c.entry("essential").or_insert(json!(true));
            if let Some(Value::Array(pms)) = c.get_mut("portMappings") {
                for pm in pms.iter_mut().filter_map(Value::as_object_mut) {
                    pm.entry("protocol").or_insert(json!("tcp"));
                }
            }
        }
    }
    out.insert("taskDefinitionArn".into(), json!(def.arn));
    out.insert("family".into(), json!(def.family));
    out.insert("revision".into(), json!(def.revision));
    out.insert("status".into(), json!(def.status));
    out.insert("networkMode".into(), json!(network));
    out.entry("volumes").or_insert(json!([]));
    out.entry("placementConstraints").or_insert(json!([]));
    out.insert("compatibilities".into(), compat);
    out.insert(
        "requiresAttributes".into(),
        json!([{ "name": "com.amazonaws.ecs.capability.logging-driver.awslogs" }]),
    );
    out.insert("registeredAt".into(), render::ts(def.registered_ms));
    out.insert(
        "registeredBy".into(),
        json!(format!("arn:aws:iam::{}:role/deployer", arn::ACCOUNT)),
    );
    Value::Object(out)
}

pub fn register_op(ecs: &mut EcsState, body: &Value, now: i64) -> Result<Value, ApiError> {
    let tags = super::tagging::parse(body.get("tags"))?;
    let def = register(ecs, body.clone(), tags.clone(), now)?;
    Ok(json!({ "taskDefinition": to_json(&def), "tags": render::tags(&tags) }))
}

pub fn describe(ecs: &EcsState, body: &Value) -> Result<Value, ApiError> {
    let reference = arn::required(body, "taskDefinition")?;
    let def = resolve(&ecs.task_defs, reference)?;
    let mut out = json!({ "taskDefinition": to_json(def) });
    if includes(body, "TAGS") {
        out["tags"] = render::tags(&def.tags);
    }
    Ok(out)
}

pub fn list(ecs: &EcsState, body: &Value) -> Result<Value, ApiError> {
    let status = str_field(body, "status").unwrap_or("ACTIVE");
    let family = str_field(body, "familyPrefix");
    let mut arns: Vec<String> = ecs
        .task_defs
        .iter()
        .filter(|(f, _)| family.is_none_or(|p| p == f.as_str()))
        .flat_map(|(_, revs)| revs.iter())
        .filter(|d| d.status == status)
        .map(|d| d.arn.clone())
        .collect();
    if str_field(body, "sort") == Some("DESC") {
        arns.reverse();
    }
    let (page, next) = pagination::page("ListTaskDefinitions", body, &arns, 100, 100)?;
    Ok(render::with_token(
        json!({ "taskDefinitionArns": page }),
        next,
    ))
}

pub fn list_families(ecs: &EcsState, body: &Value) -> Result<Value, ApiError> {
    let status = str_field(body, "status").unwrap_or("ACTIVE");
    let prefix = str_field(body, "familyPrefix").unwrap_or("");
    let families: Vec<String> = ecs
        .task_defs
        .iter()
        .filter(|(f, _)| f.starts_with(prefix))
        .filter(|(_, revs)| {
            let active = revs.iter().any(|d| d.status == "ACTIVE");
            match status {
                "ALL" => true,
                "INACTIVE" => !active,
                _ => active,
            }
        })
        .map(|(f, _)| f.clone())
        .collect();
    let (page, next) = pagination::page("ListTaskDefinitionFamilies", body, &families, 100, 100)?;
    Ok(render::with_token(json!({ "families": page }), next))
}
