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

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::config::{Cli, Command, SandboxArgs};

    fn sandbox(args: &[&str]) -> Result<SandboxArgs, clap::Error> {
        let argv = ["ecsdeck", "sandbox"].iter().chain(args).copied();
        match Cli::try_parse_from(argv)?.command {
            Command::Sandbox(s) => Ok(s),
            other => panic!("parsed {other:?}"),
        }
    }

    #[test]
    fn sandbox_region_defaults_to_us_east_1_and_refuses_non_region_names() {
        assert_eq!(
            sandbox(&[]).unwrap().to_config().region.as_str(),
            "us-east-1"
        );
        let eu = sandbox(&["--region", "eu-west-1"]).unwrap().to_config();
        assert_eq!(eu.region.as_str(), "eu-west-1");
        let err = sandbox(&["--region", "bad"]).unwrap_err().to_string();
        assert!(err.contains("invalid value 'bad' for '--region"), "{err}");
        assert!(
            err.contains("expected an AWS region name such as us-east-1"),
            "{err}"
        );
        let demo = Cli::try_parse_from(["ecsdeck", "demo", "--region", "eu-west-1"]);
        assert!(demo.is_err(), "the demo stays in us-east-1");
    }
}
