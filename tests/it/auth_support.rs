//! Helpers for tests that need signed-in users, on SQLite or PostgreSQL.
//! Reusable by any test module:
//!
//! - `TestEnv::start(Backend::Sqlite, |config| …)`: sandbox + state store +
//!   users `admin`, `operator`, `viewer` (password [`PASSWORD`]) + the app
//!   served on port 0, with a manual clock (`env.clock.advance(…)`).
//! - `env.client("operator").await`: a reqwest client signed in through
//!   /login, with `get`, `post_form` (adds `csrf_token`) and `htmx_post`
//!   (adds `X-CSRF-Token`).
//! - `RouterSession::sign_in(&app, "viewer")`: the same through the router
//!   itself (oneshot, no socket), for `get`/`post_form`.
//! - `both_backends!(test_fn)`: runs `async fn test_fn(backend: Backend)` on
//!   SQLite and on PostgreSQL (`ECSDECK_TEST_DATABASE_URL`; required
//!   under CI, skipped with a notice otherwise).
#![allow(dead_code)]

use std::sync::OnceLock;

use ecsdeck::auth::{AuthConfig, AuthState, Clock};
use ecsdeck::sandbox::SandboxHandle;
use ecsdeck::state::AppState;
use ecsdeck::store::{DatabaseUrl, Store};

use crate::support::*;

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
/// `name::postgres`.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name($crate::auth_support::Backend::Sqlite).await
            }
            #[tokio::test]
            async fn postgres() {
                super::$name($crate::auth_support::Backend::Postgres).await
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

/// App state on `sb` with `store` and `config` (users not added).
pub async fn app_state_with(sb: &SandboxHandle, store: Store, config: AuthConfig) -> AppState {
    // The dashboard as it runs in production: half of AWS's limits.
    let budget = std::sync::Arc::new(ecsdeck::aws::Budget::default());
    let conf = ecsdeck::aws::config::sandbox_sdk_config(&sb.endpoint_url(), budget.clone()).await;
    let env = ecsdeck::state::Environment::new(
        "sandbox".to_string(),
        "us-east-1".to_string(),
        ecsdeck::aws::AwsClients::new(&conf, budget),
    );
    let auth = AuthState::new(store, config).unwrap();
    AppState::new(Default::default(), vec![env], auth)
}

/// A sandbox, a store with the test users, and the app on port 0.
pub struct TestEnv {
    pub sb: SandboxHandle,
    pub state: AppState,
    pub app: axum::Router,
    pub base: String,
    pub clock: Clock,
}

impl TestEnv {
    /// None when `backend` is PostgreSQL and it is not configured (outside CI).
    pub async fn start(backend: Backend, tweak: impl FnOnce(&mut AuthConfig)) -> Option<Self> {
        let store = test_store(backend).await?;
        add_test_users(&store).await;
        let mut config = test_auth_config();
        tweak(&mut config);
        let clock = config.clock.clone();
        let sb = start_sandbox(Default::default()).await;
        let state = app_state_with(&sb, store, config).await;
        let app = ecsdeck::app(state.clone());
        let base = spawn_app(state.clone()).await;
        Some(Self {
            sb,
            state,
            app,
            base,
            clock,
        })
    }

    /// A client signed in as `user` (password [`PASSWORD`]).
    pub async fn client(&self, user: &str) -> Client {
        let c = Client::anonymous(&self.base);
        let resp = c.sign_in(user, PASSWORD).await;
        assert_eq!(resp.status(), 303, "{user} signs in");
        c.refresh_csrf().await;
        c
    }

    pub fn anonymous(&self) -> Client {
        Client::anonymous(&self.base)
    }
}

/// A browser-like HTTP client: cookie store, no redirects followed.
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub csrf: std::sync::Mutex<String>,
    pub jar: std::sync::Arc<reqwest::cookie::Jar>,
}

/// The value of `<input … name="csrf_token" value="…">` or the csrf meta tag.
pub fn csrf_in(html: &str) -> Option<String> {
    for marker in [
        "name=\"csrf_token\" value=\"",
        "name=\"csrf-token\" content=\"",
    ] {
        if let Some(i) = html.find(marker) {
            let rest = &html[i + marker.len()..];
            return rest.split('"').next().map(str::to_string);
        }
    }
    None
}

