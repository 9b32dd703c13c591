//! Strings nobody here thought of, and fleets from a file: whatever a
//! script registers comes back unchanged through the SDK and shows escaped
//! on the dashboard; `--fleet FILE.json` replays AWS requests at start-up.

use std::collections::HashMap;
use std::path::Path;

use aws_sdk_ecs::types::{
    ContainerDefinition, HealthCheck, KeyValuePair, LogConfiguration, LogDriver, Secret,
    ServiceField, TaskDefinitionField, Ulimit, UlimitName,
};
use ecsdeck::sandbox::{Fleet, SandboxConfig, fleet_file};

use crate::harness::*;
use crate::sandbox_ecs_create::{code, create_service, describe, empty_sandbox, running, tag};

const SCRIPT: &str = "<script>alert(\"x\")</script>";

fn hostile() -> String {
    format!("{SCRIPT} 'single' \"double\" \u{202e}evil\u{202c} &amp; ü")
}

fn container(big: &str) -> ContainerDefinition {
    let h = hostile();
    ContainerDefinition::builder()
        .name("web")
        .image("public.ecr.aws/nginx/nginx:1.27")
        .essential(true)
        .entry_point("/bin/sh")
        .entry_point("-c")
        .command(format!("echo {h}"))
        .environment(KeyValuePair::builder().name("GREETING").value(&h).build())
        .environment(KeyValuePair::builder().name("BIG").value(big).build())
        .secrets(
            Secret::builder()
                .name("DB_PASSWORD")
                .value_from("arn:aws:secretsmanager:us-east-1:123456789012:secret:db")
                .build()
                .unwrap(),
        )
        .docker_labels("com.example.note", &h)
        .health_check(
            HealthCheck::builder()
                .command("CMD-SHELL")
                .command(format!("test '{h}'"))
                .interval(30)
                .retries(3)
                .build()
                .unwrap(),
        )
        .ulimits(
            Ulimit::builder()
                .name(UlimitName::Nofile)
                .soft_limit(1024)
                .hard_limit(4096)
                .build()
                .unwrap(),
        )
        .log_configuration(
            LogConfiguration::builder()
                .log_driver(LogDriver::Awslogs)
                .options("awslogs-group", "/ecs/web")
                .options("awslogs-region", "us-east-1")
                .options("awslogs-stream-prefix", &h)
                .build()
                .unwrap(),
        )
        // What AWS fills in when absent, so the comparison is exact.
        .set_port_mappings(Some(vec![]))
        .set_mount_points(Some(vec![]))
        .set_volumes_from(Some(vec![]))
        .build()
}

#[tokio::test]
async fn hostile_strings_round_trip_and_show_escaped() {
    let (sb, ecs) = empty_sandbox().await;
    let h = hostile();
    let big = "€".repeat(2048);
    let sent = container(&big);
    let registered = ecs
        .register_task_definition()
        .family("web")
        .network_mode(aws_sdk_ecs::types::NetworkMode::Awsvpc)
        .cpu("256")
        .memory("512")
        .container_definitions(sent.clone())
        .tags(tag("note", &h))
        .send()
        .await
        .unwrap();
    let td = registered
        .task_definition
        .unwrap()
        .task_definition_arn
        .unwrap();
    let described = ecs
        .describe_task_definition()
        .task_definition("web:1")
        .include(TaskDefinitionField::Tags)
        .send()
        .await
        .unwrap();
    assert_eq!(
        described.task_definition().unwrap().container_definitions(),
        [sent]
    );
    assert_eq!(described.tags()[0].value(), Some(h.as_str()));

    // AWS's limit: a tag value is at most 256 characters; 2 KB is refused.
    let e = ecs
        .tag_resource()
        .resource_arn(&td)
        .tags(tag("big", &big))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");

    create_service(&ecs, "hostile", "web", &td, 1).await;
    let svc_arn = describe(&ecs, "hostile", "web").await.service_arn.unwrap();
    let long = "x".repeat(256);
    ecs.tag_resource()
        .resource_arn(&svc_arn)
        .tags(tag("note", &h))
        .tags(tag(&format!("{SCRIPT}\u{202e}"), &long))
        .send()
        .await
        .unwrap();
    running(&ecs, "hostile", "web", 1).await;
    let svc = ecs
        .describe_services()
        .cluster("hostile")
        .services("web")
        .include(ServiceField::Tags)
        .send()
        .await
        .unwrap();
    let tags: HashMap<&str, &str> = svc.services()[0]
        .tags()
        .iter()
        .map(|t| (t.key().unwrap(), t.value().unwrap()))
        .collect();
    assert_eq!(tags["note"], h);
    assert_eq!(tags[format!("{SCRIPT}\u{202e}").as_str()], long);

    // Pages show the bidi override by name rather than obeying it.
    let h = h
        .replace('\u{202e}', "[U+202E]")
        .replace('\u{202c}', "[U+202C]");
    let app = TestApp::on(&sb).await;
    let session = app.session("viewer").await;
    let page = session.ok("/sandbox/clusters/hostile/services/web").await;
    assert!(!page.body.contains(SCRIPT), "unescaped on the service page");
    assert!(page.texts("dd").contains(&h), "{:?}", page.texts("dd"));
    assert!(page.texts("dt").contains(&format!("Tag {SCRIPT}[U+202E]")));

    let page = session.ok("/sandbox/task-definitions/web/1").await;
    assert!(
        !page.body.contains(SCRIPT),
        "unescaped on the task definition page"
    );
    assert!(page.texts("dd code").contains(&format!("echo {h}")));
    assert!(page.texts("table.env-vars td code").contains(&h));
    assert!(page.texts("table.env-vars td code").contains(&big));
    assert!(page.texts("dl.props dd").contains(&h), "the tag");
}

#[tokio::test]
async fn the_example_fleet_file_loads_and_runs() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/fleet-example.json");
    let fleet = fleet_file::load(&path).unwrap();
    let Fleet::Requests(requests) = &fleet else {
        panic!("not a request fleet: {fleet:?}");
    };
    assert_eq!(requests[0].op, "CreateCluster");

    let sb = start_sandbox(SandboxConfig::for_tests(fleet, 100.0)).await;
    let ecs = sdk(&sb).await.ecs;
    let clusters = ecs.list_clusters().send().await.unwrap();
    let mut names: Vec<&str> = clusters
        .cluster_arns()
        .iter()
        .map(|a| a.rsplit('/').next().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["shop", "shop-staging"]);
    let svc = running(&ecs, "shop", "storefront", 2).await;
    assert_eq!(
        svc.deployment_configuration()
            .unwrap()
            .minimum_healthy_percent(),
        Some(50)
    );
    let staging = running(&ecs, "shop-staging", "storefront", 1).await;
    assert_eq!(
        staging.capacity_provider_strategy()[0].capacity_provider(),
        "FARGATE_SPOT"
    );
    let td = ecs
        .describe_task_definition()
        .task_definition("storefront")
        .send()
        .await
        .unwrap();
    let c = &td.task_definition().unwrap().container_definitions()[0];
    assert_eq!(c.command(), ["nginx", "-g", "daemon off;"]);
    assert_eq!(c.ulimits()[0].soft_limit(), 65536);
    assert_eq!(c.environment()[1].value(), Some("Grüß Gott, \"friend\""));
    let arn = "arn:aws:ecs:us-east-1:123456789012:cluster/shop-staging";
    let tags = ecs
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .unwrap();
    assert_eq!(tags.tags()[0].value(), Some("staging"));
}
