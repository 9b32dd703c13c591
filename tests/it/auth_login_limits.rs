//! Sign-in tried as an attacker would: password verifications are bounded
//! at once (past the bound: 429 without verifying), every attempt is
//! counted before its verification, limits apply per address and per
//! (address, user) so a stranger cannot lock a user out, and the limiter's
//! memory stays bounded whatever names are tried.

use ecsdeck::auth::LoginLimits;
use ecsdeck::sandbox::SandboxHandle;
use ecsdeck::web::login::{TOO_MANY_AT_ONCE, TOO_MANY_ATTEMPTS, WRONG_CREDENTIALS};

use crate::harness::*;

const STRANGER: &str = "203.0.113.9";
const OFFICE: &str = "198.51.100.7";

/// The app with `limits`, taking client addresses from X-Forwarded-For.
async fn app_with(limits: LoginLimits) -> (SandboxHandle, TestApp) {
    let sb = start_sandbox(Default::default()).await;
    let app = TestApp::with_auth(&sb, Backend::Sqlite, |c| {
        c.limits = limits;
        c.trust_forwarded_for = true;
    })
    .await
    .unwrap();
    (sb, app)
}

/// Posts the sign-in form of a fresh visitor from `addr`.
async fn sign_in_from(app: &TestApp, addr: &str, user: &str, password: &str) -> Page {
    let s = app.anonymous().await;
    let csrf = s.csrf.clone();
    s.post_raw(
        "/login",
        &[("x-forwarded-for", addr)],
        &[
            ("username", user),
            ("password", password),
            ("csrf_token", &csrf),
        ],
    )
    .await
}

/// `n` wrong-password posts for `user` from `addr`, all at once.
async fn concurrent_guesses(app: &TestApp, n: usize, addr: &str, user: &str) -> Vec<Page> {
    let mut visitors = Vec::new();
    for _ in 0..n {
        visitors.push(app.anonymous().await);
    }
    let posts = visitors.into_iter().map(|s| {
        let (addr, user) = (addr.to_string(), user.to_string());
        tokio::spawn(async move {
            let csrf = s.csrf.clone();
            s.post_raw(
                "/login",
                &[("x-forwarded-for", &addr)],
                &[
                    ("username", &user),
                    ("password", "wrong guess"),
                    ("csrf_token", &csrf),
                ],
            )
            .await
        })
    });
    futures::future::join_all(posts)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect()
}

fn count(pages: &[Page], status: u16, message: &str) -> usize {
    pages
        .iter()
        .filter(|p| p.status == status && p.texts(".login-error") == [message])
        .count()
}

#[tokio::test]
async fn sign_in_verifies_a_bounded_number_of_passwords_at_once() {
    let (_sb, app) = app_with(LoginLimits {
        per_pair: 1_000,
        per_addr: 1_000,
        max_verifying: 2,
        ..LoginLimits::default()
    })
    .await;
    let gate = app.state.auth.verify_gate.clone();
    // While two verifications run (the test holds both slots), every
    // attempt is answered at once with 429, none verified or queued.
    let held = gate.permits().acquire_many_owned(2).await.unwrap();
    let pages = concurrent_guesses(&app, 50, STRANGER, "operator").await;
    assert_eq!(count(&pages, 429, TOO_MANY_AT_ONCE), 50);
    assert_eq!(gate.stats().verified, 0, "nothing verified past the bound");
    drop(held);

    let pages = concurrent_guesses(&app, 50, STRANGER, "operator").await;
    let wrong = count(&pages, 401, WRONG_CREDENTIALS);
    let busy = count(&pages, 429, TOO_MANY_AT_ONCE);
    let stats = gate.stats();
    eprintln!("50 concurrent guesses: {wrong} verified, {busy} refused; {stats:?}");
    assert_eq!(wrong + busy, 50, "each answered 401 or 429");
    assert!(wrong >= 1);
    assert_eq!(stats.verified, wrong as u64, "only the 401s were verified");
    assert!(
        stats.peak <= 2,
        "at most 2 verifications at once: {stats:?}"
    );
    assert_eq!(stats.running, 0);
    assert_eq!(
        sign_in_from(&app, OFFICE, "operator", PASSWORD)
            .await
            .status,
        303,
        "the gate frees its slots"
    );
}

#[tokio::test]
async fn concurrent_guesses_are_counted_before_verifying() {
    let (_sb, app) = app_with(LoginLimits {
        max_verifying: 64,
        ..LoginLimits::default()
    })
    .await;
    let per_pair = app.state.auth.limiter.limits().per_pair;
    let pages = concurrent_guesses(&app, 50, STRANGER, "operator").await;
    assert_eq!(count(&pages, 401, WRONG_CREDENTIALS), per_pair);
    assert_eq!(count(&pages, 429, TOO_MANY_ATTEMPTS), 50 - per_pair);
    assert_eq!(
        app.state.auth.verify_gate.stats().verified,
        per_pair as u64,
        "the limit holds for concurrent posts: only {per_pair} verified"
    );
}

#[tokio::test]
async fn a_strangers_guesses_do_not_lock_the_user_out() {
    let (_sb, app) = app_with(LoginLimits::default()).await;
    let per_pair = app.state.auth.limiter.limits().per_pair;
    for i in 0..per_pair + 3 {
        let page = sign_in_from(&app, STRANGER, "operator", "guess").await;
        let expected = if i < per_pair { 401 } else { 429 };
        assert_eq!(page.status, expected, "guess {i}");
    }
    assert_eq!(
        sign_in_from(&app, STRANGER, "operator", PASSWORD)
            .await
            .status,
        429,
        "the guessing address is locked for this user"
    );
    assert_eq!(
        sign_in_from(&app, OFFICE, "operator", PASSWORD)
            .await
            .status,
        303,
        "the user signs in from their own address"
    );
    assert_eq!(
        sign_in_from(&app, STRANGER, "viewer", PASSWORD)
            .await
            .status,
        303,
        "the address is limited per user until its own limit"
    );
}

#[tokio::test]
async fn the_limiter_tracks_a_bounded_number_of_keys() {
    let (_sb, app) = app_with(LoginLimits {
        max_keys: 1_000,
        per_addr: usize::MAX,
        ..LoginLimits::default()
    })
    .await;
    let limiter = app.state.auth.limiter.clone();
    for i in 0..10_000 {
        let addr = format!("10.{}.{}.1", i / 256, i % 256);
        assert!(limiter.try_attempt(&format!("guess{i}"), &addr).is_ok());
        assert!(limiter.try_attempt(&format!("guess{i}"), STRANGER).is_ok());
    }
    let keys = limiter.tracked_keys();
    assert!(keys <= 1_000, "{keys} keys tracked");
    // Still counting: a pair hammered now is soon refused (a full cache
    // admits a key once it is used more than the ones it would evict).
    let tries = (1..=100)
        .find(|_| limiter.try_attempt("operator", OFFICE).is_err())
        .expect("the hammered pair is refused");
    assert!(tries <= 100);
}
