//! New passwords set with `ecsdeck user add` / `user set-password` have at
//! least 12 characters; a shorter one is refused with the reason and the
//! store is left unchanged.

use crate::auth_store::ecsdeck;
use crate::both_backends;
use crate::harness::*;

async fn the_user_commands_refuse_short_passwords(backend: Backend) {
    let Some((store, flags)) = test_store_with_flags(backend).await else {
        return;
    };
    let run = |args: &[&str], stdin: &str| {
        let mut all = args.to_vec();
        all.extend(flags.iter().map(String::as_str));
        ecsdeck(&all, Some(stdin))
    };
    let add = [
        "user",
        "add",
        "dave",
        "--role",
        "viewer",
        "--password-stdin",
    ];
    let (ok, out) = run(&add, "eleven char\n");
    assert!(!ok, "{out}");
    assert!(
        out.contains("the password must have at least 12 characters (this one has 11)"),
        "{out}"
    );
    assert!(store.user_get("dave").await.unwrap().is_none(), "not added");

    let (ok, out) = run(&add, "twelve chars\n");
    assert!(ok, "{out}");
    let before = store.user_get("dave").await.unwrap().unwrap().password_hash;
    let (ok, out) = run(
        &["user", "set-password", "dave", "--password-stdin"],
        "short\n",
    );
    assert!(!ok && out.contains("at least 12 characters"), "{out}");
    assert_eq!(
        store.user_get("dave").await.unwrap().unwrap().password_hash,
        before,
        "the password is unchanged"
    );
}

both_backends!(the_user_commands_refuse_short_passwords);
