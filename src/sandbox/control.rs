//! Switches a test or an operator flips while the sandbox runs
//! (`POST /_sandbox/control`, or `SandboxHandle::control()`): stall every
//! call until released, or answer every call with AWS's throttling error —
//! the two ways AWS fails that a dashboard must survive on its copy.

use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};
use tokio::sync::watch;

/// The switches' state as `/_sandbox/control` reads and writes it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlState {
    /// Calls wait (without an answer) until this is turned off.
    #[serde(default)]
    pub stall: bool,
    /// Every call answers `ThrottlingException`.
    #[serde(default)]
    pub throttle: bool,
}

#[derive(Debug)]
pub struct Control {
    stall: watch::Sender<bool>,
    throttle: AtomicBool,
}

impl Default for Control {
    fn default() -> Self {
        Self {
            stall: watch::Sender::new(false),
            throttle: AtomicBool::new(false),
        }
    }
}

impl Control {
    pub fn set(&self, state: ControlState) {
        self.throttle.store(state.throttle, Ordering::SeqCst);
        self.stall.send_replace(state.stall);
    }

    pub fn state(&self) -> ControlState {
        ControlState {
            stall: *self.stall.borrow(),
            throttle: self.throttle.load(Ordering::SeqCst),
        }
    }

    /// Waits while calls are stalled.
    pub async fn pass(&self) {
        let mut rx = self.stall.subscribe();
        let _ = rx.wait_for(|stalled| !stalled).await;
    }

    pub fn throttling(&self) -> bool {
        self.throttle.load(Ordering::SeqCst)
    }
}
