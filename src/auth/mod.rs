//! Who may do what: roles, the access decision every route carries, and
//! (as it lands) sign-in, sessions and CSRF.

mod access;

pub use access::Access;
