//! `ecsdeck user …`: local users.

use std::process::ExitCode;

use crate::config::UserCommand;

pub async fn run(cmd: UserCommand) -> anyhow::Result<ExitCode> {
    let what = match cmd {
        UserCommand::Add { .. } => "user add",
        UserCommand::List { .. } => "user list",
        UserCommand::Remove { .. } => "user remove",
    };
    eprintln!(
        "ecsdeck {what}: not built yet. Local users arrive with sign-in and roles; \
until then nothing is stored and nothing was changed."
    );
    Ok(ExitCode::from(2))
}
