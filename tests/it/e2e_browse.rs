//! Browser flow of the fleet pages: open the overview, spot the broken
//! service, drill into it and read why its tasks stop.

use ecsdeck::sandbox::{Fleet, SandboxConfig};
use fantoccini::Locator;

use crate::browser;
use crate::harness::*;

#[tokio::test]
async fn spot_the_broken_service_and_read_its_stop_reason() {
    let Some(browser) = browser::launch("browse").await else {
        return;
    };
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, 0.0001)).await;
    let base = serve(app_state(&sb).await).await;
    browser
        .run("browse", async |b| {
            let c = &b.client;
            crate::e2e_auth::sign_in(c, &base, "viewer").await?;
            c.goto(&base).await?;
            let problems = c.find(Locator::Css("table.problems")).await?;
            let text = problems.text().await?;
            anyhow::ensure!(text.contains("OutOfMemoryError"), "problems table: {text}");
            // Click the OOM-killed service's link in the problems table.
            let rows = problems.find_all(Locator::Css("tbody tr")).await?;
            let mut clicked = false;
            for row in rows {
                if row.text().await?.contains("OutOfMemoryError") {
                    row.find(Locator::Css("td:nth-child(2) a")).await?.click().await?;
                    clicked = true;
                    break;
                }
            }
            anyhow::ensure!(clicked, "no OOM row to click");
            b.wait_for_js(
                "the service page",
                "return document.querySelector('#service-live') !== null",
            )
            .await?;
            let reasons = c.find(Locator::Css(".health-reasons")).await?.text().await?;
            anyhow::ensure!(reasons.contains("OutOfMemoryError"), "health reasons: {reasons}");
            let stopped = c.find(Locator::Css("table.stopped")).await?.text().await?;
            anyhow::ensure!(
                stopped.contains("OutOfMemoryError") && stopped.contains("137"),
                "stopped tasks table: {stopped}"
            );
            // Relative times were rendered by our script under the CSP.
            b.wait_for_js(
                "relative times",
                "var t = document.querySelector('time[data-relative]'); return t && /ago|in /.test(t.textContent)",
            )
            .await?;
            // The live region refreshes itself in place (htmx polling).
            c.execute(
                "document.querySelector('#service-live').dataset.old = '1'; \
                 htmx.ajax('GET', location.pathname, {target: '#service-live', swap: 'outerHTML'}); return true",
                vec![],
            )
            .await?;
            b.wait_for_js(
                "the live region to refresh",
                "var s = document.querySelector('#service-live'); return s && !s.dataset.old",
            )
            .await?;
            Ok(())
        })
        .await;
}
