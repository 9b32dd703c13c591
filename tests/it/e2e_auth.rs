//! Browser test: sign in as a user clicks it, see the role in the header,
//! sign out; on a service page an operator has the action forms and a
//! viewer has none.

use fantoccini::Locator;

use crate::browser;
use crate::harness::*;

/// Fills in and submits the sign-in form.
pub async fn sign_in(c: &fantoccini::Client, base: &str, user: &str) -> anyhow::Result<()> {
    c.goto(&format!("{base}/login")).await?;
    c.find(Locator::Css("#username"))
        .await?
        .send_keys(user)
        .await?;
    c.find(Locator::Css("#password"))
        .await?
        .send_keys(PASSWORD)
        .await?;
    c.find(Locator::Css("form.login-form button[type=submit]"))
        .await?
        .click()
        .await?;
    c.wait()
        .for_element(Locator::Css("body[data-role]:not([data-role=''])"))
        .await?;
    Ok(())
}

/// A seeded service with running tasks (so each task has a Stop form).
const SERVICE: &str = "/sandbox/clusters/acme-production/services/acme-production";

/// Counts the action forms and links of a service page in the browser.
const ACTIONS: &str = "return document.querySelectorAll(\
    'form[action$=\"/scale\"], form[action$=\"/redeploy\"], form[action$=\"/stop\"], \
     form[action$=\"/deploy-image\"], form[action$=\"/rollback\"], \
     a[href$=\"/deploy-image\"], a[href$=\"/rollback\"]').length";

#[tokio::test]
async fn a_user_signs_in_sees_the_role_and_signs_out() {
    let Some(browser) = browser::launch("auth").await else {
        return;
    };
    let env = ServedApp::start(Backend::Sqlite, |_| {}).await.unwrap();
    let base = env.base.clone();
    browser
        .run("auth", async |b| {
            let c = &b.client;
            c.goto(&format!("{base}/sandbox/images")).await?;
            let url = c.current_url().await?;
            anyhow::ensure!(url.path() == "/login", "anonymous lands on the sign-in page: {url}");

            // A wrong password: the generic message, still on the form.
            c.find(Locator::Css("#username")).await?.send_keys("operator").await?;
            c.find(Locator::Css("#password")).await?.send_keys("wrong").await?;
            c.find(Locator::Css("form.login-form button[type=submit]")).await?.click().await?;
            let alert = c.wait().for_element(Locator::Css(".login-error")).await?.text().await?;
            anyhow::ensure!(alert.contains("Wrong user name or password"), "alert: {alert}");
            // The 401 of that answer is logged by the browser; expected here.
            let logged = b.console_errors().await;
            anyhow::ensure!(logged.iter().all(|e| e.contains("401")), "console: {logged:?}");

            sign_in(c, &base, "operator").await?;
            let slot = c.find(Locator::Css(".user-slot")).await?.text().await?;
            anyhow::ensure!(slot.contains("operator"), "header shows the user and role: {slot}");
            let role = c.execute("return document.body.dataset.role", vec![]).await?;
            anyhow::ensure!(role == "operator", "data-role {role}");
            let csrf = c.execute("var m = document.querySelector('meta[name=csrf-token]'); return m && m.content", vec![]).await?;
            anyhow::ensure!(csrf.as_str().is_some_and(|s| s.len() == 64), "csrf meta {csrf}");
            // A service page offers the operator its actions.
            c.goto(&format!("{base}{SERVICE}")).await?;
            let actions = c.execute(ACTIONS, vec![]).await?;
            anyhow::ensure!(
                actions.as_u64().is_some_and(|n| n >= 5),
                "an operator sees the action forms and links ({actions})"
            );

            c.find(Locator::Css(".signout-form button")).await?.click().await?;
            c.wait().for_element(Locator::Css("form.login-form")).await?;
            c.goto(&format!("{base}/")).await?;
            let url = c.current_url().await?;
            anyhow::ensure!(url.path() == "/login", "signed out: {url}");

            // The same service page as a viewer has no action forms.
            sign_in(c, &base, "viewer").await?;
            let role = c.execute("return document.body.dataset.role", vec![]).await?;
            anyhow::ensure!(role == "viewer", "data-role {role}");
            c.goto(&format!("{base}{SERVICE}")).await?;
            c.wait().for_element(Locator::Css("#service-live")).await?;
            let actions = c.execute(ACTIONS, vec![]).await?;
            anyhow::ensure!(actions == 0, "a viewer sees no action forms ({actions})");
            let forms = c
                .execute(
                    "return Array.from(document.querySelectorAll('form, [hx-post]')).filter(f => !f.classList.contains('signout-form')).length",
                    vec![],
                )
                .await?;
            anyhow::ensure!(forms == 0, "a viewer sees no form but sign-out ({forms})");
            Ok(())
        })
        .await;
}
