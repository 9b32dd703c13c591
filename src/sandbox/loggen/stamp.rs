//! Timestamps in the formats the programs we imitate print.

use time::OffsetDateTime;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A broken-down UTC time.
#[derive(Debug, Clone, Copy)]
pub struct Stamp {
    y: i32,
    mo: u8,
    d: u8,
    h: u8,
    mi: u8,
    s: u8,
    micros: u32,
}

impl Stamp {
    pub fn at(ms: i64) -> Self {
        let t = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        Self {
            y: t.year(),
            mo: u8::from(t.month()),
            d: t.day(),
            h: t.hour(),
            mi: t.minute(),
            s: t.second(),
            micros: t.microsecond(),
        }
    }

    /// `2026-11-23T10:01:02.123456` (Ruby Logger).
    pub fn ruby(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}",
            self.y, self.mo, self.d, self.h, self.mi, self.s, self.micros
        )
    }

    /// `2026-11-23 10:01:02 +0000` (Rails request lines).
    pub fn rails(&self) -> String {
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02} +0000",
            self.y, self.mo, self.d, self.h, self.mi, self.s
        )
    }

    /// `2026-11-23T10:01:02.123Z`.
    pub fn iso(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            self.y,
            self.mo,
            self.d,
            self.h,
            self.mi,
            self.s,
            self.micros / 1000
        )
    }

    /// `2026-11-23T10:01:02.123+00:00` (MongoDB).
    pub fn mongo(&self) -> String {
        let iso = self.iso();
        format!("{}+00:00", iso.trim_end_matches('Z'))
    }

    /// `23/Nov/2026:10:01:02 +0000` (nginx access log).
    pub fn clf(&self) -> String {
        let mon = MONTHS[usize::from(self.mo.clamp(1, 12)) - 1];
        format!(
            "{:02}/{mon}/{:04}:{:02}:{:02}:{:02} +0000",
            self.d, self.y, self.h, self.mi, self.s
        )
    }

    /// `2026/11/23 10:01:02` (nginx error log).
    pub fn nginx_error(&self) -> String {
        format!(
            "{:04}/{:02}/{:02} {:02}:{:02}:{:02}",
            self.y, self.mo, self.d, self.h, self.mi, self.s
        )
    }

    /// `2026-11-23 10:01:02.123` (Spring Boot / logback).
    pub fn java(&self) -> String {
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}",
            self.y,
            self.mo,
            self.d,
            self.h,
            self.mi,
            self.s,
            self.micros / 1000
        )
    }
}
