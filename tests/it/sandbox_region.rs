//! A sandbox started in a region (`ecsdeck sandbox --region eu-west-1`)
//! hands out that region wherever AWS would: ECS, ECR, CloudWatch Logs,
//! CloudWatch alarm, load balancer, target group and Application Auto
//! Scaling ARNs, availability zones, the registry host and the seeded
//! `awslogs-region`; a us-east-1 sandbox in the same process keeps its own.

use aws_sdk_applicationautoscaling::types::ServiceNamespace;
use ecsdeck::sandbox::SandboxConfig;

use crate::harness::*;

const EU: &str = "arn:aws:ecs:eu-west-1:123456789012:";

async fn eu_and_us() -> (
    ecsdeck::sandbox::SandboxHandle,
    ecsdeck::sandbox::SandboxHandle,
) {
    let eu = start_sandbox_in("eu-west-1", SandboxConfig::seeded().with_speed(0.0001)).await;
    let us = start_sandbox(SandboxConfig::seeded().with_speed(0.0001)).await;
    (eu, us)
}

#[tokio::test]
async fn ecs_arns_zones_images_and_log_options_carry_the_sandboxs_region() {
    let (eu, us) = eu_and_us().await;
    let sdk = sdk(&eu).await;
    let clusters = sdk.ecs.list_clusters().send().await.unwrap();
    assert!(clusters.cluster_arns().len() >= 4);
    for a in clusters.cluster_arns() {
        assert!(a.starts_with(&format!("{EU}cluster/")), "{a}");
    }

    let services = sdk
        .ecs
        .list_services()
        .cluster("acme-production")
        .send()
        .await
        .unwrap();
    assert!(!services.service_arns().is_empty());
    for a in services.service_arns() {
        assert!(
            a.starts_with(&format!("{EU}service/acme-production/")),
            "{a}"
        );
    }

    let listed = sdk
        .ecs
        .list_tasks()
        .cluster("acme-production")
        .send()
        .await
        .unwrap();
    assert!(!listed.task_arns().is_empty());
    let tasks = sdk
        .ecs
        .describe_tasks()
        .cluster("acme-production")
        .set_tasks(Some(listed.task_arns().to_vec()))
        .send()
        .await
        .unwrap();
    for t in tasks.tasks() {
        let arn = t.task_arn().unwrap_or_default();
        assert!(
            arn.starts_with(&format!("{EU}task/acme-production/")),
            "{arn}"
        );
        assert_eq!(
            t.cluster_arn(),
            Some(format!("{EU}cluster/acme-production").as_str())
        );
        let az = t.availability_zone().unwrap_or_default();
        assert!(
            ["eu-west-1a", "eu-west-1b", "eu-west-1c"].contains(&az),
            "{az}"
        );
        assert!(t.task_definition_arn().unwrap_or_default().starts_with(EU));
        for c in t.containers() {
            let arn = c.container_arn().unwrap_or_default();
            assert!(arn.starts_with(&format!("{EU}container/")), "{arn}");
        }
    }

    let instances = sdk
        .ecs
        .list_container_instances()
        .cluster("acme-production")
        .send()
        .await
        .unwrap();
    let described = sdk
        .ecs
        .describe_container_instances()
        .cluster("acme-production")
        .set_container_instances(Some(instances.container_instance_arns().to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(described.container_instances().len(), 2);
    for ci in described.container_instances() {
        let arn = ci.container_instance_arn().unwrap_or_default();
        assert!(
            arn.starts_with(&format!("{EU}container-instance/")),
            "{arn}"
        );
        let az = ci
            .attributes()
            .iter()
            .find(|a| a.name() == "ecs.availability-zone")
            .and_then(|a| a.value())
            .unwrap_or_default();
        assert!(az.starts_with("eu-west-1"), "{az}");
    }

    // The seeded task definitions pull from this region's registry and log
    // to this region.
    let family = sdk
        .ecs
        .describe_task_definition()
        .task_definition("acme-app-production")
        .send()
        .await
        .unwrap();
    let def = family.task_definition().unwrap();
    assert!(
        def.task_definition_arn()
            .unwrap_or_default()
            .starts_with(EU)
    );
    let c = &def.container_definitions()[0];
    assert!(
        c.image()
            .unwrap_or_default()
            .starts_with("123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme-app-production:"),
        "{:?}",
        c.image()
    );
    let options = c.log_configuration().and_then(|l| l.options()).unwrap();
    assert_eq!(
        options.get("awslogs-region").map(String::as_str),
        Some("eu-west-1")
    );

    // Its images were pushed there, so its tasks pull and run.
    assert!(
        tasks
            .tasks()
            .iter()
            .any(|t| t.last_status() == Some("RUNNING")),
        "tasks pull from the region's registry"
    );

    // The us-east-1 sandbox next to it keeps us-east-1.
    let us_clusters = super::harness::sdk(&us)
        .await
        .ecs
        .list_clusters()
        .send()
        .await
        .unwrap();
    for a in us_clusters.cluster_arns() {
        assert!(
            a.starts_with("arn:aws:ecs:us-east-1:123456789012:cluster/"),
            "{a}"
        );
    }
}

#[tokio::test]
async fn ecr_logs_alarms_load_balancers_and_scaling_carry_the_sandboxs_region() {
    let (eu, us) = eu_and_us().await;
    let sdk = sdk(&eu).await;
    let repos = sdk.ecr.describe_repositories().send().await.unwrap();
    assert!(!repos.repositories().is_empty());
    for r in repos.repositories() {
        let name = r.repository_name().unwrap_or_default();
        assert_eq!(
            r.repository_arn(),
            Some(format!("arn:aws:ecr:eu-west-1:123456789012:repository/{name}").as_str())
        );
        assert_eq!(
            r.repository_uri(),
            Some(format!("123456789012.dkr.ecr.eu-west-1.amazonaws.com/{name}").as_str())
        );
    }

    let groups = sdk.logs.describe_log_groups().send().await.unwrap();
    assert!(!groups.log_groups().is_empty());
    for g in groups.log_groups() {
        let name = g.log_group_name().unwrap_or_default();
        let arn = format!("arn:aws:logs:eu-west-1:123456789012:log-group:{name}");
        assert_eq!(g.log_group_arn(), Some(arn.as_str()));
        assert_eq!(g.arn(), Some(format!("{arn}:*").as_str()));
    }
    let production = "/ecs/acme-app-production";
    let streams = sdk
        .logs
        .describe_log_streams()
        .log_group_name(production)
        .send()
        .await
        .unwrap();
    assert!(!streams.log_streams().is_empty());
    for s in streams.log_streams() {
        let arn = s.arn().unwrap_or_default();
        assert!(
            arn.starts_with(&format!(
                "arn:aws:logs:eu-west-1:123456789012:log-group:{production}:log-stream:"
            )),
            "{arn}"
        );
    }

    let alarms = sdk.cloudwatch.describe_alarms().send().await.unwrap();
    assert!(!alarms.metric_alarms().is_empty());
    for a in alarms.metric_alarms() {
        let arn = a.alarm_arn().unwrap_or_default();
        assert!(
            arn.starts_with("arn:aws:cloudwatch:eu-west-1:123456789012:alarm:"),
            "{arn}"
        );
    }

    let budget = std::sync::Arc::new(ecsdeck::aws::Budget::unlimited());
    let conf = ecsdeck::aws::config::sandbox_sdk_config(&eu.endpoint_url(), budget).await;
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(&conf);
    let tgs = elb
        .describe_target_groups()
        .names("acme-production-tg")
        .send()
        .await
        .unwrap();
    let tg = &tgs.target_groups()[0];
    let elb_arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:";
    let tg_arn = tg.target_group_arn().unwrap_or_default();
    assert!(
        tg_arn.starts_with(&format!("{elb_arn}targetgroup/acme-production-tg/")),
        "{tg_arn}"
    );
    for lb in tg.load_balancer_arns() {
        assert!(
            lb.starts_with(&format!("{elb_arn}loadbalancer/app/")),
            "{lb}"
        );
    }

    let aas = aws_sdk_applicationautoscaling::Client::new(&conf);
    let targets = aas
        .describe_scalable_targets()
        .service_namespace(ServiceNamespace::Ecs)
        .send()
        .await
        .unwrap();
    assert!(!targets.scalable_targets().is_empty());
    for t in targets.scalable_targets() {
        let arn = t.scalable_target_arn().unwrap_or_default();
        assert!(
            arn.starts_with(
                "arn:aws:application-autoscaling:eu-west-1:123456789012:scalable-target/"
            ),
            "{arn}"
        );
    }
    let policies = aas
        .describe_scaling_policies()
        .service_namespace(ServiceNamespace::Ecs)
        .send()
        .await
        .unwrap();
    assert!(!policies.scaling_policies().is_empty());
    for p in policies.scaling_policies() {
        let arn = p.policy_arn();
        assert!(
            arn.starts_with("arn:aws:autoscaling:eu-west-1:123456789012:scalingPolicy:"),
            "{arn}"
        );
        for a in p.alarms() {
            assert!(
                a.alarm_arn().starts_with("arn:aws:cloudwatch:eu-west-1:"),
                "{a:?}"
            );
        }
    }

    // The us-east-1 sandbox in the same process is unaffected.
    let us_repos = super::harness::sdk(&us)
        .await
        .ecr
        .describe_repositories()
        .send()
        .await
        .unwrap();
    for r in us_repos.repositories() {
        let uri = r.repository_uri().unwrap_or_default();
        assert!(
            uri.starts_with("123456789012.dkr.ecr.us-east-1.amazonaws.com/"),
            "{uri}"
        );
    }
}
