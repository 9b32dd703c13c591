//! The app driven through its router (oneshot, no socket): [`TestApp`] owns
//! the router and the state, [`Session`] is one browser's session on it.

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use ecsdeck::auth::{AuthConfig, Clock};
use ecsdeck::sandbox::SandboxHandle;
use ecsdeck::state::AppState;
use tower::ServiceExt;

use super::{Backend, COOKIE, PASSWORD, Page};

/// The real router over `state`.
#[derive(Clone)]
pub struct TestApp {
    pub state: AppState,
    pub router: Router,
}

impl TestApp {
    pub fn new(state: AppState) -> Self {
        super::init_tracing();
        let router = ecsdeck::app(state.clone());
        Self { state, router }
    }

    /// The app on `sb` with a fresh SQLite store and the three test users.
    pub async fn on(sb: &SandboxHandle) -> Self {
        Self::new(super::app_state(sb).await)
    }

    /// The app on `sb` with a fresh store on `backend`, the test users and
    /// the test auth settings changed by `tweak`; None when PostgreSQL is
    /// not configured (outside CI).
    pub async fn with_auth(
        sb: &SandboxHandle,
        backend: Backend,
        tweak: impl FnOnce(&mut AuthConfig),
    ) -> Option<Self> {
        let store = super::test_store(backend).await?;
        super::add_test_users(&store).await;
        let mut config = super::test_auth_config();
        tweak(&mut config);
        Some(Self::new(super::app_state_with(sb, store, config).await))
    }

    /// The (manual) clock sessions and sign-in limits read.
    pub fn clock(&self) -> &Clock {
        &self.state.auth.config.clock
    }

    /// Any request through the router, answered in full.
    pub async fn send(&self, req: Request<Body>) -> Page {
        Page::from_axum(self.respond(req).await).await
    }

    /// Any request through the router, the body left unread (streams).
    pub async fn respond(&self, req: Request<Body>) -> axum::response::Response {
        self.router.clone().oneshot(req).await.expect("infallible")
    }

    /// A GET without a session.
    pub async fn get(&self, path: &str) -> Page {
        self.get_with(path, &[]).await
    }

    /// A GET without a session, with extra headers.
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Page {
        self.send(request("GET", path, headers, Body::empty()))
            .await
    }

    /// A visitor that opened the sign-in page: a session and its CSRF
    /// token, nobody signed in.
    pub async fn anonymous(&self) -> Session {
        let login = self.get("/login").await;
        assert_eq!(login.status, 200, "{}", login.body);
        Session {
            app: self.clone(),
            cookie: session_cookie(&login).expect("the sign-in page starts a session"),
            csrf: login.csrf().expect("the sign-in form has a csrf token"),
        }
    }

    /// A session signed in as `user` (one of viewer, operator, admin).
    pub async fn session(&self, user: &str) -> Session {
        let mut s = self.anonymous().await;
        let resp = s
            .post_form("/login", &[("username", user), ("password", PASSWORD)])
            .await;
        assert_eq!(resp.status, 303, "{user} signs in: {}", resp.body);
        s.cookie = session_cookie(&resp).expect("sign-in sets a new cookie");
        // The sign-out page carries the token and makes no AWS calls, so
        // the fleet cache stays cold for tests that count calls.
        let page = s.get("/logout").await;
        assert_eq!(page.status, 200, "{user} sees the sign-out page");
        s.csrf = page.csrf().expect("pages carry the csrf token");
        s
    }

    /// Serves the app on 127.0.0.1:0 and returns its base URL, for what a
    /// socket is needed for: browsers, SSE streams, reqwest cookie jars.
    pub async fn serve(&self) -> String {
        super::serve(self.state.clone()).await
    }
}

fn request(method: &str, path: &str, headers: &[(&str, &str)], body: Body) -> Request<Body> {
    let mut req = Request::builder().method(method).uri(path);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.body(body).expect("a valid request")
}

fn session_cookie(page: &Page) -> Option<String> {
    page.header_all("set-cookie").iter().find_map(|c| {
        c.strip_prefix(&format!("{COOKIE}="))
            .map(|c| c.split(';').next().unwrap_or("").to_string())
    })
}

/// One browser's session: its cookie and CSRF token, sent with each
/// request through the router.
pub struct Session {
    pub app: TestApp,
    pub cookie: String,
    pub csrf: String,
}

impl Session {
    /// `ecsdeck-session=…`, as a browser sends it.
    pub fn cookie_header(&self) -> String {
        format!("{COOKIE}={}", self.cookie)
    }

    /// Any request with the session cookie added.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: String,
    ) -> Page {
        self.app
            .send(self.request(method, path, headers, body))
            .await
    }

    /// A request with the session cookie added, not yet sent.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: String,
    ) -> Request<Body> {
        let cookie = self.cookie_header();
        let mut all = vec![("cookie", cookie.as_str())];
        all.extend_from_slice(headers);
        request(method, path, &all, Body::from(body))
    }

    pub async fn get(&self, path: &str) -> Page {
        self.send("GET", path, &[], String::new()).await
    }

    /// A GET that must answer 200.
    pub async fn ok(&self, path: &str) -> Page {
        let p = self.get(path).await;
        assert_eq!(p.status, 200, "{path}: {}", p.body);
        p
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Page {
        self.send("GET", path, headers, String::new()).await
    }

    /// A GET as htmx makes it (`HX-Request: true`).
    pub async fn get_htmx(&self, path: &str) -> Page {
        self.get_with(path, &[("hx-request", "true")]).await
    }

    /// A form POST, the session's `csrf_token` added to the fields.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &self.csrf));
        self.post_raw(path, &[], &all).await
    }

    /// An htmx POST: `HX-Request` and the token as `X-CSRF-Token`.
    pub async fn post_htmx(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self.csrf.clone();
        self.post_raw(
            path,
            &[("hx-request", "true"), ("x-csrf-token", &csrf)],
            fields,
        )
        .await
    }

    /// A form POST of exactly `fields` (no token added) with `headers`.
    pub async fn post_raw(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        fields: &[(&str, &str)],
    ) -> Page {
        let body = serde_urlencoded::to_string(fields).expect("form fields encode");
        let mut all = vec![("content-type", "application/x-www-form-urlencoded")];
        all.extend_from_slice(headers);
        self.send("POST", path, &all, body).await
    }
}