impl Client {
    pub fn anonymous(base: &str) -> Self {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            http,
            base: base.to_string(),
            csrf: std::sync::Mutex::new(String::new()),
            jar,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// The session cookie's value, if any.
    pub fn session_id(&self) -> Option<String> {
        use reqwest::cookie::CookieStore;
        let url = self.base.parse().unwrap();
        let header = self.jar.cookies(&url)?;
        header
            .to_str()
            .unwrap()
            .split("; ")
            .find_map(|c| c.strip_prefix(&format!("{COOKIE}=")).map(str::to_string))
    }

    /// GET /login, then POST the form with its CSRF token.
    pub async fn sign_in(&self, user: &str, password: &str) -> reqwest::Response {
        let page = self.get("/login").await;
        assert_eq!(page.status(), 200);
        let token = csrf_in(&page.text().await.unwrap()).expect("login form has a csrf token");
        self.http
            .post(self.url("/login"))
            .form(&[
                ("username", user),
                ("password", password),
                ("csrf_token", &token),
            ])
            .send()
            .await
            .unwrap()
    }

    /// Reads the CSRF token from the sign-out page (no AWS calls, so the
    /// fleet cache stays cold for tests that count calls).
    pub async fn refresh_csrf(&self) {
        let page = self.get("/logout").await;
        assert_eq!(
            page.status(),
            200,
            "signed-in client sees the sign-out page"
        );
        let token = csrf_in(&page.text().await.unwrap()).expect("pages carry the csrf token");
        *self.csrf.lock().unwrap() = token;
    }

    pub fn csrf(&self) -> String {
        self.csrf.lock().unwrap().clone()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.unwrap()
    }

    /// A form POST with the session's `csrf_token` added.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let csrf = self.csrf();
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &csrf));
        self.http
            .post(self.url(path))
            .form(&all)
            .send()
            .await
            .unwrap()
    }

    /// An htmx POST: `HX-Request` and `X-CSRF-Token` headers.
    pub async fn htmx_post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .header("hx-request", "true")
            .header("x-csrf-token", self.csrf())
            .form(fields)
            .send()
            .await
            .unwrap()
    }
}

/// A signed-in session driven through the router itself (oneshot).
pub struct RouterSession {
    pub cookie: String,
    pub csrf: String,
}

fn session_cookie_of(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix(&format!("{COOKIE}=")))
        .map(|c| c.split(';').next().unwrap_or("").to_string())
}

impl RouterSession {
    pub async fn sign_in(app: &axum::Router, user: &str) -> Self {
        let login = get(app, "/login", &[]).await;
        let cookie = session_cookie_of(&login.headers).expect("login sets a session cookie");
        let token = csrf_in(&login.body).unwrap();
        let s = Self {
            cookie,
            csrf: token,
        };
        let resp = s
            .post_form(app, "/login", &[("username", user), ("password", PASSWORD)])
            .await;
        assert_eq!(resp.status, 303, "{user} signs in: {}", resp.body);
        let cookie = session_cookie_of(&resp.headers).expect("sign-in sets a new cookie");
        let mut s = Self {
            cookie,
            csrf: String::new(),
        };
        // The sign-out page carries the token and makes no AWS calls.
        let page = s.get(app, "/logout").await;
        s.csrf = csrf_in(&page.body).expect("csrf token");
        s
    }

    pub fn cookie_header(&self) -> String {
        format!("{COOKIE}={}", self.cookie)
    }

    pub async fn get(&self, app: &axum::Router, path: &str) -> Page {
        get(app, path, &[("cookie", &self.cookie_header())]).await
    }

    pub async fn get_with(&self, app: &axum::Router, path: &str, headers: &[(&str, &str)]) -> Page {
        let cookie = self.cookie_header();
        let mut all = vec![("cookie", cookie.as_str())];
        all.extend_from_slice(headers);
        get(app, path, &all).await
    }

    /// A form POST through the router, `csrf_token` added.
    pub async fn post_form(&self, app: &axum::Router, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &self.csrf));
        let body = serde_urlencoded::to_string(&all).unwrap();
        request(
            app,
            "POST",
            path,
            &[
                ("cookie", &self.cookie_header()),
                ("content-type", "application/x-www-form-urlencoded"),
            ],
            body,
        )
        .await
    }
}

/// Any request through the router (oneshot), with headers and a body.
pub async fn request(
    app: &axum::Router,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: String,
) -> Page {
    use tower::ServiceExt;
    let mut req = axum::http::Request::builder().method(method).uri(path);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = app
        .clone()
        .oneshot(req.body(axum::body::Body::from(body)).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = axum::body::to_bytes(resp.into_body(), 16 * 1024 * 1024)
        .await
        .unwrap();
    Page {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// `app` with every request sent as `user` (signed in once; the session
/// cookie is added to each request): for tests of pages, not of sign-in.
pub async fn as_user(app: axum::Router, user: &str) -> axum::Router {
    let session = RouterSession::sign_in(&app, user).await;
    let cookie = axum::http::HeaderValue::from_str(&session.cookie_header()).unwrap();
    app.layer(axum::middleware::map_request(
        move |mut req: axum::extract::Request| {
            let cookie = cookie.clone();
            async move {
                if !req.headers().contains_key("cookie") {
                    req.headers_mut().insert("cookie", cookie);
                }
                req
            }
        },
    ))
}
