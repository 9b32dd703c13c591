//! `GET /{env}/logs?group=G`: a group's streams, the most recently written
//! first, paginated; each opens the viewer.

use askama::Template;
use axum::response::Response;

use super::params::LogParams;
use crate::auth::CurrentUser;
use crate::domain::LogStream;
use crate::error::AppError;
use crate::state::Environment;
use crate::web::htmx::render;
use crate::web::shell::Shell;
use crate::web::urls::{self, QueryString};

#[derive(Template)]
#[template(path = "pages/logs_streams.html")]
pub struct LogStreamsPage {
    pub shell: Shell,
    pub env: String,
    pub group: String,
    pub streams: Vec<LogStream>,
    pub next_url: Option<String>,
}

impl LogStreamsPage {
    pub fn stream_url(&self, s: &LogStream) -> String {
        urls::log_stream(&self.env, &self.group, &s.name)
    }
}

pub async fn list_streams(
    env: &Environment,
    user: &CurrentUser,
    group: String,
    params: LogParams,
) -> Result<Response, AppError> {
    let listing = env.fleet.log_streams(&group, params.next.clone()).await?;
    let next_url = listing.next_token.as_ref().map(|t| {
        urls::logs_with(
            &env.name,
            &QueryString::new().add("group", &group).add("next", t),
        )
    });
    render(&LogStreamsPage {
        shell: Shell::for_env(env, Some(user), group.clone())
            .section("logs")
            .crumb("Logs", Some(urls::logs(&env.name)))
            .crumb(group.clone(), None),
        env: env.name.clone(),
        group,
        streams: listing.items.clone(),
        next_url,
    })
}
