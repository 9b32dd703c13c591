//! Sign-in: one generic message for a wrong name or password, limits on
//! repeated failures per user and per address, safe `next` redirects.

use std::time::Duration;

use ecsdeck::web::login::{TOO_MANY_ATTEMPTS, WRONG_CREDENTIALS};

use crate::auth_support::*;
use crate::both_backends;

async fn wrong_user_or_password_get_the_same_answer(backend: Backend) {
    let Some(env) = TestEnv::start(backend, |_| {}).await else {
        return;
    };
    let c = env.anonymous();
    let wrong_password = c.sign_in("admin", "not-it").await;
    assert_eq!(wrong_password.status(), 401);
    let a = wrong_password.text().await.unwrap();
    let no_user = c.sign_in("nobody", "not-it").await;
    assert_eq!(no_user.status(), 401);
    let b = no_user.text().await.unwrap();
    assert!(a.contains(WRONG_CREDENTIALS) && b.contains(WRONG_CREDENTIALS));
    let strip = |s: &str| s.replace("admin", "X").replace("nobody", "X");
    let (a, b) = (strip(&a), strip(&b));
    let token = |s: &str| csrf_in(s).unwrap();
    assert_eq!(
        a.replace(&token(&a), ""),
        b.replace(&token(&b), ""),
        "the same page either way"
    );
    assert_eq!(c.get("/").await.status(), 303, "not signed in");
}

async fn repeated_failures_are_limited_per_user(backend: Backend) {
    let Some(env) = TestEnv::start(backend, |_| {}).await else {
        return;
    };
    let c = env.anonymous();
    for _ in 0..5 {
        assert_eq!(c.sign_in("operator", "guess").await.status(), 401);
    }
    let limited = c.sign_in("operator", PASSWORD).await;
    assert_eq!(limited.status(), 429, "even the right password waits");
    assert!(limited.text().await.unwrap().contains(TOO_MANY_ATTEMPTS));
    // Other users are not locked out by someone guessing this one.
    assert_eq!(c.sign_in("viewer", PASSWORD).await.status(), 303);
    env.clock.advance(Duration::from_secs(301));
    let later = env.anonymous();
    assert_eq!(
        later.sign_in("operator", PASSWORD).await.status(),
        303,
        "the window passed"
    );
}

async fn repeated_failures_are_limited_per_address(backend: Backend) {
    let Some(env) = TestEnv::start(backend, |_| {}).await else {
        return;
    };
    let c = env.anonymous();
    for i in 0..20 {
        assert_eq!(c.sign_in(&format!("guess{i}"), "x").await.status(), 401);
    }
    assert_eq!(
        c.sign_in("admin", PASSWORD).await.status(),
        429,
        "this address is limited"
    );
}

async fn sign_in_returns_to_next_but_only_on_this_site(backend: Backend) {
    let Some(env) = TestEnv::start(backend, |_| {}).await else {
        return;
    };
    let c = env.anonymous();
    let first = c.get("/sandbox/images?x=1").await;
    assert_eq!(first.status(), 303);
    let login_url = first.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(login_url, "/login?next=%2Fsandbox%2Fimages%3Fx%3D1");
    let form = c.get(&login_url).await.text().await.unwrap();
    assert!(form.contains("name=\"next\" value=\"/sandbox/images?x=1\""));
    for (next, expect) in [
        ("/sandbox/images?x=1", "/sandbox/images?x=1"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
    ] {
        let c = env.anonymous();
        let page = c.get("/login").await.text().await.unwrap();
        let resp = c
            .http
            .post(c.url("/login"))
            .form(&[
                ("username", "viewer"),
                ("password", PASSWORD),
                ("next", next),
                ("csrf_token", &csrf_in(&page).unwrap()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 303);
        assert_eq!(resp.headers()["location"], expect, "next={next}");
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
    let env = TestEnv::start(Backend::Sqlite, |_| {}).await.unwrap();
    let c = env.anonymous();
    let page = c.get("/login").await.text().await.unwrap();
    let big = "x".repeat(100 * 1024);
    let resp = c
        .http
        .post(c.url("/login"))
        .form(&[
            ("username", "admin"),
            ("password", big.as_str()),
            ("csrf_token", &csrf_in(&page).unwrap()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 413);
    assert_eq!(c.get("/").await.status(), 303, "not signed in");
}
