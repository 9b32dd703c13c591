//! The seeded fleet as the real aws-sdk-ecs client reads it: clusters with
//! statistics and tags, services with deployments and events, the broken
//! scenarios with ECS's stop codes and reasons, task definitions, capacity.

use aws_sdk_ecs::types::{
    ClusterField, DesiredStatus, ServiceField, TaskDefinitionField, TaskField,
};

use crate::harness::*;

async fn stopped_tasks(
    ecs: &aws_sdk_ecs::Client,
    cluster: &str,
    service: &str,
) -> Vec<aws_sdk_ecs::types::Task> {
    let arns = ecs
        .list_tasks()
        .cluster(cluster)
        .service_name(service)
        .desired_status(DesiredStatus::Stopped)
        .send()
        .await
        .unwrap()
        .task_arns
        .unwrap_or_default();
    assert!(!arns.is_empty(), "{cluster}/{service} has stopped tasks");
    ecs.describe_tasks()
        .cluster(cluster)
        .set_tasks(Some(arns.into_iter().take(100).collect()))
        .send()
        .await
        .unwrap()
        .tasks
        .unwrap_or_default()
}

/// A service as DescribeServices answers it, with its tags.
pub(crate) async fn service(
    ecs: &aws_sdk_ecs::Client,
    cluster: &str,
    name: &str,
) -> aws_sdk_ecs::types::Service {
    let out = ecs
        .describe_services()
        .cluster(cluster)
        .services(name)
        .include(ServiceField::Tags)
        .send()
        .await
        .unwrap();
    out.services.unwrap_or_default().remove(0)
}

fn scenario(s: &aws_sdk_ecs::types::Service) -> Option<String> {
    s.tags()
        .iter()
        .find(|t| t.key() == Some("ecsdeck:scenario"))
        .and_then(|t| t.value().map(str::to_string))
}

#[tokio::test]
async fn clusters_have_statistics_settings_and_tags() {
    let sb = start_sandbox(Default::default()).await;
    let ecs = sdk(&sb).await.ecs;
    let arns = ecs
        .list_clusters()
        .send()
        .await
        .unwrap()
        .cluster_arns
        .unwrap();
    assert!(arns.len() >= 4, "{arns:?}");
    let out = ecs
        .describe_clusters()
        .set_clusters(Some(arns.clone()))
        .include(ClusterField::Statistics)
        .include(ClusterField::Settings)
        .include(ClusterField::Tags)
        .send()
        .await
        .unwrap();
    let clusters = out.clusters.unwrap();
    assert_eq!(clusters.len(), arns.len());
    let prod = clusters
        .iter()
        .find(|c| c.cluster_name() == Some("acme-production"))
        .unwrap();
    assert!(
        prod.tags()
            .iter()
            .any(|t| t.key() == Some("environment") && t.value() == Some("production"))
    );
    assert!(prod.registered_container_instances_count() >= 1);
    assert!(prod.running_tasks_count() >= 1);
    assert!(
        prod.statistics()
            .iter()
            .any(|s| s.name() == Some("runningEC2TasksCount"))
    );
    assert_eq!(prod.settings()[0].value(), Some("enabled"));
    for c in &clusters {
        assert!(c.active_services_count() >= 1, "{:?}", c.cluster_name());
    }
    let missing = ecs
        .describe_clusters()
        .clusters("nope")
        .send()
        .await
        .unwrap();
    assert_eq!(missing.failures()[0].reason(), Some("MISSING"));
    sb.shutdown().await;
}

