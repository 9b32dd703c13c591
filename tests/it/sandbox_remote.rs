//! The sandbox stays on loopback: binding elsewhere needs `--allow-remote`,
//! and a request naming another host (DNS rebinding from a web page) is
//! refused with 403 and changes nothing, while the SDK's calls (Host
//! `127.0.0.1:PORT`) work as ever.

use clap::Parser;
use ecsdeck::config::{Cli, Command};
use ecsdeck::sandbox::{Fleet, SandboxConfig};

use crate::harness::*;

fn sandbox_args(argv: &[&str]) -> ecsdeck::config::SandboxArgs {
    let cli = Cli::try_parse_from(argv).unwrap();
    match cli.command {
        Command::Sandbox(args) => args,
        other => panic!("not the sandbox command: {other:?}"),
    }
}

#[test]
fn a_non_loopback_bind_needs_allow_remote() {
    let refused = sandbox_args(&["ecsdeck", "sandbox", "--bind", "0.0.0.0:4510"])
        .validate()
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("0.0.0.0:4510") && refused.contains("--allow-remote"),
        "{refused}"
    );
    assert!(
        sandbox_args(&["ecsdeck", "sandbox", "--bind", "[::]:4510"])
            .validate()
            .is_err()
    );
    sandbox_args(&[
        "ecsdeck",
        "sandbox",
        "--bind",
        "0.0.0.0:4510",
        "--allow-remote",
    ])
    .validate()
    .unwrap();
    sandbox_args(&["ecsdeck", "sandbox", "--bind", "127.0.0.1:4510"])
        .validate()
        .unwrap();
    sandbox_args(&["ecsdeck", "sandbox"]).validate().unwrap();
}

async fn register_family_as(sb: &ecsdeck::sandbox::SandboxHandle, host: &str) -> (u16, String) {
    let resp = reqwest::Client::new()
        .post(sb.endpoint_url())
        .header("host", host)
        .header("content-type", "application/x-amz-json-1.1")
        .header(
            "x-amz-target",
            "AmazonEC2ContainerServiceV20141113.RegisterTaskDefinition",
        )
        .body(r#"{"family":"rebound","containerDefinitions":[{"name":"x","image":"evil/x"}]}"#)
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

async fn families(aws: &Sdk) -> Vec<String> {
    aws.ecs
        .list_task_definition_families()
        .send()
        .await
        .unwrap()
        .families()
        .to_vec()
}

#[tokio::test]
async fn a_request_naming_another_host_is_refused_and_changes_nothing() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 1.0)).await;
    let aws = sdk(&sb).await;

    let (status, body) = register_family_as(&sb, "evil.example").await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body.contains("loopback") && body.contains("--allow-remote"),
        "{body}"
    );
    let stats = sandbox_stats(&sb).await;
    assert_eq!(total_calls(&stats), 0, "{stats}");
    for path in ["/_sandbox/stats", "/_sandbox/control"] {
        let status = reqwest::Client::new()
            .get(format!("{}{path}", sb.endpoint_url()))
            .header("host", "evil.example:4510")
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 403, "{path}");
    }
    assert!(!families(&aws).await.contains(&"rebound".to_string()));

    // Loopback names pass; the SDK's own calls (Host 127.0.0.1:PORT) work.
    let port = sb.addr.port();
    let (status, body) = register_family_as(&sb, &format!("localhost:{port}")).await;
    assert_eq!(status, 200, "{body}");
    assert!(families(&aws).await.contains(&"rebound".to_string()));
}

#[tokio::test]
async fn allow_remote_answers_any_host() {
    let sb = start_sandbox(SandboxConfig {
        allow_remote: true,
        ..SandboxConfig::for_tests(Fleet::Empty, 1.0)
    })
    .await;
    let (status, body) = register_family_as(&sb, "sandbox.internal.example").await;
    assert_eq!(status, 200, "{body}");
}
