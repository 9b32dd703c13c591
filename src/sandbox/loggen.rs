//! Realistic container log lines for the sandbox's running containers.
//!
//! Interface used by the scheduler (keep these signatures):
//! `LogProfile`, `LogGen::new`, `startup_lines`, `lines_between`, `crash_lines`.

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

/// A deterministic generator of log lines for one container.
#[derive(Debug)]
pub struct LogGen {
    _profile: LogProfile,
    _seed: u64,
}

impl LogGen {
    pub fn new(profile: LogProfile, seed: u64) -> Self {
        Self {
            _profile: profile,
            _seed: seed,
        }
    }

    /// Lines written when the container starts, stamped from `now_ms`.
    pub fn startup_lines(&mut self, _now_ms: i64) -> Vec<(i64, String)> {
        Vec::new()
    }

    /// Lines written during (from_ms, to_ms], in time order.
    pub fn lines_between(&mut self, _from_ms: i64, _to_ms: i64) -> Vec<(i64, String)> {
        Vec::new()
    }

    /// The last lines before the container dies.
    pub fn crash_lines(&mut self, _now_ms: i64, _kind: CrashKind) -> Vec<(i64, String)> {
        Vec::new()
    }
}
