//! `--fleet hostile`: hostile strings in every free-text field AWS allows
//! (tags, environment values, command, entry point, docker labels, log
//! options, service events, stop reasons, container reasons, log lines:
//! markup, attribute breakouts, `javascript:` URLs, ANSI and OSC escapes,
//! bidi overrides, zero-width characters, 2 KB values, a 100 KB line,
//! invalid UTF-8), crawled page by page as each role: no page fails,
//! nothing hostile comes back as markup, and no control character, bidi
//! override or zero-width character reaches the HTML.

use std::collections::{BTreeSet, VecDeque};

use ecsdeck::sandbox::{Fleet, SandboxConfig};

use crate::harness::*;

/// Pages a crawl visits at most per role.
const MAX_PAGES: usize = 120;

/// Characters that must never reach a page as themselves.
fn hidden_char(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}' | '\u{feff}')
}

#[tokio::test]
async fn every_page_of_a_hostile_fleet_renders_it_as_text_for_every_role() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Hostile, 100.0)).await;
    let app = TestApp::on(&sb).await;
    let mut logs_seen = 0;
    for role in ["viewer", "operator", "admin"] {
        let session = app.session(role).await;
        let mut seen = BTreeSet::new();
        let mut queue = VecDeque::from([
            "/".to_string(),
            "/sandbox/clusters/hostile".to_string(),
            "/sandbox/clusters/hostile/services/hostile-svc".to_string(),
            "/sandbox/clusters/hostile/services/hostile-crash".to_string(),
            "/sandbox/task-definitions/hostile/1".to_string(),
        ]);
        while let Some(url) = queue.pop_front() {
            if seen.len() >= MAX_PAGES || !seen.insert(url.clone()) {
                continue;
            }
            let page = session.get(&url).await;
            assert!(page.status.as_u16() < 500, "{role} {url}: {}", page.status);
            let html = page
                .headers
                .get("content-type")
                .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
            if !html {
                // Downloads (text/plain attachments: the lines as written) and
                // the health check.
                assert!(
                    url.contains("/download") || url == "/healthz",
                    "{role} {url}: not HTML"
                );
                continue;
            }
            for raw in ["<script>alert(1)", "<img src=x onerror", "<b>line</b>"] {
                assert!(
                    !page.body.contains(raw),
                    "{role} {url}: {raw:?} came back raw"
                );
            }
            if let Some(c) = page.body.chars().find(|c| hidden_char(*c)) {
                panic!("{role} {url}: U+{:04X} reached the HTML", u32::from(c));
            }
            assert!(
                !page
                    .attrs("a", "href")
                    .iter()
                    .any(|h| h.trim_start().starts_with("javascript:")),
                "{role} {url}: a javascript: link"
            );
            if url.contains("/logs") {
                logs_seen += 1;
            }
            for href in page.attrs("a", "href") {
                let same_site = href.starts_with('/') && !href.starts_with("//");
                let safe = !href.contains("/logout") && !href.starts_with("/static/");
                if same_site && safe && !seen.contains(&href) {
                    queue.push_back(href);
                }
            }
        }
        assert!(seen.len() >= 10, "{role} crawled {} pages", seen.len());
    }
    assert!(logs_seen > 0, "the crawl reached no log page");
}

#[tokio::test]
async fn hostile_values_show_as_visible_text() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Hostile, 100.0)).await;
    let app = TestApp::on(&sb).await;
    let viewer = app.session("viewer").await;

    let td = viewer.ok("/sandbox/task-definitions/hostile/1").await;
    let codes = td.texts("table.env-vars td code");
    assert!(
        codes.iter().any(|c| c == "<script>alert(1)</script>"),
        "{codes:?}"
    );
    // Terminal escapes and bidi overrides are shown, not obeyed.
    assert!(
        codes.iter().any(|c| c.starts_with("␛[31mred␛[0m")),
        "{codes:?}"
    );
    assert!(
        codes.iter().any(|c| c == "[U+202E]evil[U+202C]"),
        "{codes:?}"
    );
    assert!(codes.iter().any(|c| c == "zero[U+200B]width"), "{codes:?}");

    // Service events and stop reasons carry hostile text, as text.
    let svc = viewer
        .ok("/sandbox/clusters/hostile/services/hostile-crash")
        .await;
    let text = svc.texts("main").join(" ");
    assert!(
        text.contains("was unable to place a task: <script>alert(1)</script>"),
        "{text}"
    );
    assert!(
        text.contains("Essential container in task exited: "),
        "no stopped task with its reason: {text}"
    );
}

#[tokio::test]
async fn hostile_log_lines_are_text_with_the_long_line_cut_and_bad_bytes_replaced() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Hostile, 100.0)).await;
    let app = TestApp::on(&sb).await;
    let viewer = app.session("viewer").await;
    let svc = viewer
        .ok("/sandbox/clusters/hostile/services/hostile-svc")
        .await;
    let logs = svc
        .attrs("a", "href")
        .into_iter()
        .find(|h| h.contains("/logs?") && h.contains("stream="))
        .expect("a logs link on the service page");
    let page = viewer.ok(&logs).await;
    let lines = page.texts(".log-line .log-msg");
    assert!(
        lines.iter().any(|l| l == "<script>alert(1)</script>"),
        "{logs}: {lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("bytes \u{fffd}")),
        "{lines:?}"
    );
    // The 100 KB line is cut, the rest behind "show more".
    assert!(
        page.texts("details.log-more summary")
            .iter()
            .any(|s| s.starts_with("show more (")),
        "{lines:?}"
    );
    assert!(!page.body.contains("<b>line</b>"));
    assert!(page.body.chars().all(|c| !hidden_char(c)));
}
