//! One function per command of the command line.

mod demo;
pub mod environments;
mod sandbox;
mod serve;
mod user;

use std::process::ExitCode;

use crate::config::Command;

pub use demo::seed_demo_users;
pub use serve::{listen, shutdown_signal};

/// Runs one command to completion.
pub async fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve(args) => serve::run(args).await,
        Command::Demo(args) => demo::run(args).await,
        Command::Sandbox(args) => sandbox::run(args).await,
        Command::User(cmd) => user::run(cmd).await,
    }
}
