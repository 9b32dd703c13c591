//! Live tail: one channel per (group, stream) feeds every viewer of it,
//! fed by the group's shared Live Tail session (`live.rs`) when one can be
//! had, else by a GetLogEvents poller.
//!
//! The first subscriber starts a poller; later ones join its broadcast
//! channel and get the recent lines it already has (so nothing written
//! between their page render and their subscription is lost). The poller
//! reads forward with GetLogEvents tokens — the same token back means
//! nothing new — backs off while the stream is idle, and stops as soon as
//! the last subscriber has gone. N viewers cost the AWS calls of one.
//! How many streams may be followed at once is capped (`slots.rs`).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::broadcast;

use super::live::{Claim, GroupSession, LiveSessions, TailSource};
use super::slots::{Slots, TailLimits, TailPass, TailRefusal};
use crate::aws::{AwsClients, AwsError, EventsQuery, MAX_EVENTS_PER_CALL};
use crate::domain::{LogEvent, Timestamp};

/// Lines kept per stream for late joiners.
const RECENT_KEPT: usize = 1_000;
/// Batches a slow viewer may fall behind before it skips some.
const CHANNEL_BATCHES: usize = 256;
/// Where a tail starts when the viewer showed no line: a little before now.
const START_SLACK_MS: i64 = 10_000;

/// How often pollers ask: `min` right after new lines, doubling while idle
/// up to `max`.
#[derive(Clone, Copy, Debug)]
pub struct TailTiming {
    pub min: Duration,
    pub max: Duration,
}

impl Default for TailTiming {
    fn default() -> Self {
        Self {
            min: Duration::from_secs(1),
            max: Duration::from_secs(5),
        }
    }
}

type Key = (String, String);
type Batch = Arc<[LogEvent]>;

pub(super) struct Channel {
    pub(super) tx: broadcast::Sender<Batch>,
    recent: VecDeque<LogEvent>,
    /// Fed by the group's Live Tail session (else by a poller).
    pub(super) live: bool,
    /// Where its first viewer's tail starts (a catch-up read's start).
    pub(super) from_ms: i64,
}

impl Channel {
    /// Keeps `events` for late joiners and sends them to every viewer,
    /// leaving out any already sent (a catch-up read and the session may
    /// both see a line).
    pub(super) fn publish(&mut self, events: Vec<LogEvent>) {
        let events: Vec<LogEvent> = events
            .into_iter()
            .filter(|e| {
                !self
                    .recent
                    .iter()
                    .any(|r| r.timestamp == e.timestamp && r.message == e.message)
            })
            .collect();
        if events.is_empty() {
            return;
        }
        for e in &events {
            if self.recent.len() == RECENT_KEPT {
                self.recent.pop_front();
            }
            self.recent.push_back(e.clone());
        }
        let _ = self.tx.send(events.into());
    }

    /// The newest line sent, if any.
    pub(super) fn newest_ms(&self) -> Option<i64> {
        self.recent.iter().map(|e| e.timestamp.millis()).max()
    }
}

pub(super) type Channels = Arc<Mutex<HashMap<Key, Channel>>>;

pub(super) fn lock_channels(
    m: &Mutex<HashMap<Key, Channel>>,
) -> MutexGuard<'_, HashMap<Key, Channel>> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn lock(m: &Mutex<HashMap<Key, Channel>>) -> MutexGuard<'_, HashMap<Key, Channel>> {
    lock_channels(m)
}

/// The tail pollers of one environment.
pub struct TailHub {
    aws: AwsClients,
    timing: TailTiming,
    channels: Channels,
    slots: Slots,
    live: Arc<LiveSessions>,
}

/// A viewer's share of a stream's tail: lines it has not seen yet that the
/// poller already had, then every new batch.
pub struct Subscription {
    pub backlog: Vec<LogEvent>,
    pub rx: broadcast::Receiver<Batch>,
}

impl TailHub {
    pub fn new(aws: AwsClients, timing: TailTiming) -> Self {
        Self {
            aws,
            timing,
            channels: Arc::new(Mutex::new(HashMap::new())),
            slots: Slots::default(),
            live: Arc::new(LiveSessions::new(TailLimits::default().live_sessions)),
        }
    }

    /// The same hub with other caps on followed streams and sessions.
    pub fn with_limits(mut self, limits: TailLimits) -> Self {
        self.slots = Slots::new(limits);
        self.live = Arc::new(LiveSessions::new(limits.live_sessions));
        self
    }

    /// Where `group`'s live lines come from (and why not Live Tail).
    pub fn source(&self, group: &str) -> TailSource {
        self.live.source(group)
    }

    /// Streams with a running feed (a Live Tail subscription or a poller).
    pub fn pollers(&self) -> usize {
        lock(&self.channels).len()
    }

    /// Live Tail sessions held right now.
    pub fn live_sessions(&self) -> usize {
        self.live.count()
    }

    pub fn limits(&self) -> TailLimits {
        self.slots.limits()
    }

    /// Takes the slots for `user` to follow `streams` of `group` live; hold
    /// the pass as long as the tail runs.
    pub fn admit(
        &self,
        user: &str,
        group: &str,
        streams: &[String],
    ) -> Result<TailPass, TailRefusal> {
        self.slots.admit(user, group, streams)
    }

