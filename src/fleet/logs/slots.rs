//! Caps on live tails. Every followed stream is a poller calling
//! GetLogEvents about once a second, so one user may follow only so many
//! streams at once across all their tabs and connections, and one
//! environment only so many distinct streams in total. A tail holds a
//! `TailPass` while it runs; dropping it (the SSE stream ended or the
//! client went away) frees its slots.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// How many streams may be followed live at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TailLimits {
    /// Per user, across all their connections.
    pub per_user: usize,
    /// Distinct streams per environment (one poller each).
    pub total: usize,
    /// Live Tail sessions ecsdeck may hold at once (of the account's 15):
    /// one per log group with viewers; 0 = always poll.
    pub live_sessions: usize,
}

impl Default for TailLimits {
    fn default() -> Self {
        Self {
            per_user: 10,
            total: 200,
            live_sessions: 5,
        }
    }
}

/// Why a tail was refused; its `Display` is the message the user sees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TailRefusal {
    /// The user would follow more than `max` streams.
    PerUser {
        max: usize,
        following: usize,
        asked: usize,
    },
    /// The environment would poll more than `max` streams.
    Total { max: usize },
}

impl fmt::Display for TailRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            TailRefusal::PerUser { max, asked, .. } if asked > max => write!(
                f,
                "This view has {asked} log streams, more than the {max} one person may follow live; narrow it down to follow it live."
            ),
            TailRefusal::PerUser { max, following, .. } if following >= max => write!(
                f,
                "You already follow {max} log streams live; close another tail first."
            ),
            TailRefusal::PerUser {
                max,
                following,
                asked,
            } => write!(
                f,
                "You already follow {following} log streams live and this view adds {asked}, past the {max} one person may follow; close another tail first."
            ),
            TailRefusal::Total { max } => write!(
                f,
                "ecsdeck follows the maximum of {max} log streams live; try again later."
            ),
        }
    }
}

impl std::error::Error for TailRefusal {}

type Stream = (String, String);

#[derive(Default)]
struct Taken {
    /// Streams each user follows (a stream in two tabs counts twice).
    users: HashMap<String, usize>,
    /// Passes following each stream; its length is the streams polled.
    streams: HashMap<Stream, usize>,
}

/// The slots of one environment's tails.
#[derive(Clone, Default)]
pub struct Slots {
    limits: TailLimits,
    taken: Arc<Mutex<Taken>>,
}

fn lock(m: &Mutex<Taken>) -> MutexGuard<'_, Taken> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A running tail's slots, released on drop.
pub struct TailPass {
    taken: Arc<Mutex<Taken>>,
    user: String,
    streams: BTreeSet<Stream>,
}

impl Slots {
    pub fn new(limits: TailLimits) -> Self {
        Self {
            limits,
            taken: Arc::default(),
        }
    }

    pub fn limits(&self) -> TailLimits {
        self.limits
    }

    fn wanted(group: &str, streams: &[String]) -> BTreeSet<Stream> {
        streams
            .iter()
            .map(|s| (group.to_string(), s.clone()))
            .collect()
    }

    fn refusal(&self, taken: &Taken, user: &str, wanted: &BTreeSet<Stream>) -> Option<TailRefusal> {
        let following = taken.users.get(user).copied().unwrap_or(0);
        if following + wanted.len() > self.limits.per_user {
            return Some(TailRefusal::PerUser {
                max: self.limits.per_user,
                following,
                asked: wanted.len(),
            });
        }
        let new = wanted
            .iter()
            .filter(|s| !taken.streams.contains_key(*s))
            .count();
        (taken.streams.len() + new > self.limits.total).then_some(TailRefusal::Total {
            max: self.limits.total,
        })
    }

    /// Whether `user` may follow these streams right now (takes nothing).
    pub fn check(&self, user: &str, group: &str, streams: &[String]) -> Result<(), TailRefusal> {
        let wanted = Self::wanted(group, streams);
        match self.refusal(&lock(&self.taken), user, &wanted) {
            Some(r) => Err(r),
            None => Ok(()),
        }
    }

    /// Takes the slots for `user` to follow these streams, or says why not.
    pub fn admit(
        &self,
        user: &str,
        group: &str,
        streams: &[String],
    ) -> Result<TailPass, TailRefusal> {
        let wanted = Self::wanted(group, streams);
        let mut taken = lock(&self.taken);
        if let Some(r) = self.refusal(&taken, user, &wanted) {
            return Err(r);
        }
        *taken.users.entry(user.to_string()).or_default() += wanted.len();
        for s in &wanted {
            *taken.streams.entry(s.clone()).or_default() += 1;
        }
        Ok(TailPass {
            taken: self.taken.clone(),
            user: user.to_string(),
            streams: wanted,
        })
    }

    /// Streams `user` follows right now.
    pub fn following(&self, user: &str) -> usize {
        lock(&self.taken).users.get(user).copied().unwrap_or(0)
    }

    /// Distinct streams followed right now.
    pub fn streams(&self) -> usize {
        lock(&self.taken).streams.len()
    }
}

impl Drop for TailPass {
    fn drop(&mut self) {
        let mut taken = lock(&self.taken);
        if let Some(n) = taken.users.get_mut(&self.user) {
            *n = n.saturating_sub(self.streams.len());
            if *n == 0 {
                taken.users.remove(&self.user);
            }
        }
        for s in &self.streams {
            if let Some(n) = taken.streams.get_mut(s) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    taken.streams.remove(s);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn caps_each_user_and_the_total_and_frees_slots_on_drop() {
        let slots = Slots::new(TailLimits {
            per_user: 2,
            total: 3,
            live_sessions: 0,
        });
        let a = slots.admit("ann", "g", &names(&["1", "2"])).unwrap();
        let refused = slots.admit("ann", "g", &names(&["3"])).err().unwrap();
        assert_eq!(
            refused.to_string(),
            "You already follow 2 log streams live; close another tail first."
        );
        // Bob joins a polled stream (no new poller) and adds one.
        let b = slots.admit("bob", "g", &names(&["1", "3"])).unwrap();
        assert_eq!(slots.streams(), 3);
        let full = slots.admit("cat", "g", &names(&["4"])).err().unwrap();
        assert_eq!(
            full.to_string(),
            "ecsdeck follows the maximum of 3 log streams live; try again later."
        );
        assert!(slots.admit("cat", "g", &names(&["2"])).is_ok());
        drop(a);
        assert_eq!(slots.following("ann"), 0);
        assert_eq!(slots.streams(), 2);
        assert!(slots.check("cat", "g", &names(&["4"])).is_ok());
        drop(b);
        assert_eq!(slots.streams(), 0);
        let wide = slots.check("ann", "g", &names(&["1", "2", "3"]));
        assert!(
            wide.err()
                .unwrap()
                .to_string()
                .contains("has 3 log streams")
        );
    }
}
