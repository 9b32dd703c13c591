//! The `ecsdeck` binary: parse the command line, start tracing, run the command.

use std::process::ExitCode;

use clap::Parser;
use ecsdeck::config::Cli;

/// jemalloc, tuned in .cargo/config.toml to give memory back after bursts.
#[cfg(all(target_os = "linux", not(target_env = "musl")))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    ecsdeck::telemetry::init(cli.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("ecsdeck: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(ecsdeck::commands::run(cli.command)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("ecsdeck: {e:#}");
            ExitCode::FAILURE
        }
    }
}
