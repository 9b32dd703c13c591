//! The simulation through aws-sdk-ecs on a sped-up clock: scaling, task
//! replacement, rolling and failing deployments, rollbacks, RunTask.

use std::time::Duration;

use aws_sdk_ecs::Client;
use aws_sdk_ecs::types::{ContainerDefinition, DesiredStatus, Service, Task};
use ecsdeck::sandbox::SandboxConfig;

use crate::harness::*;

pub const C: &str = "app";
pub const S: &str = "svc-00000";
pub const WAIT: Duration = Duration::from_secs(15);

pub async fn fast_sandbox(desired: i32) -> (ecsdeck::sandbox::SandboxHandle, Client) {
    let sb = start_sandbox(SandboxConfig::one_cluster(C, 1, desired).with_speed(100.0)).await;
    let ecs = sdk(&sb).await.ecs;
    (sb, ecs)
}

pub async fn svc(ecs: &Client) -> Service {
    let out = ecs
        .describe_services()
        .cluster(C)
        .services(S)
        .send()
        .await
        .unwrap();
    out.services.unwrap().remove(0)
}

pub async fn tasks(ecs: &Client, status: DesiredStatus) -> Vec<Task> {
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

pub fn messages(s: &Service) -> Vec<String> {
    s.events()
        .iter()
        .filter_map(|e| e.message().map(str::to_string))
        .collect()
}

/// Waits until the service is steady: one COMPLETED deployment running
/// `desired` tasks.
pub async fn steady(ecs: &Client, desired: i32) -> Service {
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
pub async fn register(ecs: &Client, image: &str) -> String {
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
