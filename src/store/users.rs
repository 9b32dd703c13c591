//! Local users: name, role and argon2id password hash.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreError, is_unique_violation, now_ms};

/// A local user as stored (the role as text; `auth::Role` parses it).
#[derive(Clone, Debug)]
pub struct User {
    pub name: String,
    pub role: String,
    pub password_hash: String,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

fn user_from(row: &AnyRow) -> Result<User, sqlx::Error> {
    Ok(User {
        name: row.try_get("name")?,
        role: row.try_get("role")?,
        password_hash: row.try_get("password_hash")?,
        created_at_ms: row.try_get("created_at")?,
        updated_at_ms: row.try_get("updated_at")?,
    })
}

const COLUMNS: &str = "name, role, password_hash, created_at, updated_at";

impl Store {
    /// Adds a user; `Duplicate` if the name is taken.
    pub async fn user_add(&self, name: &str, role: &str, hash: &str) -> Result<(), StoreError> {
        let now = now_ms();
        sqlx::query(
            "INSERT INTO users (name, role, password_hash, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(name)
        .bind(role)
        .bind(hash)
        .bind(now)
        .execute(self.pool())
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::Duplicate(format!("a user named {name} exists"))
            } else {
                e.into()
            }
        })?;
        Ok(())
    }

    /// Adds the user or, if it exists, sets its role and password (the demo).
    pub async fn user_upsert(&self, name: &str, role: &str, hash: &str) -> Result<(), StoreError> {
        let now = now_ms();
        sqlx::query(
            "INSERT INTO users (name, role, password_hash, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $4) \
             ON CONFLICT (name) DO UPDATE SET role = excluded.role, \
             password_hash = excluded.password_hash, updated_at = excluded.updated_at",
        )
        .bind(name)
        .bind(role)
        .bind(hash)
        .bind(now)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub async fn user_get(&self, name: &str) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE name = $1"))
            .bind(name)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.as_ref().map(user_from).transpose()?)
    }

    /// Every user, by name.
    pub async fn user_list(&self) -> Result<Vec<User>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM users ORDER BY name"))
            .fetch_all(self.pool())
            .await?;
        Ok(rows.iter().map(user_from).collect::<Result<_, _>>()?)
    }

    /// Removes the user and ends their sessions; `NotFound` if absent.
    pub async fn user_remove(&self, name: &str) -> Result<(), StoreError> {
        let done = sqlx::query("DELETE FROM users WHERE name = $1")
            .bind(name)
            .execute(self.pool())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("no user named {name}")));
        }
        self.sessions_end_for_user(name).await?;
        Ok(())
    }

    pub async fn user_set_role(&self, name: &str, role: &str) -> Result<(), StoreError> {
        self.user_update(name, "role", role).await
    }

    /// Sets the password hash and ends the user's sessions.
    pub async fn user_set_password(&self, name: &str, hash: &str) -> Result<(), StoreError> {
        self.user_update(name, "password_hash", hash).await?;
        self.sessions_end_for_user(name).await
    }

    async fn user_update(&self, name: &str, column: &str, value: &str) -> Result<(), StoreError> {
        let done = sqlx::query(&format!(
            "UPDATE users SET {column} = $1, updated_at = $2 WHERE name = $3"
        ))
        .bind(value)
        .bind(now_ms())
        .bind(name)
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("no user named {name}")));
        }
        Ok(())
    }
}
