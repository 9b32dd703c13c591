//! Charts drawn on the server as inline SVG: the cluster table's
//! sparklines and the service page's charts. Geometry only here (numbers
//! and point lists; Askama escapes whatever text goes around them); every
//! chart carries its values as text too (`<title>`, a table).

pub mod service;
pub mod sparkline;

use crate::domain::{MetricSeries, Timestamp};

/// Where a series is drawn: a `width`×`height` box for the window
/// `start`..`end` and values 0..`max`.
#[derive(Clone, Copy, Debug)]
pub struct Plot {
    pub width: f64,
    pub height: f64,
    pub start: Timestamp,
    pub end: Timestamp,
    pub max: f64,
}

impl Plot {
    fn x(&self, t: Timestamp) -> f64 {
        let span = (self.end.millis() - self.start.millis()).max(1) as f64;
        let f = (t.millis() - self.start.millis()) as f64 / span;
        (f.clamp(0.0, 1.0) * self.width * 10.0).round() / 10.0
    }

    fn y(&self, v: f64) -> f64 {
        let f = if self.max > 0.0 { v / self.max } else { 0.0 };
        ((1.0 - f.clamp(0.0, 1.0)) * self.height * 10.0).round() / 10.0
    }

    /// The `points` of each unbroken run of `series`: a gap of more than
    /// two periods (no tasks running, no data) breaks the line.
    pub fn segments(&self, series: &MetricSeries, period_s: i32) -> Vec<String> {
        let gap = i64::from(period_s) * 2_000;
        let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
        let mut last: Option<Timestamp> = None;
        for (t, v) in &series.points {
            if last.is_none_or(|l| t.millis() - l.millis() > gap) {
                out.push(Vec::new());
            }
            if let Some(run) = out.last_mut() {
                run.push((self.x(*t), self.y(*v)));
            }
            last = Some(*t);
        }
        out.into_iter()
            .map(|run| {
                let run = match run.as_slice() {
                    // A lone point draws as a short dash.
                    [(x, y)] => vec![((x - 1.0).max(0.0), *y), ((x + 1.0).min(self.width), *y)],
                    _ => run,
                };
                run.iter()
                    .map(|(x, y)| format!("{x},{y}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }
}

/// `42%`, `1.5 KB/s`, `3`: a value in a chart's unit, for titles and tables.
pub fn format_value(v: f64, unit: Unit) -> String {
    match unit {
        Unit::Percent => format!("{v:.0}%"),
        Unit::Count => format!("{v:.1}").trim_end_matches(".0").to_string(),
        Unit::BytesPerSecond => {
            if v >= 1_048_576.0 {
                format!("{:.1} MB/s", v / 1_048_576.0)
            } else if v >= 1024.0 {
                format!("{:.1} KB/s", v / 1024.0)
            } else {
                format!("{v:.0} B/s")
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Percent,
    Count,
    BytesPerSecond,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(points: &[(i64, f64)]) -> MetricSeries {
        MetricSeries {
            id: "a".into(),
            points: points
                .iter()
                .map(|(t, v)| (Timestamp::from_millis(*t), *v))
                .collect(),
        }
    }

    #[test]
    fn lines_scale_into_the_box_and_break_at_gaps() {
        let plot = Plot {
            width: 100.0,
            height: 20.0,
            start: Timestamp::from_millis(0),
            end: Timestamp::from_millis(600_000),
            max: 100.0,
        };
        let s = series(&[(0, 0.0), (60_000, 100.0), (480_000, 50.0)]);
        assert_eq!(plot.segments(&s, 60), vec!["0,20 10,0", "79,10 81,10"]);
    }

    #[test]
    fn values_read_in_their_unit() {
        assert_eq!(format_value(42.4, Unit::Percent), "42%");
        assert_eq!(format_value(3.0, Unit::Count), "3");
        assert_eq!(format_value(2048.0, Unit::BytesPerSecond), "2.0 KB/s");
    }
}
