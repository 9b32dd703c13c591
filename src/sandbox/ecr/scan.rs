//! DescribeImageScanFindings: basic-scan findings generated deterministically
//! from the image digest, matching the image's severity counts.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::errors::{ImageId, image_id_text, image_not_found, page, repository, slice};
use super::model::{
    ACCOUNT, Image, Repository, epoch_seconds, scan_status_json, severity_counts_json,
};
use crate::sandbox::error::ApiError;

/// Packages a Debian/Ruby base image typically reports.
const PACKAGES: &[(&str, &str, &str)] = &[
    (
        "openssl",
        "3.0.11-1~deb12u2",
        "A flaw in certificate policy checking allows a denial of service.",
    ),
    (
        "glibc",
        "2.36-9+deb12u4",
        "A buffer overflow in the dynamic loader when processing GLIBC_TUNABLES.",
    ),
    (
        "curl",
        "7.88.1-10+deb12u5",
        "A heap overflow in the SOCKS5 proxy handshake.",
    ),
    (
        "libxml2",
        "2.9.14+dfsg-1.3",
        "A use-after-free when parsing crafted XML documents.",
    ),
    (
        "zlib",
        "1:1.2.13.dfsg-1",
        "An integer overflow in inflateGetHeader via a large gzip header.",
    ),
    (
        "perl",
        "5.36.0-7+deb12u1",
        "A heap overflow via a crafted regular expression.",
    ),
    (
        "ncurses",
        "6.4-4",
        "An out-of-bounds read in terminfo parsing.",
    ),
    (
        "libpq5",
        "15.5-0+deb12u1",
        "A missing privilege check in aggregate function calls.",
    ),
    (
        "imagemagick",
        "8:6.9.11.60+dfsg-1.6",
        "A denial of service via a crafted image file.",
    ),
    (
        "git",
        "1:2.39.2-1.1",
        "Arbitrary code execution when cloning a crafted repository.",
    ),
    (
        "nghttp2",
        "1.52.0-1",
        "Resource exhaustion via HTTP/2 rapid reset.",
    ),
    (
        "tar",
        "1.34+dfsg-1.2",
        "An out-of-bounds read in extended header parsing.",
    ),
];

const CVSS: [(&str, &str); 5] = [
    ("CRITICAL", "9.8"),
    ("HIGH", "7.5"),
    ("MEDIUM", "5.3"),
    ("LOW", "3.1"),
    ("INFORMATIONAL", "0.0"),
];

/// All findings of `image`, most severe first.
pub fn findings_of(image: &Image) -> Vec<Value> {
    let Some(f) = &image.findings else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (severity, count) in f.by_severity() {
        for i in 0..count {
            let h = Sha256::digest(format!("{}/{severity}/{i}", image.digest).as_bytes());
            let year = 2019 + u32::from(h[0]) % 6;
            let number = 1_000 + (u32::from(h[1]) << 8 | u32::from(h[2])) % 49_000;
            let (package, version, what) = PACKAGES[usize::from(h[3]) % PACKAGES.len()];
            let name = format!("CVE-{year}-{number}");
            let score = CVSS.iter().find(|c| c.0 == severity).map_or("0.0", |c| c.1);
            out.push(json!({
                "name": name,
                "description": format!("{package}: {what}"),
                "uri": format!("https://security-tracker.debian.org/tracker/{name}"),
                "severity": severity,
                "attributes": [
                    { "key": "package_version", "value": version },
                    { "key": "package_name", "value": package },
                    { "key": "CVSS2_VECTOR", "value": "AV:N/AC:L/Au:N/C:P/I:P/A:P" },
                    { "key": "CVSS2_SCORE", "value": score },
                ],
            }));
        }
    }
    out
}

fn scan_not_found(id: &ImageId, repo: &str) -> ApiError {
    ApiError::new(
        400,
        "ScanNotFoundException",
        format!(
            "Image scan does not exist for the image with '{}' in the repository with name '{repo}' in the registry with id '{ACCOUNT}'",
            image_id_text(id)
        ),
    )
}

pub fn describe_image_scan_findings(
    repos: &BTreeMap<String, Repository>,
    body: &Value,
) -> Result<Value, ApiError> {
    let repo = repository(repos, body)?;
    let id = match body.get("imageId") {
        Some(v) if v.is_object() => ImageId::parse(v)?,
        _ => {
            return Err(ApiError::invalid(
                "1 validation error detected: Value null at 'imageId' failed to satisfy constraint: Member must not be null",
            ));
        }
    };
    let image = repo
        .find(id.tag.as_deref(), id.digest.as_deref())
        .ok_or_else(|| image_not_found(&id, &repo.name))?;
    let Some(counts) = &image.findings else {
        return Err(scan_not_found(&id, &repo.name));
    };
    let (max, start) = page(body, false, "")?;
    let (findings, next) = slice(findings_of(image), start, max);
    let done = epoch_seconds(image.scan_completed_ms());
    let mut out = json!({
        "registryId": ACCOUNT,
        "repositoryName": repo.name,
        "imageId": ImageId { tag: id.tag.clone(), digest: Some(image.digest.clone()) }.json(),
        "imageScanStatus": scan_status_json(),
        "imageScanFindings": {
            "imageScanCompletedAt": done,
            "vulnerabilitySourceUpdatedAt": done,
            "findingSeverityCounts": severity_counts_json(counts),
            "findings": findings,
        },
    });
    if let Some(t) = next {
        out["nextToken"] = json!(t);
    }
    Ok(out)
}
