//! ecsdeck: a web dashboard for operating Amazon ECS.
//!
//! `app(state)` builds the one router that both the binary and the tests use.

pub mod aws;
pub mod sandbox;

pub use routes::app;

mod routes {
    use axum::Router;

    /// Placeholder until the foundation lands.
    pub fn app() -> Router {
        Router::new()
    }
}