#[tokio::test]
async fn production_rails_service_matches_its_task_definition() {
    let sb = start_sandbox(Default::default()).await;
    let ecs = sdk(&sb).await.ecs;
    let svc = service(&ecs, "acme-production", "acme-production").await;
    assert_eq!(svc.launch_type().map(|l| l.as_str()), Some("EC2"));
    assert_eq!(svc.desired_count(), 1);
    let dc = svc.deployment_configuration().unwrap();
    assert!(dc.deployment_circuit_breaker().unwrap().enable());
    assert!(!svc.events().is_empty());
    let td_arn = svc.task_definition().unwrap();
    assert!(td_arn.ends_with("acme-app-production:3"), "{td_arn}");
    let td = ecs
        .describe_task_definition()
        .task_definition("acme-app-production")
        .include(TaskDefinitionField::Tags)
        .send()
        .await
        .unwrap();
    let def = td.task_definition().unwrap();
    assert_eq!(def.revision(), 3);
    let web = &def.container_definitions()[0];
    assert_eq!(web.cpu(), 1024);
    assert_eq!(web.memory(), Some(2048));
    assert_eq!(web.port_mappings()[0].container_port(), Some(4000));
    assert!(web.image().unwrap().ends_with(":production-305"));
    let env: Vec<&str> = web.environment().iter().filter_map(|e| e.name()).collect();
    assert!(env.contains(&"POSTGRES_PROD_PASSWORD") && env.contains(&"RAILS_MASTER_KEY"));
    assert!(
        web.secrets()[0]
            .value_from()
            .starts_with("arn:aws:secretsmanager:")
    );
    let worker = &def.container_definitions()[1];
    assert!(worker.name().unwrap().ends_with("-worker"));
    let opts = worker.log_configuration().unwrap().options().unwrap();
    assert_eq!(opts["awslogs-group"], "/ecs/acme-app-production-worker");
    assert!(!td.tags().is_empty());
    let revs = ecs
        .list_task_definitions()
        .family_prefix("acme-app-production")
        .send()
        .await
        .unwrap()
        .task_definition_arns
        .unwrap();
    assert_eq!(revs.len(), 3);
    let old = ecs
        .describe_task_definition()
        .task_definition("acme-app-production:1")
        .send()
        .await
        .unwrap();
    let image = old.task_definition().unwrap().container_definitions()[0].image();
    assert!(image.unwrap().ends_with(":production-301"));
    // EC2 capacity with registered and remaining resources.
    let cis = ecs
        .list_container_instances()
        .cluster("acme-production")
        .send()
        .await
        .unwrap()
        .container_instance_arns
        .unwrap();
    let described = ecs
        .describe_container_instances()
        .cluster("acme-production")
        .set_container_instances(Some(cis))
        .send()
        .await
        .unwrap();
    let ci = &described.container_instances()[0];
    let cpu = |rs: &[aws_sdk_ecs::types::Resource]| {
        rs.iter()
            .find(|r| r.name() == Some("CPU"))
            .unwrap()
            .integer_value()
    };
    assert!(cpu(ci.registered_resources()) >= cpu(ci.remaining_resources()));
    sb.shutdown().await;
}

