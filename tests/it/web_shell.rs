//! The foundation: health check, static assets, security headers, the page
//! shell, styled errors and htmx fragments — through the real router.

use crate::harness::*;

/// The app and a signed-in viewer (pages need sign-in).
async fn router() -> (ecsdeck::sandbox::SandboxHandle, TestApp, Session) {
    let sb = start_sandbox(Default::default()).await;
    let app = TestApp::on(&sb).await;
    let viewer = app.session("viewer").await;
    (sb, app, viewer)
}

#[tokio::test]
async fn healthz_answers_ok_without_login_on_a_real_socket() {
    let sb = start_sandbox(Default::default()).await;
    let base = TestApp::on(&sb).await.serve().await;
    let resp = reqwest::get(format!("{base}/healthz")).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["cache-control"], "no-store");
    assert_eq!(resp.text().await.unwrap(), "ok\n");
}

#[tokio::test]
async fn static_assets_have_content_type_etag_and_revalidate_with_304() {
    let (_sb, app, viewer) = router().await;
    let page = viewer.get("/").await;
    // The shell links the stylesheet with a content-hash cache-buster.
    let css_url = page
        .attr("link[rel=stylesheet][href^=\"/static/app.css?v=\"]", "href")
        .expect("stylesheet link with ?v=");

    let css = app.get(&css_url).await;
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-type"), "text/css; charset=utf-8");
    assert!(css.header("cache-control").contains("immutable"));
    assert!(css.body.contains(".topbar"));
    let etag = css.header("etag").to_string();
    assert!(etag.starts_with('"') && etag.len() > 4, "etag {etag}");
    assert!(css_url.ends_with(etag.trim_matches('"')), "?v= is the etag");

    let again = app
        .get_with("/static/app.css", &[("if-none-match", &etag)])
        .await;
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), etag);

    let js = app.get("/static/vendor/htmx-2.0.11.min.js").await;
    assert_eq!(js.status, 200);
    assert_eq!(js.header("content-type"), "text/javascript; charset=utf-8");
    assert_eq!(
        js.header("cache-control"),
        "public, max-age=0, must-revalidate"
    );

    let licence = app.get("/static/vendor/htmx-LICENSE.txt").await;
    assert_eq!(licence.status, 200);
    assert!(licence.body.contains("Zero-Clause BSD"));

    let missing = app.get("/static/nope.js").await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let (_sb, _app, viewer) = router().await;
    for path in ["/", "/healthz", "/static/app.css", "/no/such/page"] {
        let page = viewer.get(path).await;
        let csp = page.header("content-security-policy");
        assert!(csp.contains("default-src 'self'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
            "{path}: {csp}"
        );
        assert_eq!(page.header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(page.header("referrer-policy"), "same-origin", "{path}");
        assert_eq!(page.header("x-frame-options"), "DENY", "{path}");
        assert!(
            !page.header("x-request-id").is_empty(),
            "{path} has a request id"
        );
    }
}

#[tokio::test]
async fn the_page_shell_has_header_nav_breadcrumb_and_footer() {
    let (_sb, _app, viewer) = router().await;
    let page = viewer.get("/").await;
    assert_eq!(page.status, 200);
    assert!(page.header("content-type").starts_with("text/html"));
    let b = &page.body;
    assert!(b.starts_with("<!doctype html>"));
    assert!(
        b.contains("sandbox · us-east-1"),
        "environment and region in the header"
    );
    for (href, label) in [
        ("/", "Clusters"),
        ("/sandbox/images", "Images"),
        ("/sandbox/logs", "Logs"),
        ("/audit", "Audit"),
    ] {
        assert_eq!(
            page.link("nav.mainnav a", label).as_deref(),
            Some(href),
            "nav entry {label}"
        );
    }
    assert_eq!(
        page.texts("nav.mainnav a[aria-current=page]"),
        ["Clusters"],
        "the current page is marked"
    );
    assert!(page.exists("nav[aria-label=Breadcrumb]"));
    assert!(
        b.contains(&format!("ecsdeck {}", env!("CARGO_PKG_VERSION"))),
        "version in the footer"
    );
    assert!(page.exists("script[src^=\"/static/vendor/htmx-2.0.11.min.js?v=\"]"));
    let config: serde_json::Value = serde_json::from_str(
        &page
            .attr("meta[name=htmx-config]", "content")
            .expect("htmx config"),
    )
    .unwrap();
    assert_eq!(config["allowEval"], false);
    assert_eq!(config["selfRequestsOnly"], true);
    assert_eq!(config["includeIndicatorStyles"], false);
    assert!(
        !b.contains("<script>") && !b.contains("style=\""),
        "no inline script or style"
    );
    assert!(
        !page.exists("script:not([src]), style, [style]"),
        "no inline script or style"
    );
}

#[tokio::test]
async fn an_unknown_url_gets_a_styled_404_with_the_request_id() {
    let (_sb, _app, viewer) = router().await;
    let page = viewer
        .get_with("/definitely/not/here", &[("x-request-id", "req-abc-123")])
        .await;
    assert_eq!(page.status, 404);
    assert_eq!(
        page.header("x-request-id"),
        "req-abc-123",
        "request id propagated"
    );
    assert!(page.body.starts_with("<!doctype html>"), "a full page");
    assert!(page.body.contains("Not found"));
    assert!(
        page.body
            .contains("There is no page at /definitely/not/here.")
    );
    assert!(page.body.contains("req-abc-123"));
    assert!(page.body.contains("/static/app.css?v="), "styled");
}

#[tokio::test]
async fn htmx_requests_get_fragments_and_errors_as_toasts() {
    let (_sb, _app, viewer) = router().await;
    let frag = viewer.get_htmx("/").await;
    assert_eq!(frag.status, 200);
    assert!(!frag.body.contains("<html"), "no page shell in a fragment");
    assert!(frag.body.contains("<h1>Clusters</h1>"));
    assert!(frag.header("vary").contains("HX-Request"));

    // A history restore needs the whole page.
    let restore = viewer
        .get_with(
            "/",
            &[
                ("hx-request", "true"),
                ("hx-history-restore-request", "true"),
            ],
        )
        .await;
    assert!(restore.body.contains("<html"));

    let toast = viewer
        .get_with(
            "/nope",
            &[("hx-request", "true"), ("x-request-id", "req-t-1")],
        )
        .await;
    assert_eq!(toast.status, 404);
    assert!(!toast.body.contains("<html"));
    assert!(toast.exists(".toast.toast-error"));
    assert!(toast.body.contains("req-t-1"));
    assert_eq!(toast.header("hx-retarget"), "#toasts");
    assert_eq!(toast.header("hx-reswap"), "beforeend");
}

#[tokio::test]
async fn unknown_environments_are_404() {
    let (_sb, _app, viewer) = router().await;
    let other = viewer.get("/production/images").await;
    assert_eq!(other.status, 404);
    assert!(
        other
            .body
            .contains("There is no environment named production.")
    );
}
