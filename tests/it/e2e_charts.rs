//! Browser flow of the service charts: they render as SVG with no console
//! errors (the CSP allows no inline script or style to draw them), and the
//! range links swap the section in place.

use ecsdeck::sandbox::{Fleet, SandboxConfig};
use fantoccini::Locator;

use crate::browser;
use crate::harness::*;

#[tokio::test]
async fn service_charts_render_and_switch_range() {
    let Some(browser) = browser::launch("charts").await else {
        return;
    };
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, 0.0001)).await;
    let base = serve(app_state(&sb).await).await;
    browser
        .run("charts", async |b| {
            let c = &b.client;
            crate::e2e_auth::sign_in(c, &base, "viewer").await?;
            c.goto(&format!(
                "{base}/sandbox/clusters/data-pipeline/services/pipeline-transformer"
            ))
            .await?;
            // Drawn: lines with a visible width, coloured by the theme.
            b.wait_for_js(
                "the memory chart",
                // A line breaks where no task ran: measure all its pieces.
                "var ls = document.querySelectorAll('#chart-memory polyline.line.max'); \
                 if (!ls.length) return false; \
                 var left = Infinity, right = -Infinity; \
                 ls.forEach(function (l) { var r = l.getBoundingClientRect(); \
                   left = Math.min(left, r.left); right = Math.max(right, r.right); }); \
                 return right - left > 100 && getComputedStyle(ls[0]).stroke !== 'none'",
            )
            .await?;
            let title = c
                .find(Locator::Css("#chart-memory svg > title"))
                .await?
                .prop("textContent")
                .await?
                .unwrap_or_default();
            anyhow::ensure!(title.starts_with("Memory utilization, last hour"), "{title}");
            let errors = b.console_errors().await;
            anyhow::ensure!(errors.is_empty(), "console errors: {errors:?}");
            // Switch to 24 h: htmx swaps the section, the page stays.
            c.execute("document.body.dataset.page = 'same'; return true", vec![])
                .await?;
            c.find(Locator::Css("#service-metrics nav.ranges a[href$='range=24h']"))
                .await?
                .click()
                .await?;
            b.wait_for_js(
                "the 24 h charts",
                "var a = document.querySelector('#service-metrics nav.ranges a.current'); \
                 return a && a.textContent.trim() === '24h' \
                   && document.querySelector('#chart-cpu svg > title').textContent.indexOf('last 24 hours') > 0",
            )
            .await?;
            let same = c
                .execute("return document.body.dataset.page === 'same'", vec![])
                .await?;
            anyhow::ensure!(same == serde_json::json!(true), "the range switch reloaded the page");
            Ok(())
        })
        .await;
}