#[tokio::test]
async fn broken_services_show_ecs_stop_codes_and_reasons() {
    let sb = start_sandbox(Default::default()).await;
    let ecs = sdk(&sb).await.ecs;

    let crash = service(&ecs, "staging", "legacy-importer").await;
    assert_eq!(scenario(&crash).as_deref(), Some("crash-loop"));
    let t = &stopped_tasks(&ecs, "staging", "legacy-importer").await[0];
    assert_eq!(
        t.stop_code().map(|c| c.as_str()),
        Some("EssentialContainerExited")
    );
    assert_eq!(
        t.stopped_reason(),
        Some("Essential container in task exited")
    );
    assert_eq!(t.containers()[0].exit_code(), Some(1));

    let oom = service(&ecs, "data-pipeline", "pipeline-transformer").await;
    assert_eq!(scenario(&oom).as_deref(), Some("oom"));
    let t = &stopped_tasks(&ecs, "data-pipeline", "pipeline-transformer").await[0];
    assert_eq!(t.containers()[0].exit_code(), Some(137));
    assert_eq!(
        t.containers()[0].reason(),
        Some("OutOfMemoryError: Container killed due to memory usage")
    );

    let pull = service(&ecs, "staging", "pdf-renderer").await;
    assert_eq!(scenario(&pull).as_deref(), Some("image-pull"));
    assert_eq!(
        pull.deployments().len(),
        2,
        "stuck deployment plus the old one"
    );
    let t = &stopped_tasks(&ecs, "staging", "pdf-renderer").await[0];
    assert_eq!(t.stop_code().map(|c| c.as_str()), Some("TaskFailedToStart"));
    let reason = t.stopped_reason().unwrap();
    assert!(
        reason.starts_with("CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ")
            && reason.ends_with(": not found"),
        "{reason}"
    );

    let unhealthy = service(&ecs, "staging", "geo-api").await;
    assert_eq!(scenario(&unhealthy).as_deref(), Some("unhealthy"));
    let t = &stopped_tasks(&ecs, "staging", "geo-api").await[0];
    assert_eq!(
        t.stopped_reason(),
        Some("Task failed container health checks")
    );
    assert_eq!(
        t.containers()[0].health_status().map(|h| h.as_str()),
        Some("UNHEALTHY")
    );

    let cms = service(&ecs, "websight-cms", "cms").await;
    assert_eq!(scenario(&cms).as_deref(), Some("failed-deploy"));
    let messages: Vec<&str> = cms.events().iter().filter_map(|e| e.message()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("deployment failed: tasks failed to start.")),
        "{messages:?}"
    );
    let deployments = ecs
        .list_service_deployments()
        .cluster("websight-cms")
        .service("cms")
        .send()
        .await
        .unwrap();
    let statuses: Vec<&str> = deployments
        .service_deployments()
        .iter()
        .filter_map(|d| d.status().map(|s| s.as_str()))
        .collect();
    assert!(statuses.contains(&"ROLLBACK_SUCCESSFUL"), "{statuses:?}");
    sb.shutdown().await;
}

#[tokio::test]
async fn every_cluster_has_a_small_healthy_service_and_tasks_describe_fully() {
    let sb = start_sandbox(Default::default()).await;
    let ecs = sdk(&sb).await.ecs;
    for cluster in [
        "acme-production",
        "data-pipeline",
        "websight-cms",
        "staging",
    ] {
        let mut names = Vec::new();
        let mut pages = ecs.list_services().cluster(cluster).into_paginator().send();
        while let Some(page) = pages.next().await {
            names.extend(page.unwrap().service_arns.unwrap_or_default());
        }
        let mut healthy = false;
        for chunk in names.chunks(10) {
            let out = ecs
                .describe_services()
                .cluster(cluster)
                .set_services(Some(chunk.to_vec()))
                .include(ServiceField::Tags)
                .send()
                .await
                .unwrap();
            healthy |= out.services().iter().any(|s| {
                scenario(s).is_none()
                    && (1..=4).contains(&s.desired_count())
                    && s.running_count() == s.desired_count()
            });
        }
        assert!(healthy, "{cluster} has a healthy service with 1-4 tasks");
        if cluster == "staging" {
            assert!(names.len() > 10, "staging has {} services", names.len());
        }
    }
    let arns = ecs
        .list_tasks()
        .cluster("data-pipeline")
        .service_name("pipeline-app")
        .send()
        .await
        .unwrap()
        .task_arns
        .unwrap();
    let tasks = ecs
        .describe_tasks()
        .cluster("data-pipeline")
        .set_tasks(Some(arns))
        .include(TaskField::Tags)
        .send()
        .await
        .unwrap();
    let t = &tasks.tasks()[0];
    assert_eq!(t.last_status(), Some("RUNNING"));
    assert!(t.started_at().is_some() && t.pull_started_at().is_some());
    let c = &t.containers()[0];
    assert!(c.image_digest().unwrap().starts_with("sha256:"));
    assert!(c.image().unwrap().contains(".dkr.ecr."));
    sb.shutdown().await;
}
