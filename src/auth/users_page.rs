//! `GET /admin/users`: who may sign in, with which role (admins only;
//! changes go through `ecsdeck user …`).

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::error::AppError;
use crate::state::AppState;
use crate::web::htmx::render;
use crate::web::shell::Shell;

pub struct UserRow {
    pub name: String,
    pub role: String,
    /// RFC 3339.
    pub created: String,
}

#[derive(Template)]
#[template(path = "pages/users.html")]
pub struct UsersPage {
    pub shell: Shell,
    pub users: Vec<UserRow>,
}

fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

pub async fn list_users(State(state): State<AppState>) -> Result<Response, AppError> {
    let users = state
        .store()
        .user_list()
        .await?
        .into_iter()
        .map(|u| UserRow {
            name: u.name,
            role: u.role,
            created: rfc3339(u.created_at_ms),
        })
        .collect();
    render(&UsersPage {
        shell: Shell::new(&state, "Users")
            .section("users")
            .crumb("Users", None),
        users,
    })
}
