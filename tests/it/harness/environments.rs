//! Several environments from an environments file's text, built the way
//! `ecsdeck serve --config FILE` builds them (`config::environments::parse`,
//! `commands::environments::build` and `protect`), with the sandbox's fixed
//! credentials; and an endpoint that accepts connections and never answers.

use ecsdeck::commands::environments::{EnvOptions, build, protect};
use ecsdeck::config::environments::parse;
use ecsdeck::fleet::logs::TailLimits;
use ecsdeck::state::AppState;
use tokio::net::TcpListener;

use super::{Backend, add_test_users, test_auth_config, test_settings, test_store};

/// `[[environments]]` text for `name` in `region` at `endpoint`, with
/// `extra` lines (`role_arn = "…"`, `protected = true`) appended.
pub fn env_toml(name: &str, region: &str, endpoint: &str, extra: &[&str]) -> String {
    let mut s = format!(
        "[[environments]]\nname = \"{name}\"\nregion = \"{region}\"\nendpoint_url = \"{endpoint}\"\n"
    );
    for line in extra {
        s.push_str(line);
        s.push('\n');
    }
    s
}

/// App state with the environments `toml` lists, a fresh SQLite store and
/// the test users.
pub async fn app_state_from_config(toml: &str) -> AppState {
    let specs = parse(toml).expect("a valid environments file");
    let opts = EnvOptions {
        budget_fraction: 0.5,
        tail: TailLimits::default(),
        fixed_credentials: true,
    };
    let envs = build(&specs, &opts).await;
    let mut settings = test_settings();
    protect(&mut settings, &specs);
    let store = test_store(Backend::Sqlite).await.unwrap();
    add_test_users(&store).await;
    let auth = ecsdeck::auth::AuthState::new(store, test_auth_config()).unwrap();
    AppState::new(settings, envs, auth)
}

/// An endpoint that accepts every connection and never answers (a region
/// that black-holes traffic); it stops when the returned task is dropped
/// or aborted.
pub async fn blackhole() -> (String, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    (url, task)
}

/// A loopback URL where nothing listens (a stopped sandbox).
pub async fn dead_endpoint() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}
