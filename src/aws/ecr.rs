//! ECR: repositories, images and scan findings.

use aws_sdk_ecr::types::FindingSeverity;

use super::convert::{s, ts};
use super::{AwsClients, AwsError, classify};
use crate::domain::{Image, Repository, Severity};

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
}

fn severity(s: &FindingSeverity) -> Severity {
    Severity::parse(s.as_str())
}
