//! `GET /{env}/logs`: log groups with stored bytes, retention and creation
//! time, filtered by name prefix, paginated.

use askama::Template;
use axum::response::Response;

use super::params::LogParams;
use crate::domain::{LogGroup, human_bytes};
use crate::error::AppError;
use crate::state::Environment;
use crate::web::htmx::render;
use crate::web::links::encode;
use crate::web::shell::Shell;

#[derive(Template)]
#[template(path = "pages/logs_groups.html")]
pub struct LogGroupsPage {
    pub shell: Shell,
    pub env: String,
    pub prefix: String,
    pub groups: Vec<LogGroup>,
    pub next_url: Option<String>,
}

impl LogGroupsPage {
    pub fn group_url(&self, g: &LogGroup) -> String {
        format!("/{}/logs?group={}", self.env, encode(&g.name))
    }

    pub fn bytes(&self, g: &LogGroup) -> String {
        human_bytes(g.stored_bytes)
    }
}

pub async fn list_groups(env: &Environment, params: LogParams) -> Result<Response, AppError> {
    let listing = env
        .fleet
        .log_groups(&params.prefix, params.next.clone())
        .await?;
    let next_url = listing.next_token.map(|t| {
        format!(
            "/{}/logs?prefix={}&next={}",
            env.name,
            encode(&params.prefix),
            encode(&t)
        )
    });
    render(&LogGroupsPage {
        shell: Shell::for_env(env, "Logs")
            .section("logs")
            .crumb("Logs", None),
        env: env.name.clone(),
        prefix: params.prefix,
        groups: listing.items,
        next_url,
    })
}
