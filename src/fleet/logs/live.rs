//! Live Tail sessions shared per log group. The first viewer of any stream
//! of a group starts one StartLiveTail session on the whole group (within
//! the session budget, `TailLimits::live_sessions`); every stream channel
//! of that group is fed from it, so each viewer sees only its streams, and
//! N viewers of M streams of one group hold one session. A session renews
//! itself before AWS's 3-hour limit and ends once no channel of its group
//! has a viewer. When no session can be had (budget spent, throttled, not
//! permitted, AWS refused) the group's streams fall back to the budgeted
//! GetLogEvents pollers, and for a while the hub says why
//! (`TailHub::source`) instead of trying again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use super::tail::TailTiming;
use super::tail::{Channels, Poller, lock_channels};
use crate::aws::{AwsClients, LiveUpdate};
use crate::domain::LogEvent;

/// A session is replaced this long after it started (AWS ends it at 3 h).
pub const RENEW_AFTER: Duration = Duration::from_secs(2 * 3_600 + 50 * 60);
/// After a refusal, groups poll for this long before a session is tried.
pub const RETRY_AFTER: Duration = Duration::from_secs(60);
/// A session that ends sooner than this is a refusal, not a renewal.
const MIN_SESSION: Duration = Duration::from_secs(60);
/// How often a session without updates checks it still has viewers.
const IDLE_CHECK: Duration = Duration::from_secs(5);

/// How a group's tail is fed right now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TailSource {
    /// A Live Tail session (running, or one can be started).
    Live,
    /// GetLogEvents polling, and why.
    Polling(String),
}

/// What joining a group's session means for a new stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Claim {
    /// No session yet: the caller starts one.
    Start,
    /// One is starting: it reads the stream's earlier lines once started.
    Starting,
    /// One is running: the caller reads the earlier lines itself.
    Running,
}

#[derive(Default)]
struct State {
    /// Groups with a session, and whether it has started.
    groups: HashMap<String, bool>,
    /// The last refusal: until when, and why.
    refused: Option<(Instant, String)>,
}

/// The sessions of one environment.
pub struct LiveSessions {
    max: usize,
    state: Mutex<State>,
}

fn lock(m: &Mutex<State>) -> MutexGuard<'_, State> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl LiveSessions {
    pub fn new(max: usize) -> Self {
        Self {
            max,
            state: Mutex::new(State::default()),
        }
    }

    /// Sessions held right now.
    pub fn count(&self) -> usize {
        lock(&self.state).groups.len()
    }

    /// Where `group`'s lines would come from if followed now.
    pub fn source(&self, group: &str) -> TailSource {
        let s = lock(&self.state);
        if s.groups.contains_key(group) {
            return TailSource::Live;
        }
        if self.max == 0 {
            return TailSource::Polling(
                "Live Tail is turned off here (--live-tail-sessions 0).".to_string(),
            );
        }
        if let Some((until, why)) = &s.refused
            && Instant::now() < *until
        {
            return TailSource::Polling(why.clone());
        }
        if s.groups.len() >= self.max {
            return TailSource::Polling(format!(
                "ecsdeck already holds its {} Live Tail sessions for other log groups.",
                self.max
            ));
        }
        TailSource::Live
    }

    /// Joins `group`'s session, or claims a new one; None when the group
    /// must poll. Called under the channels' lock.
    pub(super) fn claim(&self, group: &str) -> Option<Claim> {
        if self.source(group) != TailSource::Live {
            return None;
        }
        let mut s = lock(&self.state);
        Some(match s.groups.get(group) {
            None => {
                s.groups.insert(group.to_string(), false);
                Claim::Start
            }
            Some(false) => Claim::Starting,
            Some(true) => Claim::Running,
        })
    }

    fn mark_running(&self, group: &str) {
        if let Some(running) = lock(&self.state).groups.get_mut(group) {
            *running = true;
        }
    }

    fn release(&self, group: &str) {
        lock(&self.state).groups.remove(group);
    }

    fn refuse(&self, group: &str, why: String) {
        let mut s = lock(&self.state);
        s.groups.remove(group);
        s.refused = Some((Instant::now() + RETRY_AFTER, why));
    }
}

