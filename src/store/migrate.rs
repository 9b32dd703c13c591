//! Embedded schema migrations, run at start-up. Each step is applied once,
//! in a transaction, and recorded in `ecsdeck_migrations`; on PostgreSQL an
//! advisory lock keeps replicas starting together from racing.

use sqlx::{Executor, Row};

use super::{Backend, Store, StoreError, now_ms};

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "users, sessions, audit",
        sqlite: include_str!("../../migrations/sqlite/0001_init.sql"),
        postgres: include_str!("../../migrations/postgres/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "history: stopped tasks, service events, deployments",
        sqlite: include_str!("../../migrations/sqlite/0002_history.sql"),
        postgres: include_str!("../../migrations/postgres/0002_history.sql"),
    },
    Migration {
        version: 3,
        name: "fleet snapshots shared by replicas",
        sqlite: include_str!("../../migrations/sqlite/0003_fleet_snapshots.sql"),
        postgres: include_str!("../../migrations/postgres/0003_fleet_snapshots.sql"),
    },
];

/// An arbitrary constant naming ecsdeck's migration lock.
const PG_LOCK_KEY: i64 = 0x0065_6373_6465_636b;

pub(super) async fn run(store: &Store) -> Result<(), StoreError> {
    let mut conn = store.pool().acquire().await?;
    if store.backend() == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(PG_LOCK_KEY)
            .execute(&mut *conn)
            .await?;
    }
    let result = apply(store.backend(), &mut conn).await;
    if store.backend() == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(PG_LOCK_KEY)
            .execute(&mut *conn)
            .await?;
    }
    result
}

async fn apply(backend: Backend, conn: &mut sqlx::AnyConnection) -> Result<(), StoreError> {
    conn.execute(
        "CREATE TABLE IF NOT EXISTS ecsdeck_migrations (\
         version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .await?;
    let rows = sqlx::query("SELECT version FROM ecsdeck_migrations")
        .fetch_all(&mut *conn)
        .await?;
    let applied: Vec<i64> = rows
        .iter()
        .map(|r| r.try_get::<i64, _>(0))
        .collect::<Result<_, _>>()?;
    for m in MIGRATIONS {
        if applied.contains(&m.version) {
            continue;
        }
        let sql = match backend {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        // Statements end with ';'; whole-line `--` comments are dropped first.
        let sql: String = sql
            .lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n");
        for statement in sql.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            tx.execute(statement).await?;
        }
        sqlx::query(
            "INSERT INTO ecsdeck_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(m.version)
        .bind(m.name)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        tracing::info!(version = m.version, name = m.name, "state store migrated");
    }
    Ok(())
}
