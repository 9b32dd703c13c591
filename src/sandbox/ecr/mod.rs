//! ECR in the sandbox: repositories, images, scan findings and the
//! `AmazonEC2ContainerRegistry_V20150921.*` operations.
//!
//! Interface used by the rest of the sandbox (keep these signatures):
//! `EcrStore::new`, `create_repository`, `put_image`, `image_exists`, `handle`.

mod describe;
mod errors;
mod images;
pub mod model;
mod scan;

use std::collections::BTreeMap;

use serde_json::Value;

use crate::sandbox::error::ApiError;
use model::{Image, Repository, manifest_for, sha256_digest};

/// Vulnerability counts by severity from an image scan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Findings {
    pub critical: u32,
    pub high: u32,
    pub medium: u32,
    pub low: u32,
    pub informational: u32,
}

impl Findings {
    /// `(ECR severity name, count)`, most severe first.
    pub fn by_severity(&self) -> [(&'static str, u32); 5] {
        [
            ("CRITICAL", self.critical),
            ("HIGH", self.high),
            ("MEDIUM", self.medium),
            ("LOW", self.low),
            ("INFORMATIONAL", self.informational),
        ]
    }
}

/// An image to push into a repository.
#[derive(Debug, Clone, Default)]
pub struct NewImage {
    /// Tags; empty for an untagged image.
    pub tags: Vec<String>,
    /// `sha256:…`; the SHA-256 of the generated manifest when `None`.
    pub digest: Option<String>,
    pub size_bytes: i64,
    pub pushed_at_ms: i64,
    /// `None`: never scanned.
    pub findings: Option<Findings>,
}

/// All repositories and images of the sandbox.
#[derive(Debug, Default)]
pub struct EcrStore {
    /// The sandbox's region (set by `World`), for the ARNs rendered here.
    pub region: crate::sandbox::region::Region,
    repos: BTreeMap<String, Repository>,
}

impl EcrStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Creates a repository (no-op if it exists).
    pub fn create_repository(
        &mut self,
        name: &str,
        scan_on_push: bool,
        immutable_tags: bool,
        now_ms: i64,
    ) {
        self.repos
            .entry(name.to_string())
            .or_insert_with(|| Repository {
                name: name.to_string(),
                created_ms: now_ms,
                scan_on_push,
                immutable_tags,
                images: Vec::new(),
            });
    }

    /// Pushes an image (creating the repository if needed); returns its
    /// digest. A tag already on another image moves to the new one, as a
    /// `docker push` to a mutable repository does; pushing a digest that is
    /// already there adds the tags to it.
    pub fn put_image(&mut self, repository: &str, image: NewImage) -> String {
        self.create_repository(repository, true, false, image.pushed_at_ms);
        let Some(repo) = self.repos.get_mut(repository) else {
            return String::new();
        };
        let seed = format!(
            "{repository}:{}:{}",
            image.tags.join(","),
            image.pushed_at_ms
        );
        let manifest = manifest_for(&seed, image.size_bytes);
        let digest = image
            .digest
            .unwrap_or_else(|| sha256_digest(manifest.as_bytes()));
        for other in repo.images.iter_mut().filter(|i| i.digest != digest) {
            other.tags.retain(|t| !image.tags.contains(t));
        }
        if let Some(existing) = repo.images.iter_mut().find(|i| i.digest == digest) {
            for t in image.tags {
                if !existing.has_tag(&t) {
                    existing.tags.push(t);
                }
            }
            return digest;
        }
        repo.images.push(Image {
            digest: digest.clone(),
            tags: image.tags,
            size_bytes: image.size_bytes,
            pushed_at_ms: image.pushed_at_ms,
            findings: image.findings,
            manifest,
        });
        digest
    }

    /// Whether `repository:tag` (or `repository@digest`) exists: the
    /// scheduler fails task starts with CannotPullContainerError otherwise.
    pub fn image_exists(&self, repository: &str, tag_or_digest: &str) -> bool {
        self.repos.get(repository).is_some_and(|r| {
            r.images
                .iter()
                .any(|i| i.digest == tag_or_digest || i.has_tag(tag_or_digest))
        })
    }

    /// Answers one `AmazonEC2ContainerRegistry_V20150921.<op>` call.
    pub fn handle(&mut self, op: &str, body: &Value, _now_ms: i64) -> Result<Value, ApiError> {
        match op {
            "DescribeRepositories" => {
                describe::describe_repositories(&self.region, &self.repos, body)
            }
            "DescribeImages" => images::describe_images(&self.repos, body),
            "ListImages" => images::list_images(&self.repos, body),
            "BatchGetImage" => images::batch_get_image(&self.repos, body),
            "DescribeImageScanFindings" => scan::describe_image_scan_findings(&self.repos, body),
            _ => Err(ApiError::new(
                400,
                "UnknownOperationException",
                format!(
                    "AmazonEC2ContainerRegistry_V20150921.{op} is not supported by the ecsdeck sandbox"
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests;
