//! Copies of what the leader's fleet model read, shared with the other
//! replicas of an environment (`fleet_snapshots`; see `crate::replica`).
//! One row per (env, kind, key); the body is the model's JSON, opaque here.

use sqlx::Row;

use super::{Store, StoreError};

/// Keys `snapshot_watched` answers at most.
pub const MAX_WATCHED: i64 = 2_000;

/// One shared copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub body: String,
    /// When AWS produced it (unix ms).
    pub fetched_ms: i64,
}

impl Store {
    /// Stores a copy, unless a newer one of the key is stored already.
    pub async fn snapshot_put(
        &self,
        env: &str,
        kind: &str,
        key: &str,
        snapshot: &Snapshot,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO fleet_snapshots (env, kind, key, body, fetched_ms, wanted_ms) \
             VALUES ($1, $2, $3, $4, $5, 0) ON CONFLICT (env, kind, key) DO UPDATE \
             SET body = excluded.body, fetched_ms = excluded.fetched_ms \
             WHERE fleet_snapshots.fetched_ms <= excluded.fetched_ms",
        )
        .bind(env)
        .bind(kind)
        .bind(key)
        .bind(&snapshot.body)
        .bind(snapshot.fetched_ms)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The stored copy of a key, if any.
    pub async fn snapshot_get(
        &self,
        env: &str,
        kind: &str,
        key: &str,
    ) -> Result<Option<Snapshot>, StoreError> {
        let row = sqlx::query(
            "SELECT body, fetched_ms FROM fleet_snapshots WHERE env = $1 AND kind = $2 AND key = $3",
        )
        .bind(env)
        .bind(kind)
        .bind(key)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(Snapshot {
                body: r.try_get("body")?,
                fetched_ms: r.try_get("fetched_ms")?,
            })
        })
        .transpose()
    }

    /// Marks a key wanted (watched by a follower) at `now_ms`.
    pub async fn snapshot_want(
        &self,
        env: &str,
        kind: &str,
        key: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE fleet_snapshots SET wanted_ms = $4 \
             WHERE env = $1 AND kind = $2 AND key = $3 AND wanted_ms < $4",
        )
        .bind(env)
        .bind(kind)
        .bind(key)
        .bind(now_ms)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Keys (kind, key) wanted since `since_ms`, most recently wanted
    /// first, at most `MAX_WATCHED`.
    pub async fn snapshot_watched(
        &self,
        env: &str,
        since_ms: i64,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT kind, key FROM fleet_snapshots WHERE env = $1 AND wanted_ms >= $2 \
             ORDER BY wanted_ms DESC LIMIT $3",
        )
        .bind(env)
        .bind(since_ms)
        .bind(MAX_WATCHED)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("kind")?, r.try_get("key")?)))
            .collect()
    }

    /// Deletes copies neither fetched nor wanted since `before_ms`;
    /// returns how many.
    pub async fn snapshot_forget(&self, env: &str, before_ms: i64) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "DELETE FROM fleet_snapshots WHERE env = $1 AND fetched_ms < $2 AND wanted_ms < $2",
        )
        .bind(env)
        .bind(before_ms)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected())
    }
}
