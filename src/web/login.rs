//! `GET/POST /login` and `GET/POST /logout`.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use crate::auth::session::{Resolved, csrf_token, resolve, sign_in, sign_out};
use crate::auth::{AuthMode, ClientAddr, CurrentUser, safe_next};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::extract::{Form, Query};
use crate::web::shell::Shell;
use crate::web::urls;

/// The one message for a wrong user name or password (it must not tell
/// which).
pub const WRONG_CREDENTIALS: &str = "Wrong user name or password.";
/// The message once attempts are limited.
pub const TOO_MANY_ATTEMPTS: &str =
    "Too many sign-in attempts. Wait a few minutes, then try again.";
/// The message while as many passwords are being checked as the server
/// allows at once.
pub const TOO_MANY_AT_ONCE: &str = "Too many sign-in attempts at once. Try again in a moment.";

#[derive(Template)]
#[template(path = "pages/login.html")]
pub struct LoginPage {
    pub shell: Shell,
    pub csrf_token: String,
    pub next: String,
    pub username: String,
    pub error: Option<&'static str>,
}

impl LoginPage {
    pub fn form_url(&self) -> String {
        urls::login()
    }
}

#[derive(Template)]
#[template(path = "pages/logout.html")]
pub struct LogoutPage {
    pub shell: Shell,
    pub csrf_token: String,
}

impl LogoutPage {
    pub fn form_url(&self) -> String {
        urls::logout()
    }
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

fn no_store(mut resp: Response) -> Response {
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

async fn login_page(
    state: &AppState,
    session: &Session,
    status: StatusCode,
    next: String,
    username: String,
    error: Option<&'static str>,
) -> Result<Response, AppError> {
    let page = LoginPage {
        shell: Shell::new(state, None, "Sign in"),
        csrf_token: csrf_token(session).await?,
        next,
        username,
        error,
    };
    Ok(no_store((status, Html(page.render()?)).into_response()))
}

pub async fn show_login(
    State(state): State<AppState>,
    session: Session,
    headers: axum::http::HeaderMap,
    Query(q): Query<LoginQuery>,
) -> Result<Response, AppError> {
    let next = safe_next(q.next.as_deref());
    if matches!(state.auth.config.mode, AuthMode::Alb(_)) {
        return Ok(Redirect::to(&next).into_response());
    }
    if let Resolved::User(_) = resolve(&state.auth, &session, &headers, String::new()).await? {
        return Ok(no_store(Redirect::to(&next).into_response()));
    }
    login_page(&state, &session, StatusCode::OK, next, String::new(), None).await
}

pub async fn sign_in_user(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(addr): ClientAddr,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let next = safe_next(form.next.as_deref());
    if matches!(state.auth.config.mode, AuthMode::Alb(_)) {
        return Ok(Redirect::to(&next).into_response());
    }
    let name = form.username.trim().to_string();
    let refused = |message| {
        login_page(
            &state,
            &session,
            StatusCode::TOO_MANY_REQUESTS,
            next.clone(),
            name.clone(),
            Some(message),
        )
    };
    // A verification slot first, without waiting: past the bound, answer
    // at once rather than queue 19 MiB verifications.
    let permit = match state.auth.verify_gate.try_enter() {
        Some(p) => p,
        None => {
            tracing::warn!(client = %addr, "sign-in refused: too many verifications at once");
            return refused(TOO_MANY_AT_ONCE).await;
        }
    };
    // Counted before verifying, so concurrent guesses cannot all pass.
    let limiter = &state.auth.limiter;
    if limiter.try_attempt(&name, &addr).is_err() {
        tracing::warn!(user = %name, client = %addr, "sign-in refused: too many attempts");
        return refused(TOO_MANY_ATTEMPTS).await;
    }
    let user = state.store().user_get(&name).await?;
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let ok = !form.password.is_empty()
        && state
            .auth
            .verify_gate
            .verify(permit, form.password, hash)
            .await;
    if !ok {
        tracing::info!(user = %name, client = %addr, "sign-in failed");
        return login_page(
            &state,
            &session,
            StatusCode::UNAUTHORIZED,
            next,
            name,
            Some(WRONG_CREDENTIALS),
        )
        .await;
    }
    limiter.succeeded(&name, &addr);
    sign_in(&session, &state.auth.config, &name, "local").await?;
    tracing::info!(user = %name, client = %addr, "signed in");
    Ok(no_store(Redirect::to(&next).into_response()))
}

pub async fn show_logout(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    let page = LogoutPage {
        shell: Shell::new(&state, Some(&user), "Sign out"),
        csrf_token: user.csrf_token.clone(),
    };
    Ok(no_store(Html(page.render()?).into_response()))
}

pub async fn sign_out_user(
    State(state): State<AppState>,
    session: Session,
    user: CurrentUser,
) -> Result<Response, AppError> {
    sign_out(&session).await?;
    tracing::info!(user = %user.name, "signed out");
    let resp = match &state.auth.config.mode {
        AuthMode::Local => Redirect::to(&urls::login()).into_response(),
        AuthMode::Alb(alb) => {
            state.auth.alb_sessions.forget(&user.name);
            let mut resp = Redirect::to(alb.logout_url.as_deref().unwrap_or("/")).into_response();
            crate::auth::expire_alb_cookies(resp.headers_mut());
            resp
        }
    };
    Ok(no_store(resp))
}
