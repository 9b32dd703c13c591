//! Identical log reads share one AWS call: the newest lines of a view and
//! the group and stream listings are loaded once (concurrent requests for
//! the same key await that one load) and reused for a few seconds, so N
//! viewers of one view cost the FilterLogEvents calls of one. CloudWatch
//! Logs allows only 10–25 FilterLogEvents per second per account.
//!
//! Keys come from user input (filter patterns, stream names), so the cache
//! is bounded twice over: every entry weighs its bytes (keys, messages,
//! names) plus a fixed share of `max_bytes / max_entries`, and the total
//! weight is capped at `max_bytes`. That keeps both the entry count under
//! `max_entries` and the memory held under `max_bytes`. Errors are never
//! cached.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use moka::future::Cache;

use super::Recent;
use crate::aws::AwsError;
use crate::domain::{Listing, LogGroup, LogStream};

/// How long and how much the log cache keeps.
#[derive(Clone, Copy, Debug)]
pub struct LogCacheLimits {
    /// How long a read is reused.
    pub ttl: Duration,
    /// Most entries kept at once.
    pub max_entries: u64,
    /// Most bytes (keys, messages, names) kept at once.
    pub max_bytes: u64,
}

impl Default for LogCacheLimits {
    fn default() -> Self {
        Self {
            ttl: Duration::from_secs(5),
            max_entries: 1_000,
            max_bytes: 64 * 1024 * 1024,
        }
    }
}

/// Where the time range of a cached view starts.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub enum Start {
    /// No start: as far back as the read goes.
    Open,
    /// A fixed time (milliseconds).
    At(i64),
    /// The last this many milliseconds up to now (a `since=` preset): the
    /// same for every viewer, whenever they asked.
    Last(i64),
}

/// The newest `limit` lines of one view.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub struct RecentKey {
    pub group: String,
    pub streams: Vec<String>,
    pub pattern: String,
    pub start: Start,
    pub end_ms: Option<i64>,
    pub limit: usize,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq)]
enum Key {
    Groups {
        prefix: String,
        token: Option<String>,
    },
    Streams {
        group: String,
        token: Option<String>,
    },
    Recent(RecentKey),
}

#[derive(Clone)]
enum Value {
    Groups(Arc<Listing<LogGroup>>),
    Streams(Arc<Listing<LogStream>>),
    Recent(Arc<Recent>),
}

/// Bytes a value's fixed fields take, roughly, per item.
const ITEM_OVERHEAD: u64 = 48;

fn len(s: &str) -> u64 {
    s.len() as u64
}

fn token_len(t: &Option<String>) -> u64 {
    t.as_deref().map_or(0, len)
}

impl Key {
    fn bytes(&self) -> u64 {
        match self {
            Key::Groups { prefix, token } => len(prefix) + token_len(token),
            Key::Streams { group, token } => len(group) + token_len(token),
            Key::Recent(k) => {
                len(&k.group) + len(&k.pattern) + k.streams.iter().map(|s| len(s)).sum::<u64>()
            }
        }
    }
}

impl Value {
    fn bytes(&self) -> u64 {
        match self {
            Value::Groups(l) => {
                token_len(&l.next_token)
                    + l.items
                        .iter()
                        .map(|g| len(&g.name) + ITEM_OVERHEAD)
                        .sum::<u64>()
            }
            Value::Streams(l) => {
                token_len(&l.next_token)
                    + l.items
                        .iter()
                        .map(|s| len(&s.name) + ITEM_OVERHEAD)
                        .sum::<u64>()
            }
            Value::Recent(r) => r
                .events
                .iter()
                .map(|e| len(&e.message) + len(&e.stream) + ITEM_OVERHEAD)
                .sum(),
        }
    }
}

/// The log reads of one environment, single-flight and briefly reused.
pub struct LogCache {
    cache: Cache<Key, Value>,
}

/// A value of the wrong kind under a key: cannot happen (each kind of key
/// is only ever filled by its own method), but is an error, not a panic.
fn mismatch() -> AwsError {
    AwsError::Unavailable {
        code: "LogCacheMismatch".to_string(),
        message: "the log cache held a value of another kind".to_string(),
    }
}

impl LogCache {
    pub fn new(limits: LogCacheLimits) -> Self {
        let max_bytes = limits.max_bytes.max(1);
        let per_entry = (max_bytes / limits.max_entries.max(1)).max(1);
        let cache = Cache::builder()
            .max_capacity(max_bytes)
            .time_to_live(limits.ttl)
            .weigher(move |k: &Key, v: &Value| {
                let weight = per_entry
                    .saturating_add(k.bytes())
                    .saturating_add(v.bytes());
                u32::try_from(weight).unwrap_or(u32::MAX)
            })
            .build();
        Self { cache }
    }

