//! ecsdeck: a web dashboard for operating Amazon ECS.
//!
//! `app(state)` builds the one router that both the binary and the tests use.
//! See docs/architecture.md for the map: `web/` renders, `fleet/` reads,
//! `aws/` is the only code that talks to the SDK, `sandbox/` simulates AWS.

pub mod auth;
pub mod aws;
pub mod clock;
pub mod commands;
pub mod config;
pub mod domain;
pub mod error;
pub mod fleet;
pub mod glob;
pub mod metrics;
pub mod recorder;
pub mod replica;
mod routes;
pub mod sandbox;
pub mod server;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod web;

pub use routes::{RouteSpec, app, route_table};
