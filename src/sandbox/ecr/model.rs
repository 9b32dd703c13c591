//! Repositories and images as the sandbox stores them, and their JSON shapes.

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::Findings;

pub use crate::sandbox::region::{ACCOUNT, Region};
pub const MANIFEST_MEDIA_TYPE: &str = "application/vnd.docker.distribution.manifest.v2+json";
pub const CONFIG_MEDIA_TYPE: &str = "application/vnd.docker.container.image.v1+json";
const LAYER_MEDIA_TYPE: &str = "application/vnd.docker.image.rootfs.diff.tar.gzip";

/// ECR timestamps are epoch seconds (fractional) on the JSON 1.1 wire.
pub fn epoch_seconds(ms: i64) -> Value {
    json!(ms as f64 / 1000.0)
}

/// `sha256:` + hex of the SHA-256 of `bytes`.
pub fn sha256_digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

#[derive(Debug)]
pub struct Image {
    pub digest: String,
    pub tags: Vec<String>,
    pub size_bytes: i64,
    pub pushed_at_ms: i64,
    pub findings: Option<Findings>,
    /// The image manifest (Docker v2 schema 2 JSON).
    pub manifest: String,
}

impl Image {
    pub fn detail_json(&self, repo: &Repository) -> Value {
        let mut m = Map::new();
        m.insert("registryId".into(), json!(ACCOUNT));
        m.insert("repositoryName".into(), json!(repo.name));
        m.insert("imageDigest".into(), json!(self.digest));
        if !self.tags.is_empty() {
            m.insert("imageTags".into(), json!(self.tags));
        }
        m.insert("imageSizeInBytes".into(), json!(self.size_bytes));
        m.insert("imagePushedAt".into(), epoch_seconds(self.pushed_at_ms));
        m.insert("imageManifestMediaType".into(), json!(MANIFEST_MEDIA_TYPE));
        m.insert("artifactMediaType".into(), json!(CONFIG_MEDIA_TYPE));
        if let Some(f) = &self.findings {
            m.insert("imageScanStatus".into(), scan_status_json());
            m.insert(
                "imageScanFindingsSummary".into(),
                json!({
                    "imageScanCompletedAt": epoch_seconds(self.scan_completed_ms()),
                    "vulnerabilitySourceUpdatedAt": epoch_seconds(self.scan_completed_ms()),
                    "findingSeverityCounts": severity_counts_json(f),
                }),
            );
        }
        Value::Object(m)
    }

    /// Scans finish a couple of minutes after the push (scan on push).
    pub fn scan_completed_ms(&self) -> i64 {
        self.pushed_at_ms + 95_000
    }

    pub fn has_tag(&self, tag: &str) -> bool {
        self.tags.iter().any(|t| t == tag)
    }
}

pub fn scan_status_json() -> Value {
    json!({ "status": "COMPLETE", "description": "The scan was completed successfully." })
}

/// Severity → count, leaving out zero counts as ECR does.
pub fn severity_counts_json(f: &Findings) -> Value {
    let mut m = Map::new();
    for (name, n) in f.by_severity() {
        if n > 0 {
            m.insert(name.into(), json!(n));
        }
    }
    Value::Object(m)
}

#[derive(Debug)]
pub struct Repository {
    pub name: String,
    pub created_ms: i64,
    pub scan_on_push: bool,
    pub immutable_tags: bool,
    /// In push order.
    pub images: Vec<Image>,
}

impl Repository {
    pub fn arn(&self, r: &Region) -> String {
        r.arn("ecr", &format!("repository/{}", self.name))
    }

    pub fn uri(&self, r: &Region) -> String {
        format!("{}/{}", r.ecr_host(), self.name)
    }

    pub fn json(&self, r: &Region) -> Value {
        json!({
            "repositoryArn": self.arn(r),
            "registryId": ACCOUNT,
            "repositoryName": self.name,
            "repositoryUri": self.uri(r),
            "createdAt": epoch_seconds(self.created_ms),
            "imageTagMutability": if self.immutable_tags { "IMMUTABLE" } else { "MUTABLE" },
            "imageScanningConfiguration": { "scanOnPush": self.scan_on_push },
            "encryptionConfiguration": { "encryptionType": "AES256" },
        })
    }

    /// The image holding `tag`, or with digest `digest`.
    pub fn find(&self, tag: Option<&str>, digest: Option<&str>) -> Option<&Image> {
        self.images
            .iter()
            .find(|i| tag.is_none_or(|t| i.has_tag(t)) && digest.is_none_or(|d| i.digest == d))
    }
}

/// A deterministic Docker v2 manifest: a config blob and a few layers whose
/// digests and sizes derive from `seed` and add up to about `size_bytes`.
pub fn manifest_for(seed: &str, size_bytes: i64) -> String {
    let blob = |what: &str| sha256_digest(format!("{seed}/{what}").as_bytes());
    let total = size_bytes.max(4_096);
    let shares = [55, 25, 12, 8];
    let layers: Vec<Value> = shares
        .iter()
        .enumerate()
        .map(|(i, pct)| {
            json!({
                "mediaType": LAYER_MEDIA_TYPE,
                "size": total / 100 * pct,
                "digest": blob(&format!("layer{i}")),
            })
        })
        .collect();
    json!({
        "schemaVersion": 2,
        "mediaType": MANIFEST_MEDIA_TYPE,
        "config": { "mediaType": CONFIG_MEDIA_TYPE, "size": 7_023, "digest": blob("config") },
        "layers": layers,
    })
    .to_string()
}
