//! Browser test of the log viewer as a user clicks it: from a task page,
//! open a container's logs, see lines, see a freshly written line arrive
//! through the live tail, then search.

use fantoccini::Locator;
use fantoccini::key::Key;

use crate::browser;
use crate::harness::*;

#[tokio::test]
async fn open_logs_from_a_task_watch_the_tail_and_search() {
    let Some(browser) = browser::launch("logs").await else {
        return;
    };
    let sb = start_sandbox(Default::default()).await;
    let sdk = sdk(&sb).await;
    let base = serve(app_state(&sb).await).await;
    let tasks = sdk
        .ecs
        .list_tasks()
        .cluster("acme-production")
        .service_name("acme-production")
        .send()
        .await
        .unwrap();
    let id = tasks.task_arns()[0].rsplit('/').next().unwrap().to_string();
    let (group, stream) = (
        "/ecs/acme-app-production",
        format!("ecs/acme-app-production/{id}"),
    );
    write_lines(
        &sb,
        group,
        &stream,
        -2_000,
        1,
        &strings(&["seen before the page opened"]),
    );
    browser
        .run("logs", async |b| {
            let c = &b.client;
            crate::e2e_auth::sign_in(c, &base, "viewer").await?;
            c.goto(&format!("{base}/sandbox/clusters/acme-production/tasks/{id}"))
                .await?;
            c.find(Locator::LinkText("open logs")).await?.click().await?;
            b.wait_for_js(
                "the first page of lines",
                "return document.querySelectorAll('#log-lines .log-line').length > 0",
            )
            .await?;
            let url = c.current_url().await?;
            anyhow::ensure!(url.as_str().contains("stream="), "viewer url {url}");
            b.wait_for_js(
                "the tail to connect",
                "var e = document.getElementById('log-live'); \
                 return e && htmx.find('#log-live') && \
                 (htmx.find('#log-live')['htmx-internal-data'] || {}).sseEventSource && \
                 htmx.find('#log-live')['htmx-internal-data'].sseEventSource.readyState === 1",
            )
            .await?;
            write_lines(&sb, group, &stream, 0, 1, &strings(&["FRESHLINE <i>arrived</i> live"]));
            b.wait_for_js(
                "the fresh line in the live tail",
                "return Array.from(document.querySelectorAll('#log-lines .log-msg'))\
                   .some(function (m) { return m.textContent === 'FRESHLINE <i>arrived</i> live'; })",
            )
            .await?;
            let italics = c
                .execute("return document.querySelectorAll('#log-lines i').length", vec![])
                .await?;
            anyhow::ensure!(italics == 0, "log text became markup");

            // Pause holds new lines (counted in the status) until Resume.
            c.find(Locator::Css("[data-log-pause]")).await?.click().await?;
            write_lines(&sb, group, &stream, 0, 1, &strings(&["HELDLINE while paused"]));
            b.wait_for_js(
                "the held line to be counted",
                "var s = document.querySelector('[data-log-status]'); \
                 return s && s.textContent === 'paused (1 new)'",
            )
            .await?;
            let shown = c
                .execute(
                    "return document.getElementById('log-lines').textContent.indexOf('HELDLINE') >= 0",
                    vec![],
                )
                .await?;
            anyhow::ensure!(shown == false, "a paused view must not append");
            c.find(Locator::Css("[data-log-pause]")).await?.click().await?;
            b.wait_for_js(
                "the held line after Resume, at the bottom",
                "var v = document.getElementById('log-view'); \
                 return document.getElementById('log-lines').textContent.indexOf('HELDLINE') >= 0 && \
                 v.scrollHeight - v.scrollTop - v.clientHeight < 40",
            )
            .await?;
            if let Ok(dir) = std::env::var("ECSDECK_E2E_SHOTS") {
                std::fs::write(format!("{dir}/logs-viewer.png"), c.screenshot().await?)?;
            }

            let filter = c.find(Locator::Css("input[name=filter]")).await?;
            filter.send_keys("FRESHLINE").await?;
            filter.send_keys(&Key::Enter.to_string()).await?;
            b.wait_for_js(
                "only matching lines",
                "var ls = document.querySelectorAll('#log-lines .log-line'); \
                 return location.search.indexOf('filter=FRESHLINE') >= 0 && ls.length === 1 && \
                 ls[0].querySelector('mark') && ls[0].querySelector('mark').textContent === 'FRESHLINE'",
            )
            .await?;
            Ok(())
        })
        .await;
}
