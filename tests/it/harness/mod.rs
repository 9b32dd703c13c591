//! The one test harness.
//!
//! - [`TestApp`]: the real router over an [`AppState`](ecsdeck::state::AppState)
//!   (`TestApp::on(&sb)` for a sandbox and a SQLite store with the users
//!   `viewer`, `operator`, `admin`); `app.session("operator")` signs in
//!   through /login and gives a [`Session`] with `get`, `get_htmx`,
//!   `post_form`, `post_htmx` answering a [`Page`].
//! - [`Page`]: status, headers, body, and the HTML through CSS selectors
//!   (`select`, `texts`, `attr`, `exists`, `count`).
//! - On a socket only where needed: [`ServedApp`] and [`HttpClient`]
//!   (reqwest with a cookie jar) for sign-in, cookie and SSE tests;
//!   [`serve`] for browsers.
//! - `both_backends!(test_fn)`: runs `async fn test_fn(backend: Backend)`
//!   on SQLite and on PostgreSQL.
//! - `TEST_LOG=debug cargo test …` shows the app's tracing output.
#![allow(dead_code, unused_imports)] // each test module uses a different subset

mod app;
mod backends;
mod environments;
mod http;
mod page;
mod sandbox;

pub use app::{Session, TestApp};
pub use backends::*;
pub use environments::*;
pub use http::{HttpClient, ServedApp, serve};
pub use page::{Element, Page};
pub use sandbox::*;

/// With `TEST_LOG` set (an env filter, e.g. `debug` or
/// `ecsdeck=trace`), installs a tracing subscriber writing through the test
/// harness's capture, once per test binary; silent otherwise.
pub fn init_tracing() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let Ok(filter) = std::env::var("TEST_LOG") else {
            return;
        };
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_test_writer()
            .try_init();
    });
}
