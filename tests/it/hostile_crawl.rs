//! A fleet built from outside with hostile strings in every free-text
//! field AWS allows there (tags, environment values, command, entry point,
//! docker labels, log options: markup, attribute breakouts, `javascript:`
//! URLs, ANSI and OSC escapes, bidi overrides, zero-width characters, 2 KB
//! values), crawled page by page as each role: no page fails, and nothing
//! hostile comes back as markup.

use std::collections::{BTreeSet, VecDeque};
use std::path::Path;

use ecsdeck::sandbox::{SandboxConfig, fleet_file};

use crate::harness::*;

/// Pages a crawl visits at most per role.
const MAX_PAGES: usize = 120;

#[tokio::test]
async fn every_page_of_a_hostile_fleet_renders_it_as_text_for_every_role() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile-fleet.json");
    let fleet = fleet_file::load(&path).unwrap();
    let sb = start_sandbox(SandboxConfig::for_tests(fleet, 100.0)).await;
    let app = TestApp::on(&sb).await;
    for role in ["viewer", "operator", "admin"] {
        let session = app.session(role).await;
        let mut seen = BTreeSet::new();
        let mut queue = VecDeque::from([
            "/".to_string(),
            "/sandbox/clusters/hostile".to_string(),
            "/sandbox/clusters/hostile/services/hostile-svc".to_string(),
            "/sandbox/task-definitions/hostile/1".to_string(),
        ]);
        while let Some(url) = queue.pop_front() {
            if seen.len() >= MAX_PAGES || !seen.insert(url.clone()) {
                continue;
            }
            let page = session.get(&url).await;
            assert!(page.status.as_u16() < 500, "{role} {url}: {}", page.status);
            // Terminal escapes still reach the HTML as control characters
            // (inert in a browser; stripping them is open in #15).
            for raw in ["<script>alert(1)", "<img src=x onerror"] {
                assert!(
                    !page.body.contains(raw),
                    "{role} {url}: {raw:?} came back raw"
                );
            }
            assert!(
                !page
                    .attrs("a", "href")
                    .iter()
                    .any(|h| h.trim_start().starts_with("javascript:")),
                "{role} {url}: a javascript: link"
            );
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
    // The hostile values are there, as text.
    let page = app
        .session("viewer")
        .await
        .ok("/sandbox/task-definitions/hostile/1")
        .await;
    let codes = page.texts("table.env-vars td code");
    assert!(
        codes.iter().any(|c| c == "<script>alert(1)</script>"),
        "{codes:?}"
    );
}
