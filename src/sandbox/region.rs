//! The AWS region a sandbox pretends to be in: part of its state (never a
//! process-global), so two sandboxes in one process hand out different ARNs,
//! availability zones and registry hosts.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// The simulated account every ARN carries.
pub const ACCOUNT: &str = "123456789012";

/// A validated region name such as `us-east-1` or `eu-west-1`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Region(Arc<str>);

impl Region {
    /// Accepts names shaped like AWS's: `^[a-z]{2}(-[a-z]+)+-\d$`
    /// (`us-east-1`, `eu-west-1`, `us-gov-west-1`, `ap-southeast-2`).
    pub fn parse(s: &str) -> Result<Self, String> {
        if is_region_name(s) {
            Ok(Self(Arc::from(s)))
        } else {
            Err(format!(
                "invalid region {:?}: expected an AWS region name such as us-east-1 or eu-west-1",
                s.chars().take(64).collect::<String>()
            ))
        }
    }

    pub fn us_east_1() -> Self {
        Self(Arc::from("us-east-1"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `arn:aws:{service}:{region}:{account}:{resource}`.
    pub fn arn(&self, service: &str, resource: &str) -> String {
        format!("arn:aws:{service}:{}:{ACCOUNT}:{resource}", self.0)
    }

    /// The availability zone `{region}a`, `b` or `c` for index `i` (mod 3).
    pub fn az(&self, i: usize) -> String {
        format!("{}{}", self.0, ['a', 'b', 'c'][i % 3])
    }

    /// The account's private ECR registry host in this region.
    pub fn ecr_host(&self) -> String {
        format!("{ACCOUNT}.dkr.ecr.{}.amazonaws.com", self.0)
    }
}

/// The region the seeded fleet's templates are written in.
pub const TEMPLATE: &str = "us-east-1";

impl Region {
    /// Moves a seed template written for [`TEMPLATE`] into this region:
    /// every string in `v` naming us-east-1 (registry hosts, `awslogs-region`,
    /// SSM and ELB ARNs, RDS endpoints) names this region instead.
    pub fn relocate(&self, v: &mut serde_json::Value) {
        use serde_json::Value;
        if self.as_str() == TEMPLATE {
            return;
        }
        match v {
            Value::String(s) if s.contains(TEMPLATE) => *s = self.relocate_str(s),
            Value::Array(items) => items.iter_mut().for_each(|i| self.relocate(i)),
            Value::Object(m) => m.values_mut().for_each(|i| self.relocate(i)),
            _ => {}
        }
    }

    /// [`Region::relocate`] for one string.
    pub fn relocate_str(&self, s: &str) -> String {
        s.replace(TEMPLATE, self.as_str())
    }
}

impl Default for Region {
    fn default() -> Self {
        Self::us_east_1()
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Region {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

fn is_region_name(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        return false;
    };
    first.len() == 2
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && !middle.is_empty()
        && middle
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && last.len() == 1
        && last.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_aws_region_names() {
        for ok in ["us-east-1", "eu-west-1", "ap-southeast-2", "us-gov-west-1"] {
            assert_eq!(Region::parse(ok).map(|r| r.to_string()), Ok(ok.to_string()));
        }
    }

    #[test]
    fn refuses_other_names_with_a_clear_message() {
        for bad in [
            "bad",
            "",
            "us-east",
            "US-EAST-1",
            "us-east-12",
            "u-east-1",
            "us--1",
            "us-east-1 ",
        ] {
            let err = Region::parse(bad).unwrap_err();
            assert!(err.contains("expected an AWS region name"), "{bad}: {err}");
        }
    }

    #[test]
    fn derives_arns_azs_and_registry_host() {
        let r = Region::parse("eu-west-1").unwrap();
        assert_eq!(
            r.arn("ecs", "cluster/a"),
            "arn:aws:ecs:eu-west-1:123456789012:cluster/a"
        );
        assert_eq!(
            [r.az(0), r.az(1), r.az(5)],
            ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
        );
        assert_eq!(r.ecr_host(), "123456789012.dkr.ecr.eu-west-1.amazonaws.com");
    }
}