/// One group's session task.
pub(super) struct GroupSession {
    pub aws: AwsClients,
    pub timing: TailTiming,
    pub channels: Channels,
    pub sessions: Arc<LiveSessions>,
    pub group: String,
}

impl GroupSession {
    pub async fn run(self) {
        loop {
            let mut tail = match self.aws.start_live_tail(&self.group).await {
                Ok(t) => t,
                Err(e) => {
                    tracing::warn!(group = %self.group, error = %e, "no Live Tail session; polling");
                    self.sessions.refuse(
                        &self.group,
                        format!("AWS refused a Live Tail session ({}).", e.code()),
                    );
                    self.fall_back();
                    return;
                }
            };
            // Lines written before the session started: one read per stream.
            self.catch_up();
            let started = Instant::now();
            let renew = started + RENEW_AFTER;
            // Viewers are looked for at every update, and at least this
            // often should AWS send none.
            let mut idle = tokio::time::interval(IDLE_CHECK);
            loop {
                let update = tokio::select! {
                    u = tail.next() => u,
                    () = tokio::time::sleep_until(renew) => break,
                    _ = idle.tick() => LiveUpdate::Events { events: Vec::new(), sampled: false },
                };
                match update {
                    LiveUpdate::Events { events, .. } => {
                        if !self.publish(events) {
                            return;
                        }
                    }
                    LiveUpdate::Ended(why) => {
                        let code = why.as_ref().map_or("closed", |e| e.code()).to_string();
                        tracing::info!(group = %self.group, %code, "Live Tail session ended");
                        // A session cut short is not started again at once
                        // (no storm of starts): the group polls for a while.
                        if started.elapsed() < MIN_SESSION {
                            self.sessions.refuse(
                                &self.group,
                                format!("AWS ended the Live Tail session early ({code})."),
                            );
                            self.fall_back();
                            return;
                        }
                        break;
                    }
                }
            }
            if !self.publish(Vec::new()) {
                return;
            }
        }
    }

    /// Hands each event to its stream's channel; false (the group's idle
    /// channels removed and its session released, under the channels'
    /// lock that `subscribe` claims under) once no channel of the group
    /// has a viewer.
    fn publish(&self, events: Vec<LogEvent>) -> bool {
        let mut channels = lock_channels(&self.channels);
        let mut by_stream: HashMap<String, Vec<LogEvent>> = HashMap::new();
        for e in events {
            by_stream.entry(e.stream.clone()).or_default().push(e);
        }
        for (stream, batch) in by_stream {
            if let Some(ch) = channels.get_mut(&(self.group.clone(), stream)) {
                ch.publish(batch);
            }
        }
        channels.retain(|(g, _), ch| g != &self.group || !ch.live || ch.tx.receiver_count() > 0);
        let watched = channels
            .iter()
            .any(|((g, _), ch)| g == &self.group && ch.live);
        if !watched {
            self.sessions.release(&self.group);
        }
        watched
    }

    /// One GetLogEvents read per stream of the group, from its newest line
    /// (or its first viewer's start) up to now.
    fn catch_up(&self) {
        let channels = lock_channels(&self.channels);
        // Under the channels' lock: a stream subscribed from now on reads
        // its own earlier lines.
        self.sessions.mark_running(&self.group);
        for (key, ch) in channels
            .iter()
            .filter(|((g, _), ch)| g == &self.group && ch.live)
        {
            let poller = Poller {
                aws: self.aws.clone(),
                timing: self.timing,
                channels: self.channels.clone(),
                key: key.clone(),
                once: true,
            };
            tokio::spawn(poller.run(ch.newest_ms().map_or(ch.from_ms, |ms| ms + 1)));
        }
    }

    /// The group's streams go on with pollers.
    fn fall_back(&self) {
        let mut channels = lock_channels(&self.channels);
        for (key, ch) in channels
            .iter_mut()
            .filter(|((g, _), ch)| g == &self.group && ch.live)
        {
            ch.live = false;
            let from = ch.newest_ms().map_or(ch.from_ms, |ms| ms + 1);
            let poller = Poller {
                aws: self.aws.clone(),
                timing: self.timing,
                channels: self.channels.clone(),
                key: key.clone(),
                once: false,
            };
            tokio::spawn(poller.run(from));
        }
    }
}
