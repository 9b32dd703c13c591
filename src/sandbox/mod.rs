//! The embedded AWS-compatible simulator (ECS, ECR, CloudWatch Logs).
//! See issue 3 and DESIGN.md: it serves the AWS JSON 1.1 wire protocol on
//! loopback, and the dashboard's real SDK clients talk to it.

pub mod clock;
pub mod ecr;
pub mod ecs;
pub mod error;
pub mod loggen;
pub mod logs;
pub mod server;
pub mod world;

pub use server::{SandboxHandle, start};

/// How the sandbox behaves.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Simulated clock speed-up (1 = real time).
    pub speed: f64,
    /// Seed for every random choice, so runs repeat.
    pub seed: u64,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            speed: 1.0,
            seed: 42,
        }
    }
}
