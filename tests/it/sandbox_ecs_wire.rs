//! ECS wire behaviour through aws-sdk-ecs: pagination exactly like AWS,
//! typed errors, failures[], throttling and the stats that count it.

use aws_sdk_ecs::Client;
use aws_sdk_ecs::error::ProvideErrorMetadata;
use ecsdeck::sandbox::{ClusterSpec, Fleet, SandboxConfig, Throttle};

use crate::harness::*;

async fn all_service_pages(ecs: &Client, cluster: &str, max: Option<i32>) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = ecs
            .list_services()
            .cluster(cluster)
            .set_max_results(max)
            .set_next_token(token.clone())
            .send()
            .await
            .unwrap();
        pages.push(out.service_arns.unwrap_or_default());
        token = out.next_token;
        if token.is_none() {
            return pages;
        }
    }
}

#[tokio::test]
async fn list_services_pages_like_aws_over_0_9_10_11_100_101_services() {
    let counts = [0usize, 9, 10, 11, 100, 101];
    let specs = counts
        .iter()
        .map(|n| ClusterSpec {
            name: format!("c{n}"),
            services: *n,
            desired: 0,
        })
        .collect();
    let sb = start_sandbox(SandboxConfig::default().with_fleet(Fleet::Clusters(specs))).await;
    let ecs = sdk(&sb).await.ecs;
    for n in counts {
        let cluster = format!("c{n}");
        let pages = all_service_pages(&ecs, &cluster, None).await;
        assert_eq!(
            pages.len(),
            n.div_ceil(10).max(1),
            "{n} services, default page size 10"
        );
        assert!(pages.iter().all(|p| p.len() <= 10));
        let mut all: Vec<String> = pages.concat();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n, "every service exactly once");
        let pages = all_service_pages(&ecs, &cluster, Some(100)).await;
        assert_eq!(
            pages.len(),
            n.div_ceil(100).max(1),
            "{n} services, 100 a page"
        );
        // The SDK's own paginator sees the same services.
        let mut seen = 0;
        let mut p = ecs
            .list_services()
            .cluster(&cluster)
            .into_paginator()
            .send();
        while let Some(page) = p.next().await {
            seen += page.unwrap().service_arns().len();
        }
        assert_eq!(seen, n);
    }
    for bad in [0, 101] {
        let err = ecs
            .list_services()
            .cluster("c11")
            .max_results(bad)
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(
            err.is_invalid_parameter_exception(),
            "maxResults {bad}: {err:?}"
        );
    }
    let err = ecs
        .list_services()
        .cluster("c11")
        .next_token("forged-token")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_parameter_exception(), "{err:?}");
    let tasks = ecs.list_tasks().cluster("c101").send().await.unwrap();
    assert!(tasks.next_token.is_none(), "desired 0: no tasks");
    sb.shutdown().await;
}

#[tokio::test]
async fn errors_come_back_typed_and_unknown_resources_as_failures() {
    let sb = start_sandbox(SandboxConfig::one_cluster("app", 12, 1)).await;
    let ecs = sdk(&sb).await.ecs;
    let eleven: Vec<String> = (0..11).map(|i| format!("svc-{i:05}")).collect();
    let err = ecs
        .describe_services()
        .cluster("app")
        .set_services(Some(eleven))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_parameter_exception(), "{err:?}");

    let err = ecs
        .list_services()
        .cluster("nope")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_cluster_not_found_exception(), "{err:?}");
    let err = ecs
        .describe_services()
        .cluster("nope")
        .services("svc-00000")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_cluster_not_found_exception(), "{err:?}");
    let err = ecs
        .update_service()
        .cluster("app")
        .service("ghost")
        .desired_count(2)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_service_not_found_exception(), "{err:?}");
    let err = ecs
        .update_service()
        .cluster("app")
        .service("svc-00000")
        .desired_count(-1)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_parameter_exception(), "{err:?}");
    let err = ecs
        .list_tasks()
        .cluster("app")
        .service_name("ghost")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_service_not_found_exception(), "{err:?}");

    let out = ecs
        .describe_services()
        .cluster("app")
        .services("svc-00001")
        .services("ghost")
        .send()
        .await
        .unwrap();
    assert_eq!(out.services().len(), 1);
    let f = &out.failures()[0];
    assert_eq!(f.reason(), Some("MISSING"));
    assert!(f.arn().unwrap().ends_with(":service/app/ghost"));
    let out = ecs
        .describe_tasks()
        .cluster("app")
        .tasks("0123456789abcdef0123456789abcdef")
        .send()
        .await
        .unwrap();
    assert_eq!(out.failures()[0].reason(), Some("MISSING"));

    // Not JSON at all: an AWS error shape, never a panic.
    let resp = reqwest::Client::new()
        .post(sb.endpoint_url())
        .header(
            "x-amz-target",
            "AmazonEC2ContainerServiceV20141113.ListServices",
        )
        .header("content-type", "application/x-amz-json-1.1")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["__type"], "SerializationException");
    sb.shutdown().await;
}

