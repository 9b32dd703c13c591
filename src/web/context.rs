//! The freshness line every live screen shows ("as of", and why a copy is
//! older when AWS failed).

use crate::domain::Timestamp;
use crate::fleet::Fresh;

/// "as of" line data: when AWS produced what the page shows and, if it is
/// an older copy, why.
#[derive(Clone, Debug)]
pub struct Freshness {
    pub as_of: Timestamp,
    pub stale: Option<String>,
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
        }
    }

    pub fn now() -> Self {
        Self {
            as_of: Timestamp::now(),
            stale: None,
        }
    }
}
