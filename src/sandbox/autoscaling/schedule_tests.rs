//! Schedule expressions: their next times in UTC and in zones with and
//! without daylight saving.

use super::*;

fn utc(text: &str) -> i64 {
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    PrimitiveDateTime::parse(text, fmt)
        .unwrap()
        .assume_utc()
        .unix_timestamp()
        * 1000
}

fn next(expr: &str, tz: &str, after: &str) -> i64 {
    let s = Schedule::parse(expr).unwrap();
    s.next_after(Zone::parse(tz).unwrap(), 0, utc(after))
        .unwrap()
}

#[test]
fn weekday_mornings_in_new_york_follow_daylight_saving() {
    let e = "cron(0 8 ? * MON-FRI *)";
    // Saturday 2026-07-04 → Monday 08:00 EDT (UTC-4).
    assert_eq!(
        next(e, "America/New_York", "2026-07-04T10:00"),
        utc("2026-07-06T12:00")
    );
    // Saturday 2026-01-03 → Monday 08:00 EST (UTC-5).
    assert_eq!(
        next(e, "America/New_York", "2026-01-03T10:00"),
        utc("2026-01-05T13:00")
    );
    // Europe/Berlin in summer is UTC+2.
    assert_eq!(
        next(e, "Europe/Berlin", "2026-07-06T05:00"),
        utc("2026-07-06T06:00")
    );
}

#[test]
fn lists_ranges_steps_and_years() {
    assert_eq!(
        next("cron(0,30 * * * ? *)", "UTC", "2026-03-01T10:05"),
        utc("2026-03-01T10:30")
    );
    assert_eq!(
        next("cron(*/15 * * * ? *)", "UTC", "2026-03-01T10:15"),
        utc("2026-03-01T10:30")
    );
    assert_eq!(
        next("cron(0 0 1 JAN ? 2028)", "UTC", "2026-03-01T10:15"),
        utc("2028-01-01T00:00")
    );
    assert_eq!(
        next("cron(0 12 29 2 ? *)", "UTC", "2026-03-01T00:00"),
        utc("2028-02-29T12:00")
    );
    let never = Schedule::parse("cron(0 0 1 1 ? 1999)").unwrap();
    assert_eq!(
        never.next_after(Zone::utc(), 0, utc("2026-01-01T00:00")),
        None
    );
}

#[test]
fn at_and_rate() {
    let at = Schedule::parse("at(2026-12-24T18:30:00)").unwrap();
    let zone = Zone::parse("Etc/GMT+5").unwrap();
    assert_eq!(
        at.next_after(zone.clone(), 0, utc("2026-12-24T00:00")),
        Some(utc("2026-12-24T23:30"))
    );
    assert_eq!(
        at.next_after(zone.clone(), 0, utc("2026-12-25T00:00")),
        None
    );
    let rate = Schedule::parse("rate(2 hours)").unwrap();
    let anchor = utc("2026-01-01T00:10");
    assert_eq!(
        rate.next_after(Zone::utc(), anchor, anchor),
        Some(utc("2026-01-01T02:10"))
    );
    assert_eq!(
        rate.next_after(Zone::utc(), anchor, utc("2026-01-01T05:00")),
        Some(utc("2026-01-01T06:10"))
    );
}

#[test]
fn what_it_cannot_run_is_refused() {
    for bad in [
        "cron(0 8 * * * *)",
        "cron(0 8 ? * ? *)",
        "cron(0 8 L * ? *)",
        "cron(0 24 * * ? *)",
        "cron(0 8 * * ?)",
        "cron(5-1 * * * ? *)",
        "rate(1 hours)",
        "rate(-1 minutes)",
        "at(2026-01-01 00:00:00)",
        "",
    ] {
        assert!(Schedule::parse(bad).is_err(), "{bad}");
    }
    assert!(Zone::parse("Mars/Olympus_Mons").is_err());
    assert!(Zone::parse("Etc/GMT+99").is_err());
}
