//! The fleet pages against the seeded sandbox: what they show must equal
//! what AWS (the sandbox, read through the SDK) says, and every seeded
//! failure must be diagnosable from its service page.

use std::collections::HashMap;

use aws_sdk_ecs::types::ServiceField;
use ecsdeck::sandbox::{Fleet, SandboxConfig};

use crate::harness::*;

/// Time nearly frozen, so the sandbox does not move between the SDK read
/// and the page render.
pub const FROZEN: f64 = 0.0001;

pub async fn page(app: &TestApp, path: &str) -> Page {
    app.session("viewer").await.ok(path).await
}

/// Services of every cluster with their scenario tag, via the SDK.
async fn scenarios(ecs: &aws_sdk_ecs::Client) -> HashMap<String, (String, String)> {
    let mut out = HashMap::new();
    let clusters = ecs.list_clusters().send().await.unwrap();
    for c in clusters.cluster_arns() {
        let arns = ecs
            .list_services()
            .cluster(c)
            .max_results(100)
            .send()
            .await
            .unwrap();
        for chunk in arns.service_arns().chunks(10) {
            let d = ecs
                .describe_services()
                .cluster(c)
                .set_services(Some(chunk.to_vec()))
                .include(ServiceField::Tags)
                .send()
                .await
                .unwrap();
            for s in d.services() {
                if let Some(t) = s
                    .tags()
                    .iter()
                    .find(|t| t.key() == Some("ecsdeck:scenario"))
                {
                    out.insert(
                        t.value().unwrap().to_string(),
                        (
                            c.rsplit('/').next().unwrap().to_string(),
                            s.service_name().unwrap().to_string(),
                        ),
                    );
                }
            }
        }
    }
    out
}

#[tokio::test]
async fn overview_counts_equal_the_sandbox_and_problems_come_first() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, FROZEN)).await;
    let aws = sdk(&sb).await;
    let app = TestApp::new(app_state(&sb).await);
    let overview = page(&app, "/").await;

    let arns = aws.ecs.list_clusters().send().await.unwrap();
    let described = aws
        .ecs
        .describe_clusters()
        .set_clusters(Some(arns.cluster_arns().to_vec()))
        .send()
        .await
        .unwrap();
    assert!(described.clusters().len() >= 4);
    for c in described.clusters() {
        let name = c.cluster_name().unwrap();
        let nums = overview.numbers(&format!("table.clusters tr[data-cluster=\"{name}\"]"));
        // Services, Running, Pending, Instances come first among the numbers.
        assert_eq!(
            &nums[..4],
            &[
                i64::from(c.active_services_count()),
                i64::from(c.running_tasks_count()),
                i64::from(c.pending_tasks_count()),
                i64::from(c.registered_container_instances_count()),
            ],
            "cluster {name}"
        );
    }
    // "What is broken right now": every seeded failure is in the problems
    // table, which comes before the list of all clusters.
    let problems = overview.texts("table.problems td:nth-child(2) a");
    assert_eq!(
        overview.attrs("table.problems, table.clusters", "class"),
        ["grid problems", "grid clusters"],
        "the problems table comes before the list of all clusters"
    );
    for (scenario, (_, service)) in scenarios(&aws.ecs).await {
        assert!(problems.contains(&service), "{scenario} {service} missing");
    }
    assert!(
        overview
            .texts("table.problems td.reason")
            .iter()
            .any(|r| r.contains("OutOfMemoryError")),
        "the OOM reason is on the overview"
    );
}

#[tokio::test]
async fn cluster_page_lists_every_service_with_sandbox_counts() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, FROZEN)).await;
    let aws = sdk(&sb).await;
    let app = TestApp::new(app_state(&sb).await);
    let cluster = page(&app, "/sandbox/clusters/staging").await;

    let mut names = Vec::new();
    let mut token = None;
    loop {
        let out = aws
            .ecs
            .list_services()
            .cluster("staging")
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        names.extend(
            out.service_arns()
                .iter()
                .map(|a| a.rsplit('/').next().unwrap().to_string()),
        );
        token = out.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    assert!(
        names.len() > 10,
        "staging has more than one page of services"
    );
    assert_eq!(cluster.count("tr[data-service]"), names.len());
    for chunk in names.chunks(10) {
        let d = aws
            .ecs
            .describe_services()
            .cluster("staging")
            .set_services(Some(chunk.to_vec()))
            .send()
            .await
            .unwrap();
        for s in d.services() {
            let name = s.service_name().unwrap();
            let nums = cluster.numbers(&format!("tr[data-service=\"{name}\"]"));
            assert_eq!(
                &nums[..3],
                &[
                    i64::from(s.desired_count()),
                    i64::from(s.running_count()),
                    i64::from(s.pending_count())
                ],
                "service {name}"
            );
        }
    }

    // Filtering is server-side and keeps the counts honest.
    let viewer = app.session("viewer").await;
    let filtered = viewer.get_htmx("/sandbox/clusters/staging?q=geo").await;
    assert_eq!(filtered.status, 200);
    assert!(
        !filtered.body.contains("<html"),
        "htmx gets the fragment only"
    );
    assert_eq!(filtered.count("tr[data-service]"), 1);
    assert!(
        filtered
            .body
            .contains(&format!("1 of {} match", names.len()))
    );

    // An EC2 cluster shows its container instances with CPU and memory.
    let ec2 = page(&app, "/sandbox/clusters/acme-production").await.body;
    assert!(ec2.contains("Container instances"));
    assert!(ec2.contains("units") && ec2.contains("MiB"));
}

