//! `ecsdeck demo`: the seeded sandbox plus the dashboard against it.

use std::process::ExitCode;

use crate::aws::AwsClients;
use crate::config::DemoArgs;
use crate::sandbox;
use crate::state::{AppState, Environment};

/// The demo's users, one per role.
const DEMO_USERS: [(&str, &str); 3] = [
    ("admin", "admin"),
    ("operator", "operator"),
    ("viewer", "viewer"),
];
const DEMO_PASSWORD: &str = "demo";

/// Adds the demo's users (password `demo`) to `store`, or refuses a store
/// that holds anyone else: the demo's well-known passwords must never land
/// next to real users (`--data-dir` or `ECSDECK_DATABASE_URL` pointing at a
/// real deployment's store). Refusing changes nothing.
pub async fn seed_demo_users(store: &crate::store::Store) -> anyhow::Result<()> {
    let others: Vec<String> = store
        .user_list()
        .await?
        .into_iter()
        .map(|u| u.name)
        .filter(|name| !DEMO_USERS.iter().any(|(demo, _)| demo == name))
        .collect();
    if !others.is_empty() {
        anyhow::bail!(
            "the demo refuses this state store: it holds other users ({}), and the demo would add \
             admin, operator and viewer with the password {DEMO_PASSWORD:?} next to them. Run the \
             demo without --data-dir and ECSDECK_DATABASE_URL (it uses a fresh temporary store), \
             or point them at an empty store",
            others.join(", ")
        );
    }
    for (name, role) in DEMO_USERS {
        let hash = crate::auth::password::hash_password_async(DEMO_PASSWORD.to_string()).await?;
        store.user_upsert(name, role, &hash).await?;
    }
    Ok(())
}

pub async fn run(args: DemoArgs) -> anyhow::Result<ExitCode> {
    // The sandbox has no authentication: off loopback only when asked.
    crate::sandbox::host::check_bind(args.sandbox_bind, args.sandbox.allow_remote)
        .map_err(anyhow::Error::msg)?;
    // The store first: a configured one holding real users is refused
    // before anything starts.
    let mut web = args.web.clone();
    let temp_dir = match &web.store.data_dir {
        Some(_) => None,
        None => {
            let dir = std::env::temp_dir().join(format!("ecsdeck-demo-{}", std::process::id()));
            web.store.data_dir = Some(dir.clone());
            Some(dir)
        }
    };
    let settings = args.web.settings()?;
    let mut config = web.auth.to_config()?;
    config.secure_cookies = false; // the demo serves plain HTTP
    let auth = super::serve::open_auth(&web, config).await?;
    seed_demo_users(&auth.store).await?;
    let sb = sandbox::start(args.sandbox.to_config(), args.sandbox_bind).await?;
    let endpoint = sb.endpoint_url();
    let budget = args.web.budget();
    let sdk = crate::aws::config::sandbox_sdk_config(&endpoint, budget.clone()).await;
    let env = Environment::new(
        "sandbox".to_string(),
        crate::aws::config::SANDBOX_REGION.to_string(),
        AwsClients::new(&sdk, budget),
    )
    .with_tail_limits(args.web.tail.limits());
    let state = AppState::new(settings, vec![env], auth);
    state.start_refreshers();
    let listener = super::serve::bind(args.web.bind).await?;
    let url = format!("http://{}/", listener.local_addr()?);
    println!("ecsdeck demo is running");
    println!("  dashboard:        {url}");
    println!(
        "  sandbox endpoint: {endpoint}  (aws --endpoint-url {endpoint} --region us-east-1 ecs list-clusters)"
    );
    println!("  sign in as:       admin, operator or viewer, password {DEMO_PASSWORD}");
    println!("Press Ctrl-C to stop.");
    super::listen(listener, state).await?;
    sb.shutdown().await;
    if let Some(dir) = temp_dir {
        let _ = std::fs::remove_dir_all(dir);
    }
    Ok(ExitCode::SUCCESS)
}
