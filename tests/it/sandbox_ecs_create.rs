//! Building a fleet from outside through aws-sdk-ecs: CreateCluster,
//! CreateService, DeleteService, DeleteCluster, TagResource and
//! UntagResource, as the AWS CLI or Terraform would call them.

use std::time::Duration;

use aws_sdk_ecs::Client;
use aws_sdk_ecs::error::ProvideErrorMetadata;
use aws_sdk_ecs::types::{
    AssignPublicIp, AwsVpcConfiguration, ClusterField, ClusterSetting, ClusterSettingName,
    Compatibility, ContainerDefinition, LaunchType, NetworkConfiguration, NetworkMode, Service,
    Tag,
};
use ecsdeck::sandbox::{Fleet, SandboxConfig, SandboxHandle};

use crate::harness::*;

pub const WAIT: Duration = Duration::from_secs(30);

pub async fn empty_sandbox() -> (SandboxHandle, Client) {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 100.0)).await;
    let ecs = sdk(&sb).await.ecs;
    (sb, ecs)
}

pub fn code(e: &impl ProvideErrorMetadata) -> String {
    e.code().unwrap_or_default().to_string()
}

pub fn tag(k: &str, v: &str) -> Tag {
    Tag::builder().key(k).value(v).build()
}

pub fn network() -> NetworkConfiguration {
    let vpc = AwsVpcConfiguration::builder()
        .subnets("subnet-0a1b2c3d4e5f60718")
        .security_groups("sg-0123456789abcdef0")
        .assign_public_ip(AssignPublicIp::Disabled)
        .build()
        .unwrap();
    NetworkConfiguration::builder()
        .awsvpc_configuration(vpc)
        .build()
}

/// Registers a Fargate family `family` running `container`; returns its ARN.
pub async fn register(ecs: &Client, family: &str, container: ContainerDefinition) -> String {
    let out = ecs
        .register_task_definition()
        .family(family)
        .network_mode(NetworkMode::Awsvpc)
        .requires_compatibilities(Compatibility::Fargate)
        .cpu("256")
        .memory("512")
        .container_definitions(container)
        .send()
        .await
        .unwrap();
    out.task_definition.unwrap().task_definition_arn.unwrap()
}

pub fn nginx() -> ContainerDefinition {
    ContainerDefinition::builder()
        .name("web")
        .image("public.ecr.aws/nginx/nginx:1.27")
        .essential(true)
        .build()
}

/// Creates cluster `cluster` (if needed) and a Fargate service of `desired`.
pub async fn create_service(ecs: &Client, cluster: &str, name: &str, td: &str, desired: i32) {
    ecs.create_cluster()
        .cluster_name(cluster)
        .send()
        .await
        .unwrap();
    ecs.create_service()
        .cluster(cluster)
        .service_name(name)
        .task_definition(td)
        .desired_count(desired)
        .launch_type(LaunchType::Fargate)
        .network_configuration(network())
        .send()
        .await
        .unwrap();
}

pub async fn describe(ecs: &Client, cluster: &str, name: &str) -> Service {
    let out = ecs
        .describe_services()
        .cluster(cluster)
        .services(name)
        .send()
        .await
        .unwrap();
    out.services.unwrap().remove(0)
}

pub async fn running(ecs: &Client, cluster: &str, name: &str, n: i32) -> Service {
    poll_until("the service's tasks RUNNING", WAIT, || async {
        let s = describe(ecs, cluster, name).await;
        (s.running_count() == n && s.pending_count() == 0).then_some(s)
    })
    .await
}

async fn listed_services(ecs: &Client, cluster: &str) -> Vec<String> {
    let out = ecs.list_services().cluster(cluster).send().await.unwrap();
    out.service_arns().to_vec()
}

