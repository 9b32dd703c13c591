//! The log URLs' query: `group`, `stream` (repeatable), `service` +
//! `container`, `filter`, `errors`, `since` or `start`/`end`, `prefix`,
//! `next`. Invalid values are refused with a 400 before any AWS call.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::pattern::ERRORS_PATTERN;
use crate::error::AppError;
use crate::fleet::logs::MAX_STREAMS;
use crate::web::urls::QueryString;

/// The `since=` presets.
pub const SINCE: [(&str, i64); 4] = [
    ("5m", 5 * 60_000),
    ("1h", 3_600_000),
    ("6h", 6 * 3_600_000),
    ("24h", 24 * 3_600_000),
];

/// A parsed log URL query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogParams {
    pub group: Option<String>,
    pub streams: Vec<String>,
    /// `(cluster, service)` from `service=CLUSTER/SERVICE`.
    pub service: Option<(String, String)>,
    pub container: Option<String>,
    pub filter: String,
    pub errors: bool,
    pub since: Option<&'static str>,
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
    /// Group-name prefix on the groups page.
    pub prefix: String,
    /// Pagination token of listings.
    pub next: Option<String>,
    /// Live tail: the newest line the viewer already shows.
    pub after_ms: Option<i64>,
    /// A line's permalink: the view around this moment, its line(s)
    /// highlighted.
    pub at_ms: Option<i64>,
}

/// A permalink shows the lines up to this long after its moment…
pub const MOMENT_AFTER_MS: i64 = 10_000;
/// …and from this long before it.
pub const MOMENT_BEFORE_MS: i64 = 30 * 60_000;

fn bad(msg: impl Into<String>) -> AppError {
    AppError::BadRequest(msg.into())
}

fn rfc3339(name: &str, v: &str) -> Result<i64, AppError> {
    let t = OffsetDateTime::parse(v.trim(), &Rfc3339).map_err(|_| {
        bad(format!(
            "{name}={v:?} is not an RFC 3339 time (for example 2026-11-23T16:20:00Z)."
        ))
    })?;
    Ok((t.unix_timestamp_nanos() / 1_000_000) as i64)
}

/// `2026-11-23T16:20:00.123Z` for a millisecond timestamp.
pub fn format_ms(ms: i64) -> String {
    crate::domain::Timestamp::from_millis(ms).rfc3339()
}

impl LogParams {
    /// Parses the query pairs (repeated keys kept in order).
    pub fn parse(pairs: &[(String, String)]) -> Result<Self, AppError> {
        let mut p = LogParams::default();
        let mut service = None;
        for (k, v) in pairs {
            let v = v.as_str();
            match k.as_str() {
                "group" if !v.is_empty() => p.group = Some(v.to_string()),
                "stream" if !v.is_empty() => p.streams.push(v.to_string()),
                "service" if !v.is_empty() => service = Some(v.to_string()),
                "container" if !v.is_empty() => p.container = Some(v.to_string()),
                "filter" => p.filter = v.trim().to_string(),
                "errors" => p.errors = matches!(v, "1" | "on" | "true"),
                "since" if !v.is_empty() => {
                    let known = SINCE.iter().find(|(name, _)| *name == v);
                    p.since = Some(known.map(|(name, _)| *name).ok_or_else(|| {
                        bad(format!("since={v:?} is not one of 5m, 1h, 6h or 24h."))
                    })?);
                }
                "start" if !v.is_empty() => p.start_ms = Some(rfc3339("start", v)?),
                "end" if !v.is_empty() => p.end_ms = Some(rfc3339("end", v)?),
                "after" if !v.is_empty() => {
                    p.after_ms = Some(
                        v.parse()
                            .map_err(|_| bad("after= must be a millisecond timestamp."))?,
                    )
                }
                "at" if !v.is_empty() => {
                    p.at_ms = Some(
                        v.parse()
                            .map_err(|_| bad("at= must be a millisecond timestamp."))?,
                    )
                }
                "prefix" => p.prefix = v.trim().to_string(),
                "next" if !v.is_empty() => p.next = Some(v.to_string()),
                _ => {}
            }
        }
        if let Some(s) = service {
            let (cluster, name) = s
                .split_once('/')
                .filter(|(c, n)| !c.is_empty() && !n.is_empty() && !n.contains('/'))
                .ok_or_else(|| bad(format!("service={s:?} must be CLUSTER/SERVICE.")))?;
            if p.container.is_none() {
                return Err(bad("service= needs container= (which container's logs)."));
            }
            if p.group.is_some() || !p.streams.is_empty() {
                return Err(bad(
                    "Give either service= and container=, or group= and stream=.",
                ));
            }
            p.service = Some((cluster.to_string(), name.to_string()));
        }
        if !p.streams.is_empty() && p.group.is_none() {
            return Err(bad("stream= needs group= (the log group it belongs to)."));
        }
        if p.streams.len() > MAX_STREAMS {
            return Err(bad(format!("At most {MAX_STREAMS} streams at once.")));
        }
        if p.since.is_some() && (p.start_ms.is_some() || p.end_ms.is_some()) {
            return Err(bad("Give either since= or start=/end=, not both."));
        }
        if let Some(at) = p.at_ms {
            if p.since.is_some() {
                return Err(bad("Give either since= or at=, not both."));
            }
            p.start_ms = p.start_ms.or(Some(at - MOMENT_BEFORE_MS));
            p.end_ms = p.end_ms.or(Some(at + MOMENT_AFTER_MS));
        }
        if let (Some(s), Some(e)) = (p.start_ms, p.end_ms)
            && s >= e
        {
            return Err(bad("start= must be before end=."));
        }
        Ok(p)
    }