#[tokio::test]
async fn each_seeded_failure_is_diagnosable_from_its_service_page() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, FROZEN)).await;
    let aws = sdk(&sb).await;
    let app = TestApp::new(app_state(&sb).await);
    let expected = [
        ("crash-loop", "EssentialContainerExited"),
        ("oom", "OutOfMemoryError"),
        ("image-pull", "CannotPullContainerError"),
        ("unhealthy", "health check"),
        ("failed-deploy", "deployment failed: tasks failed to start"),
    ];
    let found = scenarios(&aws.ecs).await;
    for (scenario, needle) in expected {
        let (cluster, service) = found
            .get(scenario)
            .unwrap_or_else(|| panic!("{scenario} seeded"));
        let svc = page(
            &app,
            &format!("/sandbox/clusters/{cluster}/services/{service}"),
        )
        .await;
        assert!(
            svc.body.contains(needle),
            "{scenario}: {needle} not on the page of {service}"
        );
        let headings = svc.texts("h2");
        assert!(
            headings
                .iter()
                .any(|h| h.starts_with("Recently stopped tasks"))
        );
        assert!(headings.iter().any(|h| h.starts_with("Events")));
    }
}

#[tokio::test]
async fn tasks_task_detail_and_task_definitions() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, FROZEN)).await;
    let aws = sdk(&sb).await;
    let app = TestApp::new(app_state(&sb).await);
    let (cluster, service) = scenarios(&aws.ecs).await["oom"].clone();
    let viewer = app.session("viewer").await;

    let stopped = page(
        &app,
        &format!("/sandbox/clusters/{cluster}/tasks?status=STOPPED"),
    )
    .await
    .body;
    let listed = aws
        .ecs
        .list_tasks()
        .cluster(&cluster)
        .desired_status(aws_sdk_ecs::types::DesiredStatus::Stopped)
        .send()
        .await
        .unwrap();
    let first = listed
        .task_arns()
        .first()
        .expect("stopped tasks")
        .rsplit('/')
        .next()
        .unwrap();
    assert!(stopped.contains(first));

    let running = aws
        .ecs
        .list_tasks()
        .cluster(&cluster)
        .service_name(&service)
        .send()
        .await
        .unwrap();
    let stopped_arns = aws
        .ecs
        .list_tasks()
        .cluster(&cluster)
        .service_name(&service)
        .desired_status(aws_sdk_ecs::types::DesiredStatus::Stopped)
        .send()
        .await
        .unwrap();
    let any = stopped_arns
        .task_arns()
        .iter()
        .chain(running.task_arns())
        .next()
        .unwrap();
    let id = any.rsplit('/').next().unwrap();
    let task = page(&app, &format!("/sandbox/clusters/{cluster}/tasks/{id}")).await;
    assert!(task.body.contains(id));
    assert!(
        task.attrs("a[href]", "href")
            .iter()
            .any(|h| h.starts_with("/sandbox/logs?group=")),
        "container log link derived from awslogs"
    );

    let missing = viewer
        .get(&format!("/sandbox/clusters/{cluster}/tasks/0000deadbeef"))
        .await;
    assert_eq!(missing.status, 404);
    let bad = viewer
        .get(&format!(
            "/sandbox/clusters/{cluster}/tasks?status=sideways"
        ))
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("Unknown task status"));

    // The Rails task definition: secrets masked, revisions diffable.
    let families = page(&app, "/sandbox/task-definitions").await;
    let rails = ["acme-app-production", "acme-rails"]
        .into_iter()
        .find(|f| families.texts("ul.family-list a").iter().any(|a| a == f))
        .expect("the rails family is listed");
    let rev = page(&app, &format!("/sandbox/task-definitions/{rails}/3"))
        .await
        .body;
    assert!(rev.contains("POSTGRES_PROD_PASSWORD"));
    assert!(rev.contains("••••••••"));
    let td = aws
        .ecs
        .describe_task_definition()
        .task_definition(format!("{rails}:3"))
        .send()
        .await
        .unwrap();
    for c in td.task_definition().unwrap().container_definitions() {
        for kv in c.environment() {
            let (k, v) = (kv.name().unwrap(), kv.value().unwrap());
            if k.contains("PASSWORD") || k.contains("KEY") {
                assert!(!rev.contains(v), "secret value of {k} leaked");
            }
        }
    }
    let diff = page(
        &app,
        &format!("/sandbox/task-definitions/{rails}?from=1&to=3"),
    )
    .await
    .body;
    assert!(diff.contains("diff-changed"), "revisions 1 and 3 differ");
    let foreign = viewer
        .get(&format!("/sandbox/task-definitions/{rails}?from=99&to=3"))
        .await;
    assert_eq!(foreign.status, 400);

    let unknown = viewer.get("/sandbox/clusters/nope").await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.body.contains("nope"));
    let unknown_svc = viewer.get("/sandbox/clusters/staging/services/nope").await;
    assert_eq!(unknown_svc.status, 404);
}
