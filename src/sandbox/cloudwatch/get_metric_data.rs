//! `GetMetricData`: up to 500 queries of metric statistics over a time
//! range, answered from the simulation (`samples.rs`), validated and
//! paginated like CloudWatch (by `MaxDatapoints`, with `NextToken`).

use std::collections::{BTreeMap, HashSet};

use serde_json::{Value, json};

use super::samples::{self, Metric, TaskIndex};
use crate::sandbox::ecs::EcsState;
use crate::sandbox::error::ApiError;

/// Queries per call (CloudWatch's limit).
pub const MAX_QUERIES: usize = 500;
/// Datapoints per answer when the caller does not ask for fewer.
const MAX_DATAPOINTS: usize = 100_800;
/// One-minute data is kept 15 days.
const RETENTION_S: i64 = 15 * 86_400;

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(400, "InvalidParameterValue", message)
}

struct Query {
    id: String,
    label: String,
    metric: Metric,
    stat: String,
    period: i64,
    return_data: bool,
}

fn valid_id(id: &str) -> bool {
    id.len() <= 255
        && id.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn query(q: &Value) -> Result<Query, ApiError> {
    let id = q.get("Id").and_then(Value::as_str).unwrap_or("");
    if !valid_id(id) {
        return Err(invalid(format!(
            "The value {id:?} for parameter MetricDataQueries.member.Id is invalid: it must start with a lowercase letter and contain only letters, numbers and underscores."
        )));
    }
    if q.get("Expression").is_some() {
        return Err(invalid(
            "Metric math expressions are not supported by the ecsdeck sandbox.",
        ));
    }
    let stat = q.get("MetricStat").ok_or_else(|| {
        ApiError::new(
            400,
            "MissingParameter",
            format!("Query {id} needs MetricStat or Expression."),
        )
    })?;
    let m = stat.get("Metric").cloned().unwrap_or(Value::Null);
    let (mut cluster, mut service, mut other) = (None, None, false);
    for d in m
        .get("Dimensions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = d.get("Name").and_then(Value::as_str).unwrap_or("");
        let value = d.get("Value").and_then(Value::as_str).map(str::to_string);
        match name {
            "ClusterName" => cluster = value,
            "ServiceName" => service = value,
            _ => other = true,
        }
    }
    let period = stat.get("Period").and_then(Value::as_i64).unwrap_or(0);
    if period < 1 || (period >= 60 && period % 60 != 0) || (period < 60 && 60 % period != 0) {
        return Err(invalid(format!(
            "The parameter MetricDataQueries.member.MetricStat.Period of query {id} must be 1, 5, 10, 30 or a multiple of 60."
        )));
    }
    let name = m.get("MetricName").and_then(Value::as_str).unwrap_or("");
    Ok(Query {
        id: id.to_string(),
        label: q
            .get("Label")
            .and_then(Value::as_str)
            .unwrap_or(name)
            .to_string(),
        metric: Metric {
            namespace: m
                .get("Namespace")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            name: name.to_string(),
            cluster,
            service,
            other_dimensions: other,
        },
        stat: stat
            .get("Stat")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
        period: period.max(60),
        return_data: q.get("ReturnData").and_then(Value::as_bool).unwrap_or(true),
    })
}

/// The (timestamp s, value) points of `metric`'s `stat` per `period` in
/// [start, end) seconds, oldest first; nothing after `now_ms`.
fn series(
    ecs: &EcsState,
    idx: &TaskIndex<'_>,
    metric: &Metric,
    stat: &str,
    period: i64,
    (start, end): (i64, i64),
    now_ms: i64,
) -> Vec<(i64, f64)> {
    // No minute before the first task this metric can see has data.
    let first = idx
        .first_start_ms(metric.service.as_deref())
        .unwrap_or(i64::MAX)
        / 1000;
    let end = end.min(now_ms / 1000);
    let mut bucket = start.div_euclid(period) * period;
    let mut out = Vec::new();
    while bucket < end {
        if bucket + period > first {
            let minutes: Vec<Vec<f64>> = (0..period / 60)
                .map(|k| bucket + k * 60)
                .filter(|m| *m < end && *m + 60 > first)
                .map(|m| samples::minute(ecs, idx, metric, m * 1000))
                .collect();
            if let Some(v) = samples::fold(stat, &minutes) {
                out.push((bucket, v));
            }
        }
        bucket += period;
    }
    out
}

/// The points of one metric (alarms evaluate with this).
pub fn series_of(
    ecs: &EcsState,
    metric: &Metric,
    stat: &str,
    period: i64,
    start: i64,
    end: i64,
    now_ms: i64,
) -> Vec<(i64, f64)> {
    let Some(cluster) = metric.cluster.as_ref().and_then(|c| ecs.clusters.get(c)) else {
        return Vec::new();
    };
    let idx = TaskIndex::new(cluster);
    series(ecs, &idx, metric, stat, period, (start, end), now_ms)
}

pub fn get_metric_data(ecs: &EcsState, body: &Value, now_ms: i64) -> Result<Value, ApiError> {
    let raw = body
        .get("MetricDataQueries")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            ApiError::new(
                400,
                "MissingParameter",
                "The parameter MetricDataQueries is required.",
            )
        })?;
    if raw.is_empty() || raw.len() > MAX_QUERIES {
        return Err(ApiError::new(
            400,
            "ValidationError",
            format!(
                "The collection MetricDataQueries must not be empty and must not have a size greater than {MAX_QUERIES}."
            ),
        ));
    }
    let queries = raw.iter().map(query).collect::<Result<Vec<_>, _>>()?;
    let mut seen = HashSet::new();
    if let Some(dup) = queries.iter().find(|q| !seen.insert(q.id.as_str())) {
        return Err(invalid(format!(
            "The Id {} is used more than once.",
            dup.id
        )));
    }
    let time = |k: &str| {
        body.get(k)
            .and_then(Value::as_f64)
            .map(|s| s as i64)
            .ok_or_else(|| {
                ApiError::new(
                    400,
                    "MissingParameter",
                    format!("The parameter {k} is required."),
                )
            })
    };
    let (start, end) = (time("StartTime")?, time("EndTime")?);
    if start >= end {
        return Err(invalid(
            "The parameter StartTime must be less than the parameter EndTime.",
        ));
    }
    let start = start.max(now_ms / 1000 - RETENTION_S);
    let max_points = body
        .get("MaxDatapoints")
        .and_then(Value::as_u64)
        .map_or(MAX_DATAPOINTS, |n| (n as usize).clamp(1, MAX_DATAPOINTS));
    let from = match body.get("NextToken").and_then(Value::as_str) {
        None => 0,
        Some(t) => t
            .strip_prefix("q")
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| *n < queries.len())
            .ok_or_else(|| ApiError::new(400, "InvalidNextToken", "The NextToken is invalid."))?,
    };
    let ascending = body.get("ScanBy").and_then(Value::as_str) == Some("TimestampAscending");
    let index: BTreeMap<String, TaskIndex<'_>> = queries
        .iter()
        .filter_map(|q| q.metric.cluster.as_deref())
        .filter_map(|c| {
            ecs.clusters
                .get(c)
                .map(|cl| (c.to_string(), TaskIndex::new(cl)))
        })
        .collect();
    let mut results = Vec::new();
    let mut points = 0;
    let mut next = None;
    for (i, q) in queries.iter().enumerate().skip(from) {
        if !q.return_data {
            continue;
        }
        let mut s = match q.metric.cluster.as_ref().and_then(|c| index.get(c)) {
            Some(idx) => series(ecs, idx, &q.metric, &q.stat, q.period, (start, end), now_ms),
            None => Vec::new(),
        };
        if points > 0 && points + s.len() > max_points {
            next = Some(format!("q{i}"));
            break;
        }
        s.truncate(max_points);
        points += s.len();
        if !ascending {
            s.reverse();
        }
        results.push(json!({
            "Id": q.id,
            "Label": q.label,
            "Timestamps": s.iter().map(|(t, _)| *t).collect::<Vec<_>>(),
            "Values": s.iter().map(|(_, v)| *v).collect::<Vec<_>>(),
            "StatusCode": "Complete",
        }));
    }
    let mut out = json!({ "MetricDataResults": results, "Messages": [] });
    if let Some(t) = next {
        out["NextToken"] = Value::String(t);
    }
    Ok(out)
}
