//! CloudWatch metrics as the dashboard uses them: what to ask for (one
//! statistic of one metric at one period) and the series that comes back.

use super::Timestamp;

/// One statistic of one metric, as a GetMetricData query.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MetricQuery {
    /// Unique within a call: `[a-z][a-zA-Z0-9_]*`.
    pub id: String,
    pub namespace: &'static str,
    pub metric: &'static str,
    /// `(name, value)`: `ClusterName`, `ServiceName`.
    pub dimensions: Vec<(&'static str, String)>,
    /// `Average`, `Maximum`, `Sum`…
    pub stat: &'static str,
    pub period_s: i32,
}

/// The datapoints of one query, oldest first.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MetricSeries {
    pub id: String,
    pub points: Vec<(Timestamp, f64)>,
}

impl MetricSeries {
    pub fn latest(&self) -> Option<f64> {
        self.points.last().map(|(_, v)| *v)
    }

    pub fn max(&self) -> Option<f64> {
        self.points.iter().map(|(_, v)| *v).reduce(f64::max)
    }
}

/// The time ranges the service page charts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum MetricRange {
    #[default]
    Hour,
    SixHours,
    Day,
    Week,
}

impl MetricRange {
    pub const ALL: [MetricRange; 4] = [Self::Hour, Self::SixHours, Self::Day, Self::Week];

    /// `1h`, `6h`, `24h`, `7d`: the URL's `range=` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hour => "1h",
            Self::SixHours => "6h",
            Self::Day => "24h",
            Self::Week => "7d",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Hour => "last hour",
            Self::SixHours => "last 6 hours",
            Self::Day => "last 24 hours",
            Self::Week => "last 7 days",
        }
    }

    pub fn millis(self) -> i64 {
        const HOUR: i64 = 3_600_000;
        match self {
            Self::Hour => HOUR,
            Self::SixHours => 6 * HOUR,
            Self::Day => 24 * HOUR,
            Self::Week => 7 * 24 * HOUR,
        }
    }

    /// The period of each datapoint: 60–170 points per chart.
    pub fn period_s(self) -> i32 {
        match self {
            Self::Hour => 60,
            Self::SixHours => 300,
            Self::Day => 900,
            Self::Week => 3600,
        }
    }
}
