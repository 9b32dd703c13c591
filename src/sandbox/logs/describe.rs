//! DescribeLogGroups and DescribeLogStreams.

use crate::sandbox::region::Region;
use serde_json::{Map, Value, json};

use super::input::{limit, opt_bool, opt_str, opt_str_list};
use super::store::{Group, Groups, Stream};
use super::tokens::{decode_name, encode_name};
use super::{group_name_from_identifier, resolve_group};
use crate::sandbox::error::ApiError;

pub fn group_json(r: &Region, g: &Group) -> Value {
    let mut m = Map::new();
    m.insert("logGroupName".into(), json!(g.name));
    m.insert("creationTime".into(), json!(g.creation_ms));
    if let Some(days) = g.retention_days {
        m.insert("retentionInDays".into(), json!(days));
    }
    m.insert("metricFilterCount".into(), json!(0));
    m.insert("arn".into(), json!(g.arn(r)));
    m.insert("storedBytes".into(), json!(g.stored_bytes()));
    m.insert("logGroupClass".into(), json!("STANDARD"));
    m.insert("logGroupArn".into(), json!(g.log_group_arn(r)));
    m.insert("deletionProtectionEnabled".into(), json!(false));
    Value::Object(m)
}

pub fn describe_log_groups(r: &Region, data: &Groups, body: &Value) -> Result<Value, ApiError> {
    let prefix = opt_str(body, "logGroupNamePrefix")?;
    let pattern = opt_str(body, "logGroupNamePattern")?;
    if prefix.is_some() && pattern.is_some() {
        return Err(ApiError::invalid(
            "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.",
        ));
    }
    let idents = opt_str_list(body, "logGroupIdentifiers")?;
    let class = opt_str(body, "logGroupClass")?;
    let limit = limit(body, "limit", 50, 50)?;
    let after = match opt_str(body, "nextToken")? {
        Some(t) => Some(decode_name(t)?.1),
        None => None,
    };
    let pattern = pattern.map(str::to_lowercase);
    let wanted = |g: &&Group| {
        prefix.is_none_or(|p| g.name.starts_with(p))
            && pattern
                .as_deref()
                .is_none_or(|p| g.name.to_lowercase().contains(p))
            && idents.as_ref().is_none_or(|ids| {
                ids.iter()
                    .any(|id| group_name_from_identifier(id) == g.name)
            })
            && class.is_none_or(|c| c == "STANDARD")
            && after.as_deref().is_none_or(|a| g.name.as_str() > a)
    };
    let mut matching = data.groups.values().filter(wanted);
    let page: Vec<&Group> = matching.by_ref().take(limit).collect();
    let mut out = json!({ "logGroups": page.iter().map(|g| group_json(r, g)).collect::<Vec<_>>() });
    if let (Some(last), Some(_)) = (page.last(), matching.next()) {
        out["nextToken"] = json!(encode_name(0, &last.name));
    }
    Ok(out)
}

pub fn stream_json(r: &Region, group: &Group, s: &Stream) -> Value {
    let mut m = Map::new();
    m.insert("logStreamName".into(), json!(s.name));
    m.insert("creationTime".into(), json!(s.creation_ms));
    if let (Some(first), Some(last)) = (s.first_ts(), s.last_ts()) {
        m.insert("firstEventTimestamp".into(), json!(first));
        m.insert("lastEventTimestamp".into(), json!(last));
    }
    if let Some(t) = s.last_ingestion_ms {
        m.insert("lastIngestionTime".into(), json!(t));
    }
    m.insert("uploadSequenceToken".into(), json!(s.sequence_token()));
    m.insert("arn".into(), json!(s.arn(r, &group.name)));
    m.insert("storedBytes".into(), json!(s.stored_bytes));
    Value::Object(m)
}

pub fn describe_log_streams(r: &Region, data: &Groups, body: &Value) -> Result<Value, ApiError> {
    let group = resolve_group(data, body)?;
    let prefix = opt_str(body, "logStreamNamePrefix")?;
    let by_time = match opt_str(body, "orderBy")? {
        None | Some("LogStreamName") => false,
        Some("LastEventTime") => true,
        Some(other) => {
            return Err(ApiError::invalid(format!(
                "1 validation error detected: Value '{other}' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]"
            )));
        }
    };
    if by_time && prefix.is_some() {
        return Err(ApiError::invalid(
            "Cannot order by LastEventTime with a logStreamNamePrefix.",
        ));
    }
    let descending = opt_bool(body, "descending")?.unwrap_or(false);
    let limit = limit(body, "limit", 50, 50)?;
    let after = match opt_str(body, "nextToken")? {
        Some(t) => Some(decode_name(t)?),
        None => None,
    };
    let sort_key = |s: &Stream| if by_time { s.last_ts().unwrap_or(0) } else { 0 };
    let mut rows: Vec<(i64, &Stream)> = group
        .streams
        .values()
        .filter(|s| prefix.is_none_or(|p| s.name.starts_with(p)))
        .map(|s| (sort_key(s), s))
        .collect();
    rows.sort_by(|a, b| (a.0, &a.1.name).cmp(&(b.0, &b.1.name)));
    if descending {
        rows.reverse();
    }
    if let Some((k, name)) = &after {
        let cursor = (*k, name);
        rows.retain(|(rk, s)| {
            let here = (*rk, &s.name);
            if descending {
                here < cursor
            } else {
                here > cursor
            }
        });
    }
    let more = rows.len() > limit;
    rows.truncate(limit);
    let mut out = json!({
        "logStreams": rows.iter().map(|(_, s)| stream_json(r, group, s)).collect::<Vec<_>>()
    });
    if let (true, Some((k, s))) = (more, rows.last()) {
        out["nextToken"] = json!(encode_name(*k, &s.name));
    }
    Ok(out)
}
