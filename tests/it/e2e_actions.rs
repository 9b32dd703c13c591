//! Browser flows of the actions, as an operator clicks them: scale and
//! watch the count arrive without a reload, stop a task and see its
//! replacement, deploy another tag through the picker and watch the
//! rollout complete.

use ecsdeck::sandbox::{Fleet, SandboxConfig};
use fantoccini::Locator;

use crate::browser;
use crate::harness::*;

#[tokio::test]
async fn scale_and_stop_a_task_with_live_progress() {
    let Some(browser) = browser::launch("actions-scale").await else {
        return;
    };
    let sb = start_sandbox(SandboxConfig::one_cluster("apps", 1, 2).with_speed(30.0)).await;
    let base = serve(app_state(&sb).await).await;
    browser
        .run("actions-scale", async |b| {
            let c = &b.client;
            crate::e2e_auth::sign_in(c, &base, "operator").await?;
            c.goto(&format!("{base}/sandbox/clusters/apps/services/svc-00000")).await?;
            b.wait_for_js("htmx", "return window.htmx !== undefined").await?;
            c.execute("window.__sameDocument = true; return true", vec![]).await?;

            let input = c.find(Locator::Css(".scale-form input[name=desired_count]")).await?;
            input.clear().await?;
            input.send_keys("4").await?;
            c.find(Locator::Css(".scale-form button[type=submit]")).await?.click().await?;
            let confirm = c.wait().for_element(Locator::Css("#service-actions .confirm-form button[type=submit]")).await?;
            let preview = c.find(Locator::Css("#service-actions")).await?.text().await?;
            anyhow::ensure!(preview.contains("Desired count 2 → 4"), "preview: {preview}");
            confirm.click().await?;
            c.wait().for_element(Locator::Css("#service-actions .action-done")).await?;
            b.wait_for_js(
                "4 running tasks on the page",
                "var cards = document.querySelectorAll('#service-live .card'); \
                 return Array.from(cards).some(c => c.textContent.includes('Running') && c.querySelector('.value').textContent.trim() === '4')",
            )
            .await?;
            let same = c.execute("return window.__sameDocument === true", vec![]).await?;
            anyhow::ensure!(same == true, "the page reloaded");

            // Stop one task; the scheduler replaces it.
            let victim = c
                .execute("return document.querySelector('table.tasks tbody tr td a').textContent", vec![])
                .await?;
            let victim = victim.as_str().unwrap_or_default().to_string();
            c.find(Locator::Css("form.stop-task button")).await?.click().await?;
            let confirm = c.wait().for_element(Locator::Css("#service-actions .confirm-form button[type=submit]")).await?;
            confirm.click().await?;
            c.wait().for_element(Locator::Css("#service-actions .action-done")).await?;
            b.wait_for_js(
                "the replacement to run",
                &format!(
                    "var rows = Array.from(document.querySelectorAll('table.tasks tbody tr')); \
                     return rows.length === 4 && rows.every(r => r.textContent.includes('RUNNING') && !r.textContent.includes('{victim}'))"
                ),
            )
            .await?;
            Ok(())
        })
        .await;
}

#[tokio::test]
async fn deploy_another_tag_through_the_picker() {
    let Some(browser) = browser::launch("actions-deploy").await else {
        return;
    };
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, 30.0)).await;
    let base = serve(app_state(&sb).await).await;
    browser
        .run("actions-deploy", async |b| {
            let c = &b.client;
            crate::e2e_auth::sign_in(c, &base, "operator").await?;
            c.goto(&format!("{base}/sandbox/clusters/acme-production/services/acme-production"))
                .await?;
            b.wait_for_js("htmx", "return window.htmx !== undefined").await?;
            c.find(Locator::LinkText("Deploy image…")).await?.click().await?;
            c.wait().for_element(Locator::Css("#tag-production-304")).await?.click().await?;
            c.find(Locator::Css(".deploy-form button[type=submit]")).await?.click().await?;
            let typed = c.wait().for_element(Locator::Css("#service-actions input[name=confirm]")).await?;
            let preview = c.find(Locator::Css("#service-actions")).await?.text().await?;
            anyhow::ensure!(preview.contains("production-305") && preview.contains("production-304"), "diff: {preview}");
            typed.send_keys("acme-production").await?;
            c.find(Locator::Css("#service-actions .confirm-form button[type=submit]")).await?.click().await?;
            c.wait().for_element(Locator::Css("#service-actions .action-done")).await?;
            b.wait_for_js(
                "the new revision to complete",
                "var rows = Array.from(document.querySelectorAll('table.deployments tbody tr')); \
                 return rows.length === 1 && rows[0].textContent.includes('acme-app-production:4') && rows[0].textContent.includes('COMPLETED')",
            )
            .await?;
            Ok(())
        })
        .await;
}
