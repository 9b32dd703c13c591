//! `ecsdeck sandbox`: the simulator alone.

use std::process::ExitCode;

use crate::config::SandboxArgs;
use crate::sandbox;

pub async fn run(args: SandboxArgs) -> anyhow::Result<ExitCode> {
    args.validate()?;
    let sb = sandbox::start(args.to_config(), args.bind).await?;
    let endpoint = sb.endpoint_url();
    println!(
        "ecsdeck sandbox is serving ECS, ECR and CloudWatch Logs in {} at {endpoint}",
        args.region
    );
    println!(
        "  try: aws --endpoint-url {endpoint} --region {} ecs list-clusters",
        args.region
    );
    println!("  call counts: {endpoint}/_sandbox/stats");
    super::shutdown_signal().await;
    sb.shutdown().await;
    Ok(ExitCode::SUCCESS)
}
