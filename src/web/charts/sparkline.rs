//! The cluster table's sparklines: a service's CPU and memory over the
//! last hour, 120×24, with the latest values written next to it and the
//! whole in the SVG's `<title>`.

use crate::domain::MetricRange;
use crate::fleet::{Metrics, row_ids};

use super::{Plot, Unit, format_value};

pub const WIDTH: f64 = 120.0;
pub const HEIGHT: f64 = 24.0;

/// One row's sparkline.
#[derive(Clone, Debug, Default)]
pub struct Spark {
    pub cpu: Vec<String>,
    pub mem: Vec<String>,
    pub cpu_now: Option<String>,
    pub mem_now: Option<String>,
    /// The text alternative: latest and highest of both.
    pub title: String,
}

impl Spark {
    pub fn has_data(&self) -> bool {
        self.cpu_now.is_some() || self.mem_now.is_some()
    }

    /// The sparkline of `service`; `None` when the metrics were read
    /// before the service was in the cluster's list (the next read has it).
    pub fn of(metrics: &Metrics, service: &str) -> Option<Self> {
        let (cpu_id, mem_id) = row_ids(metrics.service_index(service)?);
        let plot = Plot {
            width: WIDTH,
            height: HEIGHT,
            start: metrics.start,
            end: metrics.end,
            max: 100.0,
        };
        let period = MetricRange::Hour.period_s();
        let (cpu, mem) = (metrics.get(&cpu_id), metrics.get(&mem_id));
        let describe = |what: &str, s: Option<&crate::domain::MetricSeries>| {
            s.and_then(|s| Some((s.latest()?, s.max()?)))
                .map(|(now, max)| {
                    format!(
                        "{what} {} now, {} at most",
                        format_value(now, Unit::Percent),
                        format_value(max, Unit::Percent)
                    )
                })
        };
        let parts: Vec<String> = [describe("CPU", cpu), describe("memory", mem)]
            .into_iter()
            .flatten()
            .collect();
        let title = if parts.is_empty() {
            "No CPU or memory data in the last hour".to_string()
        } else {
            format!("{} (last hour)", parts.join("; "))
        };
        Some(Self {
            cpu: cpu.map(|s| plot.segments(s, period)).unwrap_or_default(),
            mem: mem.map(|s| plot.segments(s, period)).unwrap_or_default(),
            cpu_now: cpu
                .and_then(|s| s.latest())
                .map(|v| format_value(v, Unit::Percent)),
            mem_now: mem
                .and_then(|s| s.latest())
                .map(|v| format_value(v, Unit::Percent)),
            title,
        })
    }
}