    /// A viewer (lines), as opposed to the group or streams listing.
    pub fn is_viewer(&self) -> bool {
        self.service.is_some() || !self.streams.is_empty()
    }

    /// The CloudWatch pattern to search with ("" = every line).
    pub fn pattern(&self) -> String {
        if !self.filter.is_empty() {
            self.filter.clone()
        } else if self.errors {
            ERRORS_PATTERN.to_string()
        } else {
            String::new()
        }
    }

    /// The length of the `since=` preset, if one is chosen.
    pub fn since_ms(&self) -> Option<i64> {
        let since = self.since?;
        SINCE.iter().find(|(n, _)| *n == since).map(|(_, s)| *s)
    }

    /// The time range as (start, end) milliseconds, `now` for presets.
    pub fn range(&self, now_ms: i64) -> (Option<i64>, Option<i64>) {
        match self.since {
            Some(_) => (Some(now_ms - self.since_ms().unwrap_or(0)), None),
            None => (self.start_ms, self.end_ms),
        }
    }

    /// What the view shows, without filter or range: the base of its
    /// lines' permalinks (`urls::log_moment`).
    pub fn moment_query(&self) -> QueryString {
        let mut q = QueryString::new();
        if let Some((c, s)) = &self.service {
            q.push("service", format!("{c}/{s}"));
            if let Some(c) = &self.container {
                q.push("container", c);
            }
        }
        if let Some(g) = &self.group {
            q.push("group", g);
        }
        for s in &self.streams {
            q.push("stream", s);
        }
        q
    }

    /// The query of this view (without listing or tail keys), with the
    /// range replaced by `range`; `urls::logs_with` and friends make links.
    pub fn query(&self, range: Range) -> QueryString {
        let mut q = self.moment_query();
        q.push("filter", &self.filter);
        if self.errors {
            q.push("errors", "1");
        }
        let since = |q: &mut QueryString| {
            if let Some(s) = self.since {
                q.push("since", s);
            }
        };
        match range {
            Range::Same => {
                since(&mut q);
                if let Some(s) = self.start_ms {
                    q.push("start", format_ms(s));
                }
                if let Some(e) = self.end_ms {
                    q.push("end", format_ms(e));
                }
            }
            Range::Now => since(&mut q),
            Range::Before(end) => {
                if let Some(s) = self.start_ms {
                    q.push("start", format_ms(s));
                }
                q.push("end", format_ms(end));
            }
        }
        q
    }
}

/// Which time range a derived link keeps.
#[derive(Clone, Copy, Debug)]
pub enum Range {
    /// The current one.
    Same,
    /// Up to now (drops `start`/`end`, keeps `since`).
    Now,
    /// Lines before this time (load older).
    Before(i64),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(q: &[(&str, &str)]) -> Result<LogParams, AppError> {
        let pairs: Vec<(String, String)> = q
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        LogParams::parse(&pairs)
    }

    #[test]
    fn parses_streams_services_and_ranges() {
        let p = parse(&[
            ("group", "/ecs/a"),
            ("stream", "s1"),
            ("stream", "s2"),
            ("since", "1h"),
        ])
        .unwrap();
        assert_eq!(p.streams, ["s1", "s2"]);
        assert_eq!(p.range(10_000_000), (Some(10_000_000 - 3_600_000), None));
        let p = parse(&[
            ("service", "prod/web"),
            ("container", "app"),
            ("errors", "1"),
        ])
        .unwrap();
        assert_eq!(p.service, Some(("prod".into(), "web".into())));
        assert_eq!(p.pattern(), ERRORS_PATTERN);
        let p = parse(&[
            ("group", "g"),
            ("stream", "s"),
            ("start", "2026-11-23T16:00:00Z"),
            ("end", "2026-11-23T16:20:00.5Z"),
        ])
        .unwrap();
        assert_eq!(p.end_ms.unwrap() - p.start_ms.unwrap(), 20 * 60_000 + 500);
        assert!(
            p.query(Range::Same)
                .to_string()
                .contains("start=2026-11-23T16%3A00%3A00Z")
        );
    }

    #[test]
    fn a_moment_opens_the_range_around_it_without_the_filter() {
        let p = parse(&[
            ("group", "g"),
            ("stream", "s"),
            ("filter", "ERROR"),
            ("at", "1795450800123"),
        ])
        .unwrap();
        assert_eq!(p.at_ms, Some(1_795_450_800_123));
        assert_eq!(p.start_ms, Some(1_795_450_800_123 - MOMENT_BEFORE_MS));
        assert_eq!(p.end_ms, Some(1_795_450_800_123 + MOMENT_AFTER_MS));
        assert_eq!(p.moment_query().to_string(), "group=g&stream=s");
        assert!(parse(&[("group", "g"), ("stream", "s"), ("at", "x")]).is_err());
        assert!(
            parse(&[
                ("group", "g"),
                ("stream", "s"),
                ("at", "5"),
                ("since", "1h")
            ])
            .is_err()
        );
    }

    #[test]
    fn refuses_invalid_values_with_a_reason() {
        for q in [
            vec![("since", "7m")],
            vec![("start", "yesterday")],
            vec![("stream", "s")],
            vec![("service", "web"), ("container", "app")],
            vec![("service", "prod/web")],
            vec![
                ("group", "g"),
                ("stream", "s"),
                ("since", "1h"),
                ("end", "2026-11-23T16:00:00Z"),
            ],
            vec![
                ("start", "2026-11-23T17:00:00Z"),
                ("end", "2026-11-23T16:00:00Z"),
            ],
        ] {
            let err = parse(&q).unwrap_err();
            assert!(matches!(err, AppError::BadRequest(_)), "{q:?}: {err}");
        }
    }
}
