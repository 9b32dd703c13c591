//! The test binary's one tracing subscriber: production's JSON lines
//! (`ecsdeck::telemetry::json_subscriber`), written into the buffer of the
//! thread that holds a [`LogCapture`], else (with `TEST_LOG`) to the test
//! output, else nowhere. A global subscriber, not a scoped one: scoped
//! dispatchers race with other test threads over callsite interest, and
//! lines went missing when tests ran in parallel.

use std::cell::RefCell;
use std::io::Write;
use std::sync::{Arc, Mutex, Once};

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

type Buffer = Arc<Mutex<Vec<u8>>>;

thread_local! {
    static CAPTURE: RefCell<Option<Buffer>> = const { RefCell::new(None) };
}

/// Where each line goes: see the module's doc.
#[derive(Clone, Copy)]
struct Router {
    echo: bool,
}

struct Line {
    echo: bool,
}

impl Write for Line {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let captured = CAPTURE.with(|c| {
            c.borrow().as_ref().map(|b| {
                b.lock().unwrap().extend_from_slice(buf);
            })
        });
        if captured.is_none() && self.echo {
            // print! goes through the test harness's output capture.
            print!("{}", String::from_utf8_lossy(buf));
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Router {
    type Writer = Line;
    fn make_writer(&'a self) -> Line {
        Line { echo: self.echo }
    }
}

/// Installs the subscriber once per test binary: the filter is `TEST_LOG`
/// (which also echoes uncaptured lines) or production's default.
pub fn init_tracing() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let test_log = std::env::var("TEST_LOG").ok();
        let filter = EnvFilter::new(
            test_log
                .clone()
                .unwrap_or_else(|| ecsdeck::telemetry::DEFAULT_FILTER.to_string()),
        );
        let router = Router {
            echo: test_log.is_some(),
        };
        let subscriber = ecsdeck::telemetry::json_subscriber(filter, router);
        let _ = tracing::subscriber::set_global_default(subscriber);
    });
}

/// Collects the log lines this thread writes while it lives (use a
/// current-thread runtime so the app's tasks log on this thread).
pub struct LogCapture {
    buffer: Buffer,
}

impl LogCapture {
    pub fn start() -> Self {
        init_tracing();
        let buffer = Buffer::default();
        CAPTURE.with(|c| *c.borrow_mut() = Some(buffer.clone()));
        Self { buffer }
    }

    /// Every line so far.
    pub fn text(&self) -> String {
        String::from_utf8(self.buffer.lock().unwrap().clone()).unwrap()
    }
}

impl Drop for LogCapture {
    fn drop(&mut self) {
        CAPTURE.with(|c| *c.borrow_mut() = None);
    }
}
