//! The hostile fleet in a real browser: on every page an operator opens
//! (overview, cluster, services, a task, the task definition, the log
//! viewer) nothing hostile executes — no dialog opens, the console stays
//! free of errors (CSP violations included) — and the layout holds: the
//! page never scrolls sideways and no element is wider than the window,
//! whatever the 2 KB values, the 100 KB log line or the bidi overrides do.

use ecsdeck::sandbox::{Fleet, SandboxConfig};

use crate::browser;
use crate::harness::*;

/// Elements wider than the window, and whether the page scrolls sideways.
const LAYOUT: &str = r#"
const vw = document.documentElement.clientWidth;
const wide = [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().width > vw + 1)
  .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''));
return { vw, scroll: document.documentElement.scrollWidth, wide: wide.slice(0, 5) };
"#;

#[tokio::test]
async fn hostile_pages_run_nothing_and_keep_their_layout() {
    let Some(browser) = browser::launch("hostile").await else {
        return;
    };
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Hostile, 100.0)).await;
    let base = serve(app_state(&sb).await).await;
    // The pages to open, found as a user would: by following links.
    let http = HttpClient::signed_in(&base, "operator").await;
    let svc = http
        .get("/sandbox/clusters/hostile/services/hostile-crash")
        .await;
    let task = svc
        .attrs("a", "href")
        .into_iter()
        .find(|h| h.contains("/tasks/") && !h.ends_with("/tasks"))
        .expect("a task link on the service page");
    let running = http
        .get("/sandbox/clusters/hostile/services/hostile-svc")
        .await;
    let logs = running
        .attrs("a", "href")
        .into_iter()
        .find(|h| h.contains("/logs?") && h.contains("stream="))
        .expect("a log stream link on the service page");
    let pages = [
        "/".to_string(),
        "/sandbox/clusters/hostile".to_string(),
        "/sandbox/clusters/hostile/services/hostile-svc".to_string(),
        "/sandbox/clusters/hostile/services/hostile-crash".to_string(),
        task,
        "/sandbox/task-definitions/hostile/1".to_string(),
        logs,
    ];
    browser
        .run("hostile", async |b| {
            let c = &b.client;
            crate::e2e_auth::sign_in(c, &base, "operator").await?;
            // A laptop's half screen.
            c.set_window_size(1000, 900).await?;
            for page in &pages {
                c.goto(&format!("{base}{page}")).await?;
                b.wait_for_js("the page", "return document.readyState === 'complete'")
                    .await?;
                // An alert, confirm or prompt would be open now.
                if let Ok(text) = c.get_alert_text().await {
                    anyhow::bail!("{page}: a dialog opened: {text:?}");
                }
                let errors = b.console_errors().await;
                anyhow::ensure!(errors.is_empty(), "{page}: console errors {errors:#?}");
                let layout = c.execute(LAYOUT, vec![]).await?;
                let vw = layout["vw"].as_i64().unwrap_or(0);
                let scroll = layout["scroll"].as_i64().unwrap_or(i64::MAX);
                anyhow::ensure!(
                    scroll <= vw,
                    "{page}: scrolls sideways ({scroll} px in a {vw} px window): {layout}"
                );
                let wide = layout["wide"].as_array().map_or(0, Vec::len);
                anyhow::ensure!(wide == 0, "{page}: wider than the window: {layout}");
            }
            Ok(())
        })
        .await;
}
