//! CSRF: a POST without the session's token, with a wrong one, or from
//! another site is refused with 403 and changes nothing.

use crate::both_backends;
use crate::harness::*;

async fn still_signed_in(c: &HttpClient) -> bool {
    c.get("/").await.status == 200
}

async fn posts_need_the_session_token_and_the_same_site(backend: Backend) {
    let Some(env) = ServedApp::start(backend, |_| {}).await else {
        return;
    };
    let c = env.client("operator").await;

    let missing = c
        .send(c.http.post(c.url("/logout")).form(&[("x", "1")]))
        .await;
    assert_eq!(missing.status, 403, "no token");
    assert!(missing.body.contains("nothing was changed"));
    assert!(still_signed_in(&c).await);

    let wrong = c
        .send(
            c.http
                .post(c.url("/logout"))
                .form(&[("csrf_token", "0".repeat(64).as_str())]),
        )
        .await;
    assert_eq!(wrong.status, 403, "wrong token");
    assert!(still_signed_in(&c).await);

    let wrong_header = c
        .send(c.http.post(c.url("/logout")).header("x-csrf-token", "nope"))
        .await;
    assert_eq!(wrong_header.status, 403, "wrong header token");
    assert!(still_signed_in(&c).await);

    let csrf = c.csrf();
    let cross = c
        .send(
            c.http
                .post(c.url("/logout"))
                .header("sec-fetch-site", "cross-site")
                .form(&[("csrf_token", csrf.as_str())]),
        )
        .await;
    assert_eq!(cross.status, 403, "cross-site, even with the token");
    assert!(still_signed_in(&c).await);

    // Another user's token does not work either.
    let other = env.client("viewer").await;
    let stolen = c
        .send(
            c.http
                .post(c.url("/logout"))
                .form(&[("csrf_token", other.csrf().as_str())]),
        )
        .await;
    assert_eq!(stolen.status, 403);
    assert!(still_signed_in(&c).await);

    // htmx sends the token as a header; same-origin is fine.
    let ok = c
        .send(
            c.http
                .post(c.url("/logout"))
                .header("hx-request", "true")
                .header("sec-fetch-site", "same-origin")
                .header("x-csrf-token", csrf.as_str()),
        )
        .await;
    assert_eq!(ok.status, 303);
    assert!(
        !still_signed_in(&c).await,
        "signed out with the right token"
    );
}

async fn sign_in_needs_the_form_token(backend: Backend) {
    let Some(env) = ServedApp::start(backend, |_| {}).await else {
        return;
    };
    let c = env.anonymous();
    let _ = c.get("/login").await;
    let resp = c
        .send(
            c.http
                .post(c.url("/login"))
                .form(&[("username", "admin"), ("password", PASSWORD)]),
        )
        .await;
    assert_eq!(resp.status, 403, "login CSRF refused");
    assert_eq!(c.get("/").await.status, 303, "not signed in");
}

async fn cross_site_subrequests_are_refused_but_links_work(backend: Backend) {
    let Some(env) = ServedApp::start(backend, |_| {}).await else {
        return;
    };
    let c = env.client("viewer").await;
    let fetch = c
        .send(
            c.http
                .get(c.url("/"))
                .header("sec-fetch-site", "cross-site")
                .header("sec-fetch-mode", "cors"),
        )
        .await;
    assert_eq!(fetch.status, 403);
    let link = c
        .send(
            c.http
                .get(c.url("/"))
                .header("sec-fetch-site", "cross-site")
                .header("sec-fetch-mode", "navigate"),
        )
        .await;
    assert_eq!(link.status, 200, "a link from elsewhere opens the page");
}

both_backends!(
    posts_need_the_session_token_and_the_same_site,
    sign_in_needs_the_form_token,
    cross_site_subrequests_are_refused_but_links_work,
);
