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

pub async fn run(args: DemoArgs) -> anyhow::Result<ExitCode> {
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
    let mut web = args.web.clone();
    let temp_dir = match &web.store.data_dir {
        Some(_) => None,
        None => {
            let dir = std::env::temp_dir().join(format!("ecsdeck-demo-{}", std::process::id()));
            web.store.data_dir = Some(dir.clone());
            Some(dir)
        }
    };
    let mut config = web.auth.to_config()?;
    config.secure_cookies = false; // the demo serves plain HTTP
    let auth = super::serve::open_auth(&web, config).await?;
    for (name, role) in DEMO_USERS {
        let hash = crate::auth::password::hash_password_async(DEMO_PASSWORD.to_string()).await?;
        auth.store.user_upsert(name, role, &hash).await?;
    }
    let state = AppState::new(args.web.actions.settings(), vec![env], auth);
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
    super::listen(listener, crate::app(state)).await?;
    sb.shutdown().await;
    if let Some(dir) = temp_dir {
        let _ = std::fs::remove_dir_all(dir);
    }
    Ok(ExitCode::SUCCESS)
}
