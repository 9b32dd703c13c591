//! ECR repositories, images and scan findings.

use std::collections::BTreeMap;

use super::Timestamp;

#[derive(Clone, Debug, Default)]
pub struct Repository {
    pub name: String,
    pub arn: String,
    pub uri: String,
    pub scan_on_push: bool,
    pub tag_mutability: String,
    pub created_at: Option<Timestamp>,
}

/// Finding severities, most severe first (so sorting puts CRITICAL first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    Informational,
    Undefined,
}

impl Severity {
    pub fn parse(s: &str) -> Self {
        match s.to_ascii_uppercase().as_str() {
            "CRITICAL" => Self::Critical,
            "HIGH" => Self::High,
            "MEDIUM" => Self::Medium,
            "LOW" => Self::Low,
            "INFORMATIONAL" => Self::Informational,
            _ => Self::Undefined,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Critical => "CRITICAL",
            Self::High => "HIGH",
            Self::Medium => "MEDIUM",
            Self::Low => "LOW",
            Self::Informational => "INFORMATIONAL",
            Self::Undefined => "UNDEFINED",
        }
    }

    /// CSS class suffix for the badge.
    pub fn class(self) -> &'static str {
        match self {
            Self::Critical => "critical",
            Self::High => "high",
            Self::Medium => "medium",
            Self::Low | Self::Informational | Self::Undefined => "low",
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Image {
    pub repository: String,
    pub digest: String,
    pub tags: Vec<String>,
    pub pushed_at: Option<Timestamp>,
    pub size_bytes: i64,
    pub scan_status: String,
    pub findings: BTreeMap<Severity, i32>,
}

impl Image {
    pub fn critical_findings(&self) -> i32 {
        self.findings
            .get(&Severity::Critical)
            .copied()
            .unwrap_or_default()
    }

    /// `sha256:0123456789ab` — enough of the digest to recognise it.
    pub fn short_digest(&self) -> &str {
        self.digest.get(..19).unwrap_or(&self.digest)
    }

    /// Size in MiB with one decimal.
    pub fn size_mib(&self) -> String {
        format!("{:.1} MiB", self.size_bytes as f64 / 1_048_576.0)
    }

    /// Findings as (severity, count), most severe first, zero counts left out.
    pub fn finding_counts(&self) -> Vec<(Severity, i32)> {
        self.findings
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(s, n)| (*s, *n))
            .collect()
    }
}
