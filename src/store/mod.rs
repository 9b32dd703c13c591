//! The state store: users, sessions, the audit trail and the history
//! ecsdeck keeps of what ECS forgets (`history`), in SQLite (under
//! `--data-dir`, the default) or PostgreSQL (`--database-url postgres://…`,
//! so several replicas share them).
//!
//! One pool of `sqlx::Any` and the same SQL for both backends: parameters
//! are written `$1, $2…` (SQLite accepts them too), times are unix
//! milliseconds in BIGINT columns, and only the DDL differs (see
//! `migrate.rs`).

mod audit;
pub mod history;
mod leader_lock;
mod migrate;
mod sessions;
mod snapshots;
mod users;

use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::AnyPool;
use sqlx::Executor;
use sqlx::any::AnyPoolOptions;

pub use audit::{AuditEntry, AuditFilter, AuditRecord, AuditResult, AuditStatus};
pub use leader_lock::{LockSession, lock_key};
pub use sessions::AUTH_KEY as SESSION_AUTH_KEY;
pub use snapshots::{MAX_WATCHED, Snapshot};
pub use users::User;

/// Which database the store talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database URL; its `Debug` hides the password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn backend(&self) -> Result<Backend, StoreError> {
        if self.0.starts_with("postgres://") || self.0.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else if self.0.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else {
            Err(StoreError::Config(
                "the database URL must start with postgres:// or sqlite:".to_string(),
            ))
        }
    }

    /// The URL of the SQLite file `ecsdeck.db` in `dir` (created if missing).
    pub fn sqlite_in(dir: &Path) -> Self {
        Self(format!(
            "sqlite://{}?mode=rwc",
            dir.join("ecsdeck.db").display()
        ))
    }
}

impl FromStr for DatabaseUrl {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let url = Self(s.to_string());
        url.backend().map_err(|e| e.to_string())?;
        Ok(url)
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // scheme://user:password@host/db → scheme://user:***@host/db
        let shown = match (self.0.find("://"), self.0.rfind('@')) {
            (Some(s), Some(at)) if at > s => {
                let creds = &self.0[s + 3..at];
                match creds.find(':') {
                    Some(c) => format!("{}{}:***{}", &self.0[..s + 3], &creds[..c], &self.0[at..]),
                    None => self.0.clone(),
                }
            }
            _ => self.0.clone(),
        };
        f.write_str(&shown)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("state store configuration: {0}")]
    Config(String),
    #[error("state store: {0}")]
    Db(#[from] sqlx::Error),
    /// A one-time id (e.g. an action id) was used before.
    #[error("duplicate: {0}")]
    Duplicate(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("state store holds invalid data: {0}")]
    Corrupt(String),
}

/// The state store (cheap to clone: a pool handle).
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl Store {
    /// Connects to `url`, creating the SQLite file if needed, and runs the
    /// embedded migrations.
    pub async fn open(url: &DatabaseUrl) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = url.backend()?;
        let options = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 4,
                Backend::Postgres => 10,
            })
            .acquire_timeout(Duration::from_secs(10));
        let options = if backend == Backend::Sqlite {
            options.after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA busy_timeout = 5000").await?;
                    conn.execute("PRAGMA synchronous = NORMAL").await?;
                    Ok(())
                })
            })
        } else {
            options
        };
        let pool = options.connect(url.as_str()).await?;
        let store = Self { pool, backend };
        migrate::run(&store).await?;
        Ok(store)
    }

    /// Opens `--database-url` if given, else SQLite under `data_dir`.
    pub async fn open_configured(
        database_url: Option<&DatabaseUrl>,
        data_dir: &Path,
    ) -> Result<Self, StoreError> {
        match database_url {
            Some(url) => Self::open(url).await,
            None => {
                std::fs::create_dir_all(data_dir).map_err(|e| {
                    StoreError::Config(format!("cannot create {}: {e}", data_dir.display()))
                })?;
                Self::open(&DatabaseUrl::sqlite_in(data_dir)).await
            }
        }
    }

    /// The database's name (PostgreSQL's `current_database()`; `main` on SQLite).
    pub async fn current_database(&self) -> Result<String, StoreError> {
        match self.backend {
            Backend::Sqlite => Ok("main".to_string()),
            Backend::Postgres => {
                let row = sqlx::query("SELECT CAST(current_database() AS TEXT) AS name")
                    .fetch_one(&self.pool)
                    .await?;
                Ok(sqlx::Row::try_get::<String, _>(&row, "name")?)
            }
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// One trivial query: whether the store answers (`/readyz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes the pool (waits for connections to return).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Now, in unix milliseconds.
pub fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// True when `e` is a unique-constraint violation.
fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => {
            db.is_unique_violation()
                || db.code().as_deref() == Some("23505")
                || db.message().contains("UNIQUE constraint failed")
        }
        _ => false,
    }
}
