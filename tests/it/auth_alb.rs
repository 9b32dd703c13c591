//! Sign-in via an ALB's `x-amzn-oidc-data`: a locally generated P-256 key
//! pair, a key server on 127.0.0.1:0, tokens built the way ALB builds them
//! (base64url with '=' padding).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE;
use ecsdeck::auth::alb::p256_pem_from_point;
use ecsdeck::auth::{AlbConfig, AuthMode};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use serde_json::json;

use crate::both_backends;
use crate::harness::*;

pub(crate) const ARN: &str =
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/deck/50dc6c495c0c9188";
pub(crate) const KID: &str = "4a7c1f0e-1b2c-4d5e-8f90-123456789abc";

pub(crate) struct KeyServer {
    url: String,
    fetches: Arc<AtomicUsize>,
}

/// Serves the PEM of `point` at `/{KID}`; 404 for any other kid. (A stand-in
/// for AWS's key endpoint, not ecsdeck's router: axum's own extractor is fine.)
#[allow(clippy::disallowed_types)]
pub(crate) async fn key_server(point: Vec<u8>) -> KeyServer {
    let fetches = Arc::new(AtomicUsize::new(0));
    let counter = fetches.clone();
    let pem = p256_pem_from_point(&point);
    let app = axum::Router::new().route(
        "/{kid}",
        axum::routing::get(
            move |axum::extract::Path(kid): axum::extract::Path<String>| {
                let pem = pem.clone();
                let counter = counter.clone();
                async move {
                    counter.fetch_add(1, Ordering::SeqCst);
                    if kid == KID {
                        (axum::http::StatusCode::OK, pem)
                    } else {
                        (axum::http::StatusCode::NOT_FOUND, String::new())
                    }
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    KeyServer {
        url: format!("http://{addr}/{{kid}}"),
        fetches,
    }
}

pub(crate) fn key_pair() -> EcdsaKeyPair {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).unwrap()
}

/// A token as ALB makes it: padded base64url segments, ES256 signature.
pub(crate) fn token(
    key: &EcdsaKeyPair,
    header: serde_json::Value,
    claims: serde_json::Value,
) -> String {
    let h = URL_SAFE.encode(header.to_string());
    let p = URL_SAFE.encode(claims.to_string());
    let signed = format!("{h}.{p}");
    let sig = key.sign(&SystemRandom::new(), signed.as_bytes()).unwrap();
    format!("{signed}.{}", URL_SAFE.encode(sig.as_ref()))
}

pub(crate) fn now_s() -> i64 {
    ecsdeck::store::now_ms() / 1000
}

pub(crate) fn header(alg: &str, kid: &str, signer: &str) -> serde_json::Value {
    json!({"alg": alg, "kid": kid, "signer": signer, "iss": "https://idp.example", "client": "deck", "typ": "JWT", "exp": now_s() + 120})
}

pub(crate) fn claims(email: &str, groups: &[&str], exp: i64) -> serde_json::Value {
    json!({"sub": "1234", "email": email, "groups": groups, "exp": exp, "iss": "https://idp.example"})
}

pub(crate) async fn alb_env(backend: Backend, keys: &KeyServer) -> Option<ServedApp> {
    let key_url = keys.url.clone();
    ServedApp::start(backend, move |c| {
        c.mode = AuthMode::Alb(AlbConfig {
            signer_arn: ARN.to_string(),
            key_url,
            admins: vec!["boss@example.com".to_string()],
            operators: vec!["group:deployers".to_string()],
            viewers: vec!["*@example.com".to_string()],
            groups_claim: "groups".to_string(),
            logout_url: Some("https://idp.example/logout".to_string()),
        })
    })
    .await
}

/// The overview with ALB's header, through the router (no cookies kept).
pub(crate) async fn get_with_token(env: &ServedApp, token: &str) -> Page {
    env.app.get_with("/", &[("x-amzn-oidc-data", token)]).await
}

async fn alb_tokens_are_verified(backend: Backend) {
    let key = key_pair();
    let keys = key_server(key.public_key().as_ref().to_vec()).await;
    let Some(env) = alb_env(backend, &keys).await else {
        return;
    };
    let good = token(
        &key,
        header("ES256", KID, ARN),
        claims("dev@example.com", &["deployers"], now_s() + 120),
    );
    assert!(good.contains('='), "ALB-style padding in the test token");
    let resp = get_with_token(&env, &good).await;
    assert_eq!(resp.status, 200);
    assert!(resp.body.contains("dev@example.com"));
    assert_eq!(resp.attr("body", "data-role").as_deref(), Some("operator"));
    let again = token(
        &key,
        header("ES256", KID, ARN),
        claims("boss@example.com", &[], now_s() + 120),
    );
    let admin = get_with_token(&env, &again).await;
    assert_eq!(admin.attr("body", "data-role").as_deref(), Some("admin"));
    assert_eq!(
        keys.fetches.load(Ordering::SeqCst),
        1,
        "the key is fetched once and cached"
    );

    let refused = |what: &'static str, t: String| (what, t);
    let other_key = key_pair();
    let tampered = {
        let parts: Vec<&str> = good.split('.').collect();
        let evil = URL_SAFE.encode(claims("boss@example.com", &[], now_s() + 120).to_string());
        format!("{}.{}.{}", parts[0], evil, parts[2])
    };
    assert_ne!(tampered, good);
    for (what, t) in [
        refused(
            "wrong signer",
            token(
                &key,
                header(
                    "ES256",
                    KID,
                    "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/other/1",
                ),
                claims("dev@example.com", &[], now_s() + 120),
            ),
        ),
        refused(
            "wrong algorithm",
            token(
                &key,
                header("HS256", KID, ARN),
                claims("dev@example.com", &[], now_s() + 120),
            ),
        ),
        refused(
            "no algorithm",
            token(
                &key,
                header("none", KID, ARN),
                claims("dev@example.com", &[], now_s() + 120),
            ),
        ),
        refused(
            "expired",
            token(
                &key,
                header("ES256", KID, ARN),
                claims("dev@example.com", &[], now_s() - 600),
            ),
        ),
        refused("tampered", tampered),
        refused(
            "signed by another key",
            token(
                &other_key,
                header("ES256", KID, ARN),
                claims("dev@example.com", &[], now_s() + 120),
            ),
        ),
        refused(
            "unknown kid",
            token(
                &key,
                header("ES256", "0000-unknown", ARN),
                claims("dev@example.com", &[], now_s() + 120),
            ),
        ),
        refused("garbage", "not.a.jwt".to_string()),
    ] {
        let resp = get_with_token(&env, &t).await;
        assert_eq!(resp.status, 401, "{what}");
    }
    // No header at all: not signed in.
    assert_eq!(env.app.get("/").await.status, 401);

    // Verified, but no role maps to this user.
    let stranger = token(
        &key,
        header("ES256", KID, ARN),
        claims("someone@elsewhere.org", &[], now_s() + 120),
    );
    assert_eq!(get_with_token(&env, &stranger).await.status, 403);
}

async fn alb_users_post_with_csrf_and_sign_out(backend: Backend) {
    let key = key_pair();
    let keys = key_server(key.public_key().as_ref().to_vec()).await;
    let Some(env) = alb_env(backend, &keys).await else {
        return;
    };
    let t = token(
        &key,
        header("ES256", KID, ARN),
        claims("dev@example.com", &["deployers"], now_s() + 120),
    );
    let c = env.anonymous();
    let page = c
        .send(c.http.get(c.url("/")).header("x-amzn-oidc-data", &t))
        .await;
    let csrf = page.csrf().unwrap();
    let no_token = c
        .send(c.http.post(c.url("/logout")).header("x-amzn-oidc-data", &t))
        .await;
    assert_eq!(no_token.status, 403, "CSRF applies behind the ALB too");
    let out = c
        .send(
            c.http
                .post(c.url("/logout"))
                .header("x-amzn-oidc-data", &t)
                .header("x-csrf-token", &csrf),
        )
        .await;
    assert_eq!(out.status, 303);
    assert_eq!(out.header("location"), "https://idp.example/logout");
    let cleared = out.header_all("set-cookie");
    assert!(
        cleared
            .iter()
            .any(|c| c.starts_with("AWSELBAuthSessionCookie-0=;")),
        "{cleared:?}"
    );
}

/// `email_verified: false` (boolean or string) grants nothing by e-mail;
/// `true` or no claim at all keeps the e-mail grants; groups still count.
async fn alb_unverified_email_grants_no_role(backend: Backend) {
    let key = key_pair();
    let keys = key_server(key.public_key().as_ref().to_vec()).await;
    let Some(env) = alb_env(backend, &keys).await else {
        return;
    };
    let with = |email: &str, groups: &[&str], verified: Option<serde_json::Value>| {
        let mut c = claims(email, groups, now_s() + 120);
        if let Some(v) = verified {
            c["email_verified"] = v;
        }
        token(&key, header("ES256", KID, ARN), c)
    };
    for (verified, role) in [
        (Some(json!(true)), "admin"),
        (Some(json!("true")), "admin"),
        (None, "admin"),
    ] {
        let page = get_with_token(&env, &with("boss@example.com", &[], verified.clone())).await;
        assert_eq!(page.status, 200, "{verified:?}");
        assert_eq!(page.attr("body", "data-role").as_deref(), Some(role));
    }
    for verified in [json!(false), json!("false"), json!("False")] {
        for email in ["boss@example.com", "dev@example.com"] {
            let page = get_with_token(&env, &with(email, &[], Some(verified.clone()))).await;
            assert_eq!(page.status, 403, "{email} {verified}");
            assert!(page.body.contains("not verified"), "{}", page.body);
            assert!(
                !page.body.contains(email),
                "an unverified address names no one"
            );
        }
    }
    let group = with("boss@example.com", &["deployers"], Some(json!(false)));
    let page = get_with_token(&env, &group).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.attr("body", "data-role").as_deref(), Some("operator"));
}

/// The sources of `form-action` in a CSP header.
fn form_action(csp: &str) -> Vec<String> {
    csp.split(';')
        .map(str::trim)
        .find_map(|d| d.strip_prefix("form-action "))
        .map(|d| d.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

/// `scheme://host[:port]` of an absolute URL.
fn origin_of(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    format!("{scheme}://{}", rest.split('/').next().unwrap())
}

/// Browsers hold the redirect after sign-out's form POST to the form
/// page's `form-action`: the IdP's origin must be in it (and only then).
async fn alb_sign_out_redirect_is_allowed_by_the_csp(backend: Backend) {
    let key = key_pair();
    let keys = key_server(key.public_key().as_ref().to_vec()).await;
    let Some(env) = alb_env(backend, &keys).await else {
        return;
    };
    let t = token(
        &key,
        header("ES256", KID, ARN),
        claims("dev@example.com", &["deployers"], now_s() + 120),
    );
    let c = env.anonymous();
    for path in ["/", "/logout"] {
        let page = c
            .send(c.http.get(c.url(path)).header("x-amzn-oidc-data", &t))
            .await;
        assert_eq!(page.status, 200, "{path}");
        assert!(page.body.contains("signout-form"), "{path} has the form");
        let csrf = page.csrf().unwrap();
        let allowed = form_action(page.header("content-security-policy"));
        let out = c
            .send(
                c.http
                    .post(c.url("/logout"))
                    .header("x-amzn-oidc-data", &t)
                    .header("x-csrf-token", &csrf),
            )
            .await;
        assert_eq!(out.status, 303);
        let target = out.header("location");
        assert!(
            allowed.contains(&origin_of(target)),
            "{path}: {target} not in form-action {allowed:?}"
        );
        assert_eq!(allowed, ["'self'", "https://idp.example"], "{path}");
    }

    let Some(local) = ServedApp::start(backend, |_| {}).await else {
        return;
    };
    let login = local.app.get("/login").await;
    assert_eq!(
        form_action(login.header("content-security-policy")),
        ["'self'"],
        "password mode keeps form-action 'self' only"
    );
}

both_backends!(
    alb_sign_out_redirect_is_allowed_by_the_csp,
    alb_tokens_are_verified,
    alb_users_post_with_csrf_and_sign_out,
    alb_unverified_email_grants_no_role
);
