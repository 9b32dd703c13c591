//! Browser flow of root cause and history: open the failing service, read
//! its diagnosis, open its timeline and from there the logs around the
//! moment its tasks stopped.

use ecsdeck::sandbox::{Fleet, SandboxConfig};
use fantoccini::Locator;

use crate::browser;
use crate::harness::*;

#[tokio::test]
async fn read_the_diagnosis_then_the_logs_around_a_stop() {
    let Some(browser) = browser::launch("history").await else {
        return;
    };
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, 0.0001)).await;
    let base = serve(app_state(&sb).await).await;
    browser
        .run("history", async |b| {
            let c = &b.client;
            crate::e2e_auth::sign_in(c, &base, "viewer").await?;
            c.goto(&format!(
                "{base}/sandbox/clusters/data-pipeline/services/pipeline-transformer"
            ))
            .await?;
            let mode = c
                .find(Locator::Css("section.why .why-mode"))
                .await?
                .text()
                .await?;
            anyhow::ensure!(mode == "Out of memory", "diagnosis: {mode}");
            let why = c.find(Locator::Css("section.why")).await?.text().await?;
            anyhow::ensure!(
                why.contains("OutOfMemoryError, exit 137") && why.contains("Task memory"),
                "evidence: {why}"
            );
            c.find(Locator::Css("a.timeline-link"))
                .await?
                .click()
                .await?;
            b.wait_for_js(
                "the timeline",
                "return document.querySelector('table.timeline tr[data-kind=stops]') !== null",
            )
            .await?;
            let stops = c
                .find(Locator::Css("table.timeline tr[data-kind=stops]"))
                .await?;
            let text = stops.text().await?;
            anyhow::ensure!(text.contains("× OutOfMemoryError"), "stops row: {text}");
            stops
                .find(Locator::Css("a.timeline-logs"))
                .await?
                .click()
                .await?;
            b.wait_for_js(
                "the log viewer at that moment",
                "return document.querySelectorAll('.log-line').length > 0",
            )
            .await?;
            let lines = c.find(Locator::Css("body")).await?.text().await?;
            anyhow::ensure!(lines.contains("137"), "the OOM kill is in the lines");
            let url = c.current_url().await?;
            anyhow::ensure!(
                url.as_str().contains("service=data-pipeline") && url.as_str().contains("start="),
                "{url}"
            );
            Ok(())
        })
        .await;
}
