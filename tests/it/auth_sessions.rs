//! Sessions: a new id at sign-in, idle and absolute expiry (on a manual
//! clock), sign-out, cookie attributes, htmx redirects, role changes.

use std::time::Duration;

use crate::both_backends;
use crate::harness::*;

const MIN: Duration = Duration::from_secs(60);

async fn sign_in_gives_a_new_session_id(backend: Backend) {
    let Some(env) = ServedApp::start(backend, |_| {}).await else {
        return;
    };
    let c = env.anonymous();
    let _ = c.get("/login").await;
    let before = c.session_id().expect("the sign-in form starts a session");
    assert_eq!(c.sign_in("operator", PASSWORD).await.status, 303);
    let after = c.session_id().expect("signed-in session");
    assert_ne!(before, after, "session id changes at sign-in");
    assert_eq!(c.get("/").await.status, 200);
    // Someone who planted or kept the old id is not signed in.
    let stale = env.anonymous();
    let resp = stale
        .send(
            stale
                .http
                .get(stale.url("/"))
                .header("cookie", format!("{COOKIE}={before}")),
        )
        .await;
    assert_eq!(resp.status, 303);
}

async fn idle_sessions_end(backend: Backend) {
    let Some(env) = ServedApp::start(backend, |c| c.idle_timeout = 30 * MIN).await else {
        return;
    };
    let c = env.client("viewer").await;
    for _ in 0..3 {
        env.app.clock().advance(20 * MIN);
        assert_eq!(c.get("/").await.status, 200, "activity keeps the session");
    }
    env.app.clock().advance(31 * MIN);
    let resp = c.get("/sandbox/images").await;
    assert_eq!(resp.status, 303, "idle for 31 min");
    assert_eq!(resp.header("location"), "/login?next=%2Fsandbox%2Fimages");
    assert_eq!(c.get("/").await.status, 303, "still signed out");
}

async fn sessions_end_at_the_absolute_timeout(backend: Backend) {
    let Some(env) = ServedApp::start(backend, |c| {
        c.idle_timeout = 30 * MIN;
        c.absolute_timeout = 60 * MIN;
    })
    .await
    else {
        return;
    };
    let c = env.client("admin").await;
    env.app.clock().advance(25 * MIN);
    assert_eq!(c.get("/").await.status, 200);
    env.app.clock().advance(25 * MIN);
    assert_eq!(c.get("/").await.status, 200);
    env.app.clock().advance(11 * MIN);
    assert_eq!(
        c.get("/").await.status,
        303,
        "61 min after sign-in, however active"
    );
}

async fn htmx_requests_of_an_expired_session_redirect(backend: Backend) {
    let Some(env) = ServedApp::start(backend, |_| {}).await else {
        return;
    };
    let c = env.client("viewer").await;
    env.app.clock().advance(31 * MIN);
    let resp = c
        .send(c.http.get(c.url("/")).header("hx-request", "true").header(
            "hx-current-url",
            format!("{}/sandbox/logs?group=a", env.base),
        ))
        .await;
    assert_eq!(resp.status, 401);
    assert_eq!(
        resp.header("hx-redirect"),
        "/login?next=%2Fsandbox%2Flogs%3Fgroup%3Da"
    );
    assert!(
        !resp.body.contains("<form") && !resp.exists("form"),
        "no sign-in form in a fragment"
    );
}

async fn sign_out_ends_the_session(backend: Backend) {
    let Some(env) = ServedApp::start(backend, |_| {}).await else {
        return;
    };
    let c = env.client("operator").await;
    let id = c.session_id().unwrap();
    let page = c.get("/").await;
    assert!(
        page.exists("form.signout-form[method=post][action=\"/logout\"]"),
        "a sign-out form in the header"
    );
    let resp = c.post_form("/logout", &[]).await;
    assert_eq!(resp.status, 303);
    assert_eq!(resp.header("location"), "/login");
    assert_eq!(c.get("/").await.status, 303, "signed out");
    assert_eq!(
        env.app.state.store().sessions_count().await.unwrap(),
        0,
        "session deleted"
    );
    let replay = env.anonymous();
    let resp = replay
        .send(
            replay
                .http
                .get(replay.url("/"))
                .header("cookie", format!("{COOKIE}={id}")),
        )
        .await;
    assert_eq!(resp.status, 303, "the old id is dead");
}

async fn role_changes_and_removal_act_at_once(backend: Backend) {
    let Some(env) = ServedApp::start(backend, |_| {}).await else {
        return;
    };
    let c = env.client("operator").await;
    let page = c.get("/").await;
    assert_eq!(page.attr("body", "data-role").as_deref(), Some("operator"));
    env.app
        .state
        .store()
        .user_set_role("operator", "viewer")
        .await
        .unwrap();
    let page = c.get("/").await;
    assert_eq!(
        page.attr("body", "data-role").as_deref(),
        Some("viewer"),
        "demoted on the next request"
    );
    env.app.state.store().user_remove("operator").await.unwrap();
    assert_eq!(c.get("/").await.status, 303, "removed users are signed out");
}

both_backends!(
    sign_in_gives_a_new_session_id,
    idle_sessions_end,
    sessions_end_at_the_absolute_timeout,
    htmx_requests_of_an_expired_session_redirect,
    sign_out_ends_the_session,
    role_changes_and_removal_act_at_once,
);

#[tokio::test]
async fn secure_cookies_are_host_prefixed_httponly_lax_with_hsts() {
    let env = ServedApp::start(Backend::Sqlite, |c| c.secure_cookies = true)
        .await
        .unwrap();
    let resp = env.app.get("/login").await;
    let cookie = resp.header("set-cookie").to_string();
    assert!(cookie.starts_with("__Host-ecsdeck-session="), "{cookie}");
    for attr in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attr), "{attr} in {cookie}");
    }
    assert!(!cookie.contains("Domain"), "{cookie}");
    assert!(
        resp.header("strict-transport-security")
            .contains("max-age=")
    );

    let insecure = ServedApp::start(Backend::Sqlite, |_| {}).await.unwrap();
    let resp = insecure.app.get("/login").await;
    let cookie = resp.header("set-cookie").to_string();
    assert!(
        cookie.starts_with("ecsdeck-session=")
            && cookie.contains("HttpOnly")
            && !cookie.contains("Secure")
    );
    assert!(resp.headers.get("strict-transport-security").is_none());
}
