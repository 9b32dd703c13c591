//! The web layer: one file per screen (handlers + their template structs),
//! plus the shell, assets, headers and error rendering they share.

pub mod assets;
pub mod cluster;
pub mod context;
pub mod error_page;
pub mod headers;
pub mod health;
pub mod htmx;
pub mod overview;
pub mod placeholders;
pub mod shell;
