//! The refresher's side of a cache: renewing keys in the background.

use std::time::Duration;

use super::{Cache, SlotRef, lock, millis};

/// What the refresher asks of a cache in one round.
#[derive(Clone, Copy, Debug)]
pub struct Sweep {
    /// Keys read within this window count as watched.
    pub watched_within: Duration,
    /// Watched keys older than this are refreshed.
    pub watched_age: Duration,
    /// Unwatched keys older than this are refreshed, oldest first.
    pub rotation_age: Duration,
    /// At most this many unwatched keys per round.
    pub rotation_max: usize,
}

impl<V: Clone + Send + Sync + 'static> Cache<V> {
    /// Starts a background refresh of every key holding a value (a new
    /// leader renews what it took from the previous one). Returns how many.
    pub fn renew_all(&self) -> usize {
        let mut started = 0;
        for (_, slot) in self.slots.iter() {
            let mut s = lock(&slot);
            if s.value.is_some() && s.loading.is_none() {
                drop(self.start_load(&slot, &mut s));
                started += 1;
            }
        }
        started
    }

    /// Starts background refreshes for one round of the refresher: every
    /// watched key older than `watched_age`, then up to `rotation_max`
    /// unwatched ones older than `rotation_age`, oldest first. Returns how
    /// many refreshes it started.
    pub fn sweep(&self, sweep: &Sweep) -> usize {
        let now = self.clock.now_ms();
        let mut started = 0;
        let mut rotation: Vec<(i64, SlotRef<V>)> = Vec::new();
        for (_, slot) in self.slots.iter() {
            let mut s = lock(&slot);
            let Some((at, _, _)) = &s.value else { continue };
            let at = *at;
            if s.loading.is_some() {
                continue;
            }
            let watched = now.saturating_sub(s.read_at) < millis(sweep.watched_within);
            if watched && self.is_old(at, s.due_after(sweep.watched_age)) {
                drop(self.start_load(&slot, &mut s));
                started += 1;
            } else if !watched && self.is_old(at, s.due_after(sweep.rotation_age)) {
                rotation.push((at, slot.clone()));
            }
        }
        rotation.sort_by_key(|(at, _)| *at);
        for (_, slot) in rotation.into_iter().take(sweep.rotation_max) {
            let mut s = lock(&slot);
            if s.loading.is_none() {
                drop(self.start_load(&slot, &mut s));
                started += 1;
            }
        }
        started
    }
}
