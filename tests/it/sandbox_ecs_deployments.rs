//! Deployments in the sandbox through aws-sdk-ecs: forced, failing with
//! the circuit breaker, stopped with ROLLBACK; and standalone RunTask.

use aws_sdk_ecs::types::{
    DeploymentCircuitBreaker, DeploymentConfiguration, DesiredStatus, StopServiceDeploymentStopType,
};

use crate::harness::*;
use crate::sandbox_ecs_lifecycle::*;

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
