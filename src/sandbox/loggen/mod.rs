//! Realistic container log lines for the sandbox's running containers.
//!
//! Interface used by the scheduler (keep these signatures):
//! `LogProfile`, `LogGen::new`, `startup_lines`, `lines_between`, `crash_lines`.
//!
//! Generation is deterministic: the same profile, seed and sequence of calls
//! give the same lines. Programs write "bursts" (one request's lines, one
//! job's lines) at random intervals whose mean depends on the profile.

mod crash;
pub mod hostile;
mod jvm;
mod rails;
mod rng;
mod stamp;
mod web;

use rng::Rng;

/// What kind of program a container runs, which decides what it logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogProfile {
    /// Rails + Puma web server (requests, SQL timings, occasional errors).
    RailsWeb,
    /// GoodJob background worker.
    GoodJobWorker,
    /// nginx access and error log lines.
    Nginx,
    /// A service that logs one JSON object per line.
    JsonApi,
    /// MongoDB server log (JSON lines).
    Mongo,
    /// A Java CMS (Sling/Felix-style lines, stack traces).
    Cms,
    /// A Fargate data-pipeline step (batches, ANSI-coloured progress).
    Pipeline,
    /// Anything else: a generic app.
    Generic,
    /// Markup, terminal escapes, bidi overrides, a 100 KB line, invalid
    /// UTF-8 (`--fleet hostile`).
    Hostile,
}

impl LogProfile {
    /// Mean milliseconds between bursts at simulated speed 1.
    fn mean_gap_ms(self) -> i64 {
        match self {
            LogProfile::RailsWeb => 1_500,
            LogProfile::GoodJobWorker => 2_000,
            LogProfile::Nginx => 450,
            LogProfile::JsonApi => 600,
            LogProfile::Mongo => 2_500,
            LogProfile::Cms => 1_200,
            LogProfile::Pipeline => 1_500,
            LogProfile::Generic => 3_000,
            LogProfile::Hostile => 5_000,
        }
    }
}

/// Why a container died, for its last words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrashKind {
    /// The process exited with an error (crash loop).
    Error,
    /// The kernel killed it for memory (exit 137).
    OutOfMemory,
    /// The health check keeps failing.
    Unhealthy,
}

/// At most this many lines come out of one `lines_between` call: a long gap
/// (a paused demo, a huge speed-up) yields only the most recent lines.
pub const MAX_LINES_PER_CALL: usize = 2_000;

/// A deterministic generator of log lines for one container.
#[derive(Debug)]
pub struct LogGen {
    profile: LogProfile,
    rng: Rng,
    /// When the next burst is due (simulated ms), once known.
    next_at: Option<i64>,
    /// A running counter (job ids, batch numbers, connection ids).
    counter: u64,
}

impl LogGen {
    pub fn new(profile: LogProfile, seed: u64) -> Self {
        Self {
            profile,
            rng: Rng::new(seed),
            next_at: None,
            counter: 0,
        }
    }

    fn gap(&mut self) -> i64 {
        let mean = self.profile.mean_gap_ms();
        self.rng.range(mean / 5, mean * 9 / 5 + 1)
    }

    /// Lines written when the container starts, stamped from `now_ms`.
    pub fn startup_lines(&mut self, now_ms: i64) -> Vec<(i64, String)> {
        let lines = match self.profile {
            LogProfile::RailsWeb => rails::puma_boot(&mut self.rng, now_ms),
            LogProfile::GoodJobWorker => rails::good_job_boot(now_ms),
            LogProfile::Nginx => web::nginx_boot(now_ms),
            LogProfile::JsonApi => web::json_boot(now_ms),
            LogProfile::Mongo => web::mongo_boot(now_ms),
            LogProfile::Cms => jvm::cms_boot(now_ms),
            LogProfile::Pipeline => jvm::pipeline_boot(now_ms),
            LogProfile::Generic => jvm::generic_boot(now_ms),
            LogProfile::Hostile => hostile::boot(now_ms),
        };
        let end = now_ms.saturating_add(lines.len() as i64);
        self.next_at = Some(end.saturating_add(self.gap()));
        stamp_burst(now_ms, lines, i64::MAX)
    }

    /// Lines written during (from_ms, to_ms], in time order.
    pub fn lines_between(&mut self, from_ms: i64, to_ms: i64) -> Vec<(i64, String)> {
        if to_ms <= from_ms {
            return Vec::new();
        }
        // Far more time than the cap covers: only the latest stretch is written.
        let window = self.profile.mean_gap_ms() * MAX_LINES_PER_CALL as i64 / 4;
        let start = from_ms.max(to_ms.saturating_sub(window));
        let mut next = match self.next_at {
            Some(t) if t > start => t,
            _ => start.saturating_add(self.gap()),
        };
        let mut out = Vec::new();
        while next <= to_ms && out.len() < MAX_LINES_PER_CALL {
            let burst = self.burst(next);
            out.extend(stamp_burst(next, burst, to_ms));
            next = next.saturating_add(self.gap());
        }
        out.truncate(MAX_LINES_PER_CALL);
        self.next_at = Some(next);
        out
    }

    fn burst(&mut self, at: i64) -> Vec<String> {
        self.counter += 1;
        let n = self.counter;
        let r = &mut self.rng;
        match self.profile {
            LogProfile::RailsWeb => rails::request(r, at),
            LogProfile::GoodJobWorker => rails::job(r, at, n),
            LogProfile::Nginx => web::nginx(r, at),
            LogProfile::JsonApi => web::json_api(r, at),
            LogProfile::Mongo => web::mongo(r, at, n),
            LogProfile::Cms => jvm::cms(r, at),
            LogProfile::Pipeline => jvm::pipeline(r, at, n),
            LogProfile::Generic => jvm::generic(r, at, n),
            LogProfile::Hostile => hostile::burst(r, at),
        }
    }

    /// The last lines before the container dies.
    pub fn crash_lines(&mut self, now_ms: i64, kind: CrashKind) -> Vec<(i64, String)> {
        let lines = crash::lines(self.profile, kind, &mut self.rng, now_ms);
        self.next_at = None;
        stamp_burst(now_ms, lines, i64::MAX)
    }
}

/// Stamps a burst's lines 1 ms apart from `at`, never past `limit`.
fn stamp_burst(at: i64, lines: Vec<String>, limit: i64) -> Vec<(i64, String)> {
    lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| (at.saturating_add(i as i64).min(limit), l))
        .collect()
}

#[cfg(test)]
mod tests;
