//! Blue/green and linear deployments in the sandbox walking their
//! lifecycle stages on the simulation clock (moved by `skip`, never by
//! waiting), through aws-sdk-ecs.

use aws_sdk_ecs::Client;
use aws_sdk_ecs::types::{
    DeploymentConfiguration, DeploymentStrategy, LinearConfiguration, ServiceDeployment,
};
use ecsdeck::sandbox::server::lock;
use ecsdeck::sandbox::{SandboxConfig, SandboxHandle};

use crate::harness::*;
use crate::sandbox_ecs_service_deployments::{history, stage, status};

fn skip(sb: &SandboxHandle, ms: i64) {
    lock(&sb.world()).clock.skip(ms);
}

/// Moves the simulation clock `step_ms` at a time until `check` passes.
async fn skip_until(
    sb: &SandboxHandle,
    ecs: &Client,
    step_ms: i64,
    what: &str,
    check: impl Fn(&ServiceDeployment) -> bool,
) -> ServiceDeployment {
    for _ in 0..400 {
        let d = history(ecs, "app", "svc-00000").await.remove(0);
        if check(&d) {
            return d;
        }
        skip(sb, step_ms);
    }
    panic!("{what} never happened");
}

async fn deploy(ecs: &Client, config: DeploymentConfiguration) {
    ecs.update_service()
        .cluster("app")
        .service("svc-00000")
        .deployment_configuration(config)
        .force_new_deployment(true)
        .send()
        .await
        .unwrap();
}

async fn running(ecs: &Client) -> usize {
    ecs.list_tasks()
        .cluster("app")
        .service_name("svc-00000")
        .send()
        .await
        .unwrap()
        .task_arns()
        .len()
}

#[tokio::test]
async fn a_blue_green_deployment_keeps_blue_through_the_bake_time() {
    let sb = start_sandbox(SandboxConfig::one_cluster("app", 1, 2).with_speed(1.0)).await;
    let ecs = sdk(&sb).await.ecs;
    skip(&sb, 120_000);
    deploy(
        &ecs,
        DeploymentConfiguration::builder()
            .strategy(DeploymentStrategy::BlueGreen)
            .bake_time_in_minutes(10)
            .build(),
    )
    .await;
    let first = history(&ecs, "app", "svc-00000").await.remove(0);
    assert_eq!(status(&first), "IN_PROGRESS");
    assert_eq!(stage(&first), "RECONCILE_SERVICE");
    let baking = skip_until(&sb, &ecs, 2_000, "the bake time", |d| {
        stage(d) == "BAKE_TIME"
    })
    .await;
    // Blue (2 tasks) and green (2 tasks) both run while it bakes, and
    // production traffic is all on green.
    assert_eq!(running(&ecs).await, 4);
    let target = baking.target_service_revision().unwrap();
    assert_eq!(target.requested_production_traffic_weight(), Some(100.0));
    assert_eq!(status(&baking), "IN_PROGRESS");
    // Nine minutes on, it still bakes with both revisions up.
    skip(&sb, 9 * 60_000);
    let still = history(&ecs, "app", "svc-00000").await.remove(0);
    assert_eq!(stage(&still), "BAKE_TIME");
    assert_eq!(running(&ecs).await, 4);
    let done = skip_until(&sb, &ecs, 30_000, "the deployment to succeed", |d| {
        status(d) == "SUCCESSFUL"
    })
    .await;
    assert_eq!(stage(&done), "CLEAN_UP");
    let took = done.finished_at().unwrap().secs() - done.created_at().unwrap().secs();
    assert!(took >= 10 * 60, "finished {took} s after it began");
    assert_eq!(running(&ecs).await, 2, "blue is gone after CLEAN_UP");
    sb.shutdown().await;
}

#[tokio::test]
async fn a_linear_deployment_shifts_traffic_step_by_step() {
    let sb = start_sandbox(SandboxConfig::one_cluster("app", 1, 2).with_speed(1.0)).await;
    let ecs = sdk(&sb).await.ecs;
    skip(&sb, 120_000);
    deploy(
        &ecs,
        DeploymentConfiguration::builder()
            .strategy(DeploymentStrategy::Linear)
            .linear_configuration(
                LinearConfiguration::builder()
                    .step_percent(25.0)
                    .step_bake_time_in_minutes(1)
                    .build(),
            )
            .bake_time_in_minutes(0)
            .build(),
    )
    .await;
    let weight = |d: &ServiceDeployment| {
        d.target_service_revision()
            .and_then(|r| r.requested_production_traffic_weight())
    };
    let shifting = skip_until(&sb, &ecs, 2_000, "production traffic to shift", |d| {
        stage(d) == "PRODUCTION_TRAFFIC_SHIFT"
    })
    .await;
    assert_eq!(weight(&shifting), Some(25.0));
    assert_eq!(
        shifting.source_service_revisions()[0].requested_production_traffic_weight(),
        Some(75.0)
    );
    skip(&sb, 60_000);
    let next = history(&ecs, "app", "svc-00000").await.remove(0);
    assert_eq!(weight(&next), Some(50.0));
    let done = skip_until(&sb, &ecs, 20_000, "the deployment to succeed", |d| {
        status(d) == "SUCCESSFUL"
    })
    .await;
    assert_eq!(stage(&done), "CLEAN_UP");
    sb.shutdown().await;
}
