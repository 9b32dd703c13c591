//! Sign-in: one generic message for a wrong name or password, limits on
//! repeated failures per user and per address, safe `next` redirects.

use std::time::Duration;

use ecsdeck::web::login::{TOO_MANY_ATTEMPTS, WRONG_CREDENTIALS};

use crate::both_backends;
use crate::harness::*;

async fn wrong_user_or_password_get_the_same_answer(backend: Backend) {
    let Some(env) = ServedApp::start(backend, |_| {}).await else {
        return;
    };
    let c = env.anonymous();
    let wrong_password = c.sign_in("admin", "not-it").await;
    assert_eq!(wrong_password.status, 401);
    let no_user = c.sign_in("nobody", "not-it").await;
    assert_eq!(no_user.status, 401);
    for p in [&wrong_password, &no_user] {
        assert_eq!(
            p.texts(".login-error"),
            [WRONG_CREDENTIALS],
            "one generic message"
        );
    }
    // The same page either way, but for the name typed and the token.
    let strip = |p: &Page| {
        p.body
            .replace(&p.csrf().unwrap(), "")
            .replace("admin", "X")
            .replace("nobody", "X")
    };
    assert_eq!(
        strip(&wrong_password),
        strip(&no_user),
        "the same page either way"
    );
    assert_eq!(c.get("/").await.status, 303, "not signed in");
}

async fn repeated_failures_are_limited_per_user(backend: Backend) {
    let Some(env) = ServedApp::start(backend, |_| {}).await else {
        return;
    };
    let c = env.anonymous();
    for _ in 0..5 {
        assert_eq!(c.sign_in("operator", "guess").await.status, 401);
    }
    let limited = c.sign_in("operator", PASSWORD).await;
    assert_eq!(limited.status, 429, "even the right password waits");
    assert!(limited.body.contains(TOO_MANY_ATTEMPTS));
    // Other users are not locked out by someone guessing this one.
    assert_eq!(c.sign_in("viewer", PASSWORD).await.status, 303);
    env.app.clock().advance(Duration::from_secs(301));
    let later = env.anonymous();
    assert_eq!(
        later.sign_in("operator", PASSWORD).await.status,
        303,
        "the window passed"
    );
}

async fn repeated_failures_are_limited_per_address(backend: Backend) {
    let Some(env) = ServedApp::start(backend, |_| {}).await else {
        return;
    };
    let c = env.anonymous();
    for i in 0..20 {
        assert_eq!(c.sign_in(&format!("guess{i}"), "x").await.status, 401);
    }
    assert_eq!(
        c.sign_in("admin", PASSWORD).await.status,
        429,
        "this address is limited"
    );
}

async fn sign_in_returns_to_next_but_only_on_this_site(backend: Backend) {
    let Some(env) = ServedApp::start(backend, |_| {}).await else {
        return;
    };
    let c = env.anonymous();
    let first = c.get("/sandbox/images?x=1").await;
    assert_eq!(first.status, 303);
    let login_url = first.header("location").to_string();
    assert_eq!(login_url, "/login?next=%2Fsandbox%2Fimages%3Fx%3D1");
    let form = c.get(&login_url).await;
    assert_eq!(
        form.attr("form.login-form input[name=next]", "value")
            .as_deref(),
        Some("/sandbox/images?x=1")
    );
    for (next, expect) in [
        ("/sandbox/images?x=1", "/sandbox/images?x=1"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
    ] {
        let c = env.anonymous();
        let resp = c
            .sign_in_with(&[
                ("username", "viewer"),
                ("password", PASSWORD),
                ("next", next),
            ])
            .await;
        assert_eq!(resp.status, 303);
        assert_eq!(resp.header("location"), expect, "next={next}");
    }
}

both_backends!(
    wrong_user_or_password_get_the_same_answer,
    repeated_failures_are_limited_per_user,
    repeated_failures_are_limited_per_address,
    sign_in_returns_to_next_but_only_on_this_site,
);

#[tokio::test]
async fn oversized_request_bodies_are_refused() {
    let env = ServedApp::start(Backend::Sqlite, |_| {}).await.unwrap();
    let c = env.anonymous();
    let big = "x".repeat(100 * 1024);
    let resp = c
        .sign_in_with(&[("username", "admin"), ("password", big.as_str())])
        .await;
    assert_eq!(resp.status, 413);
    assert_eq!(c.get("/").await.status, 303, "not signed in");
}
