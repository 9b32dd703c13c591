//! The fleet pages against the seeded sandbox: what they show must equal
//! what AWS (the sandbox, read through the SDK) says, and every seeded
//! failure must be diagnosable from its service page.

use std::collections::HashMap;

use aws_sdk_ecs::types::ServiceField;
use ecsdeck::sandbox::{Fleet, SandboxConfig};

use crate::auth_support::RouterSession;
use crate::support::{Page, app_state, sdk, start_sandbox};

/// Time nearly frozen, so the sandbox does not move between the SDK read
/// and the page render.
pub const FROZEN: f64 = 0.0001;

pub async fn page(app: &axum::Router, path: &str) -> Page {
    let viewer = RouterSession::sign_in(app, "viewer").await;
    let p = viewer.get(app, path).await;
    assert_eq!(p.status, 200, "{path}: {}", p.body);
    p
}

/// The HTML of the table row carrying `attr`.
fn row<'a>(body: &'a str, attr: &str) -> &'a str {
    let start = body.find(attr).unwrap_or_else(|| panic!("no row {attr}"));
    let end = body[start..].find("</tr>").unwrap() + start;
    &body[start..end]
}

fn num_cells(row: &str) -> Vec<i64> {
    row.split("<td class=\"num")
        .skip(1)
        .filter_map(|cell| {
            let v = cell.split('>').nth(1)?.split('<').next()?;
            v.trim().parse().ok()
        })
        .collect()
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
    let app = ecsdeck::app(app_state(&sb).await);
    let body = page(&app, "/").await.body;

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
        let nums = num_cells(row(&body, &format!("data-cluster=\"{name}\"")));
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
    let attention = &body[body.find("Needs attention").expect("problems section")
        ..body.find("All clusters").unwrap()];
    for (scenario, (_, service)) in scenarios(&aws.ecs).await {
        assert!(
            attention.contains(&format!(">{service}<")),
            "{scenario} {service} missing"
        );
    }
    assert!(
        attention.contains("OutOfMemoryError"),
        "the OOM reason is on the overview"
    );
}

#[tokio::test]
async fn cluster_page_lists_every_service_with_sandbox_counts() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, FROZEN)).await;
    let aws = sdk(&sb).await;
    let app = ecsdeck::app(app_state(&sb).await);
    let body = page(&app, "/sandbox/clusters/staging").await.body;

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
    assert_eq!(body.matches("<tr data-service=").count(), names.len());
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
            let nums = num_cells(row(&body, &format!("data-service=\"{name}\"")));
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
    let viewer = RouterSession::sign_in(&app, "viewer").await;
    let filtered = viewer
        .get_with(
            &app,
            "/sandbox/clusters/staging?q=geo",
            &[("HX-Request", "true")],
        )
        .await;
    assert_eq!(filtered.status, 200);
    assert!(
        !filtered.body.contains("<html"),
        "htmx gets the fragment only"
    );
    assert_eq!(filtered.body.matches("<tr data-service=").count(), 1);
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
    let app = ecsdeck::app(app_state(&sb).await);
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
        let body = page(
            &app,
            &format!("/sandbox/clusters/{cluster}/services/{service}"),
        )
        .await
        .body;
        assert!(
            body.contains(needle),
            "{scenario}: {needle} not on the page of {service}"
        );
        assert!(body.contains("Recently stopped tasks"));
        assert!(body.contains("<h2>Events"));
    }
}

#[tokio::test]
async fn tasks_task_detail_and_task_definitions() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, FROZEN)).await;
    let aws = sdk(&sb).await;
    let app = ecsdeck::app(app_state(&sb).await);
    let (cluster, service) = scenarios(&aws.ecs).await["oom"].clone();
    let viewer = RouterSession::sign_in(&app, "viewer").await;

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
    let task = page(&app, &format!("/sandbox/clusters/{cluster}/tasks/{id}"))
        .await
        .body;
    assert!(task.contains(id));
    assert!(
        task.contains("/sandbox/logs?group="),
        "container log link derived from awslogs"
    );

    let missing = viewer
        .get(
            &app,
            &format!("/sandbox/clusters/{cluster}/tasks/0000deadbeef"),
        )
        .await;
    assert_eq!(missing.status, 404);
    let bad = viewer
        .get(
            &app,
            &format!("/sandbox/clusters/{cluster}/tasks?status=sideways"),
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("Unknown task status"));

    // The Rails task definition: secrets masked, revisions diffable.
    let families = page(&app, "/sandbox/task-definitions").await.body;
    let rails = ["acme-app-production", "acme-rails"]
        .into_iter()
        .find(|f| families.contains(&format!(">{f}<")))
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
        .get(
            &app,
            &format!("/sandbox/task-definitions/{rails}?from=99&to=3"),
        )
        .await;
    assert_eq!(foreign.status, 400);

    let unknown = viewer.get(&app, "/sandbox/clusters/nope").await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.body.contains("nope"));
    let unknown_svc = viewer
        .get(&app, "/sandbox/clusters/staging/services/nope")
        .await;
    assert_eq!(unknown_svc.status, 404);
}
