//! `ecsdeck demo`: the seeded sandbox plus the dashboard against it.

use std::process::ExitCode;

use crate::aws::AwsClients;
use crate::config::DemoArgs;
use crate::sandbox;
use crate::state::{AppState, Environment, Settings};

pub async fn run(args: DemoArgs) -> anyhow::Result<ExitCode> {
    let sb = sandbox::start(args.sandbox.to_config(), args.sandbox_bind).await?;
    let endpoint = sb.endpoint_url();
    let sdk = crate::aws::config::sandbox_sdk_config(&endpoint).await;
    let env = Environment::new(
        "sandbox".to_string(),
        crate::aws::config::SANDBOX_REGION.to_string(),
        AwsClients::new(&sdk),
    );
    let state = AppState::new(Settings::default(), vec![env]);
    let listener = super::serve::bind(args.web.bind).await?;
    let url = format!("http://{}/", listener.local_addr()?);
    println!("ecsdeck demo is running");
    println!("  dashboard:        {url}");
    println!(
        "  sandbox endpoint: {endpoint}  (aws --endpoint-url {endpoint} --region us-east-1 ecs list-clusters)"
    );
    println!("  sign-in:          not built yet: the dashboard is open to anyone who can reach it");
    println!("Press Ctrl-C to stop.");
    super::listen(listener, crate::app(state)).await?;
    sb.shutdown().await;
    Ok(ExitCode::SUCCESS)
}
