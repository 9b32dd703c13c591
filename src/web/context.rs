//! The freshness line every live screen shows ("as of", and why a copy is
//! older when AWS failed).

use crate::domain::Timestamp;
use crate::fleet::{Fleet, Fresh};

/// "as of" line data: when AWS produced what the page shows and, if it is
/// an older copy, why.
#[derive(Clone, Debug)]
pub struct Freshness {
    pub as_of: Timestamp,
    pub stale: Option<String>,
    /// How the background refresher keeps this page's data, when it does.
    pub kept: Option<String>,
}

impl Freshness {
    pub fn of<V>(fresh: &Fresh<V>) -> Self {
        Self {
            as_of: fresh.as_of,
            stale: fresh.stale_because.as_ref().map(|e| {
                format!(
                    "Showing data from before the last refresh failed: {} ({}).",
                    e.message(),
                    e.code()
                )
            }),
            kept: None,
        }
    }

    /// Adds how `fleet` keeps this data fresh: what people look at every
    /// few seconds, everything else once per sweep of the fleet.
    pub fn kept_by(mut self, fleet: &Fleet) -> Self {
        let watched = fleet.refresh_timing().watched_age.as_secs();
        let sweep = fleet.rotation_period().as_secs();
        self.kept = Some(format!(
            "Refreshed in the background: every {watched} s while someone looks \
             (or, for big reads, twice as long as one takes), the whole fleet \
             every ~{sweep} s within the AWS budget."
        ));
        self
    }

    pub fn now() -> Self {
        Self {
            as_of: Timestamp::now(),
            stale: None,
            kept: None,
        }
    }
}
