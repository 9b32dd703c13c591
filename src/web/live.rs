//! Pages with a live region, one way: the handler builds the region's
//! template (`…Live`, a partial whose root element polls its own URL) and
//! the page around it; `page_or_live` answers htmx's poll with the region
//! alone and a browser with the whole page. The polling interval comes
//! from `Poll`, so every region refreshes on one setting.

use askama::Template;
use axum::response::Response;

use crate::error::AppError;
use crate::web::extract::Htmx;
use crate::web::htmx::render;

/// Seconds between refreshes of a live region showing ordinary state.
pub const POLL_SECONDS: u32 = 5;

/// How eagerly a live region refreshes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Poll {
    /// Clusters, services, tasks: every [`POLL_SECONDS`].
    Normal,
    /// Something is moving (a deployment rolls): twice as often, or more.
    Busy,
    /// Slow-changing resources (ECR images): six times less often.
    Slow,
}

impl Poll {
    pub fn seconds(self) -> u32 {
        match self {
            Poll::Normal => POLL_SECONDS,
            Poll::Busy => POLL_SECONDS.div_ceil(2),
            Poll::Slow => POLL_SECONDS * 6,
        }
    }
}

/// The live region alone for htmx's poll, the whole page otherwise.
pub fn page_or_live<L: Template, P: Template>(
    htmx: Htmx,
    live: L,
    page: impl FnOnce(L) -> P,
) -> Result<Response, AppError> {
    if htmx.0 {
        render(&live)
    } else {
        render(&page(live))
    }
}
