//! `GET /{env}/logs`: log groups with stored bytes, retention and creation
//! time, filtered by name prefix, paginated; only the groups the
//! environment allows (`access::GroupAccess`) are listed.

use askama::Template;
use axum::response::Response;

use super::access::GroupAccess;
use super::params::LogParams;
use crate::auth::CurrentUser;
use crate::domain::{LogGroup, human_bytes};
use crate::error::AppError;
use crate::state::{Environment, Settings};
use crate::web::htmx::render;
use crate::web::shell::Shell;
use crate::web::urls::{self, QueryString};

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
        urls::log_group(&self.env, &g.name)
    }

    pub fn form_url(&self) -> String {
        urls::logs(&self.env)
    }

    pub fn bytes(&self, g: &LogGroup) -> String {
        human_bytes(g.stored_bytes)
    }
}

pub async fn list_groups(
    env: &Environment,
    settings: &Settings,
    user: &CurrentUser,
    params: LogParams,
) -> Result<Response, AppError> {
    let access = GroupAccess::of(env, settings).await?;
    let listing = env
        .fleet
        .log_groups(&params.prefix, params.next.clone())
        .await?;
    let next_url = listing.next_token.as_ref().map(|t| {
        urls::logs_with(
            &env.name,
            &QueryString::new()
                .add("prefix", &params.prefix)
                .add("next", t),
        )
    });
    render(&LogGroupsPage {
        shell: Shell::for_env(env, Some(user), "Logs")
            .section("logs")
            .crumb("Logs", None),
        env: env.name.clone(),
        prefix: params.prefix,
        groups: listing
            .items
            .iter()
            .filter(|g| access.allows(&g.name))
            .cloned()
            .collect(),
        next_url,
    })
}
