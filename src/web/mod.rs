//! The web layer: one file per screen (handlers + their template structs),
//! plus the shell, assets, headers and error rendering they share.

pub mod actions;
pub mod assets;
pub mod audit;
pub mod charts;
pub mod cluster;
pub mod console;
pub mod context;
pub mod deployments;
pub mod error_page;
pub mod escape;
pub mod extract;
pub mod headers;
pub mod health;
pub mod health_panels;
pub mod history;
pub mod htmx;
pub mod images;
pub mod links;
pub mod live;
pub mod login;
pub mod logs;
pub mod mask;
pub mod observe;
pub mod ops;
pub mod overview;
pub mod overview_rows;
pub mod service;
pub mod shell;
pub mod task_definitions;
pub mod tasks;
pub mod td_diff;
pub mod timeline;
pub mod urls;
pub mod users;
pub mod why;
