//! `ecsdeck demo` and the state store it is given: it adds its well-known
//! users (password `demo`) only to a store holding nobody else.

use std::time::Duration;

use clap::Parser;
use ecsdeck::config::Cli;

use crate::both_backends;
use crate::harness::*;

async fn the_demo_refuses_a_store_holding_other_users(backend: Backend) {
    let Some((store, flags)) = test_store_with_flags(backend).await else {
        return;
    };
    store
        .user_add("alice", "admin", "alice-hash")
        .await
        .unwrap();
    let mut argv = vec!["ecsdeck", "demo", "--bind", "127.0.0.1:0"];
    argv.extend(flags.iter().map(String::as_str));
    let cli = Cli::try_parse_from(argv).unwrap();
    // Without the check the demo would start serving and never return.
    let outcome =
        tokio::time::timeout(Duration::from_secs(60), ecsdeck::commands::run(cli.command))
            .await
            .expect("the demo refuses at once instead of serving");
    let message = format!("{:#}", outcome.expect_err("the demo refuses this store"));
    assert!(message.contains("refuses this state store"), "{message}");
    assert!(message.contains("other users (alice)"), "{message}");
    let users = store.user_list().await.unwrap();
    assert_eq!(
        users
            .iter()
            .map(|u| (u.name.as_str(), u.role.as_str(), u.password_hash.as_str()))
            .collect::<Vec<_>>(),
        [("alice", "admin", "alice-hash")],
        "the store is left as it was"
    );
}

async fn the_demo_seeds_an_empty_store_and_its_own_again(backend: Backend) {
    let Some(store) = test_store(backend).await else {
        return;
    };
    ecsdeck::commands::seed_demo_users(&store).await.unwrap();
    let names =
        |users: Vec<ecsdeck::store::User>| users.into_iter().map(|u| u.name).collect::<Vec<_>>();
    assert_eq!(
        names(store.user_list().await.unwrap()),
        ["admin", "operator", "viewer"]
    );
    // A store an earlier demo run left holds only the demo's users: fine.
    ecsdeck::commands::seed_demo_users(&store).await.unwrap();
    let admin = store.user_get("admin").await.unwrap().unwrap();
    assert!(ecsdeck::auth::password::verify_password(
        "demo",
        &admin.password_hash
    ));
    assert_eq!(names(store.user_list().await.unwrap()).len(), 3);
}

both_backends!(
    the_demo_refuses_a_store_holding_other_users,
    the_demo_seeds_an_empty_store_and_its_own_again,
);
