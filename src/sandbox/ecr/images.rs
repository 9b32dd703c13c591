//! DescribeImages, ListImages and BatchGetImage.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::errors::{ImageId, image_ids, image_not_found, page, repository, slice, tag_status};
use super::model::{ACCOUNT, Image, MANIFEST_MEDIA_TYPE, Repository};
use crate::sandbox::error::ApiError;

/// Whether `image` passes the tagStatus filter.
fn keep(image: &Image, tagged: Option<bool>) -> bool {
    tagged.is_none_or(|want| want != image.tags.is_empty())
}

pub fn describe_images(
    repos: &BTreeMap<String, Repository>,
    body: &Value,
) -> Result<Value, ApiError> {
    let repo = repository(repos, body)?;
    let ids = image_ids(body)?;
    let (max, start) = page(body, ids.is_some(), "imageIds")?;
    let tagged = tag_status(body)?;
    let chosen: Vec<&Image> = match &ids {
        Some(ids) => {
            let mut out: Vec<&Image> = Vec::with_capacity(ids.len());
            for id in ids {
                let image = repo
                    .find(id.tag.as_deref(), id.digest.as_deref())
                    .ok_or_else(|| image_not_found(id, &repo.name))?;
                if !out.iter().any(|i| i.digest == image.digest) {
                    out.push(image);
                }
            }
            out
        }
        None => repo.images.iter().filter(|i| keep(i, tagged)).collect(),
    };
    let (page, next) = slice(chosen, start, max);
    let details: Vec<Value> = page.iter().map(|i| i.detail_json(repo)).collect();
    let mut out = json!({ "imageDetails": details });
    if let Some(t) = next {
        out["nextToken"] = json!(t);
    }
    Ok(out)
}

pub fn list_images(repos: &BTreeMap<String, Repository>, body: &Value) -> Result<Value, ApiError> {
    let repo = repository(repos, body)?;
    let (max, start) = page(body, false, "")?;
    let tagged = tag_status(body)?;
    // One id per tag; an untagged image is listed by its digest alone.
    let ids: Vec<Value> = repo
        .images
        .iter()
        .filter(|i| keep(i, tagged))
        .flat_map(|i| {
            if i.tags.is_empty() {
                vec![json!({ "imageDigest": i.digest })]
            } else {
                i.tags
                    .iter()
                    .map(|t| json!({ "imageDigest": i.digest, "imageTag": t }))
                    .collect()
            }
        })
        .collect();
    let (page, next) = slice(ids, start, max);
    let mut out = json!({ "imageIds": page });
    if let Some(t) = next {
        out["nextToken"] = json!(t);
    }
    Ok(out)
}

pub fn batch_get_image(
    repos: &BTreeMap<String, Repository>,
    body: &Value,
) -> Result<Value, ApiError> {
    let repo = repository(repos, body)?;
    let ids = image_ids(body)?.ok_or_else(|| {
        ApiError::invalid(
            "1 validation error detected: Value null at 'imageIds' failed to satisfy constraint: Member must not be null",
        )
    })?;
    let mut images = Vec::new();
    let mut failures = Vec::new();
    for id in &ids {
        match lookup(repo, id) {
            Ok(image) => images.push(json!({
                "registryId": ACCOUNT,
                "repositoryName": repo.name,
                "imageId": ImageId {
                    tag: id.tag.clone(),
                    digest: Some(image.digest.clone()),
                }
                .json(),
                "imageManifest": image.manifest,
                "imageManifestMediaType": MANIFEST_MEDIA_TYPE,
            })),
            Err((code, reason)) => failures.push(json!({
                "imageId": id.json(),
                "failureCode": code,
                "failureReason": reason,
            })),
        }
    }
    Ok(json!({ "images": images, "failures": failures }))
}

/// The image for `id`, or ECR's failure code and reason.
fn lookup<'a>(
    repo: &'a Repository,
    id: &ImageId,
) -> Result<&'a Image, (&'static str, &'static str)> {
    if let (Some(tag), Some(digest)) = (&id.tag, &id.digest) {
        return match repo.find(Some(tag), None) {
            Some(i) if &i.digest == digest => Ok(i),
            Some(_) => Err((
                "ImageTagDoesNotMatchDigest",
                "Invalid image digest for the image tag",
            )),
            None => Err(("ImageNotFound", "Requested image not found")),
        };
    }
    repo.find(id.tag.as_deref(), id.digest.as_deref())
        .ok_or(("ImageNotFound", "Requested image not found"))
}
