//! The state store on both backends: users, the audit trail, sessions;
//! and the `ecsdeck user …` commands against it.

use std::io::Write;
use std::process::{Command, Stdio};

use ecsdeck::store::{AuditFilter, AuditRecord, AuditResult, AuditStatus, StoreError};
use serde_json::json;
use tower_sessions::SessionStore;
use tower_sessions::session::{Id, Record};

use crate::both_backends;
use crate::harness::*;

async fn users_are_added_changed_and_removed(backend: Backend) {
    let Some(store) = test_store(backend).await else {
        return;
    };
    store.user_add("alice", "viewer", "h1").await.unwrap();
    assert!(matches!(
        store.user_add("alice", "admin", "h2").await,
        Err(StoreError::Duplicate(_))
    ));
    store.user_set_role("alice", "operator").await.unwrap();
    store.user_set_password("alice", "h3").await.unwrap();
    let alice = store.user_get("alice").await.unwrap().unwrap();
    assert_eq!(
        (alice.role.as_str(), alice.password_hash.as_str()),
        ("operator", "h3")
    );
    store.user_upsert("bob", "admin", "h4").await.unwrap();
    let names: Vec<_> = store
        .user_list()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(names, ["alice", "bob"]);
    store.user_remove("alice").await.unwrap();
    assert!(matches!(
        store.user_remove("alice").await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.user_set_role("alice", "admin").await,
        Err(StoreError::NotFound(_))
    ));
    assert!(store.user_get("alice").await.unwrap().is_none());
}

async fn the_audit_trail_records_begin_finish_and_one_time_ids(backend: Backend) {
    let Some(store) = test_store(backend).await else {
        return;
    };
    let rec = |target: &str, action_id: &str| AuditRecord {
        user: "olga".into(),
        role: "operator".into(),
        client_addr: "127.0.0.1".into(),
        env: "sandbox".into(),
        cluster: "production".into(),
        target: target.into(),
        action: "scale".into(),
        params: json!({"desired_count": 4}),
        before: Some("desired 2".into()),
        request_id: Some("req-1".into()),
        action_id: Some(action_id.into()),
    };
    let first = store.audit_begin(&rec("web", "a1")).await.unwrap();
    assert!(
        matches!(
            store.audit_begin(&rec("web", "a1")).await,
            Err(StoreError::Duplicate(_))
        ),
        "a replayed action id"
    );
    let second = store.audit_begin(&rec("api", "a2")).await.unwrap();
    store
        .audit_finish(first, &AuditResult::ok("desired 4"))
        .await
        .unwrap();
    let mut failed = AuditResult::error("ThrottlingException", "Rate exceeded");
    failed.request_id = Some("aws-req-9".into());
    store.audit_finish(second, &failed).await.unwrap();
    store
        .audit_denied(
            &AuditRecord {
                action_id: None,
                ..rec("web", "")
            },
            "role",
            "Your role (viewer) may not do this",
        )
        .await
        .unwrap();

    let all = store.audit_list(&AuditFilter::default(), 10).await.unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].status, AuditStatus::Denied, "newest first");
    let web = store
        .audit_list(
            &AuditFilter {
                target: Some("web".into()),
                status: Some(AuditStatus::Ok),
                ..Default::default()
            },
            10,
        )
        .await
        .unwrap();
    assert_eq!(web.len(), 1);
    let e = &web[0];
    assert_eq!(
        (e.before.as_deref(), e.after.as_deref()),
        (Some("desired 2"), Some("desired 4"))
    );
    assert_eq!(e.params, json!({"desired_count": 4}));
    assert!(e.finished_ms.is_some() && e.at_ms <= e.finished_ms.unwrap());
    let api = store
        .audit_list(
            &AuditFilter {
                target: Some("api".into()),
                ..Default::default()
            },
            10,
        )
        .await
        .unwrap();
    assert_eq!(api[0].status, AuditStatus::Error);
    assert_eq!(api[0].error_code.as_deref(), Some("ThrottlingException"));
    assert_eq!(api[0].request_id.as_deref(), Some("aws-req-9"));
    let by_user = store
        .audit_list(
            &AuditFilter {
                user: Some("nobody".into()),
                ..Default::default()
            },
            10,
        )
        .await
        .unwrap();
    assert!(by_user.is_empty());
}

async fn sessions_round_trip_and_expire(backend: Backend) {
    let Some(store) = test_store(backend).await else {
        return;
    };
    let mut live = Record {
        id: Id::default(),
        data: [("auth".to_string(), json!({"name": "alice"}))]
            .into_iter()
            .collect(),
        expiry_date: time::OffsetDateTime::now_utc() + time::Duration::hours(1),
    };
    store.create(&mut live).await.unwrap();
    let loaded = store.load(&live.id).await.unwrap().unwrap();
    assert_eq!(loaded.data, live.data);
    let mut dead = Record {
        id: Id::default(),
        data: Default::default(),
        expiry_date: time::OffsetDateTime::now_utc() - time::Duration::seconds(1),
    };
    store.create(&mut dead).await.unwrap();
    assert!(
        store.load(&dead.id).await.unwrap().is_none(),
        "expired sessions are not loaded"
    );
    store.sessions_end_for_user("alice").await.unwrap();
    assert!(
        store.load(&live.id).await.unwrap().is_none(),
        "alice's sessions ended"
    );
}

