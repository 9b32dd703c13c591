//! State stores for tests, on SQLite or PostgreSQL, with one user per role,
//! and `both_backends!` to run a test on each.

use std::sync::OnceLock;

use ecsdeck::auth::{AuthConfig, AuthState, Clock};
use ecsdeck::fleet::CacheTiming;
use ecsdeck::sandbox::SandboxHandle;
use ecsdeck::state::AppState;
use ecsdeck::store::{DatabaseUrl, Store};

/// Every test user's password.
pub const PASSWORD: &str = "demo";
/// The test users, one per role, named after it.
pub const USERS: [&str; 3] = ["viewer", "operator", "admin"];
/// The session cookie's name with insecure cookies (tests use plain HTTP).
pub const COOKIE: &str = "ecsdeck-session";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs `async fn name(backend: Backend)` as two tests, `name::sqlite` and
/// `name::postgres` (the latter needs `ECSDECK_TEST_DATABASE_URL`; required
/// under CI, skipped with a notice otherwise).
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name($crate::harness::Backend::Sqlite).await
            }
            #[tokio::test]
            async fn postgres() {
                super::$name($crate::harness::Backend::Postgres).await
            }
        }
    )+};
}

/// A fresh, empty state store on `backend`; None when PostgreSQL is not
/// configured outside CI.
pub async fn test_store(backend: Backend) -> Option<Store> {
    let url = match backend {
        Backend::Sqlite => {
            let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
                .join(format!("auth-{}", uuid::Uuid::new_v4()));
            std::fs::create_dir_all(&dir).unwrap();
            DatabaseUrl::sqlite_in(&dir)
        }
        Backend::Postgres => fresh_postgres_database().await?,
    };
    Some(Store::open(&url).await.expect("state store opens"))
}

/// A fresh, empty state store on `backend` and the command-line flags that
/// name it (`--data-dir DIR` or `--database-url URL`), for tests of the
/// commands; None when PostgreSQL is not configured outside CI.
pub async fn test_store_with_flags(backend: Backend) -> Option<(Store, Vec<String>)> {
    match backend {
        Backend::Sqlite => {
            let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
                .join(format!("flags-{}", uuid::Uuid::new_v4()));
            let store = Store::open_configured(None, &dir).await.unwrap();
            Some((store, vec!["--data-dir".into(), dir.display().to_string()]))
        }
        Backend::Postgres => {
            let url = fresh_postgres_database().await?;
            let store = Store::open(&url).await.expect("state store opens");
            Some((
                store,
                vec!["--database-url".into(), url.as_str().to_string()],
            ))
        }
    }
}

/// `ECSDECK_TEST_DATABASE_URL` names a PostgreSQL server (any database on
/// it); each test gets its own new database there.
async fn fresh_postgres_database() -> Option<DatabaseUrl> {
    let Ok(base) = std::env::var("ECSDECK_TEST_DATABASE_URL") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "ECSDECK_TEST_DATABASE_URL is not set: under CI the PostgreSQL tests must run (.ci/run starts a server)"
        );
        eprintln!(
            "NOTICE: PostgreSQL test skipped: set ECSDECK_TEST_DATABASE_URL=postgres://… to run it"
        );
        return None;
    };
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let name = format!("ecsdeck_t_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::AnyConnection::connect(&base)
        .await
        .expect("connect to the test PostgreSQL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    let mut url = url::Url::parse(&base).unwrap();
    url.set_path(&format!("/{name}"));
    Some(url.as_str().parse().unwrap())
}

/// One argon2id hash of [`PASSWORD`], made once per test binary.
pub fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| ecsdeck::auth::password::hash_password(PASSWORD).unwrap())
}

/// Adds the users `viewer`, `operator` and `admin`.
pub async fn add_test_users(store: &Store) {
    for name in USERS {
        store.user_add(name, name, password_hash()).await.unwrap();
    }
}

/// Auth settings for tests: plain-HTTP cookies and a manual clock.
pub fn test_auth_config() -> AuthConfig {
    AuthConfig {
        secure_cookies: false,
        clock: Clock::manual(),
        ..AuthConfig::default()
    }
}

/// The settings tests run with: the defaults, and the log groups tests
/// write straight into the sandbox (`/it/…`) readable as if
/// `--log-groups '/it/*'` were given (the seeded fleet's `/ecs/…` groups
/// are readable anyway: its task definitions name them).
pub fn test_settings() -> ecsdeck::state::Settings {
    ecsdeck::state::Settings {
        log_groups: vec!["/it/*".to_string()],
        ..Default::default()
    }
}

/// App state on `sb` with `store` and `config` (users not added).
pub async fn app_state_with(sb: &SandboxHandle, store: Store, config: AuthConfig) -> AppState {
    // The dashboard as it runs in production: half of AWS's limits.
    let budget = std::sync::Arc::new(ecsdeck::aws::Budget::default());
    app_state_with_budget(sb, store, config, budget).await
}

/// `app_state_with`, spending `budget` (tests pass one on a fake clock).
pub async fn app_state_with_budget(
    sb: &SandboxHandle,
    store: Store,
    config: AuthConfig,
    budget: std::sync::Arc<ecsdeck::aws::Budget>,
) -> AppState {
    let env = sandbox_environment(sb, budget).await;
    let auth = AuthState::new(store, config).unwrap();
    AppState::new(test_settings(), vec![env], auth)
}

/// The environment "sandbox" on `sb`, every call spending `budget`.
pub async fn sandbox_environment(
    sb: &SandboxHandle,
    budget: std::sync::Arc<ecsdeck::aws::Budget>,
) -> ecsdeck::state::Environment {
    let conf = ecsdeck::aws::config::sandbox_sdk_config(&sb.endpoint_url(), budget.clone()).await;
    ecsdeck::state::Environment::new(
        "sandbox".to_string(),
        "us-east-1".to_string(),
        ecsdeck::aws::AwsClients::new(&conf, budget),
    )
}

/// A dashboard on `sb` and `store` (the test users added unless it has
/// users) with `settings` and production's budget.
pub async fn app_state_with_settings(
    sb: &SandboxHandle,
    store: Store,
    settings: ecsdeck::state::Settings,
) -> AppState {
    if store.user_list().await.unwrap().is_empty() {
        add_test_users(&store).await;
    }
    let env = sandbox_environment(sb, std::sync::Arc::new(ecsdeck::aws::Budget::default())).await;
    let auth = AuthState::new(store, test_auth_config()).unwrap();
    AppState::new(settings, vec![env], auth)
}

/// A dashboard whose one environment ("sandbox") points at `sb`, with a
/// fresh SQLite state store holding the users `viewer`, `operator` and
/// `admin`.
pub async fn app_state(sb: &SandboxHandle) -> AppState {
    let store = test_store(Backend::Sqlite).await.unwrap();
    add_test_users(&store).await;
    app_state_with(sb, store, test_auth_config()).await
}

/// `state` with every environment's fleet caching by `timing`.
pub fn with_cache_timing(mut state: AppState, timing: CacheTiming) -> AppState {
    let envs = state
        .environments
        .iter()
        .map(|e| e.clone().with_cache_timing(timing.clone()))
        .collect();
    state.environments = std::sync::Arc::new(envs);
    state
}