    /// Whether `admit` would succeed right now (takes nothing).
    pub fn check(&self, user: &str, group: &str, streams: &[String]) -> Result<(), TailRefusal> {
        self.slots.check(user, group, streams)
    }

    /// Streams `user` follows live right now.
    pub fn following(&self, user: &str) -> usize {
        self.slots.following(user)
    }

    /// Distinct streams followed live right now, under the total cap.
    pub fn followed(&self) -> usize {
        self.slots.streams()
    }

    /// Follows `group/stream` from just after `after` (the newest line the
    /// viewer already shows), starting its poller if nobody else watches.
    pub fn subscribe(&self, group: &str, stream: &str, after: Option<Timestamp>) -> Subscription {
        let key = (group.to_string(), stream.to_string());
        let mut channels = lock(&self.channels);
        if let Some(ch) = channels.get(&key) {
            let backlog = ch
                .recent
                .iter()
                .filter(|e| after.is_none_or(|a| e.timestamp > a))
                .cloned()
                .collect();
            return Subscription {
                backlog,
                rx: ch.tx.subscribe(),
            };
        }
        let (tx, rx) = broadcast::channel(CHANNEL_BATCHES);
        let claim = self.live.claim(group);
        let start = after.map_or(Timestamp::now().millis() - START_SLACK_MS, |a| {
            a.millis() + 1
        });
        channels.insert(
            key.clone(),
            Channel {
                tx,
                recent: VecDeque::new(),
                live: claim.is_some(),
                from_ms: start,
            },
        );
        if claim == Some(Claim::Start) {
            let session = GroupSession {
                aws: self.aws.clone(),
                timing: self.timing,
                channels: self.channels.clone(),
                sessions: self.live.clone(),
                group: group.to_string(),
            };
            // It reads what came before it once it has started.
            tokio::spawn(session.run());
            return Subscription {
                backlog: Vec::new(),
                rx,
            };
        }
        // Polled; or joining a session, one read of what was written since
        // the viewer's newest line (a session sends only new lines).
        if claim == Some(Claim::Starting) {
            // The session reads this stream's earlier lines once started.
            return Subscription {
                backlog: Vec::new(),
                rx,
            };
        }
        let poller = Poller {
            aws: self.aws.clone(),
            timing: self.timing,
            channels: self.channels.clone(),
            key,
            once: claim.is_some(),
        };
        tokio::spawn(poller.run(start));
        Subscription {
            backlog: Vec::new(),
            rx,
        }
    }

    /// Streams with a running poller (for tests and metrics).
    pub fn active(&self) -> usize {
        lock(&self.channels).len()
    }

    /// Viewers of `group/stream` right now.
    pub fn viewers(&self, group: &str, stream: &str) -> usize {
        lock(&self.channels)
            .get(&(group.to_string(), stream.to_string()))
            .map_or(0, |ch| ch.tx.receiver_count())
    }
}

pub(super) struct Poller {
    pub(super) aws: AwsClients,
    pub(super) timing: TailTiming,
    pub(super) channels: Channels,
    pub(super) key: Key,
    /// Read up to now once, then stop (the catch-up of a session-fed
    /// stream).
    pub(super) once: bool,
}

impl Poller {
    pub(super) async fn run(self, start_ms: i64) {
        let (group, stream) = (&self.key.0, &self.key.1);
        let mut token: Option<String> = None;
        let mut delay = self.timing.min;
        while self.anyone_watching() {
            let q = EventsQuery {
                start_ms: token.is_none().then_some(start_ms),
                end_ms: None,
                from_head: true,
                token: token.clone(),
                limit: Some(MAX_EVENTS_PER_CALL),
            };
            match self.aws.get_log_events(group, stream, &q).await {
                Ok(page) => {
                    let full = page.events.len() >= MAX_EVENTS_PER_CALL as usize;
                    let new = !page.events.is_empty();
                    if page.forward_token.is_some() {
                        token = page.forward_token;
                    }
                    if new {
                        self.publish(page.events);
                        delay = self.timing.min;
                        if full {
                            continue;
                        }
                        if self.once {
                            return;
                        }
                    } else if self.once {
                        return;
                    } else {
                        delay = (delay * 2).min(self.timing.max);
                    }
                }
                Err(_) if self.once => return,
                // The stream may not exist yet (a task still starting).
                Err(AwsError::NotFound { .. }) => delay = self.timing.max,
                Err(e) => {
                    tracing::warn!(%group, %stream, error = %e, "log tail poll failed");
                    delay = self.timing.max;
                }
            }
            tokio::time::sleep(delay).await;
        }
    }

    /// False (and the channel removed, under the same lock subscribers
    /// take) once the last viewer has gone.
    fn anyone_watching(&self) -> bool {
        let mut channels = lock(&self.channels);
        match channels.get(&self.key) {
            // A session took over this stream again: it feeds it now.
            Some(ch) if ch.live && !self.once => false,
            Some(ch) if ch.tx.receiver_count() > 0 => true,
            _ => {
                channels.remove(&self.key);
                false
            }
        }
    }

    fn publish(&self, events: Vec<LogEvent>) {
        if let Some(ch) = lock(&self.channels).get_mut(&self.key) {
            ch.publish(events);
        }
    }
}
