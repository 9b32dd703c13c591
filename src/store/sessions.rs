//! tower-sessions records in the `sessions` table, on either backend.
//! Expired records are never returned and are deleted periodically.

use async_trait::async_trait;
use sqlx::Row;
use time::OffsetDateTime;
use tower_sessions::SessionStore;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion};

use super::{Store, StoreError, is_unique_violation, now_ms};

/// The session key holding the signed-in user (see `auth::session`); its
/// `name` is copied to a column so a user's sessions can be ended.
pub const AUTH_KEY: &str = "auth";

fn backend_err(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

fn expiry_ms(record: &Record) -> i64 {
    (record.expiry_date.unix_timestamp_nanos() / 1_000_000) as i64
}

fn user_of(record: &Record) -> Option<String> {
    record
        .data
        .get(AUTH_KEY)
        .and_then(|v| v.get("name"))
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

impl Store {
    /// Ends every session of `name` (they sign in again).
    pub async fn sessions_end_for_user(&self, name: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE user_name = $1")
            .bind(name)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// How many unexpired sessions exist (for tests and diagnostics).
    pub async fn sessions_count(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM sessions WHERE expires_at > $1")
            .bind(now_ms())
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get::<i64, _>("n")?)
    }

    async fn session_insert(&self, record: &Record) -> Result<bool, sqlx::Error> {
        let data =
            serde_json::to_string(&record.data).map_err(|e| sqlx::Error::Encode(e.into()))?;
        let res = sqlx::query(
            "INSERT INTO sessions (id, user_name, data, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(record.id.to_string())
        .bind(user_of(record))
        .bind(data)
        .bind(expiry_ms(record))
        .execute(self.pool())
        .await;
        match res {
            Ok(_) => Ok(true),
            Err(e) if is_unique_violation(&e) => Ok(false),
            Err(e) => Err(e),
        }
    }
}

#[async_trait]
impl SessionStore for Store {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // A fresh random id collides with negligible probability; retry anyway.
        for _ in 0..4 {
            if self.session_insert(record).await.map_err(backend_err)? {
                return Ok(());
            }
            record.id = Id::default();
        }
        Err(backend_err("could not allocate a unique session id"))
    }

    /// Updates a session this store already holds; never inserts. A
    /// request still in flight when its session was deleted (sign-out,
    /// `user set-password`, `user remove`) saves the record it loaded: that
    /// save must not bring the session back. New sessions go through
    /// `create` (tower-sessions calls it for an id it has not stored).
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data).map_err(backend_err)?;
        sqlx::query("UPDATE sessions SET user_name = $2, data = $3, expires_at = $4 WHERE id = $1")
            .bind(record.id.to_string())
            .bind(user_of(record))
            .bind(data)
            .bind(expiry_ms(record))
            .execute(self.pool())
            .await
            .map_err(backend_err)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row =
            sqlx::query("SELECT data, expires_at FROM sessions WHERE id = $1 AND expires_at > $2")
                .bind(id.to_string())
                .bind(now_ms())
                .fetch_optional(self.pool())
                .await
                .map_err(backend_err)?;
        let Some(row) = row else { return Ok(None) };
        let data: String = row.try_get("data").map_err(backend_err)?;
        let expires: i64 = row.try_get("expires_at").map_err(backend_err)?;
        let expiry_date =
            OffsetDateTime::from_unix_timestamp_nanos(i128::from(expires) * 1_000_000)
                .map_err(backend_err)?;
        Ok(Some(Record {
            id: *id,
            data: serde_json::from_str(&data).map_err(backend_err)?,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id.to_string())
            .execute(self.pool())
            .await
            .map_err(backend_err)?;
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for Store {
    async fn delete_expired(&self) -> session_store::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now_ms())
            .execute(self.pool())
            .await
            .map_err(backend_err)?;
        Ok(())
    }
}
