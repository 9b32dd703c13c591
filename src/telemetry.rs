//! Tracing set-up: text or JSON lines on stderr, filtered by RUST_LOG.
//!
//! Every request adds one line (`web::observe`, target `ecsdeck::request`):
//! request id, user, route template, method, status and latency in
//! milliseconds; with `--log-format json` each is a field of its own.

use std::io::IsTerminal;

use tracing::Subscriber;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::util::SubscriberInitExt;

use crate::config::LogFormat;

/// What is logged without `RUST_LOG`: ecsdeck's own lines and request
/// lines at info, the SDK's only when something is wrong.
pub const DEFAULT_FILTER: &str = "info,tower_http=info,aws_config=warn,aws_smithy_runtime=warn";

/// Installs the global subscriber (call once, at start-up).
pub fn init(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let result = match format {
        LogFormat::Text => tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            // Colour only for a terminal, not for files or log collectors.
            .with_ansi(std::io::stderr().is_terminal())
            .try_init()
            .map_err(|e| e.to_string()),
        LogFormat::Json => json_subscriber(filter, std::io::stderr)
            .try_init()
            .map_err(|e| e.to_string()),
    };
    if let Err(e) = result {
        eprintln!("ecsdeck: tracing already initialised: {e}");
    }
}

/// The JSON-lines subscriber `--log-format json` installs, writing to
/// `writer` (tests capture it): one object per event, its fields at the top
/// level, the current span's fields under `span`.
pub fn json_subscriber<W>(filter: EnvFilter, writer: W) -> impl Subscriber + Send + Sync + 'static
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .json()
        .flatten_event(true)
        .finish()
}
