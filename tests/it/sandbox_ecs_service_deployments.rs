//! ECS service deployments in the sandbox through aws-sdk-ecs: the seeded
//! history of every strategy, ListServiceDeployments' filters, pagination
//! and validation, and DescribeServiceRevisions. The stages on the clock
//! are in `sandbox_ecs_deployment_stages.rs`.

use aws_sdk_ecs::Client;
use aws_sdk_ecs::error::ProvideErrorMetadata;
use aws_sdk_ecs::types::{CreatedAt, ServiceDeployment, ServiceDeploymentStatus};
use ecsdeck::sandbox::{Fleet, SandboxConfig};

use crate::harness::*;

/// Every deployment of `cluster/service`, newest first, described.
pub async fn history(ecs: &Client, cluster: &str, service: &str) -> Vec<ServiceDeployment> {
    let list = ecs
        .list_service_deployments()
        .cluster(cluster)
        .service(service)
        .send()
        .await
        .unwrap();
    let arns: Vec<String> = list
        .service_deployments()
        .iter()
        .map(|d| d.service_deployment_arn().unwrap().to_string())
        .collect();
    let out = ecs
        .describe_service_deployments()
        .set_service_deployment_arns(Some(arns.clone()))
        .send()
        .await
        .unwrap();
    assert!(out.failures().is_empty());
    // Describe answers in the order asked.
    let mut found = out.service_deployments().to_vec();
    found.sort_by_key(|d| {
        arns.iter()
            .position(|a| Some(a.as_str()) == d.service_deployment_arn())
    });
    found
}

pub fn strategy(d: &ServiceDeployment) -> &str {
    d.deployment_configuration()
        .and_then(|c| c.strategy())
        .map(|s| s.as_str())
        .unwrap_or_default()
}

pub fn status(d: &ServiceDeployment) -> &str {
    d.status().map(|s| s.as_str()).unwrap_or_default()
}

pub fn stage(d: &ServiceDeployment) -> &str {
    d.lifecycle_stage().map(|s| s.as_str()).unwrap_or_default()
}

