//! Screens that are planned but not built yet answer honestly (501), so the
//! navigation works and nobody mistakes an empty page for an empty fleet.

use crate::error::AppError;

pub async fn show_audit() -> AppError {
    AppError::NotBuilt("The audit trail")
}
