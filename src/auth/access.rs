//! The access decision every route in `routes.rs` must carry.

use std::fmt;

/// Who may reach a route. Each row of the route table names one; there is
/// no default, so a new route cannot be added without a decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Access {
    /// Anyone, signed in or not (`/healthz`, `/login`, `/static/…`).
    Public,
    /// Any signed-in user: every page and the logs.
    Viewer,
    /// Operators and admins: every action that changes AWS.
    Operator,
    /// Admins only: users and everyone's audit trail.
    Admin,
}

impl fmt::Display for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Access::Public => "public",
            Access::Viewer => "viewer",
            Access::Operator => "operator",
            Access::Admin => "admin",
        })
    }
}
