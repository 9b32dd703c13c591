//! One integration-test binary (linking the AWS SDK once, not per file).
//! Each module drives the real router and the real SDK clients against the
//! sandbox on port 0.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod actions_deploy;
mod actions_forms;
mod actions_names;
mod actions_scale;
mod actions_stop;
mod architecture_doc;
mod auth_actions;
mod auth_alb;
mod auth_csrf;
mod auth_login;
mod auth_routes;
mod auth_sessions;
mod auth_store;
mod aws_budget;
mod browse_costs;
mod browse_images;
mod browse_pages;
mod browser;
mod code_rules;
mod demo_store;
mod e2e_actions;
mod e2e_auth;
mod e2e_browse;
mod e2e_logs;
mod e2e_shell;
mod fleet_model;
mod harness;
mod logs_budget;
mod logs_download;
mod logs_tail;
mod logs_viewer;
mod sandbox_ecr_images;
mod sandbox_ecs_deployments;
mod sandbox_ecs_fleet;
mod sandbox_ecs_lifecycle;
mod sandbox_ecs_wire;
mod sandbox_logs_filter;
mod sandbox_logs_fleet;
mod sandbox_logs_tail;
mod sandbox_wire;
mod web_rejections;
mod web_shell;
