//! `GET /{env}/logs?group=G`: a group's streams, the most recently written
//! first, paginated; each opens the viewer.

use askama::Template;
use axum::response::Response;

use super::params::LogParams;
use crate::domain::LogStream;
use crate::error::AppError;
use crate::state::Environment;
use crate::web::htmx::render;
use crate::web::links::encode;
use crate::web::shell::Shell;

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
        format!(
            "/{}/logs?group={}&stream={}",
            self.env,
            encode(&self.group),
            encode(&s.name)
        )
    }
}

pub async fn list_streams(
    env: &Environment,
    group: String,
    params: LogParams,
) -> Result<Response, AppError> {
    let listing = env.fleet.log_streams(&group, params.next.clone()).await?;
    let next_url = listing.next_token.map(|t| {
        format!(
            "/{}/logs?group={}&next={}",
            env.name,
            encode(&group),
            encode(&t)
        )
    });
    render(&LogStreamsPage {
        shell: Shell::for_env(env, group.clone())
            .section("logs")
            .crumb("Logs", Some(format!("/{}/logs", env.name)))
            .crumb(group.clone(), None),
        env: env.name.clone(),
        group,
        streams: listing.items,
        next_url,
    })
}
