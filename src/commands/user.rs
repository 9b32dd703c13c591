//! `ecsdeck user …`: local users, in the same state store the dashboard uses.

use std::io::BufRead;
use std::process::ExitCode;

use anyhow::Context;

use crate::auth::Role;
use crate::auth::password::{check_new_password, check_user_name, hash_password_async};
use crate::config::{StoreArgs, UserCommand};
use crate::store::{Store, StoreError};

async fn open(args: &StoreArgs) -> anyhow::Result<Store> {
    Store::open_configured(args.database_url.as_ref(), &args.data_dir())
        .await
        .context("cannot open the state store")
}

/// One line from standard input, without its line ending.
fn read_password() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let password = line
        .strip_suffix('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .unwrap_or(&line)
        .to_string();
    check_new_password(&password).map_err(anyhow::Error::msg)?;
    Ok(password)
}

fn refuse(message: impl std::fmt::Display) -> anyhow::Result<ExitCode> {
    eprintln!("ecsdeck: {message}");
    Ok(ExitCode::FAILURE)
}

pub async fn run(cmd: UserCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        UserCommand::Add {
            name, role, store, ..
        } => {
            if let Err(e) = check_user_name(&name) {
                return refuse(e);
            }
            let role: Role = role.parse().map_err(anyhow::Error::msg)?;
            let password = read_password()?;
            let store = open(&store).await?;
            let hash = hash_password_async(password).await?;
            match store.user_add(&name, role.as_str(), &hash).await {
                Ok(()) => println!("added {name} ({role})"),
                Err(StoreError::Duplicate(m)) => {
                    return refuse(format!("{m}; use `user set-password` or `user set-role`"));
                }
                Err(e) => return Err(e.into()),
            }
        }
        UserCommand::List { store } => {
            let users = open(&store).await?.user_list().await?;
            if users.is_empty() {
                println!(
                    "no users yet: add one with `ecsdeck user add NAME --role admin --password-stdin`"
                );
            }
            for u in users {
                println!("{:<32} {}", u.name, u.role);
            }
        }
        UserCommand::Remove { name, store } => match open(&store).await?.user_remove(&name).await {
            Ok(()) => println!("removed {name} and ended their sessions"),
            Err(StoreError::NotFound(m)) => return refuse(m),
            Err(e) => return Err(e.into()),
        },
        UserCommand::SetRole { name, role, store } => {
            let role: Role = role.parse().map_err(anyhow::Error::msg)?;
            match open(&store)
                .await?
                .user_set_role(&name, role.as_str())
                .await
            {
                Ok(()) => println!("{name} is now {role}"),
                Err(StoreError::NotFound(m)) => return refuse(m),
                Err(e) => return Err(e.into()),
            }
        }
        UserCommand::SetPassword { name, store, .. } => {
            let password = read_password()?;
            let store = open(&store).await?;
            let hash = hash_password_async(password).await?;
            match store.user_set_password(&name, &hash).await {
                Ok(()) => println!("set the password of {name} and ended their sessions"),
                Err(StoreError::NotFound(m)) => return refuse(m),
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