#[tokio::test]
async fn seeded_services_have_a_history_for_every_strategy() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, 1.0)).await;
    let ecs = sdk(&sb).await.ecs;

    let bg = history(&ecs, "data-pipeline", "pipeline-app").await;
    assert_eq!(bg.len(), 4, "three past deployments and the current one");
    assert!(bg.iter().all(|d| strategy(d) == "BLUE_GREEN"));
    assert_eq!(
        bg[0]
            .deployment_configuration()
            .unwrap()
            .bake_time_in_minutes(),
        Some(15)
    );
    assert_eq!(status(&bg[0]), "SUCCESSFUL");
    assert_eq!(stage(&bg[0]), "CLEAN_UP");
    // 20 days ago v2.14.3, 6 days ago v2.15.1 tripped the circuit
    // breaker, v2.14.3 again, then v2.15.1 4 days ago.
    let statuses: Vec<&str> = bg.iter().map(status).collect();
    assert_eq!(
        statuses,
        [
            "SUCCESSFUL",
            "SUCCESSFUL",
            "ROLLBACK_SUCCESSFUL",
            "SUCCESSFUL"
        ]
    );
    let failed = &bg[2];
    assert_eq!(
        failed.status_reason(),
        Some("ECS deployment circuit breaker: tasks failed to start.")
    );
    let breaker = failed.deployment_circuit_breaker().unwrap();
    assert_eq!(breaker.status().unwrap().as_str(), "TRIGGERED");
    assert_eq!(breaker.failure_count(), 3);
    let rollback = failed.rollback().unwrap();
    assert!(rollback.service_revision_arn().is_some());
    // Each deployment went from the one before it.
    assert_eq!(
        bg[0].source_service_revisions()[0].arn(),
        bg[1].target_service_revision().unwrap().arn()
    );

    let acme = history(&ecs, "acme-production", "acme-production").await;
    let alarmed = acme
        .iter()
        .find(|d| status(d) == "ROLLBACK_SUCCESSFUL")
        .expect("the alarm rollback");
    assert_eq!(strategy(alarmed), "ROLLING");
    let alarms = alarmed.alarms().unwrap();
    assert_eq!(alarms.status().unwrap().as_str(), "TRIGGERED");
    assert_eq!(
        alarms.triggered_alarm_names(),
        ["acme-production/acme-production CPU high"]
    );
    assert!(
        alarmed
            .status_reason()
            .unwrap()
            .contains("went into ALARM state")
    );

    let linear = history(&ecs, "staging", "catalog-api").await;
    assert!(linear.iter().all(|d| strategy(d) == "LINEAR"));
    let lc = linear[0].deployment_configuration().unwrap();
    assert_eq!(
        lc.linear_configuration().unwrap().step_percent(),
        Some(25.0)
    );
    let canary = history(&ecs, "staging", "storefront-web").await;
    assert!(canary.iter().all(|d| strategy(d) == "CANARY"));
    assert!(canary.iter().any(|d| status(d) == "ROLLBACK_SUCCESSFUL"));
    assert_eq!(
        canary[0]
            .deployment_configuration()
            .unwrap()
            .canary_configuration()
            .unwrap()
            .canary_percent(),
        Some(10.0)
    );

    // The failed-deploy scenario keeps its circuit-breaker rollback.
    let cms = history(&ecs, "websight-cms", "cms").await;
    let newest = &cms[0];
    assert!(
        matches!(
            status(newest),
            "ROLLBACK_SUCCESSFUL" | "ROLLBACK_IN_PROGRESS"
        ),
        "{newest:?}"
    );
    assert_eq!(
        newest
            .deployment_circuit_breaker()
            .unwrap()
            .status()
            .unwrap()
            .as_str(),
        "TRIGGERED"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn listing_filters_paginates_and_validates_like_ecs() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, 1.0)).await;
    let ecs = sdk(&sb).await.ecs;
    let all = history(&ecs, "data-pipeline", "pipeline-app").await;
    // One at a time, following nextToken.
    let mut token = None;
    let mut paged = Vec::new();
    loop {
        let out = ecs
            .list_service_deployments()
            .cluster("data-pipeline")
            .service("pipeline-app")
            .max_results(1)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        assert!(out.service_deployments().len() <= 1);
        paged.extend(
            out.service_deployments()
                .iter()
                .map(|d| d.service_deployment_arn().unwrap().to_string()),
        );
        token = out.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    let arns: Vec<&str> = all
        .iter()
        .map(|d| d.service_deployment_arn().unwrap())
        .collect();
    assert_eq!(paged, arns);
    // Status filter.
    let rolled_back = ecs
        .list_service_deployments()
        .cluster("data-pipeline")
        .service("pipeline-app")
        .status(ServiceDeploymentStatus::RollbackSuccessful)
        .send()
        .await
        .unwrap();
    assert_eq!(rolled_back.service_deployments().len(), 1);
    // createdAt: only the deployments of the last 5 days (the current one).
    let five_days_ago = aws_smithy_types::DateTime::from_secs(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64
            - 5 * 86_400,
    );
    let recent = ecs
        .list_service_deployments()
        .cluster("data-pipeline")
        .service("pipeline-app")
        .created_at(CreatedAt::builder().after(five_days_ago).build())
        .send()
        .await
        .unwrap();
    assert_eq!(recent.service_deployments().len(), 1);
    // Validation.
    let err = ecs
        .list_service_deployments()
        .cluster("data-pipeline")
        .service("pipeline-app")
        .max_results(101)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameterException"));
    let err = ecs
        .list_service_deployments()
        .cluster("data-pipeline")
        .service("pipeline-app")
        .status(ServiceDeploymentStatus::from("FINISHED"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameterException"));
    let err = ecs
        .list_service_deployments()
        .cluster("data-pipeline")
        .service("no-such-service")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("ServiceNotFoundException"));
    sb.shutdown().await;
}

#[tokio::test]
async fn service_revisions_describe_what_each_deployment_ran() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, 1.0)).await;
    let ecs = sdk(&sb).await.ecs;
    let all = history(&ecs, "data-pipeline", "pipeline-app").await;
    let current = all[0].target_service_revision().unwrap().arn().unwrap();
    let previous = all[0].source_service_revisions()[0].arn().unwrap();
    let bogus = current.replace("service-revision/data-pipeline", "service-revision/nowhere");
    let out = ecs
        .describe_service_revisions()
        .service_revision_arns(current)
        .service_revision_arns(previous)
        .service_revision_arns(&bogus)
        .send()
        .await
        .unwrap();
    let revs = out.service_revisions();
    assert_eq!(revs.len(), 2);
    assert_eq!(out.failures().len(), 1);
    assert_eq!(out.failures()[0].arn(), Some(bogus.as_str()));
    assert_eq!(out.failures()[0].reason(), Some("MISSING"));
    let now = revs
        .iter()
        .find(|r| r.service_revision_arn() == Some(current))
        .unwrap();
    let before = revs
        .iter()
        .find(|r| r.service_revision_arn() == Some(previous))
        .unwrap();
    assert!(
        now.task_definition()
            .unwrap()
            .ends_with("task-definition/pipeline-app:2")
    );
    assert!(
        before
            .task_definition()
            .unwrap()
            .ends_with("task-definition/pipeline-app:1")
    );
    assert_eq!(now.launch_type().unwrap().as_str(), "FARGATE");
    assert_eq!(now.load_balancers().len(), 1);
    assert!(now.network_configuration().is_some());
    let image = &now.container_images()[0];
    assert!(image.image().unwrap().ends_with("pipeline-app:v2.15.1"));
    assert!(image.image_digest().unwrap().starts_with("sha256:"));
    assert!(
        before.container_images()[0]
            .image()
            .unwrap()
            .ends_with("pipeline-app:v2.14.3")
    );
    assert!(now.created_at().is_some());
    // At most 20 ARNs a call, and at least one.
    let many: Vec<String> = (0..21).map(|_| current.to_string()).collect();
    let err = ecs
        .describe_service_revisions()
        .set_service_revision_arns(Some(many))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameterException"));
    let err = ecs
        .describe_service_revisions()
        .set_service_revision_arns(Some(vec![]))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameterException"));
    sb.shutdown().await;
}
