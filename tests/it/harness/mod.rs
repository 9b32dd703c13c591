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
//! - `TEST_LOG=debug cargo test …` shows the app's tracing output (JSON
//!   lines, as `--log-format json`); [`LogCapture`] collects a test's own.
#![allow(dead_code, unused_imports)] // each test module uses a different subset

mod app;
mod backends;
mod environments;
mod http;
mod logs;
mod page;
mod sandbox;

pub use app::{Session, TestApp};
pub use backends::*;
pub use environments::*;
pub use http::{HttpClient, ServedApp, serve};
pub use logs::{LogCapture, init_tracing};
pub use page::{Element, Page};
pub use sandbox::*;
