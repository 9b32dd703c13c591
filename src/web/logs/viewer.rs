//! The log viewer: the newest lines of one stream, several streams, or a
//! service's tasks interleaved — rendered into the page itself (readable
//! without JavaScript) — with filter, errors toggle, time range, "load
//! older", download and the live tail appending below.

use std::sync::Arc;

use askama::Template;
use axum::response::Response;

use super::lines::{LineView, Moments, line_views};
use super::params::{LogParams, Range, SINCE};
use super::{ResolvedView, resolve};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::fleet::logs::{Recent, TailSource};
use crate::state::{Environment, Settings};
use crate::web::htmx::render;
use crate::web::shell::Shell;
use crate::web::urls;

/// Lines on the first page.
pub const PAGE_LINES: usize = 500;

#[derive(Template)]
#[template(path = "pages/logs_viewer.html")]
pub struct LogViewerPage {
    pub shell: Shell,
    pub env: String,
    pub params: LogParams,
    pub title: String,
    pub group: String,
    pub lines: Vec<LineView>,
    pub count: usize,
    pub notice: Option<String>,
    /// "Load older" link, when older lines may exist.
    pub older_url: Option<String>,
    /// "Jump to now" link, when the view ends in the past.
    pub now_url: Option<String>,
    pub download_url: String,
    /// The SSE endpoint, when the view reaches up to now.
    pub tail_url: Option<String>,
    pub sse_script: String,
    pub start_value: String,
    pub end_value: String,
}

impl LogViewerPage {
    pub fn since_options(&self) -> Vec<&'static str> {
        SINCE.iter().map(|(n, _)| *n).collect()
    }

    pub fn group_url(&self) -> String {
        urls::log_group(&self.env, &self.group)
    }

    pub fn form_url(&self) -> String {
        urls::logs(&self.env)
    }
}

pub async fn show_viewer(
    env: &Environment,
    settings: &Settings,
    user: &CurrentUser,
    params: LogParams,
) -> Result<Response, AppError> {
    let resolved = resolve(env, settings, &params).await?;
    let ResolvedView {
        view,
        tagger,
        terms,
        title,
        no_streams,
        live: live_streams,
    } = resolved;
    let recent = if no_streams {
        Arc::new(Recent::default())
    } else {
        env.fleet.recent_lines(&view, PAGE_LINES).await?
    };
    let marks = terms.as_ref().map(|t| t.marks()).unwrap_or_default();
    let moments = Moments::new(params.moment_query(), params.at_ms);
    let lines = line_views(&recent.events, &tagger, &marks, &moments);
    let older_url = recent
        .events
        .first()
        .filter(|_| recent.more_before)
        .map(|first| {
            urls::logs_with(
                &env.name,
                &params.query(Range::Before(first.timestamp.millis())),
            )
        });
    let now_url = params
        .end_ms
        .map(|_| urls::logs_with(&env.name, &params.query(Range::Now)));
    let can_tail =
        view.end_ms.is_none() && !no_streams && (view.pattern.is_empty() || terms.is_some());
    // A tail the caps would refuse is not offered: the page says why.
    let refused = if can_tail {
        env.tail.check(&user.name, &view.group, &live_streams).err()
    } else {
        None
    };
    let live = can_tail && refused.is_none();
    let after = recent
        .events
        .last()
        .map(|e| e.timestamp.millis().to_string())
        .unwrap_or_default();
    let tail_url =
        live.then(|| urls::logs_tail(&env.name, &params.query(Range::Same).add("after", &after)));
    let polling = match live.then(|| env.tail.source(&view.group)) {
        Some(TailSource::Polling(why)) => Some(format!(
            "Following by polling GetLogEvents (within ecsdeck's Logs budget), not a Live Tail session: {why}"
        )),
        _ => None,
    };
    let notice = if let Some(refusal) = refused {
        Some(refusal.to_string())
    } else if no_streams {
        Some(format!(
            "No task of this service logs container {} to CloudWatch (awslogs with a stream prefix, or FireLens with a CloudWatch output).",
            params.container.as_deref().unwrap_or("")
        ))
    } else if let Some(p) = polling {
        Some(p)
    } else if !params.filter.is_empty() && params.errors {
        Some("The filter pattern replaces the errors-only toggle.".to_string())
    } else if view.end_ms.is_none() && !can_tail && !no_streams {
        Some("Live tail follows term patterns only; JSON and space-delimited patterns show matches up to now.".to_string())
    } else {
        None
    };
    let shell = Shell::for_env(env, Some(user), format!("Logs · {title}"))
        .section("logs")
        .crumb("Logs", Some(urls::logs(&env.name)));
    let shell = if view.group.is_empty() {
        shell.crumb(title.clone(), None)
    } else {
        shell
            .crumb(
                view.group.clone(),
                Some(urls::log_group(&env.name, &view.group)),
            )
            .crumb(title.clone(), None)
    };
    let sse_script = shell.asset("vendor/htmx-ext-sse-2.2.4.min.js");
    let start_value = params
        .start_ms
        .map(super::params::format_ms)
        .unwrap_or_default();
    let end_value = params
        .end_ms
        .map(super::params::format_ms)
        .unwrap_or_default();
    render(&LogViewerPage {
        shell,
        env: env.name.clone(),
        download_url: urls::logs_download(&env.name, &params.query(Range::Same)),
        title,
        group: view.group,
        count: lines.len(),
        lines,
        notice,
        older_url,
        now_url,
        tail_url,
        sse_script,
        start_value,
        end_value,
        params,
    })
}