    async fn get<F>(&self, key: Key, load: F) -> Result<Value, AwsError>
    where
        F: Future<Output = Result<Value, AwsError>>,
    {
        self.cache
            .try_get_with(key, load)
            .await
            .map_err(|e| AwsError::clone(&e))
    }

    pub async fn groups<F>(
        &self,
        prefix: &str,
        token: Option<String>,
        load: F,
    ) -> Result<Arc<Listing<LogGroup>>, AwsError>
    where
        F: Future<Output = Result<Listing<LogGroup>, AwsError>>,
    {
        let key = Key::Groups {
            prefix: prefix.to_string(),
            token,
        };
        match self
            .get(key, async {
                load.await.map(|l| Value::Groups(Arc::new(l)))
            })
            .await?
        {
            Value::Groups(l) => Ok(l),
            _ => Err(mismatch()),
        }
    }

    pub async fn streams<F>(
        &self,
        group: &str,
        token: Option<String>,
        load: F,
    ) -> Result<Arc<Listing<LogStream>>, AwsError>
    where
        F: Future<Output = Result<Listing<LogStream>, AwsError>>,
    {
        let key = Key::Streams {
            group: group.to_string(),
            token,
        };
        match self
            .get(key, async {
                load.await.map(|l| Value::Streams(Arc::new(l)))
            })
            .await?
        {
            Value::Streams(l) => Ok(l),
            _ => Err(mismatch()),
        }
    }

    pub async fn recent<F>(&self, key: RecentKey, load: F) -> Result<Arc<Recent>, AwsError>
    where
        F: Future<Output = Result<Recent, AwsError>>,
    {
        match self
            .get(Key::Recent(key), async {
                load.await.map(|r| Value::Recent(Arc::new(r)))
            })
            .await?
        {
            Value::Recent(r) => Ok(r),
            _ => Err(mismatch()),
        }
    }

    /// Entries held right now (after moka's pending evictions ran).
    pub async fn entry_count(&self) -> u64 {
        self.cache.run_pending_tasks().await;
        self.cache.entry_count()
    }

    /// Total weight held right now: bytes plus the per-entry share.
    pub async fn weighted_size(&self) -> u64 {
        self.cache.run_pending_tasks().await;
        self.cache.weighted_size()
    }

    /// Forgets every cached read.
    pub fn clear(&self) {
        self.cache.invalidate_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{LogEvent, Timestamp};

    fn key(pattern: &str) -> RecentKey {
        RecentKey {
            group: "g".into(),
            streams: vec!["a".into(), "b".into()],
            pattern: pattern.into(),
            start: Start::Last(3_600_000),
            end_ms: None,
            limit: 500,
        }
    }

    fn lines(n: usize, bytes: usize) -> Recent {
        Recent {
            events: (0..n)
                .map(|i| LogEvent {
                    timestamp: Timestamp::from_millis(i as i64),
                    message: "x".repeat(bytes),
                    stream: "a".into(),
                })
                .collect(),
            more_before: false,
        }
    }

    #[tokio::test]
    async fn reuses_a_read_and_never_caches_errors() {
        let cache = LogCache::new(LogCacheLimits::default());
        let first = cache.recent(key("x"), async { Ok(lines(2, 4)) }).await;
        assert_eq!(first.unwrap().events.len(), 2);
        let again = cache.recent(key("x"), async { Ok(lines(9, 4)) }).await;
        assert_eq!(again.unwrap().events.len(), 2, "served from the cache");
        let err = cache.recent(key("y"), async { Err(mismatch()) }).await;
        assert!(err.is_err());
        let retry = cache.recent(key("y"), async { Ok(lines(3, 4)) }).await;
        assert_eq!(retry.unwrap().events.len(), 3, "the error was not kept");
    }

    #[tokio::test]
    async fn stays_under_both_the_entry_and_the_byte_bounds() {
        let limits = LogCacheLimits {
            ttl: Duration::from_secs(3600),
            max_entries: 50,
            max_bytes: 1024 * 1024,
        };
        let cache = LogCache::new(limits);
        for i in 0..500 {
            let _ = cache
                .recent(key(&format!("p{i}")), async { Ok(lines(1, 10)) })
                .await;
        }
        assert!(cache.entry_count().await <= 50);
        for i in 0..100 {
            let _ = cache
                .recent(key(&format!("big{i}")), async { Ok(lines(100, 1024)) })
                .await;
        }
        assert!(cache.weighted_size().await <= 1024 * 1024);
        assert!(cache.entry_count().await <= 50);
    }
}