#[tokio::test]
async fn a_created_service_runs_its_tasks_and_shows_on_the_dashboard() {
    let (sb, ecs) = empty_sandbox().await;
    let insights = ClusterSetting::builder()
        .name(ClusterSettingName::ContainerInsights)
        .value("enabled")
        .build();
    let made = ecs
        .create_cluster()
        .cluster_name("made")
        .settings(insights)
        .tags(tag("team", "web"))
        .send()
        .await
        .unwrap()
        .cluster
        .unwrap();
    assert_eq!(made.status(), Some("ACTIVE"));
    assert_eq!(made.cluster_name(), Some("made"));
    assert_eq!(made.settings()[0].value(), Some("enabled"));
    // Idempotent like AWS: the same name answers the same cluster.
    let again = ecs
        .create_cluster()
        .cluster_name("made")
        .send()
        .await
        .unwrap();
    assert_eq!(again.cluster.unwrap().cluster_arn, made.cluster_arn);
    let listed = ecs.list_clusters().send().await.unwrap();
    assert_eq!(listed.cluster_arns(), [made.cluster_arn().unwrap()]);

    let td = register(&ecs, "web", nginx()).await;
    let create = |cluster: &str, td: &str| {
        ecs.create_service()
            .cluster(cluster)
            .service_name("web")
            .task_definition(td)
            .desired_count(2)
            .launch_type(LaunchType::Fargate)
            .network_configuration(network())
            .tags(tag("owner", "platform"))
            .enable_execute_command(true)
    };
    let e = create("nope", &td).send().await.unwrap_err();
    assert_eq!(code(&e), "ClusterNotFoundException");
    let e = create("made", "nothing-here:1").send().await.unwrap_err();
    assert_eq!(code(&e), "ClientException");
    let e = ecs
        .create_service()
        .cluster("made")
        .service_name("web")
        .task_definition(&td)
        .launch_type(LaunchType::Fargate)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code(&e),
        "InvalidParameterException",
        "awsvpc needs a network"
    );

    let svc = create("made", &td).send().await.unwrap().service.unwrap();
    assert_eq!(svc.status(), Some("ACTIVE"));
    assert_eq!(svc.desired_count(), 2);
    assert!(svc.enable_execute_command());
    assert_eq!(svc.deployments().len(), 1);
    assert_eq!(svc.deployments()[0].status(), Some("PRIMARY"));
    assert_eq!(svc.task_definition(), Some(td.as_str()));
    let e = create("made", &td).send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    assert_eq!(e.message(), Some("Creation of service was not idempotent."));

    let svc = running(&ecs, "made", "web", 2).await;
    assert_eq!(
        svc.deployments()[0].rollout_state().unwrap().as_str(),
        "COMPLETED"
    );
    let tasks = ecs
        .list_tasks()
        .cluster("made")
        .service_name("web")
        .send()
        .await
        .unwrap();
    assert_eq!(tasks.task_arns().len(), 2);

    let app = TestApp::on(&sb).await;
    let page = app
        .session("viewer")
        .await
        .ok("/sandbox/clusters/made")
        .await;
    assert_eq!(page.texts("tr[data-service] td:first-child a"), ["web"]);
}

