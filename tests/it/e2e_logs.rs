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

#[tokio::test]
async fn tail_a_service_see_two_tasks_lines_in_order_and_expand_a_json_line() {
    let Some(browser) = browser::launch("logs-order").await else {
        return;
    };
    let sb = start_sandbox(Default::default()).await;
    let sdk = sdk(&sb).await;
    let base = serve(app_state(&sb).await).await;
    // The seeded FireLens service: three tasks, one stream each.
    let (cluster, service, group) = (
        "data-pipeline",
        "pipeline-events",
        "/ecs/data-pipeline/events",
    );
    let tasks = sdk
        .ecs
        .list_tasks()
        .cluster(cluster)
        .service_name(service)
        .send()
        .await
        .unwrap();
    let stream = |arn: &str| format!("events/events-firelens-{}", arn.rsplit('/').next().unwrap());
    let (a, b) = (stream(&tasks.task_arns()[0]), stream(&tasks.task_arns()[1]));
    browser
        .run("logs-order", async |br| {
            let c = &br.client;
            crate::e2e_auth::sign_in(c, &base, "viewer").await?;
            c.goto(&format!(
                "{base}/sandbox/logs?service={cluster}%2F{service}&container=events&filter=E2E"
            ))
            .await?;
            br.wait_for_js(
                "the tail to connect",
                "var d = (htmx.find('#log-live') || {})['htmx-internal-data'] || {}; \
                 return d.sseEventSource && d.sseEventSource.readyState === 1",
            )
            .await?;
            // Task B's line first; task A's, three seconds older, arrives
            // after it was shown: it goes in before it, not at the bottom.
            // (Both ahead of the lines the sandbox's tasks write now, so
            // each stream's poller reads on to them.)
            let b_at = write_lines(&sb, group, &b, 5_000, 1, &strings(&[r#"{"msg":"E2E second","task":"b","n":2}"#]));
            br.wait_for_js(
                "task B's line",
                "return document.getElementById('log-lines').textContent.indexOf('E2E second') >= 0",
            )
            .await?;
            // Three seconds before B's line, whatever time passed since.
            let now = {
                let world = sb.world();
                let w = ecsdeck::sandbox::server::lock(&world);
                w.clock.now_ms()
            };
            write_lines(&sb, group, &a, b_at - 3_000 - now, 1, &strings(&["E2E first from task a"]));
            let order = br
                .wait_for_js(
                    "task A's line",
                    "var ms = Array.from(document.querySelectorAll('#log-lines .log-line > .log-msg'))\
                       .map(function (m) { return m.textContent; })\
                       .filter(function (t) { return t.indexOf('E2E') >= 0; }); \
                     return ms.length === 2 && ms.join(' | ')",
                )
                .await?;
            anyhow::ensure!(
                order.as_str().is_some_and(|o| o.starts_with("E2E first")),
                "lines in time order: {order}"
            );
            // The JSON line expands in place when clicked.
            c.find(fantoccini::Locator::Css(".log-msg[data-json]")).await?.click().await?;
            let pretty = br
                .wait_for_js(
                    "the pretty JSON",
                    "var p = document.querySelector('.log-line pre.log-json'); return p && p.textContent",
                )
                .await?;
            anyhow::ensure!(
                pretty.as_str().is_some_and(|p| p.contains("\n  \"msg\": \"E2E second\"")),
                "pretty JSON: {pretty}"
            );
            if let Ok(dir) = std::env::var("ECSDECK_E2E_SHOTS") {
                std::fs::write(format!("{dir}/logs-service-tail.png"), c.screenshot().await?)?;
            }
            Ok(())
        })
        .await;
}