async fn a_deleted_session_is_not_saved_back(backend: Backend) {
    let Some(store) = test_store(backend).await else {
        return;
    };
    let mut record = Record {
        id: Id::default(),
        data: [("auth".to_string(), json!({"name": "alice"}))]
            .into_iter()
            .collect(),
        expiry_date: time::OffsetDateTime::now_utc() + time::Duration::hours(1),
    };
    store.create(&mut record).await.unwrap();
    // A request loaded the session; meanwhile `user set-password` (or
    // sign-out, or `user remove`) ends it; then the request saves what it
    // loaded, as tower-sessions does at the end of every request.
    let in_flight = store.load(&record.id).await.unwrap().unwrap();
    store.sessions_end_for_user("alice").await.unwrap();
    store.save(&in_flight).await.unwrap();
    assert!(
        store.load(&record.id).await.unwrap().is_none(),
        "the ended session stays ended"
    );
    assert_eq!(store.sessions_count().await.unwrap(), 0);
    // Deleted by id (sign-out) likewise.
    let mut other = Record {
        id: Id::default(),
        ..in_flight.clone()
    };
    store.create(&mut other).await.unwrap();
    store.delete(&other.id).await.unwrap();
    store.save(&other).await.unwrap();
    assert!(store.load(&other.id).await.unwrap().is_none());
    // A session that still exists is updated by save.
    let mut live = Record {
        id: Id::default(),
        ..in_flight
    };
    store.create(&mut live).await.unwrap();
    live.data.insert("csrf".to_string(), json!("changed"));
    store.save(&live).await.unwrap();
    let loaded = store.load(&live.id).await.unwrap().unwrap();
    assert_eq!(loaded.data["csrf"], json!("changed"));
}

pub fn ecsdeck(args: &[&str], stdin: Option<&str>) -> (bool, String) {
    // ECSDECK_TEST_BIN: a copy of the binary, where several worktrees share
    // one target directory and may overwrite it.
    let bin = std::env::var("ECSDECK_TEST_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_ecsdeck").to_string());
    let mut child = Command::new(bin)
        .args(args)
        .env_remove("ECSDECK_DATABASE_URL")
        .env_remove("ECSDECK_DATA_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

async fn the_user_commands_manage_the_same_store(backend: Backend) {
    let Some(store) = test_store(backend).await else {
        return;
    };
    // Point the command at the same database the test opened.
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("cli-{}", uuid::Uuid::new_v4()));
    let location: Vec<String> = match backend {
        Backend::Sqlite => vec!["--data-dir".into(), dir.display().to_string()],
        Backend::Postgres => vec!["--database-url".into(), store_url(&store).await],
    };
    let loc: Vec<&str> = location.iter().map(String::as_str).collect();
    let run = |args: &[&str], stdin: Option<&str>| {
        let mut all = args.to_vec();
        all.extend_from_slice(&loc);
        ecsdeck(&all, stdin)
    };
    let (ok, out) = run(
        &[
            "user",
            "add",
            "carol",
            "--role",
            "operator",
            "--password-stdin",
        ],
        Some("s3cret pass phrase\n"),
    );
    assert!(ok, "{out}");
    let (ok, out) = run(
        &[
            "user",
            "add",
            "carol",
            "--role",
            "admin",
            "--password-stdin",
        ],
        Some("another pass phrase\n"),
    );
    assert!(!ok && out.contains("exists"), "{out}");
    let (ok, out) = run(&["user", "list"], None);
    assert!(
        ok && out.contains("carol") && out.contains("operator"),
        "{out}"
    );
    let (ok, out) = run(&["user", "set-role", "carol", "admin"], None);
    assert!(ok, "{out}");
    let (ok, out) = run(
        &["user", "set-password", "carol", "--password-stdin"],
        Some("new pass phrase\r\n"),
    );
    assert!(ok, "{out}");
    let opened = match backend {
        Backend::Sqlite => ecsdeck::store::Store::open_configured(None, &dir)
            .await
            .unwrap(),
        Backend::Postgres => store.clone(),
    };
    let carol = opened.user_get("carol").await.unwrap().unwrap();
    assert_eq!(carol.role, "admin");
    assert!(carol.password_hash.starts_with("$argon2id$"));
    assert!(
        ecsdeck::auth::password::verify_password("new pass phrase", &carol.password_hash),
        "newline stripped"
    );
    let (ok, out) = run(
        &[
            "user",
            "add",
            "bad name!",
            "--role",
            "viewer",
            "--password-stdin",
        ],
        Some("long enough pw12\n"),
    );
    assert!(!ok && out.contains("invalid user name"), "{out}");
    let (ok, out) = run(&["user", "remove", "carol"], None);
    assert!(ok, "{out}");
    let (ok, out) = run(&["user", "remove", "carol"], None);
    assert!(!ok && out.contains("no user named carol"), "{out}");
}

/// The URL of the PostgreSQL database `store` uses (its current_database()).
async fn store_url(store: &ecsdeck::store::Store) -> String {
    let base = std::env::var("ECSDECK_TEST_DATABASE_URL").unwrap();
    let name = store.current_database().await.unwrap();
    let mut url = url::Url::parse(&base).unwrap();
    url.set_path(&format!("/{name}"));
    url.to_string()
}

both_backends!(
    users_are_added_changed_and_removed,
    the_audit_trail_records_begin_finish_and_one_time_ids,
    sessions_round_trip_and_expire,
    a_deleted_session_is_not_saved_back,
    the_user_commands_manage_the_same_store,
);
