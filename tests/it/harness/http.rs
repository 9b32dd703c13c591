//! The app on a real socket, for what the router alone cannot show:
//! browsers, server-sent event streams and reqwest's cookie jar at sign-in.

use std::sync::{Arc, Mutex};

use ecsdeck::auth::AuthConfig;
use ecsdeck::sandbox::SandboxHandle;
use ecsdeck::state::AppState;

use super::{Backend, COOKIE, PASSWORD, Page, TestApp, start_sandbox};

/// Serves `app(state)` on 127.0.0.1:0 through the production server
/// (`ecsdeck::server`, with `state.settings.server`'s limits) and returns
/// its base URL.
pub async fn serve(state: AppState) -> String {
    super::init_tracing();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        ecsdeck::server::serve_until(listener, state, std::future::pending())
            .await
            .unwrap();
    });
    format!("http://{addr}")
}

/// A sandbox, a store on a chosen backend with the test users, and the app
/// both as a router and on a socket.
pub struct ServedApp {
    pub sb: SandboxHandle,
    pub app: TestApp,
    pub base: String,
}

impl ServedApp {
    /// None when `backend` is PostgreSQL and it is not configured (outside CI).
    pub async fn start(backend: Backend, tweak: impl FnOnce(&mut AuthConfig)) -> Option<Self> {
        let sb = start_sandbox(Default::default()).await;
        let app = TestApp::with_auth(&sb, backend, tweak).await?;
        let base = app.serve().await;
        Some(Self { sb, app, base })
    }

    /// A client signed in as `user` through /login, with its CSRF token.
    pub async fn client(&self, user: &str) -> HttpClient {
        HttpClient::signed_in(&self.base, user).await
    }

    pub fn anonymous(&self) -> HttpClient {
        HttpClient::anonymous(&self.base)
    }
}

/// A browser-like HTTP client over the socket: cookie store, redirects not
/// followed. Answers are [`Page`]s, except for streams.
pub struct HttpClient {
    pub http: reqwest::Client,
    pub base: String,
    pub jar: Arc<reqwest::cookie::Jar>,
    csrf: Mutex<String>,
}

impl HttpClient {
    pub fn anonymous(base: &str) -> Self {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            http,
            base: base.to_string(),
            csrf: Mutex::new(String::new()),
            jar,
        }
    }

    /// Signed in as `user` (password [`PASSWORD`]), CSRF token read.
    pub async fn signed_in(base: &str, user: &str) -> Self {
        let c = Self::anonymous(base);
        let resp = c.sign_in(user, PASSWORD).await;
        assert_eq!(resp.status, 303, "{user} signs in: {}", resp.body);
        c.refresh_csrf().await;
        c
    }

    /// The same browser (cookie jar, CSRF token) talking to another server
    /// of the same app (cookies are not port-specific).
    pub fn at(&self, base: &str) -> Self {
        Self {
            http: self.http.clone(),
            base: base.to_string(),
            jar: self.jar.clone(),
            csrf: Mutex::new(self.csrf.lock().unwrap().clone()),
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
    pub async fn sign_in(&self, user: &str, password: &str) -> Page {
        self.sign_in_with(&[("username", user), ("password", password)])
            .await
    }

    /// GET /login, then POST `fields` and the form's CSRF token.
    pub async fn sign_in_with(&self, fields: &[(&str, &str)]) -> Page {
        let page = self.get("/login").await;
        assert_eq!(page.status, 200);
        let token = page.csrf().expect("the login form has a csrf token");
        let mut all = fields.to_vec();
        all.push(("csrf_token", &token));
        self.send(self.http.post(self.url("/login")).form(&all))
            .await
    }

    /// Reads the CSRF token from the sign-out page (no AWS calls, so the
    /// fleet cache stays cold for tests that count calls).
    pub async fn refresh_csrf(&self) {
        let page = self.get("/logout").await;
        assert_eq!(page.status, 200, "signed-in client sees the sign-out page");
        *self.csrf.lock().unwrap() = page.csrf().expect("pages carry the csrf token");
    }

    pub fn csrf(&self) -> String {
        self.csrf.lock().unwrap().clone()
    }

    /// Sends a request built on `self.http` and reads the whole answer.
    pub async fn send(&self, req: reqwest::RequestBuilder) -> Page {
        Page::from_reqwest(req.send().await.unwrap()).await
    }

    pub async fn get(&self, path: &str) -> Page {
        self.send(self.http.get(self.url(path))).await
    }

    /// A GET whose body is left to read as it arrives (an SSE stream).
    pub async fn stream(&self, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut req = self.http.get(self.url(path));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.send().await.unwrap()
    }

    /// A form POST with the session's `csrf_token` added.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self.csrf();
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &csrf));
        self.send(self.http.post(self.url(path)).form(&all)).await
    }

    /// An htmx POST: `HX-Request` and `X-CSRF-Token` headers.
    pub async fn post_htmx(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.send(
            self.http
                .post(self.url(path))
                .header("hx-request", "true")
                .header("x-csrf-token", self.csrf())
                .form(fields),
        )
        .await
    }
}