/// Clients that do not retry, so a throttled call surfaces.
async fn no_retry(
    sb: &ecsdeck::sandbox::SandboxHandle,
) -> (Client, aws_sdk_cloudwatchlogs::Client) {
    // Unlimited, so the calls reach the sandbox's own buckets.
    let budget = std::sync::Arc::new(ecsdeck::aws::Budget::unlimited());
    let conf = ecsdeck::aws::config::sandbox_sdk_config(&sb.endpoint_url(), budget).await;
    let ecs = aws_sdk_ecs::config::Builder::from(&conf)
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .build();
    let logs = aws_sdk_cloudwatchlogs::config::Builder::from(&conf)
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .build();
    (
        Client::from_conf(ecs),
        aws_sdk_cloudwatchlogs::Client::from_conf(logs),
    )
}

#[tokio::test]
async fn aws_throttling_refuses_calls_beyond_the_bucket_and_counts_them() {
    let config = SandboxConfig::one_cluster("app", 1, 0).with_throttle(Throttle::Aws);
    let sb = start_sandbox(config).await;
    let (ecs, logs) = no_retry(&sb).await;
    let mut throttled = 0;
    for _ in 0..130 {
        if let Err(e) = ecs
            .describe_services()
            .cluster("app")
            .services("svc-00000")
            .send()
            .await
        {
            let e = e.into_service_error();
            assert_eq!(e.code(), Some("ThrottlingException"), "{e:?}");
            assert_eq!(e.message(), Some("Rate exceeded"));
            throttled += 1;
        }
    }
    assert!(
        throttled >= 10,
        "service reads burst 100, refill 20/s: {throttled} throttled"
    );
    // Another action group has its own bucket.
    ecs.list_clusters().send().await.unwrap();
    // CloudWatch Logs limits per operation: GetLogEvents 25/s.
    let mut logs_throttled = 0;
    for _ in 0..40 {
        let r = logs
            .get_log_events()
            .log_group_name("/g")
            .log_stream_name("s")
            .send()
            .await;
        if let Err(e) = r
            && e.into_service_error().code() == Some("ThrottlingException")
        {
            logs_throttled += 1;
        }
    }
    assert!(logs_throttled >= 5, "{logs_throttled}");
    let stats = sandbox_stats(&sb).await;
    assert_eq!(stats["calls"]["ecs:DescribeServices"], 130);
    assert_eq!(stats["throttled"]["ecs:DescribeServices"], throttled);
    assert_eq!(stats["throttled"]["logs:GetLogEvents"], logs_throttled);
    assert!(stats["throttled"].get("ecs:ListClusters").is_none());
    let reset = reqwest::Client::new()
        .post(format!("{}/_sandbox/stats/reset", sb.endpoint_url()))
        .send()
        .await
        .unwrap();
    assert!(reset.status().is_success());
    let stats = sandbox_stats(&sb).await;
    assert_eq!(stats["calls"], serde_json::json!({}));
    sb.shutdown().await;
}

#[tokio::test]
async fn odd_bodies_get_aws_errors_never_a_crash() {
    let sb = start_sandbox(SandboxConfig::one_cluster("app", 2, 1)).await;
    let ops = [
        "ListClusters",
        "DescribeClusters",
        "ListServices",
        "DescribeServices",
        "UpdateService",
        "ListTasks",
        "DescribeTasks",
        "StopTask",
        "RunTask",
        "ListTaskDefinitions",
        "ListTaskDefinitionFamilies",
        "DescribeTaskDefinition",
        "RegisterTaskDefinition",
        "ListContainerInstances",
        "DescribeContainerInstances",
        "ListTagsForResource",
        "ListServiceDeployments",
        "DescribeServiceDeployments",
        "StopServiceDeployment",
    ];
    let bodies = [
        "[]",
        "\"x\"",
        "null",
        "42",
        "{}",
        r#"{"cluster": 5, "services": "svc-00000", "maxResults": "10", "nextToken": 7}"#,
        r#"{"cluster": "app", "service": "svc-00000", "desiredCount": 1e99, "taskDefinition": ":"}"#,
        r#"{"cluster": "arn:aws:ecs:x", "tasks": [1, null], "task": "arn:aws:ecs:us-east-1:1:task/"}"#,
        r#"{"family": "f", "containerDefinitions": [{"name": "a", "image": "i", "cpu": "x"}], "resourceArn": "arn:aws:ecs:us-east-1:1:nope"}"#,
        r#"{"cluster": "app", "service": "svc-00000", "deploymentConfiguration": {"maximumPercent": 99999999999, "minimumHealthyPercent": -5}}"#,
        r#"{"serviceDeploymentArn": "arn:aws:ecs:us-east-1:1:service-deployment/app/svc-00000/x", "stopType": "NOPE", "serviceDeploymentArns": ["?"]}"#,
    ];
    let http = reqwest::Client::new();
    for op in ops {
        for body in bodies {
            let resp = http
                .post(sb.endpoint_url())
                .header(
                    "x-amz-target",
                    format!("AmazonEC2ContainerServiceV20141113.{op}"),
                )
                .header("content-type", "application/x-amz-json-1.1")
                .body(body)
                .send()
                .await
                .unwrap();
            let status = resp.status().as_u16();
            let json: serde_json::Value = resp.json().await.unwrap();
            assert!(
                status == 200 || status == 400,
                "{op} {body}: {status} {json}"
            );
            if status == 400 {
                assert!(
                    json["__type"].is_string() && json["message"].is_string(),
                    "{op} {body}: {json}"
                );
            }
        }
    }
    // Still alive and consistent.
    let ecs = sdk(&sb).await.ecs;
    let out = ecs.list_services().cluster("app").send().await.unwrap();
    assert_eq!(out.service_arns().len(), 2);
    sb.shutdown().await;
}
