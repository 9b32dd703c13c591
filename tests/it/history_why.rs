//! The "Why" panel on the service page's first screen: each seeded failure
//! scenario (`ecsdeck:scenario`) gets its named diagnosis and the evidence
//! an operator would otherwise assemble from rows, events and other pages.

use std::collections::HashMap;

use aws_sdk_ecs::types::DesiredStatus;
use ecsdeck::sandbox::{Fleet, SandboxConfig, SandboxHandle};

use crate::harness::*;
use crate::history_recorder::state_on;

const FROZEN: f64 = 0.0001;

/// The service page of `cluster/service` as `user`, after checking the
/// sandbox tags the service with `scenario`.
async fn open(
    sb: &SandboxHandle,
    cluster: &str,
    service: &str,
    scenario: &str,
    user: &str,
) -> (Page, Session) {
    let ecs = sdk(sb).await.ecs;
    let described = crate::sandbox_ecs_fleet::service(&ecs, cluster, service).await;
    let tag = described
        .tags()
        .iter()
        .find(|t| t.key() == Some("ecsdeck:scenario"))
        .and_then(|t| t.value())
        .map(str::to_string);
    assert_eq!(tag.as_deref(), Some(scenario), "{cluster}/{service}");
    let store = test_store(Backend::Sqlite).await.unwrap();
    let state = state_on(sb, store, true).await;
    let session = TestApp::new(state).session(user).await;
    let page = session
        .ok(&format!("/sandbox/clusters/{cluster}/services/{service}"))
        .await;
    (page, session)
}

/// The panel's evidence, label → value.
fn evidence(page: &Page) -> HashMap<String, String> {
    let labels = page.texts("section.why dl.why-evidence dt");
    let values = page.texts("section.why dl.why-evidence dd");
    assert_eq!(labels.len(), values.len());
    labels.into_iter().zip(values).collect()
}

fn mode(page: &Page) -> String {
    assert!(page.exists("section.why"), "no Why panel:\n{}", page.body);
    page.texts("section.why .why-mode").join("")
}

/// Abnormal stops ECS lists for the service (through the SDK).
async fn abnormal_stops(sb: &SandboxHandle, cluster: &str, service: &str) -> usize {
    let ecs = sdk(sb).await.ecs;
    let arns = ecs
        .list_tasks()
        .cluster(cluster)
        .service_name(service)
        .desired_status(DesiredStatus::Stopped)
        .send()
        .await
        .unwrap()
        .task_arns()
        .to_vec();
    let mut n = 0;
    for chunk in arns.chunks(100) {
        let d = ecs
            .describe_tasks()
            .cluster(cluster)
            .set_tasks(Some(chunk.to_vec()))
            .send()
            .await
            .unwrap();
        n += d
            .tasks()
            .iter()
            .filter(|t| t.stop_code().is_some_and(|c| c.as_str() != "UserInitiated"))
            .count();
    }
    n
}

/// "17 × …" → 17, summed over the panel's groups.
/// Waits until the service page's "Why" panel groups every abnormal stop
/// ECS lists: stops the background read found reach the panel through the
/// recorder's writer, a moment after the read.
async fn all_stops_grouped(sb: &SandboxHandle, session: &Session, cluster: &str, service: &str) {
    let want = abnormal_stops(sb, cluster, service).await;
    let url = format!("/sandbox/clusters/{cluster}/services/{service}");
    poll_until(
        &format!("{want} stops grouped on {url}"),
        std::time::Duration::from_secs(20),
        || async { (grouped(&session.get(&url).await) == want).then_some(()) },
    )
    .await;
}

fn grouped(page: &Page) -> usize {
    page.texts("section.why .why-group")
        .iter()
        .map(|g| g.split(" × ").next().unwrap().parse::<usize>().unwrap())
        .sum()
}

#[tokio::test]
async fn crash_loop_names_the_exit_code_interval_and_last_lines() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, FROZEN)).await;
    let (page, session) = open(&sb, "staging", "legacy-importer", "crash-loop", "viewer").await;
    assert_eq!(mode(&page), "Crash loop");
    let e = evidence(&page);
    assert_eq!(e["Exit code"], "1");
    assert!(
        e["Stops"].contains("× Essential container in task exited, exit 1, every ~"),
        "{e:?}"
    );
    assert!(e["Interval"].starts_with('~'), "{e:?}");
    let headline = page.texts(".why-headline").join("");
    assert!(headline.contains("stops in the last"), "{headline}");
    let lines = page.texts(".why-log-line");
    assert!(!lines.is_empty(), "the crashed container's last lines");
    assert!(
        lines.last().unwrap().contains("exited with code 1"),
        "{lines:?}"
    );
    all_stops_grouped(&sb, &session, "staging", "legacy-importer").await;
    let first = page.attr("section.why .why-tasks a", "href").unwrap();
    assert!(
        first.starts_with("/sandbox/clusters/staging/tasks/"),
        "{first}"
    );
    let logs = page
        .link("section.why a.why-logs", "Logs around this moment")
        .unwrap();
    assert!(
        logs.contains("service=staging/legacy-importer") && logs.contains("start="),
        "{logs}"
    );
    // The viewer opens at that moment: the crash is among its lines.
    let around = session.ok(&logs).await;
    let messages = around.log_messages();
    assert!(
        messages.iter().any(|m| m.contains("exited with code 1")),
        "{messages:?}"
    );
}

