//! ECR: repositories, images and scan findings.

use aws_sdk_ecr::types::{FindingSeverity, ImageIdentifier};

use super::convert::{s, ts};
use super::{AwsClients, AwsError, classify};
use crate::domain::{Finding, Image, Repository, Severity};

impl AwsClients {
    /// Every repository (all pages).
    pub async fn list_repositories(&self) -> Result<Vec<Repository>, AwsError> {
        let repos: Vec<_> = self
            .ecr
            .describe_repositories()
            .max_results(1000)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(classify)?;
        Ok(repos
            .iter()
            .map(|r| Repository {
                name: s(r.repository_name()),
                arn: s(r.repository_arn()),
                uri: s(r.repository_uri()),
                scan_on_push: r
                    .image_scanning_configuration()
                    .is_some_and(|c| c.scan_on_push()),
                tag_mutability: r
                    .image_tag_mutability()
                    .map(|m| m.as_str().to_string())
                    .unwrap_or_default(),
                created_at: ts(r.created_at()),
            })
            .collect())
    }

    /// Every image of `repository` (all pages), newest push first.
    pub async fn list_images(&self, repository: &str) -> Result<Vec<Image>, AwsError> {
        let details: Vec<_> = self
            .ecr
            .describe_images()
            .repository_name(repository)
            .max_results(1000)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(classify)?;
        let mut images: Vec<Image> = details
            .iter()
            .map(|d| Image {
                repository: repository.to_string(),
                digest: s(d.image_digest()),
                tags: d.image_tags().to_vec(),
                pushed_at: ts(d.image_pushed_at()),
                size_bytes: d.image_size_in_bytes().unwrap_or_default(),
                scan_status: d
                    .image_scan_status()
                    .and_then(|st| st.status())
                    .map(|st| st.as_str().to_string())
                    .unwrap_or_default(),
                findings: d
                    .image_scan_findings_summary()
                    .and_then(|f| f.finding_severity_counts())
                    .map(|m| m.iter().map(|(sev, n)| (severity(sev), *n)).collect())
                    .unwrap_or_default(),
            })
            .collect();
        images.sort_by_key(|i| std::cmp::Reverse(i.pushed_at));
        Ok(images)
    }

    /// The scan findings of one image (by tag or digest), most severe first.
    pub async fn image_findings(
        &self,
        repository: &str,
        digest: &str,
    ) -> Result<Vec<Finding>, AwsError> {
        let out = self
            .ecr
            .describe_image_scan_findings()
            .repository_name(repository)
            .image_id(ImageIdentifier::builder().image_digest(digest).build())
            .max_results(1000)
            .send()
            .await
            .map_err(classify)?;
        let mut findings: Vec<Finding> = out
            .image_scan_findings()
            .map(|f| f.findings())
            .unwrap_or_default()
            .iter()
            .map(|f| Finding {
                name: s(f.name()),
                severity: f.severity().map(severity).unwrap_or(Severity::Undefined),
                uri: s(f.uri()),
                description: s(f.description()),
            })
            .collect();
        findings.sort_by_key(|f| f.severity);
        Ok(findings)
    }
}

fn severity(s: &FindingSeverity) -> Severity {
    Severity::parse(s.as_str())
}
