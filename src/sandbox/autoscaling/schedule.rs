//! Schedule expressions of scheduled actions, as Application Auto Scaling
//! reads them: `at(yyyy-mm-ddThh:mm:ss)`, `rate(N unit)` and the six-field
//! `cron(min hour dom month dow year)` (`*`, `?`, numbers, names, lists,
//! ranges and `/` steps), in the action's time zone (any IANA name; an
//! unknown one is refused at PutScheduledAction).

use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

const MINUTE: i64 = 60_000;
/// How far ahead a cron expression is searched for its next match.
const SEARCH_DAYS: i64 = 366 * 5;

#[derive(Debug, Clone, PartialEq)]
pub enum Schedule {
    /// A local wall-clock time, once.
    At(PrimitiveDateTime),
    /// Every `ms`, counted from the action's start (or creation).
    Rate(i64),
    Cron(Box<Cron>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cron {
    minutes: Vec<bool>,
    hours: Vec<bool>,
    /// `None` for `?`.
    dom: Option<Vec<bool>>,
    months: Vec<bool>,
    /// `None` for `?`; index 0 is Sunday (1 in AWS's numbering).
    dow: Option<Vec<bool>>,
    years: Option<Vec<bool>>,
}

/// A time zone of the IANA database (bundled with `jiff`, so the
/// sandbox does not depend on the host's zoneinfo).
#[derive(Debug, Clone)]
pub struct Zone(jiff::tz::TimeZone);

impl Zone {
    pub fn utc() -> Zone {
        Zone(jiff::tz::TimeZone::UTC)
    }

    /// The zone named `name` (`Etc/GMT+5` is five hours *behind* UTC, as
    /// in the IANA database).
    pub fn parse(name: &str) -> Result<Zone, String> {
        jiff::tz::db().get(name).map(Zone).map_err(|_| {
            format!(
                "Time zone '{}' is not a valid IANA time zone name",
                name.chars().take(64).collect::<String>()
            )
        })
    }

    /// Offset from UTC in ms at UTC instant `utc_ms`.
    fn offset_ms(&self, utc_ms: i64) -> i64 {
        jiff::Timestamp::from_millisecond(utc_ms)
            .map(|t| i64::from(self.0.to_offset(t).seconds()) * 1000)
            .unwrap_or(0)
    }

    /// The UTC instant of local wall-clock time `local_ms` (as if UTC).
    fn to_utc(&self, local_ms: i64) -> i64 {
        let guess = local_ms - self.offset_ms(local_ms);
        local_ms - self.offset_ms(guess)
    }

    fn to_local(&self, utc_ms: i64) -> i64 {
        utc_ms + self.offset_ms(utc_ms)
    }
}

fn midnight(d: Date) -> i64 {
    PrimitiveDateTime::new(d, Time::MIDNIGHT)
        .assume_utc()
        .unix_timestamp()
        * 1000
}

fn wall_ms(t: PrimitiveDateTime) -> i64 {
    t.assume_utc().unix_timestamp() * 1000
}

impl Schedule {
    pub fn parse(expr: &str) -> Result<Schedule, String> {
        let bad = |why: &str| {
            format!(
                "Invalid schedule expression '{}': {why}",
                expr.chars().take(256).collect::<String>()
            )
        };
        let inner = |prefix: &str| expr.strip_prefix(prefix).and_then(|r| r.strip_suffix(')'));
        if let Some(at) = inner("at(") {
            let fmt =
                time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
            return PrimitiveDateTime::parse(at, fmt)
                .map(Schedule::At)
                .map_err(|_| bad("at() takes yyyy-mm-ddThh:mm:ss"));
        }
        if let Some(rate) = inner("rate(") {
            let (n, unit) = rate
                .split_once(' ')
                .ok_or_else(|| bad("rate() takes a number and a unit"))?;
            let n: i64 = n
                .parse()
                .ok()
                .filter(|n| (1..=1_000_000).contains(n))
                .ok_or_else(|| bad("the rate must be a positive whole number"))?;
            let unit_ms = match (n, unit) {
                (1, "minute") | (2.., "minutes") => MINUTE,
                (1, "hour") | (2.., "hours") => 60 * MINUTE,
                (1, "day") | (2.., "days") => 1440 * MINUTE,
                _ => return Err(bad("the unit must be minute(s), hour(s) or day(s)")),
            };
            return Ok(Schedule::Rate(n * unit_ms));
        }
        if let Some(cron) = inner("cron(") {
            return Cron::parse(cron)
                .map(|c| Schedule::Cron(Box::new(c)))
                .map_err(|w| bad(&w));
        }
        Err(bad("expected at(...), rate(...) or cron(...)"))
    }

    /// The first time after `after_ms` (UTC) the schedule is due, counting
    /// rates from `anchor_ms`; `None` if it never is again.
    pub fn next_after(&self, zone: Zone, anchor_ms: i64, after_ms: i64) -> Option<i64> {
        match self {
            Schedule::At(t) => {
                let at = zone.to_utc(wall_ms(*t));
                (at > after_ms).then_some(at)
            }
            Schedule::Rate(every) => {
                let k = (after_ms - anchor_ms).div_euclid(*every) + 1;
                Some(anchor_ms + k.max(1) * every)
            }
            Schedule::Cron(c) => c.next_after(zone, after_ms),
        }
    }
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// One cron field as a bitmap over `lo..=hi` (indexed from `lo`).
fn field(text: &str, lo: u32, hi: u32, names: &[&str], what: &str) -> Result<Vec<bool>, String> {
    let mut set = vec![false; (hi - lo + 1) as usize];
    let value = |s: &str| -> Result<u32, String> {
        if let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(s)) {
            return Ok(lo + i as u32);
        }
        s.parse::<u32>()
            .ok()
            .filter(|v| (lo..=hi).contains(v))
            .ok_or_else(|| format!("'{s}' is not a valid {what} ({lo}-{hi})"))
    };
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (
                r,
                s.parse::<u32>()
                    .ok()
                    .filter(|s| *s >= 1)
                    .ok_or_else(|| format!("'{s}' is not a valid step"))?,
            ),
            None => (part, 1),
        };
        let (a, b) = match range {
            "*" => (lo, hi),
            r => match r.split_once('-') {
                Some((a, b)) => (value(a)?, value(b)?),
                None if part.contains('/') => (value(r)?, hi),
                None => (value(r)?, value(r)?),
            },
        };
        if a > b {
            return Err(format!("the range {range} of {what} is backwards"));
        }
        for v in (a..=b).step_by(step as usize) {
            set[(v - lo) as usize] = true;
        }
    }
    Ok(set)
}