#[tokio::test]
async fn oom_names_exit_137_and_the_memory_limits() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, FROZEN)).await;
    let (page, session) = open(
        &sb,
        "data-pipeline",
        "pipeline-transformer",
        "oom",
        "viewer",
    )
    .await;
    assert_eq!(mode(&page), "Out of memory");
    let e = evidence(&page);
    assert!(e["Stops"].contains("× OutOfMemoryError, exit 137"), "{e:?}");
    assert!(e["Reason"].contains("OutOfMemoryError"), "{e:?}");
    let td = sdk(&sb)
        .await
        .ecs
        .describe_task_definition()
        .task_definition("pipeline-transformer")
        .send()
        .await
        .unwrap();
    let memory = td.task_definition().unwrap().memory().unwrap().to_string();
    assert!(
        e["Task memory"].starts_with(&format!("{memory} MiB")),
        "{e:?}"
    );
    assert!(
        e.contains_key("Container memory limit") && e.contains_key("Container memory reservation")
    );
    let lines = page.texts(".why-log-line");
    assert!(lines.iter().any(|l| l.contains("137")), "{lines:?}");
    all_stops_grouped(&sb, &session, "data-pipeline", "pipeline-transformer").await;
}

#[tokio::test]
async fn image_pull_names_the_image_and_that_ecr_lacks_it() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, FROZEN)).await;
    let (page, _session) = open(&sb, "staging", "pdf-renderer", "image-pull", "viewer").await;
    assert_eq!(mode(&page), "Image pull failure");
    let e = evidence(&page);
    assert!(
        e["Image"].ends_with("staging/pdf-renderer:sha-0000000-missing"),
        "{e:?}"
    );
    assert_eq!(
        e["In ECR now"],
        "no: repository staging/pdf-renderer has no image sha-0000000-missing"
    );
    assert!(
        e["Registry error"].contains("CannotPullContainerError"),
        "{e:?}"
    );
    // ECR agrees: the tag is not there.
    let images = sdk(&sb)
        .await
        .ecr
        .describe_images()
        .repository_name("staging/pdf-renderer")
        .send()
        .await
        .unwrap();
    assert!(
        images
            .image_details()
            .iter()
            .all(|i| !i.image_tags().contains(&"sha-0000000-missing".to_string()))
    );
}

#[tokio::test]
async fn unhealthy_names_the_health_check_and_its_failures() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, FROZEN)).await;
    let (page, session) = open(&sb, "staging", "geo-api", "unhealthy", "viewer").await;
    assert_eq!(mode(&page), "Unhealthy");
    let e = evidence(&page);
    assert_eq!(
        e["Health check"],
        "geo-api: CMD-SHELL curl -fs http://localhost:8080/healthz || exit 1"
    );
    assert_eq!(e["Interval / timeout / retries"], "10 s / 3 s / 3");
    assert!(
        e["Stops"].contains("× Task failed container health checks, exit 143"),
        "{e:?}"
    );
    all_stops_grouped(&sb, &session, "staging", "geo-api").await;
}

#[tokio::test]
async fn failed_deploy_names_the_verdict_revisions_diff_and_offers_rollback() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, FROZEN)).await;
    let (page, _session) = open(&sb, "websight-cms", "cms", "failed-deploy", "operator").await;
    assert_eq!(mode(&page), "Failed deployment");
    let e = evidence(&page);
    assert!(
        e["Circuit breaker"].contains("deployment failed: tasks failed to start"),
        "{e:?}"
    );
    assert!(
        e["Rollback"].contains("rolling back to deployment"),
        "{e:?}"
    );
    let ecs = sdk(&sb).await.ecs;
    let svc = ecs
        .describe_services()
        .cluster("websight-cms")
        .services("cms")
        .send()
        .await
        .unwrap();
    let current = svc.services()[0]
        .task_definition()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(e["Last worked"], current);
    let failed = &e["Failed revision"];
    assert!(
        failed.starts_with("websight-cms:") && *failed != current,
        "{e:?}"
    );
    let failed_td = ecs
        .describe_task_definition()
        .task_definition(failed.as_str())
        .send()
        .await
        .unwrap();
    let image = failed_td.task_definition().unwrap().container_definitions()[0]
        .image()
        .unwrap();
    assert!(image.ends_with("websight-cms:1.19.0"), "{image}");
    // The diff shows the image change, old → new.
    let rows = page.texts("table.why-diff tr.changed");
    assert!(
        rows.iter()
            .any(|r| r.contains("1.18.0") && r.contains("1.19.0")),
        "{rows:?}"
    );
    // Operators are offered the rollback to the revision that worked.
    assert_eq!(
        page.attr("form.why-rollback input[name=revision]", "value")
            .as_deref(),
        Some(current.as_str())
    );
    let (viewer, _) = open(&sb, "websight-cms", "cms", "failed-deploy", "viewer").await;
    assert!(
        !viewer.exists("form.why-rollback"),
        "viewers get no rollback"
    );
}

#[tokio::test]
async fn a_healthy_service_has_no_why_panel() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, FROZEN)).await;
    let store = test_store(Backend::Sqlite).await.unwrap();
    let state = state_on(&sb, store, true).await;
    let viewer = TestApp::new(state).session("viewer").await;
    let page = viewer
        .ok("/sandbox/clusters/staging/services/admin-web")
        .await;
    assert!(
        !page.exists("section.why"),
        "{}",
        page.texts("section.why").join(" ")
    );
}