#[tokio::test]
async fn delete_service_drains_then_goes_inactive_and_frees_the_cluster() {
    let (_sb, ecs) = empty_sandbox().await;
    let td = register(&ecs, "web", nginx()).await;
    create_service(&ecs, "gone", "web", &td, 2).await;
    running(&ecs, "gone", "web", 2).await;

    let e = ecs
        .delete_cluster()
        .cluster("gone")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ClusterContainsServicesException");
    let e = ecs
        .delete_service()
        .cluster("gone")
        .service("web")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    assert_eq!(
        e.message(),
        Some("The service cannot be stopped while it is scaled above 0.")
    );

    let out = ecs
        .delete_service()
        .cluster("gone")
        .service("web")
        .force(true)
        .send()
        .await
        .unwrap();
    assert_eq!(out.service.unwrap().status(), Some("DRAINING"));
    assert!(listed_services(&ecs, "gone").await.is_empty());
    let e = ecs
        .delete_cluster()
        .cluster("gone")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code(&e),
        "ClusterContainsServicesException",
        "still draining"
    );

    let svc = poll_until("the service INACTIVE", WAIT, || async {
        let s = describe(&ecs, "gone", "web").await;
        (s.status() == Some("INACTIVE")).then_some(s)
    })
    .await;
    assert_eq!(svc.desired_count(), 0);
    assert_eq!(svc.running_count(), 0);
    let running_tasks = ecs.list_tasks().cluster("gone").send().await.unwrap();
    assert!(running_tasks.task_arns().is_empty());

    let out = ecs.delete_cluster().cluster("gone").send().await.unwrap();
    assert_eq!(out.cluster.unwrap().status(), Some("INACTIVE"));
    assert!(
        ecs.list_clusters()
            .send()
            .await
            .unwrap()
            .cluster_arns()
            .is_empty()
    );
    let d = ecs
        .describe_clusters()
        .clusters("gone")
        .send()
        .await
        .unwrap();
    assert_eq!(d.clusters()[0].status(), Some("INACTIVE"));
    let e = ecs
        .list_services()
        .cluster("gone")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ClusterNotFoundException");
    // The name can be used again, and an INACTIVE service's name too.
    ecs.create_cluster()
        .cluster_name("gone")
        .send()
        .await
        .unwrap();
    create_service(&ecs, "gone", "web", &td, 0).await;
    assert_eq!(describe(&ecs, "gone", "web").await.status(), Some("ACTIVE"));
    let described = ecs
        .describe_clusters()
        .clusters("gone")
        .include(ClusterField::Statistics)
        .send()
        .await
        .unwrap();
    assert_eq!(described.clusters()[0].active_services_count(), 1);
}

#[tokio::test]
async fn tags_are_set_and_removed_within_aws_limits() {
    let (_sb, ecs) = empty_sandbox().await;
    let td = register(&ecs, "web", nginx()).await;
    create_service(&ecs, "tagged", "web", &td, 0).await;
    let cluster = ecs
        .describe_clusters()
        .clusters("tagged")
        .send()
        .await
        .unwrap();
    let cluster_arn = cluster.clusters()[0].cluster_arn().unwrap().to_string();
    let service_arn = describe(&ecs, "tagged", "web").await.service_arn.unwrap();

    for arn in [&cluster_arn, &service_arn, &td] {
        ecs.tag_resource()
            .resource_arn(arn)
            .tags(tag("a", "1"))
            .tags(tag("b", "2"))
            .send()
            .await
            .unwrap();
        ecs.tag_resource()
            .resource_arn(arn)
            .tags(tag("a", "one"))
            .send()
            .await
            .unwrap();
        ecs.untag_resource()
            .resource_arn(arn)
            .tag_keys("b")
            .send()
            .await
            .unwrap();
        let out = ecs
            .list_tags_for_resource()
            .resource_arn(arn)
            .send()
            .await
            .unwrap();
        let tags: Vec<(&str, &str)> = out
            .tags()
            .iter()
            .map(|t| (t.key().unwrap(), t.value().unwrap()))
            .collect();
        assert_eq!(tags, [("a", "one")], "{arn}");
    }

    let refused = |tags: Vec<Tag>| {
        ecs.tag_resource()
            .resource_arn(&service_arn)
            .set_tags(Some(tags))
            .send()
    };
    let e = refused(vec![tag(&"k".repeat(129), "v")]).await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    let e = refused(vec![tag("k", &"v".repeat(257))]).await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    let e = refused(vec![tag("aws:owner", "me")]).await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    // 49 more make 50 with "a": fine; one more is one too many.
    let many: Vec<Tag> = (0..49).map(|i| tag(&format!("k{i}"), "v")).collect();
    refused(many).await.unwrap();
    let e = refused(vec![tag("straw", "v")]).await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    let e = ecs
        .untag_resource()
        .resource_arn(&service_arn)
        .tag_keys("aws:x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    let e = ecs
        .tag_resource()
        .resource_arn(format!("{cluster_arn}-missing"))
        .tags(tag("a", "b"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    let out = ecs
        .list_tags_for_resource()
        .resource_arn(&service_arn)
        .send()
        .await
        .unwrap();
    assert_eq!(out.tags().len(), 50);
}
