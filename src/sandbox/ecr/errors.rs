//! ECR's error messages, request-member parsing and offset pagination.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::model::{ACCOUNT, Repository};
use crate::sandbox::error::ApiError;
use crate::sandbox::logs::input::{opt_i64, opt_str, req_str};

pub fn repository_not_found(name: &str) -> ApiError {
    ApiError::new(
        400,
        "RepositoryNotFoundException",
        format!(
            "The repository with name '{name}' does not exist in the registry with id '{ACCOUNT}'"
        ),
    )
}

/// `{imageDigest:'…', imageTag:'…'}` as ECR prints an image id.
pub fn image_id_text(id: &ImageId) -> String {
    format!(
        "{{imageDigest:'{}', imageTag:'{}'}}",
        id.digest.as_deref().unwrap_or("null"),
        id.tag.as_deref().unwrap_or("null")
    )
}

pub fn image_not_found(id: &ImageId, repo: &str) -> ApiError {
    ApiError::new(
        400,
        "ImageNotFoundException",
        format!(
            "The image with imageId {} does not exist within the repository with name '{repo}' in the registry with id '{ACCOUNT}'",
            image_id_text(id)
        ),
    )
}

/// The repository named by `repositoryName`.
pub fn repository<'a>(
    repos: &'a BTreeMap<String, Repository>,
    body: &Value,
) -> Result<&'a Repository, ApiError> {
    let name = req_str(body, "repositoryName")?;
    repos.get(name).ok_or_else(|| repository_not_found(name))
}

/// An `imageId` member: a tag, a digest or both.
#[derive(Debug, Clone, Default)]
pub struct ImageId {
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageId {
    pub fn parse(v: &Value) -> Result<Self, ApiError> {
        let id = ImageId {
            tag: opt_str(v, "imageTag")?.map(str::to_string),
            digest: opt_str(v, "imageDigest")?.map(str::to_string),
        };
        if id.tag.is_none() && id.digest.is_none() {
            return Err(ApiError::invalid(
                "Invalid parameter at 'imageId' failed to satisfy constraint: 'An image ID must have either an image digest or an image tag'",
            ));
        }
        Ok(id)
    }

    pub fn json(&self) -> Value {
        let mut m = serde_json::Map::new();
        if let Some(d) = &self.digest {
            m.insert("imageDigest".into(), json!(d));
        }
        if let Some(t) = &self.tag {
            m.insert("imageTag".into(), json!(t));
        }
        Value::Object(m)
    }
}

/// The `imageIds` list, `None` when absent.
pub fn image_ids(body: &Value) -> Result<Option<Vec<ImageId>>, ApiError> {
    match body.get("imageIds") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) if (1..=100).contains(&items.len()) => items
            .iter()
            .map(ImageId::parse)
            .collect::<Result<_, _>>()
            .map(Some),
        Some(_) => Err(ApiError::invalid(
            "imageIds must be a list of between 1 and 100 image ids",
        )),
    }
}

/// `maxResults` within 1..=1000 (default 100), and the start offset from
/// `nextToken`. ECR refuses `maxResults` together with an explicit id list.
pub fn page(body: &Value, with_ids: bool, ids_member: &str) -> Result<(usize, usize), ApiError> {
    let max = opt_i64(body, "maxResults")?;
    if with_ids && max.is_some() {
        return Err(ApiError::invalid(format!(
            "Invalid parameter: maxResults cannot be used with {ids_member}"
        )));
    }
    let max = match max {
        None => 100,
        Some(n) if (1..=1000).contains(&n) => n as usize,
        Some(n) => {
            return Err(ApiError::invalid(format!(
                "1 validation error detected: Value '{n}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000"
            )));
        }
    };
    let start = match opt_str(body, "nextToken")? {
        None => 0,
        Some(t) => decode_offset(t).ok_or_else(|| {
            ApiError::invalid(
                "Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid token'",
            )
        })?,
    };
    Ok((max, start))
}

/// Items `[start, start+max)` and the token for the rest, if any.
pub fn slice<T>(items: Vec<T>, start: usize, max: usize) -> (Vec<T>, Option<String>) {
    let total = items.len();
    let end = start.saturating_add(max).min(total);
    let page: Vec<T> = items
        .into_iter()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect();
    let next = (end < total).then(|| encode_offset(end));
    (page, next)
}

/// Opaque-looking offset tokens.
fn encode_offset(n: usize) -> String {
    format!(
        "ukD72mdD/mC8b5xV3susmJzzaTgp3hKwR9nRUW1yZZ{}",
        hex::encode(format!("o{n}"))
    )
}

fn decode_offset(t: &str) -> Option<usize> {
    let h = t.strip_prefix("ukD72mdD/mC8b5xV3susmJzzaTgp3hKwR9nRUW1yZZ")?;
    let s = String::from_utf8(hex::decode(h).ok()?).ok()?;
    s.strip_prefix('o')?.parse().ok()
}

/// The `filter.tagStatus` member: `Some(true)` TAGGED, `Some(false)` UNTAGGED.
pub fn tag_status(body: &Value) -> Result<Option<bool>, ApiError> {
    let Some(filter) = body.get("filter").filter(|f| !f.is_null()) else {
        return Ok(None);
    };
    match opt_str(filter, "tagStatus")? {
        None | Some("ANY") => Ok(None),
        Some("TAGGED") => Ok(Some(true)),
        Some("UNTAGGED") => Ok(Some(false)),
        Some(other) => Err(ApiError::invalid(format!(
            "1 validation error detected: Value '{other}' at 'filter.tagStatus' failed to satisfy constraint: Member must satisfy enum value set: [TAGGED, ANY, UNTAGGED]"
        ))),
    }
}
