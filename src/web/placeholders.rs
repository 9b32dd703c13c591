//! Screens that are planned but not built yet answer honestly (501), so the
//! navigation works and nobody mistakes an empty page for an empty fleet.

use axum::extract::{Path, State};

use crate::error::AppError;
use crate::state::AppState;

fn check_env(state: &AppState, env: &str) -> Result<(), AppError> {
    match state.environment(env) {
        Some(_) => Ok(()),
        None => Err(AppError::NotFound(format!(
            "There is no environment named {env}."
        ))),
    }
}

pub async fn show_logs(
    State(state): State<AppState>,
    Path(env): Path<String>,
) -> Result<(), AppError> {
    check_env(&state, &env)?;
    Err(AppError::NotBuilt("The log viewer"))
}
