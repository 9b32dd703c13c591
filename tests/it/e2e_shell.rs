//! Browser smoke test: the page shell loads in Chromium with htmx running,
//! under the real CSP, and the console stays clean.

use fantoccini::Locator;

use crate::browser;
use crate::harness::*;

#[tokio::test]
async fn the_shell_loads_with_htmx_and_a_clean_console() {
    let Some(browser) = browser::launch("shell").await else {
        return;
    };
    let sb = start_sandbox(Default::default()).await;
    let base = serve(app_state(&sb).await).await;
    browser
        .run("shell", async |b| {
            let c = &b.client;
            crate::e2e_auth::sign_in(c, &base, "viewer").await?;
            c.goto(&base).await?;
            let title = c.title().await?;
            anyhow::ensure!(title == "Clusters · ecsdeck", "title was {title:?}");
            let nav = c.find(Locator::Css("nav.mainnav")).await?.text().await?;
            for entry in ["Clusters", "Images", "Logs", "Audit"] {
                anyhow::ensure!(nav.contains(entry), "nav lacks {entry}: {nav}");
            }
            let v = b
                .wait_for_js("htmx to load", "return window.htmx && htmx.version")
                .await?;
            anyhow::ensure!(v == "2.0.11", "htmx version {v}");
            let eval = c.execute("return htmx.config.allowEval", vec![]).await?;
            anyhow::ensure!(eval == false, "htmx allowEval is {eval}");
            // An htmx swap under the CSP: re-fetch the overview fragment.
            c.execute(
                "document.querySelector('#overview h1').dataset.old = '1'; \
                 htmx.ajax('GET', '/', {target: '#overview', swap: 'outerHTML'}); return true",
                vec![],
            )
            .await?;
            b.wait_for_js(
                "the fragment swap",
                "var h = document.querySelector('#overview h1'); return h && !h.dataset.old",
            )
            .await?;
            let pages = c
                .execute("return document.querySelectorAll('html').length", vec![])
                .await?;
            anyhow::ensure!(pages == 1, "the fragment must not nest a page");
            let footer = c.find(Locator::Css("footer.footer")).await?.text().await?;
            anyhow::ensure!(footer.contains("ecsdeck"), "footer: {footer}");
            Ok(())
        })
        .await;
}