impl Cron {
    fn parse(text: &str) -> Result<Cron, String> {
        let f: Vec<&str> = text.split(' ').collect();
        let [min, hour, dom, month, dow, year] = f.as_slice() else {
            return Err(
                "cron() takes six fields: minutes hours day-of-month month day-of-week year".into(),
            );
        };
        if let Some(c) = text.chars().find(|c| matches!(c, 'L' | 'W' | '#')) {
            return Err(format!("'{c}' is not supported by the ecsdeck sandbox"));
        }
        let (dom, dow) = match (*dom, *dow) {
            ("?", "?") => return Err("only one of day-of-month and day-of-week may be '?'".into()),
            ("?", d) => (None, Some(field(d, 1, 7, &DAYS, "day of week")?)),
            (d, "?") => (Some(field(d, 1, 31, &[], "day of month")?), None),
            _ => return Err("one of day-of-month and day-of-week must be '?'".into()),
        };
        Ok(Cron {
            minutes: field(min, 0, 59, &[], "minute")?,
            hours: field(hour, 0, 23, &[], "hour")?,
            dom,
            months: field(month, 1, 12, &MONTHS, "month")?,
            dow,
            years: match *year {
                "*" => None,
                y => Some(field(y, 1970, 2199, &[], "year")?),
            },
        })
    }

    fn day_matches(&self, d: Date) -> bool {
        let year_ok = self.years.as_ref().is_none_or(|y| {
            usize::try_from(d.year() - 1970).is_ok_and(|i| y.get(i).copied().unwrap_or(false))
        });
        let dom_ok = self
            .dom
            .as_ref()
            .is_none_or(|s| s[usize::from(d.day()) - 1]);
        let dow_ok = self
            .dow
            .as_ref()
            .is_none_or(|s| s[usize::from(d.weekday().number_days_from_sunday())]);
        year_ok && dom_ok && dow_ok && self.months[usize::from(u8::from(d.month())) - 1]
    }

    fn next_after(&self, zone: Zone, after_ms: i64) -> Option<i64> {
        let local = zone.to_local(after_ms);
        let day0 = OffsetDateTime::from_unix_timestamp(local.div_euclid(1000))
            .ok()?
            .date();
        let mut day = day0.previous_day().unwrap_or(day0);
        for _ in 0..SEARCH_DAYS {
            if self.day_matches(day) {
                let base = midnight(day);
                for h in (0..24).filter(|h| self.hours[*h]) {
                    for m in (0..60).filter(|m| self.minutes[*m]) {
                        let at = zone.to_utc(base + (h as i64 * 60 + m as i64) * MINUTE);
                        if at > after_ms {
                            return Some(at);
                        }
                    }
                }
            }
            day = day.next_day()?;
        }
        None
    }
}

#[cfg(test)]
#[path = "schedule_tests.rs"]
mod tests;
