//! ecsdeck's own idle and absolute timeouts for users an ALB vouches for.
//! The ALB sends a valid token with every request, so the cookie session
//! alone would be re-created from it for ever; instead each identity's span
//! (first request, last request, newest token) is kept here, in memory.
//! Once a span is past a timeout it is ended, and only a token issued after
//! the end (a newer `iat`, or without `iat` a later `exp`) starts a new one;
//! the answer expires the ALB's cookies so the browser re-authenticates.

use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, header};
use moka::sync::Cache;

use super::AuthConfig;
use super::alb::AlbIdentity;

/// Identities tracked at most (least recently used ones are dropped first).
const MAX_IDENTITIES: u64 = 100_000;

#[derive(Clone, Copy, Debug)]
struct Span {
    signed_in_ms: i64,
    last_seen_ms: i64,
    /// The latest `exp` (seconds) among this span's tokens.
    newest_exp_s: i64,
    /// When the span was ended by a timeout.
    ended_ms: Option<i64>,
}

/// The ALB session of this identity is past ecsdeck's timeouts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpanExpired;

#[derive(Debug)]
pub struct AlbSessions {
    spans: Cache<String, Span>,
    /// Makes each check-and-update atomic per process.
    updating: std::sync::Mutex<()>,
}

impl AlbSessions {
    /// A span unused for `forget_after` (real time) is forgotten; it is the
    /// absolute timeout plus the idle timeout, so a span is never forgotten
    /// before it could have expired.
    pub fn new(config: &AuthConfig) -> Self {
        let forget_after = config.absolute_timeout + config.idle_timeout;
        Self {
            spans: Cache::builder()
                .max_capacity(MAX_IDENTITIES)
                .time_to_idle(forget_after.max(Duration::from_secs(60)))
                .build(),
            updating: std::sync::Mutex::new(()),
        }
    }

    /// Records a request of `id` at `now`; refuses it once its span is past
    /// the idle or absolute timeout, until a newer token arrives.
    pub fn check(
        &self,
        id: &AlbIdentity,
        config: &AuthConfig,
        now: i64,
    ) -> Result<(), SpanExpired> {
        let _one = self
            .updating
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let fresh = Span {
            signed_in_ms: now,
            last_seen_ms: now,
            newest_exp_s: id.expires_s,
            ended_ms: None,
        };
        let span = match self.spans.get(&id.name) {
            None => fresh,
            Some(s) => match s.ended_ms {
                Some(ended) => {
                    let newer = match id.issued_s {
                        Some(iat) => iat * 1000 > ended,
                        None => id.expires_s > s.newest_exp_s,
                    };
                    if !newer {
                        return Err(SpanExpired);
                    }
                    fresh
                }
                None if past(&s, config, now) => {
                    let ended = Span {
                        ended_ms: Some(now),
                        newest_exp_s: s.newest_exp_s.max(id.expires_s),
                        ..s
                    };
                    self.spans.insert(id.name.clone(), ended);
                    return Err(SpanExpired);
                }
                None => Span {
                    last_seen_ms: now,
                    newest_exp_s: s.newest_exp_s.max(id.expires_s),
                    ..s
                },
            },
        };
        self.spans.insert(id.name.clone(), span);
        Ok(())
    }

    /// Whether `name`'s span is live at `now` (the live tail's re-check).
    pub fn is_live(&self, name: &str, config: &AuthConfig, now: i64) -> bool {
        self.spans
            .get(name)
            .is_some_and(|s| s.ended_ms.is_none() && !past(&s, config, now))
    }

    /// Sign-out: the next token starts a new span.
    pub fn forget(&self, name: &str) {
        self.spans.invalidate(name);
    }
}

fn past(s: &Span, config: &AuthConfig, now: i64) -> bool {
    now - s.last_seen_ms >= config.idle_timeout.as_millis() as i64
        || now - s.signed_in_ms >= config.absolute_timeout.as_millis() as i64
}

/// The ALB's session cookies (sharded up to 4).
const ALB_COOKIES: [&str; 4] = [
    "AWSELBAuthSessionCookie-0",
    "AWSELBAuthSessionCookie-1",
    "AWSELBAuthSessionCookie-2",
    "AWSELBAuthSessionCookie-3",
];

/// Expires the ALB's session cookies (sign-out, an expired span), so the
/// browser's next request makes the ALB authenticate it again.
pub fn expire_alb_cookies(headers: &mut HeaderMap) {
    for name in ALB_COOKIES {
        let expire = format!("{name}=; Path=/; Max-Age=0; Secure; HttpOnly");
        if let Ok(v) = HeaderValue::from_str(&expire) {
            headers.append(header::SET_COOKIE, v);
        }
    }
}
