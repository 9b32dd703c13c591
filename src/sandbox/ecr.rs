//! ECR in the sandbox: repositories, images, scan findings and the
//! `AmazonEC2ContainerRegistry_V20150921.*` operations.
//!
//! Interface used by the rest of the sandbox (keep these signatures):
//! `EcrStore::new`, `create_repository`, `put_image`, `image_exists`, `handle`.

use serde_json::Value;

use crate::sandbox::error::ApiError;

/// Vulnerability counts by severity from an image scan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Findings {
    pub critical: u32,
    pub high: u32,
    pub medium: u32,
    pub low: u32,
    pub informational: u32,
}

/// An image to push into a repository.
#[derive(Debug, Clone)]
pub struct NewImage {
    /// Tags; empty for an untagged image.
    pub tags: Vec<String>,
    /// `sha256:…`; derived from the repository and tags when `None`.
    pub digest: Option<String>,
    pub size_bytes: i64,
    pub pushed_at_ms: i64,
    /// `None`: never scanned.
    pub findings: Option<Findings>,
}

/// All repositories and images of the sandbox.
#[derive(Debug, Default)]
pub struct EcrStore {}

impl EcrStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Creates a repository (no-op if it exists).
    pub fn create_repository(
        &mut self,
        _name: &str,
        _scan_on_push: bool,
        _immutable_tags: bool,
        _now_ms: i64,
    ) {
    }

    /// Pushes an image; returns its digest.
    pub fn put_image(&mut self, _repository: &str, image: NewImage) -> String {
        image.digest.unwrap_or_default()
    }

    /// Whether `repository:tag` (or `repository@digest`) exists: the
    /// scheduler fails task starts with CannotPullContainerError otherwise.
    pub fn image_exists(&self, _repository: &str, _tag_or_digest: &str) -> bool {
        false
    }

    /// Answers one `AmazonEC2ContainerRegistry_V20150921.<op>` call.
    pub fn handle(&mut self, op: &str, _body: &Value, _now_ms: i64) -> Result<Value, ApiError> {
        Err(ApiError::new(
            400,
            "UnknownOperationException",
            format!(
                "AmazonEC2ContainerRegistry_V20150921.{op} is not supported by the ecsdeck sandbox"
            ),
        ))
    }
}
