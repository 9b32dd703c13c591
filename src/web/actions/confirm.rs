//! The two answers every action gives: a confirmation form (what will
//! happen, with warnings and a diff) and a result.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use super::{ActionCtx, ConfirmFields};
use crate::error::AppError;
use crate::web::htmx::render;
use crate::web::shell::Shell;
use crate::web::td_diff::DiffRow;

/// "Here is what will happen — confirm?"
#[derive(Template)]
#[template(path = "partials/action_confirm.html")]
pub struct Confirm {
    pub title: String,
    /// Where the confirmed form posts (the same action URL).
    pub url: String,
    /// Fields carried to the confirmed POST (parameters, action id).
    pub hidden: Vec<(String, String)>,
    pub summary: Vec<String>,
    pub diff: Vec<DiffRow>,
    pub warnings: Vec<String>,
    /// Set when the previous submission was refused.
    pub error: Option<String>,
    /// An editable field (label, name, value) shown when the input itself
    /// must be corrected; the form then re-validates instead of acting.
    pub edit: Option<(String, String, String)>,
    /// The service name to type, on protected clusters.
    pub typed_name: Option<String>,
    /// A free-text reason field (stop task).
    pub reason_field: bool,
    /// The "above the ceiling, yes really" checkbox.
    pub need_large: bool,
    pub submit: String,
    pub danger: bool,
    pub csrf_token: String,
    pub back: String,
}

/// The outcome of a confirmed action.
#[derive(Template)]
#[template(path = "partials/action_done.html")]
pub struct ActionDone {
    pub ok: bool,
    pub title: String,
    pub message: String,
    pub back: String,
}

#[derive(Template)]
#[template(path = "pages/action.html")]
struct ActionPage {
    shell: Shell,
    body: String,
}

impl Confirm {
    /// A confirmation for `title` posting back to `url`.
    pub fn new(title: impl Into<String>, url: String, back: String, csrf_token: &str) -> Self {
        Self {
            title: title.into(),
            url,
            hidden: Vec::new(),
            summary: Vec::new(),
            diff: Vec::new(),
            warnings: Vec::new(),
            error: None,
            edit: None,
            typed_name: None,
            reason_field: false,
            need_large: false,
            submit: "Confirm".to_string(),
            danger: false,
            csrf_token: csrf_token.to_string(),
            back,
        }
    }

    /// Whether this submission must stop at the form: `Some(200)` for the
    /// preview (not yet confirmed), `Some(400)` when the typed name does
    /// not match `typed_name` (with the message set); `None` to act.
    pub fn hold(&mut self, fields: &ConfirmFields) -> Option<StatusCode> {
        if !fields.confirmed() {
            return Some(StatusCode::OK);
        }
        match &self.typed_name {
            Some(name) if fields.typed() != name => {
                self.error = Some(format!("Type {name} exactly to confirm."));
                Some(StatusCode::BAD_REQUEST)
            }
            _ => None,
        }
    }

    pub fn hidden(mut self, name: &str, value: impl Into<String>) -> Self {
        self.hidden.push((name.to_string(), value.into()));
        self
    }

    /// Renders the form as an htmx fragment or, without htmx, as a page.
    pub fn show(self, ctx: &ActionCtx, status: StatusCode) -> Result<Response, AppError> {
        let mut resp = if ctx.htmx {
            render(&self)?
        } else {
            render(&ActionPage {
                shell: ctx
                    .shell(self.title.clone())
                    .section("clusters")
                    .crumb("Back", Some(self.back.clone()))
                    .crumb(self.title.clone(), None),
                body: self.render()?,
            })?
        };
        *resp.status_mut() = status;
        Ok(resp)
    }
}
