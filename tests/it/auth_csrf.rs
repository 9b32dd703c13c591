//! CSRF: a POST without the session's token, with a wrong one, or from
//! another site is refused with 403 and changes nothing.

use crate::auth_support::*;
use crate::both_backends;

async fn still_signed_in(c: &Client) -> bool {
    c.get("/").await.status() == 200
}

async fn posts_need_the_session_token_and_the_same_site(backend: Backend) {
    let Some(env) = TestEnv::start(backend, |_| {}).await else {
        return;
    };
    let c = env.client("operator").await;

    let missing = c
        .http
        .post(c.url("/logout"))
        .form(&[("x", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 403, "no token");
    assert!(
        missing
            .text()
            .await
            .unwrap()
            .contains("nothing was changed")
    );
    assert!(still_signed_in(&c).await);

    let wrong = c
        .http
        .post(c.url("/logout"))
        .form(&[("csrf_token", "0".repeat(64).as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 403, "wrong token");
    assert!(still_signed_in(&c).await);

    let wrong_header = c
        .http
        .post(c.url("/logout"))
        .header("x-csrf-token", "nope")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_header.status(), 403, "wrong header token");
    assert!(still_signed_in(&c).await);

    let csrf = c.csrf();
    let cross = c
        .http
        .post(c.url("/logout"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), 403, "cross-site, even with the token");
    assert!(still_signed_in(&c).await);

    // Another user's token does not work either.
    let other = env.client("viewer").await;
    let stolen = c
        .http
        .post(c.url("/logout"))
        .form(&[("csrf_token", other.csrf().as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(stolen.status(), 403);
    assert!(still_signed_in(&c).await);

    // htmx sends the token as a header; same-origin is fine.
    let ok = c
        .http
        .post(c.url("/logout"))
        .header("hx-request", "true")
        .header("sec-fetch-site", "same-origin")
        .header("x-csrf-token", csrf.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 303);
    assert!(
        !still_signed_in(&c).await,
        "signed out with the right token"
    );
}

async fn sign_in_needs_the_form_token(backend: Backend) {
    let Some(env) = TestEnv::start(backend, |_| {}).await else {
        return;
    };
    let c = env.anonymous();
    let _ = c.get("/login").await;
    let resp = c
        .http
        .post(c.url("/login"))
        .form(&[("username", "admin"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403, "login CSRF refused");
    assert_eq!(c.get("/").await.status(), 303, "not signed in");
}

async fn cross_site_subrequests_are_refused_but_links_work(backend: Backend) {
    let Some(env) = TestEnv::start(backend, |_| {}).await else {
        return;
    };
    let c = env.client("viewer").await;
    let fetch = c
        .http
        .get(c.url("/"))
        .header("sec-fetch-site", "cross-site")
        .header("sec-fetch-mode", "cors")
        .send()
        .await
        .unwrap();
    assert_eq!(fetch.status(), 403);
    let link = c
        .http
        .get(c.url("/"))
        .header("sec-fetch-site", "cross-site")
        .header("sec-fetch-mode", "navigate")
        .send()
        .await
        .unwrap();
    assert_eq!(link.status(), 200, "a link from elsewhere opens the page");
}

both_backends!(
    posts_need_the_session_token_and_the_same_site,
    sign_in_needs_the_form_token,
    cross_site_subrequests_are_refused_but_links_work,
);
