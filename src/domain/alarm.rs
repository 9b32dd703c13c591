//! CloudWatch metric alarms that watch ECS clusters and services.

use super::Timestamp;

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum AlarmState {
    Alarm,
    InsufficientData,
    Ok,
}

impl AlarmState {
    pub fn parse(s: &str) -> Self {
        match s {
            "ALARM" => Self::Alarm,
            "OK" => Self::Ok,
            _ => Self::InsufficientData,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Alarm => "ALARM",
            Self::InsufficientData => "INSUFFICIENT_DATA",
            Self::Ok => "OK",
        }
    }

    /// The badge class: bad, muted, ok.
    pub fn class(self) -> &'static str {
        match self {
            Self::Alarm => "bad",
            Self::InsufficientData => "muted",
            Self::Ok => "ok",
        }
    }
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Alarm {
    pub name: String,
    pub arn: String,
    pub description: String,
    pub state: AlarmState,
    pub reason: String,
    /// When it entered its state.
    pub since: Option<Timestamp>,
    pub namespace: String,
    pub metric: String,
    pub statistic: String,
    pub threshold: Option<f64>,
    pub comparison: String,
    /// The `ClusterName` and `ServiceName` dimensions, if any.
    pub cluster: Option<String>,
    pub service: Option<String>,
}

impl Alarm {
    /// `CPUUtilization Average ≥ 80`: what the alarm watches, in short.
    pub fn condition(&self) -> String {
        let op = match self.comparison.as_str() {
            "GreaterThanOrEqualToThreshold" => "≥",
            "GreaterThanThreshold" => ">",
            "LessThanThreshold" => "<",
            "LessThanOrEqualToThreshold" => "≤",
            _ => "?",
        };
        match self.threshold {
            Some(t) => format!("{} {} {op} {t}", self.metric, self.statistic),
            None => format!("{} {}", self.metric, self.statistic),
        }
    }

    /// Whether this alarm watches `service` of `cluster`.
    pub fn watches(&self, cluster: &str, service: &str) -> bool {
        self.cluster.as_deref() == Some(cluster) && self.service.as_deref() == Some(service)
    }
}
