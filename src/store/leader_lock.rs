//! Leadership through PostgreSQL advisory locks: one dedicated session
//! per environment and replica (detached from the pool) asks for the
//! environment's lock; the session holding it leads (`crate::replica`).
//!
//! The lock lives as long as the session: a leader that stops cleanly
//! unlocks and closes it, one that dies closes its socket and PostgreSQL
//! frees the lock at once. A leader that hangs, or whose network goes
//! away, stops pinging: the session's `idle_session_timeout` (set here,
//! PostgreSQL 14 and later) ends it on the server, and the server's TCP
//! keepalives (also set here) notice a peer that is gone.

use std::time::Duration;

use sqlx::{Connection, Row};

use super::{Backend, Store, StoreError};

/// A session that may hold advisory locks.
pub struct LockSession(sqlx::AnyConnection);

/// The advisory-lock key of `name` (FNV-1a: stable across builds and
/// replicas, unlike std's hasher).
pub fn lock_key(name: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    i64::from_ne_bytes(h.to_ne_bytes())
}

impl Store {
    /// A new session for advisory locks, ended by the server after
    /// `idle_timeout` without a statement. PostgreSQL only.
    pub async fn lock_session(&self, idle_timeout: Duration) -> Result<LockSession, StoreError> {
        if self.backend() != Backend::Postgres {
            return Err(StoreError::Config(
                "advisory locks need PostgreSQL".to_string(),
            ));
        }
        let mut conn = self.pool().acquire().await?.detach();
        let ms = idle_timeout.as_millis().max(1);
        // SET takes no parameters; these are numbers this code made.
        let settings = [
            format!("SET idle_session_timeout = {ms}"),
            "SET tcp_keepalives_idle = 10".to_string(),
            "SET tcp_keepalives_interval = 5".to_string(),
            "SET tcp_keepalives_count = 3".to_string(),
        ];
        for sql in settings {
            if let Err(e) = sqlx::query(&sql).execute(&mut conn).await {
                tracing::warn!(error = %e, statement = sql, "lock session setting refused");
            }
        }
        Ok(LockSession(conn))
    }
}

impl LockSession {
    /// Takes the lock `key` if nobody holds it; whether this session holds
    /// it now.
    pub async fn try_lock(&mut self, key: i64) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT pg_try_advisory_lock($1) AS held")
            .bind(key)
            .fetch_one(&mut self.0)
            .await?;
        Ok(row.try_get::<bool, _>("held")?)
    }

    /// Whether the session is still there (so any lock it took is held).
    pub async fn ping(&mut self) -> Result<(), StoreError> {
        // A statement (not only a protocol ping) resets the server's idle timer.
        sqlx::query("SELECT 1").execute(&mut self.0).await?;
        Ok(())
    }

    /// Releases `key` and ends the session.
    pub async fn release(mut self, key: i64) -> Result<(), StoreError> {
        sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(key)
            .execute(&mut self.0)
            .await?;
        self.0.close().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::lock_key;

    #[test]
    fn lock_keys_are_stable_and_differ_per_name() {
        // FNV-1a of the empty string: the same on every build and host.
        assert_eq!(lock_key(""), 0xcbf2_9ce4_8422_2325_u64 as i64);
        assert_eq!(
            lock_key("ecsdeck/leader/prod"),
            lock_key("ecsdeck/leader/prod")
        );
        assert_ne!(
            lock_key("ecsdeck/leader/prod"),
            lock_key("ecsdeck/leader/stage")
        );
    }
}
