//! The simulation through aws-sdk-ecs on a sped-up clock: scaling, task
//! replacement, rolling and failing deployments, rollbacks, RunTask.

use std::time::Duration;

use aws_sdk_ecs::Client;
use aws_sdk_ecs::types::{
    ContainerDefinition, DeploymentCircuitBreaker, DeploymentConfiguration, DesiredStatus, Service,
    StopServiceDeploymentStopType, Task,
};
use ecsdeck::sandbox::SandboxConfig;

use crate::support::*;

const C: &str = "app";
const S: &str = "svc-00000";
const WAIT: Duration = Duration::from_secs(15);

async fn fast_sandbox(desired: i32) -> (ecsdeck::sandbox::SandboxHandle, Client) {
    let sb = start_sandbox(SandboxConfig::one_cluster(C, 1, desired).with_speed(100.0)).await;
    let ecs = sdk(&sb).await.ecs;
    (sb, ecs)
}

async fn svc(ecs: &Client) -> Service {
    let out = ecs
        .describe_services()
        .cluster(C)
        .services(S)
        .send()
        .await
        .unwrap();
    out.services.unwrap().remove(0)
}

async fn tasks(ecs: &Client, status: DesiredStatus) -> Vec<Task> {
    let arns = ecs
        .list_tasks()
        .cluster(C)
        .service_name(S)
        .desired_status(status)
        .send()
        .await
        .unwrap()
        .task_arns
        .unwrap_or_default();
    if arns.is_empty() {
        return Vec::new();
    }
    let out = ecs
        .describe_tasks()
        .cluster(C)
        .set_tasks(Some(arns))
        .send()
        .await
        .unwrap();
    out.tasks.unwrap_or_default()
}

fn messages(s: &Service) -> Vec<String> {
    s.events()
        .iter()
        .filter_map(|e| e.message().map(str::to_string))
        .collect()
}

/// Waits until the service is steady: one COMPLETED deployment running
/// `desired` tasks.
async fn steady(ecs: &Client, desired: i32) -> Service {
    poll_until("a steady service", WAIT, || async {
        let s = svc(ecs).await;
        let d = s.deployments();
        let done = d.len() == 1
            && d[0].rollout_state().map(|r| r.as_str()) == Some("COMPLETED")
            && s.running_count() == desired
            && s.pending_count() == 0;
        done.then_some(s)
    })
    .await
}

