//! ecsdeck's own idle and absolute timeouts behind an ALB, on the manual
//! clock: tokens stay valid for a day, as an ALB keeps vouching.

use ring::signature::{EcdsaKeyPair, KeyPair};
use serde_json::json;

use crate::auth_alb::{
    ARN, KID, alb_env, claims, get_with_token, header, key_pair, key_server, now_s, token,
};
use crate::both_backends;
use crate::harness::*;

const MIN: std::time::Duration = std::time::Duration::from_secs(60);

/// A token from an ALB that keeps vouching (valid for a day of the app's
/// clock), with `iat` when given.
fn day_token(key: &EcdsaKeyPair, env: &ServedApp, exp_extra: i64, iat: Option<i64>) -> String {
    let now = env.app.clock().now_ms() / 1000;
    let mut h = header("ES256", KID, ARN);
    h["exp"] = json!(now + 86_400 + exp_extra);
    let mut c = claims("dev@example.com", &["deployers"], now + 86_400 + exp_extra);
    if let Some(iat) = iat {
        c["iat"] = json!(iat);
    }
    token(key, h, c)
}

fn assert_expired(page: &Page, what: &str) {
    assert_eq!(page.status, 401, "{what}");
    assert!(
        page.body.contains("session has expired"),
        "{what}: {}",
        page.body
    );
    let cookies = page.header_all("set-cookie");
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("AWSELBAuthSessionCookie-0=;")),
        "{what}: the ALB's cookies are expired so it authenticates again: {cookies:?}"
    );
}

/// Idle timeout behind the ALB: the same token does not bring the session
/// back; only a token issued after the end does.
async fn alb_sessions_end_after_the_idle_timeout(backend: Backend) {
    let key = key_pair();
    let keys = key_server(key.public_key().as_ref().to_vec()).await;
    let Some(env) = alb_env(backend, &keys).await else {
        return;
    };
    let t = day_token(&key, &env, 0, None);
    assert_eq!(get_with_token(&env, &t).await.status, 200);
    env.app.clock().advance(20 * MIN);
    assert_eq!(get_with_token(&env, &t).await.status, 200, "used: still on");
    env.app.clock().advance(31 * MIN);
    assert_expired(&get_with_token(&env, &t).await, "idle");
    assert_expired(&get_with_token(&env, &t).await, "same token again");
    let resigned = day_token(&key, &env, -3600, None);
    assert_expired(&get_with_token(&env, &resigned).await, "no newer exp");
    let stale_iat = day_token(&key, &env, 600, Some(now_s() - 3600));
    assert_expired(
        &get_with_token(&env, &stale_iat).await,
        "iat before the end",
    );
    env.app.clock().advance(MIN);
    let now = env.app.clock().now_ms() / 1000;
    let fresh = day_token(&key, &env, 0, Some(now));
    let page = get_with_token(&env, &fresh).await;
    assert_eq!(page.status, 200, "re-authenticated: {}", page.body);
}

/// Absolute timeout behind the ALB: used every 25 minutes, the session
/// still ends 12 hours after it began.
async fn alb_sessions_end_after_the_absolute_timeout(backend: Backend) {
    let key = key_pair();
    let keys = key_server(key.public_key().as_ref().to_vec()).await;
    let Some(env) = alb_env(backend, &keys).await else {
        return;
    };
    let t = day_token(&key, &env, 0, None);
    assert_eq!(get_with_token(&env, &t).await.status, 200);
    for step in 1..=28 {
        env.app.clock().advance(25 * MIN);
        assert_eq!(get_with_token(&env, &t).await.status, 200, "step {step}");
    }
    env.app.clock().advance(25 * MIN);
    assert_expired(&get_with_token(&env, &t).await, "past 12 hours");
    let later = day_token(&key, &env, 0, None);
    assert_eq!(
        get_with_token(&env, &later).await.status,
        200,
        "a newer token"
    );
}

both_backends!(
    alb_sessions_end_after_the_idle_timeout,
    alb_sessions_end_after_the_absolute_timeout
);
