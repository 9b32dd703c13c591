//! Helpers for the log viewer tests: writing lines straight into the
//! sandbox's log store and reading the viewer's lines back out of HTML.

use ecsdeck::sandbox::SandboxHandle;
use ecsdeck::sandbox::server::lock;
use ecsdeck::state::AppState;

use crate::auth_support::{Client, PASSWORD, RouterSession};
use crate::support::Page;

/// The app through the router (no socket), signed in as a viewer.
pub struct Viewer {
    pub app: axum::Router,
    pub session: RouterSession,
}

impl Viewer {
    pub async fn new(state: AppState) -> Self {
        let app = ecsdeck::app(state);
        let session = RouterSession::sign_in(&app, "viewer").await;
        Self { app, session }
    }

    pub async fn get(&self, path: &str) -> Page {
        self.session.get(&self.app, path).await
    }

    /// The body of a page that must answer 200.
    pub async fn ok(&self, path: &str) -> String {
        let p = self.get(path).await;
        assert_eq!(p.status, 200, "{path}: {}", p.body);
        p.body
    }
}

/// A reqwest client signed in as a viewer of the app served at `base`.
pub async fn viewer_client(base: &str) -> Client {
    let c = Client::anonymous(base);
    let resp = c.sign_in("viewer", PASSWORD).await;
    assert_eq!(resp.status(), 303, "viewer signs in");
    c
}

/// Appends `lines` to `group/stream` stamped `step_ms` apart from sim-now
/// + `offset_ms`; returns the first timestamp.
pub fn write_lines(
    sb: &SandboxHandle,
    group: &str,
    stream: &str,
    offset_ms: i64,
    step_ms: i64,
    lines: &[String],
) -> i64 {
    let world = sb.world();
    let mut w = lock(&world);
    let now = w.clock.now_ms();
    let start = now + offset_ms;
    let events: Vec<(i64, String)> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| (start + i as i64 * step_ms, l.clone()))
        .collect();
    w.logs.append(group, stream, &events, now);
    start
}

pub fn strings(lines: &[&str]) -> Vec<String> {
    lines.iter().map(|s| s.to_string()).collect()
}

/// The `<span class="log-msg">` contents of each rendered line, in order.
pub fn messages(html: &str) -> Vec<String> {
    html.split("<div class=\"log-line")
        .skip(1)
        .filter_map(|l| {
            let start = l.find("<span class=\"log-msg\">")? + "<span class=\"log-msg\">".len();
            let rest = &l[start..];
            // The message's own spans close before the log-msg span does.
            let mut depth = 0;
            let mut i = 0;
            while i < rest.len() {
                if rest[i..].starts_with("<span") {
                    depth += 1;
                } else if rest[i..].starts_with("</span>") {
                    if depth == 0 {
                        return Some(rest[..i].to_string());
                    }
                    depth -= 1;
                }
                i += 1;
            }
            None
        })
        .collect()
}

/// The value of attribute `attr` on the first element that has it.
pub fn attr(html: &str, attr: &str) -> Option<String> {
    let at = html.find(&format!("{attr}=\""))? + attr.len() + 2;
    let end = html[at..].find('"')? + at;
    Some(html[at..end].replace("&#38;", "&").replace("&amp;", "&"))
}