/// Registers a revision of the service's family with `image`.
async fn register(ecs: &Client, image: &str) -> String {
    let out = ecs
        .register_task_definition()
        .family("bench-app")
        .network_mode(aws_sdk_ecs::types::NetworkMode::Awsvpc)
        .requires_compatibilities(aws_sdk_ecs::types::Compatibility::Fargate)
        .cpu("256")
        .memory("512")
        .container_definitions(
            ContainerDefinition::builder()
                .name("app")
                .image(image)
                .essential(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    out.task_definition.unwrap().task_definition_arn.unwrap()
}

#[tokio::test]
async fn scaling_up_starts_tasks_that_reach_running_and_scaling_in_stops_them() {
    let (sb, ecs) = fast_sandbox(1).await;
    steady(&ecs, 1).await;
    ecs.update_service()
        .cluster(C)
        .service(S)
        .desired_count(3)
        .send()
        .await
        .unwrap();
    let s = svc(&ecs).await;
    assert_eq!(s.desired_count(), 3);
    let s = steady(&ecs, 3).await;
    let msgs = messages(&s);
    assert!(msgs[0].contains("has reached a steady state."), "{msgs:?}");
    assert!(
        msgs.iter()
            .any(|m| m.starts_with(&format!("(service {S}) has started 2 tasks: (task ")))
    );
    let running = tasks(&ecs, DesiredStatus::Running).await;
    assert_eq!(running.len(), 3);
    assert_eq!(sb.service_counts(C, S), Some((3, 3, 0)));
    assert_eq!(sb.service_counts(C, "ghost"), None);
    assert!(
        running
            .iter()
            .all(|t| t.last_status() == Some("RUNNING") && t.started_at().is_some())
    );

    ecs.update_service()
        .cluster(C)
        .service(S)
        .desired_count(1)
        .send()
        .await
        .unwrap();
    steady(&ecs, 1).await;
    let stopped = poll_until("two STOPPED tasks", WAIT, || async {
        let t = tasks(&ecs, DesiredStatus::Stopped).await;
        (t.len() == 2 && t.iter().all(|t| t.last_status() == Some("STOPPED"))).then_some(t)
    })
    .await;
    for t in &stopped {
        assert_eq!(
            t.stop_code().map(|c| c.as_str()),
            Some("ServiceSchedulerInitiated")
        );
        assert!(
            t.stopped_reason()
                .unwrap()
                .starts_with("Scaling activity initiated by (deployment ecs-svc/")
        );
        assert!(t.stopped_at().is_some() && t.stopping_at().is_some());
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn a_stopped_task_is_replaced_by_the_service() {
    let (sb, ecs) = fast_sandbox(2).await;
    steady(&ecs, 2).await;
    let victim = tasks(&ecs, DesiredStatus::Running).await.remove(0);
    let arn = victim.task_arn().unwrap().to_string();
    let out = ecs
        .stop_task()
        .cluster(C)
        .task(&arn)
        .reason("Stopped from ecsdeck by alice")
        .send()
        .await
        .unwrap();
    let t = out.task.unwrap();
    assert_eq!(t.desired_status(), Some("STOPPED"));
    assert_eq!(t.stop_code().map(|c| c.as_str()), Some("UserInitiated"));
    assert_eq!(t.stopped_reason(), Some("Stopped from ecsdeck by alice"));
    poll_until(
        "the victim STOPPED and a replacement RUNNING",
        WAIT,
        || async {
            let stopped = tasks(&ecs, DesiredStatus::Stopped).await;
            let running = tasks(&ecs, DesiredStatus::Running).await;
            let gone = stopped
                .iter()
                .any(|t| t.task_arn() == Some(arn.as_str()) && t.last_status() == Some("STOPPED"));
            let replaced = running.len() == 2
                && running.iter().all(|t| {
                    t.last_status() == Some("RUNNING") && t.task_arn() != Some(arn.as_str())
                });
            (gone && replaced).then_some(())
        },
    )
    .await;
    let msgs = messages(&svc(&ecs).await);
    assert!(
        msgs.iter().any(|m| m.contains("has started 1 tasks")),
        "{msgs:?}"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn a_forced_deployment_rolls_and_completes() {
    let (sb, ecs) = fast_sandbox(2).await;
    let before = steady(&ecs, 2).await.deployments()[0]
        .id()
        .unwrap()
        .to_string();
    let out = ecs
        .update_service()
        .cluster(C)
        .service(S)
        .force_new_deployment(true)
        .send()
        .await
        .unwrap();
    let d = out.service.unwrap().deployments.unwrap();
    assert_eq!(d.len(), 2);
    assert_eq!(d[0].status(), Some("PRIMARY"));
    assert_eq!(
        d[0].rollout_state().map(|r| r.as_str()),
        Some("IN_PROGRESS")
    );
    assert_eq!(d[1].status(), Some("ACTIVE"));
    let s = steady(&ecs, 2).await;
    let now = s.deployments()[0].id().unwrap();
    assert_ne!(now, before);
    let msgs = messages(&s);
    assert!(
        msgs.iter()
            .any(|m| m == &format!("(service {S}) (deployment {now}) deployment completed.")),
        "{msgs:?}"
    );
    let sds = ecs
        .list_service_deployments()
        .cluster(C)
        .service(S)
        .send()
        .await
        .unwrap();
    let newest = &sds.service_deployments()[0];
    assert_eq!(newest.status().map(|s| s.as_str()), Some("SUCCESSFUL"));
    let full = ecs
        .describe_service_deployments()
        .service_deployment_arns(newest.service_deployment_arn().unwrap())
        .send()
        .await
        .unwrap();
    let sd = &full.service_deployments()[0];
    assert_eq!(
        sd.target_service_revision().unwrap().running_task_count(),
        2
    );
    assert_eq!(sd.source_service_revisions().len(), 1);
    sb.shutdown().await;
}

#[tokio::test]
async fn a_bad_image_deployment_fails_and_rolls_back() {
    let (sb, ecs) = fast_sandbox(1).await;
    let good = steady(&ecs, 1).await.task_definition().unwrap().to_string();
    let bad = register(
        &ecs,
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/bench-app:does-not-exist",
    )
    .await;
    ecs.update_service()
        .cluster(C)
        .service(S)
        .task_definition(&bad)
        .send()
        .await
        .unwrap();
    let s = poll_until("the circuit breaker to roll back", WAIT, || async {
        let s = svc(&ecs).await;
        let failed = messages(&s)
            .iter()
            .any(|m| m.contains("deployment failed: tasks failed to start."));
        (failed && s.deployments().len() == 1 && s.task_definition() == Some(good.as_str()))
            .then_some(s)
    })
    .await;
    assert_eq!(
        s.deployments()[0].rollout_state().map(|r| r.as_str()),
        Some("COMPLETED")
    );
    let failed = tasks(&ecs, DesiredStatus::Stopped).await;
    let t = failed
        .iter()
        .find(|t| t.task_definition_arn() == Some(bad.as_str()))
        .unwrap();
    assert_eq!(t.stop_code().map(|c| c.as_str()), Some("TaskFailedToStart"));
    assert!(
        t.stopped_reason()
            .unwrap()
            .starts_with("CannotPullContainerError:")
    );
    let sds = ecs
        .list_service_deployments()
        .cluster(C)
        .service(S)
        .send()
        .await
        .unwrap();
    let statuses: Vec<&str> = sds
        .service_deployments()
        .iter()
        .filter_map(|d| d.status().map(|s| s.as_str()))
        .collect();
    assert_eq!(statuses[0], "ROLLBACK_SUCCESSFUL", "{statuses:?}");
    sb.shutdown().await;
}

#[tokio::test]
async fn stop_service_deployment_rolls_back_a_stuck_deployment() {
    let (sb, ecs) = fast_sandbox(1).await;
    let good = steady(&ecs, 1).await.task_definition().unwrap().to_string();
    let bad = register(
        &ecs,
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/bench-app:nope",
    )
    .await;
    let no_breaker = DeploymentConfiguration::builder()
        .deployment_circuit_breaker(
            DeploymentCircuitBreaker::builder()
                .enable(false)
                .rollback(false)
                .build(),
        )
        .maximum_percent(200)
        .minimum_healthy_percent(100)
        .build();
    ecs.update_service()
        .cluster(C)
        .service(S)
        .task_definition(&bad)
        .deployment_configuration(no_breaker)
        .send()
        .await
        .unwrap();
    let sd_arn = poll_until(
        "a stuck IN_PROGRESS deployment with failures",
        WAIT,
        || async {
            let s = svc(&ecs).await;
            let p = &s.deployments()[0];
            if p.failed_tasks() < 2 {
                return None;
            }
            let sds = ecs
                .list_service_deployments()
                .cluster(C)
                .service(S)
                .send()
                .await
                .unwrap();
            let d = &sds.service_deployments()[0];
            (d.status().map(|s| s.as_str()) == Some("IN_PROGRESS"))
                .then(|| d.service_deployment_arn().unwrap().to_string())
        },
    )
    .await;
    assert_eq!(
        svc(&ecs).await.running_count(),
        1,
        "the old task keeps serving"
    );
    ecs.stop_service_deployment()
        .service_deployment_arn(&sd_arn)
        .stop_type(StopServiceDeploymentStopType::Rollback)
        .send()
        .await
        .unwrap();
    let s = steady(&ecs, 1).await;
    assert_eq!(s.task_definition(), Some(good.as_str()));
    let out = ecs
        .describe_service_deployments()
        .service_deployment_arns(&sd_arn)
        .send()
        .await
        .unwrap();
    let status = out.service_deployments()[0]
        .status()
        .map(|s| s.as_str().to_string());
    assert_eq!(status.as_deref(), Some("ROLLBACK_SUCCESSFUL"));
    let again = ecs
        .stop_service_deployment()
        .service_deployment_arn(&sd_arn)
        .stop_type(StopServiceDeploymentStopType::Rollback)
        .send()
        .await;
    assert!(again.is_err(), "a finished deployment cannot be stopped");
    sb.shutdown().await;
}

#[tokio::test]
async fn run_task_starts_a_standalone_task() {
    let (sb, ecs) = fast_sandbox(1).await;
    let out = ecs
        .run_task()
        .cluster(C)
        .task_definition("bench-app")
        .count(2)
        .started_by("ecsdeck-test")
        .send()
        .await
        .unwrap();
    assert_eq!(out.tasks().len(), 2);
    assert_eq!(out.tasks()[0].last_status(), Some("PROVISIONING"));
    poll_until("both standalone tasks RUNNING", WAIT, || async {
        let arns = ecs
            .list_tasks()
            .cluster(C)
            .started_by("ecsdeck-test")
            .send()
            .await
            .unwrap();
        let arns = arns.task_arns.unwrap_or_default();
        let out = ecs
            .describe_tasks()
            .cluster(C)
            .set_tasks(Some(arns))
            .send()
            .await
            .unwrap();
        let t = out.tasks();
        (t.len() == 2 && t.iter().all(|t| t.last_status() == Some("RUNNING"))).then_some(())
    })
    .await;
    sb.shutdown().await;
}
