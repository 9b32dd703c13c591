//! CloudWatch metrics: GetMetricData, up to 500 queries a call.

use std::collections::HashMap;

use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat, ScanBy};
use aws_smithy_types::DateTime;

use super::clients::AwsClients;
use super::error::{AwsError, classify};
use crate::domain::{MetricQuery, MetricSeries, Timestamp};

/// Queries one GetMetricData call takes at most (CloudWatch's limit).
pub const GET_METRIC_DATA_BATCH: usize = 500;

fn query(q: &MetricQuery) -> MetricDataQuery {
    let metric = Metric::builder()
        .namespace(q.namespace)
        .metric_name(q.metric)
        .set_dimensions(Some(
            q.dimensions
                .iter()
                .map(|(n, v)| Dimension::builder().name(*n).value(v).build())
                .collect(),
        ))
        .build();
    MetricDataQuery::builder()
        .id(&q.id)
        .metric_stat(
            MetricStat::builder()
                .metric(metric)
                .period(q.period_s)
                .stat(q.stat)
                .build(),
        )
        .return_data(true)
        .build()
}

impl AwsClients {
    /// The series of `queries` (at most `GET_METRIC_DATA_BATCH`) between
    /// `start` and `end`, oldest point first, in the order asked. One
    /// call, plus one per further page when the answer is paginated.
    pub async fn metric_data(
        &self,
        queries: &[MetricQuery],
        start: Timestamp,
        end: Timestamp,
    ) -> Result<Vec<MetricSeries>, AwsError> {
        if queries.len() > GET_METRIC_DATA_BATCH {
            return Err(AwsError::from_code(
                "ValidationError",
                "more than 500 metric queries in one call",
            ));
        }
        if queries.is_empty() {
            return Ok(Vec::new());
        }
        let pages: Vec<_> = self
            .cloudwatch
            .get_metric_data()
            .set_metric_data_queries(Some(queries.iter().map(query).collect()))
            .start_time(DateTime::from_millis(start.millis()))
            .end_time(DateTime::from_millis(end.millis()))
            .scan_by(ScanBy::TimestampAscending)
            .into_paginator()
            .send()
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .collect::<Result<_, _>>()
            .map_err(classify)?;
        // A series may continue on the next page.
        let mut points: HashMap<String, Vec<(Timestamp, f64)>> = HashMap::new();
        for page in &pages {
            for r in page.metric_data_results() {
                let Some(id) = r.id() else { continue };
                let entry = points.entry(id.to_string()).or_default();
                for (t, v) in r.timestamps().iter().zip(r.values()) {
                    if let Ok(ms) = t.to_millis()
                        && v.is_finite()
                    {
                        entry.push((Timestamp::from_millis(ms), *v));
                    }
                }
            }
        }
        Ok(queries
            .iter()
            .map(|q| {
                let mut p = points.remove(&q.id).unwrap_or_default();
                p.sort_by_key(|(t, _)| *t);
                MetricSeries {
                    id: q.id.clone(),
                    points: p,
                }
            })
            .collect())
    }
}
