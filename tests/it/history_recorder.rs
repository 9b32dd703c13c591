//! The history recorder: what the fleet model reads (and nothing more from
//! AWS) is kept in the state store, on SQLite and PostgreSQL, survives a
//! restart, is pruned after the retention, and a task ECS forgot still
//! renders from it with its stop reason and log links.

use std::collections::BTreeSet;
use std::time::Duration;

use aws_sdk_ecs::types::DesiredStatus;
use ecsdeck::recorder::Retention;
use ecsdeck::sandbox::server::lock;
use ecsdeck::sandbox::{Fleet, SandboxConfig, SandboxHandle};
use ecsdeck::state::AppState;
use ecsdeck::store::history::HistoryQuery;
use ecsdeck::store::{DatabaseUrl, Store};

use crate::both_backends;
use crate::harness::*;

/// Time nearly frozen: the sandbox does not move between reads.
const FROZEN: f64 = 0.0001;
const SERVICE: &str = "/sandbox/clusters/data-pipeline/services/pipeline-transformer";

/// A dashboard on `sb` and `store` (users added), recording history or not.
pub async fn state_on(sb: &SandboxHandle, store: Store, recording: bool) -> AppState {
    let settings = ecsdeck::state::Settings {
        history_retention: recording.then(Retention::default),
        ..test_settings()
    };
    app_state_with_settings(sb, store, settings).await
}

/// Waits until the recorder has written what it was told so far.
pub async fn flush(state: &AppState) {
    state.environments[0]
        .history
        .as_ref()
        .expect("recording is on")
        .flush()
        .await;
}

pub fn everything(cluster: &str, service: Option<&str>) -> HistoryQuery {
    HistoryQuery {
        env: "sandbox".to_string(),
        cluster: cluster.to_string(),
        service: service.map(str::to_string),
        since_ms: 0,
        until_ms: i64::MAX,
        limit: 1000,
    }
}

/// Ids of the service's stopped tasks ECS lists now (through the SDK).
async fn stopped_ids(sb: &SandboxHandle, cluster: &str, service: &str) -> BTreeSet<String> {
    let ecs = sdk(sb).await.ecs;
    let listed = ecs
        .list_tasks()
        .cluster(cluster)
        .service_name(service)
        .desired_status(DesiredStatus::Stopped)
        .send()
        .await
        .unwrap();
    listed
        .task_arns()
        .iter()
        .map(|a| a.rsplit('/').next().unwrap().to_string())
        .collect()
}

async fn recorder_keeps_what_the_service_page_read(backend: Backend) {
    let Some(store) = test_store(backend).await else {
        return;
    };
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, FROZEN)).await;
    let state = state_on(&sb, store.clone(), true).await;
    let viewer = TestApp::new(state.clone()).session("viewer").await;
    viewer.ok("/").await;
    viewer.ok(SERVICE).await;
    flush(&state).await;

    let listed = stopped_ids(&sb, "data-pipeline", "pipeline-transformer").await;
    assert!(
        listed.len() >= 5,
        "the OOM loop has stopped tasks: {listed:?}"
    );
    let q = everything("data-pipeline", Some("pipeline-transformer"));
    let tasks = store.history_tasks(&q).await.unwrap();
    let recorded: BTreeSet<String> = tasks.iter().map(|t| t.task_id.clone()).collect();
    assert_eq!(recorded, listed, "every stopped task ECS lists is recorded");
    for t in &tasks {
        assert_eq!(t.stop_code, "EssentialContainerExited");
        assert!(t.stopped_ms > 0 && !t.launch_type.is_empty());
        assert!(!t.availability_zone.is_empty() && t.task_definition.contains("pipeline"));
        let c = &t.containers[0];
        assert_eq!(c.exit_code, Some(137), "{t:?}");
        assert!(c.reason.contains("OutOfMemoryError"), "{c:?}");
    }

    let ecs = sdk(&sb).await.ecs;
    let described = ecs
        .describe_services()
        .cluster("data-pipeline")
        .services("pipeline-transformer")
        .send()
        .await
        .unwrap();
    let svc = &described.services()[0];
    let events: BTreeSet<String> = svc
        .events()
        .iter()
        .map(|e| e.id().unwrap().to_string())
        .collect();
    let recorded: BTreeSet<String> = store
        .history_events(&q)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event_id)
        .collect();
    assert!(!events.is_empty());
    assert_eq!(recorded, events, "every event once");
    let deployments = store.history_deployments(&q).await.unwrap();
    let primary = svc.deployments()[0].id().unwrap();
    assert!(
        deployments.iter().any(|d| d.deployment_id == primary),
        "{deployments:?}"
    );
    // The overview read every cluster: their stopped tasks too.
    let staging = store
        .history_tasks(&everything("staging", Some("legacy-importer")))
        .await
        .unwrap();
    assert!(!staging.is_empty(), "the crash loop's stops were recorded");
}

async fn history_survives_a_restart_and_retention_prunes(backend: Backend) {
    let Some((store, flags)) = test_store_with_flags(backend).await else {
        return;
    };
    let url: DatabaseUrl = match flags[0].as_str() {
        "--data-dir" => DatabaseUrl::sqlite_in(std::path::Path::new(&flags[1])),
        _ => flags[1].parse().unwrap(),
    };
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, FROZEN)).await;
    let state = state_on(&sb, store.clone(), true).await;
    let viewer = TestApp::new(state.clone()).session("viewer").await;
    viewer.ok(SERVICE).await;
    flush(&state).await;
    let q = everything("data-pipeline", Some("pipeline-transformer"));
    let before = store.history_tasks(&q).await.unwrap();
    assert!(!before.is_empty());
    drop((viewer, state));
    store.close().await;

    // A new process on the same database.
    let store = Store::open(&url).await.unwrap();
    let after = store.history_tasks(&q).await.unwrap();
    assert_eq!(after, before, "history survives the restart");
    let state = state_on(&sb, store.clone(), true).await;
    let recorder = state.environments[0].history.clone().unwrap();
    let newest = after.iter().map(|t| t.stopped_ms).max().unwrap();
    let oldest = after.iter().map(|t| t.stopped_ms).min().unwrap();
    let day = 86_400_000;
    // 29 days after the newest stop: still inside the 30-day retention.
    let kept = recorder.prune_at(oldest + 29 * day).await.unwrap();
    assert_eq!(kept.tasks, 0);
    assert_eq!(store.history_tasks(&q).await.unwrap().len(), after.len());
    // Past 30 days everything of that time goes, events and deployments too.
    let pruned = recorder.prune_at(newest + 31 * day).await.unwrap();
    assert!(pruned.tasks as usize >= after.len(), "{pruned:?}");
    assert!(pruned.events > 0, "{pruned:?}");
    assert!(store.history_tasks(&q).await.unwrap().is_empty());
    assert!(store.history_events(&q).await.unwrap().is_empty());
}

both_backends!(
    recorder_keeps_what_the_service_page_read,
    history_survives_a_restart_and_retention_prunes
);

/// The same pages on one (frozen) sandbox through two fresh dashboards,
/// one recording and one not: AWS sees exactly the same calls. (Two
/// sandboxes would differ: scheduled tasks follow the wall clock.)
#[tokio::test]
async fn the_recorder_adds_no_aws_calls() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, FROZEN)).await;
    let mut counts = Vec::new();
    for recording in [false, true, false] {
        let store = test_store(Backend::Sqlite).await.unwrap();
        let state = state_on(&sb, store.clone(), recording).await;
        assert_eq!(state.environments[0].history.is_some(), recording);
        reset_stats(&sb).await;
        let viewer = TestApp::new(state.clone()).session("viewer").await;
        for path in [
            "/",
            "/sandbox/clusters/staging",
            "/sandbox/clusters/staging/services/legacy-importer",
            SERVICE,
            "/sandbox/clusters/data-pipeline/tasks?status=STOPPED",
        ] {
            viewer.ok(path).await;
        }
        if recording {
            flush(&state).await;
            let q = everything("data-pipeline", None);
            assert!(!store.history_tasks(&q).await.unwrap().is_empty());
        }
        counts.push(sandbox_stats(&sb).await["calls"].clone());
    }
    assert_eq!(counts[0], counts[2], "the same pages cost the same");
    assert_eq!(counts[0], counts[1], "recording changed the AWS calls");
}

#[tokio::test]
async fn a_task_ecs_forgot_renders_from_the_history() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, FROZEN)).await;
    let store = test_store(Backend::Sqlite).await.unwrap();
    let state = state_on(&sb, store.clone(), true).await;
    let viewer = TestApp::new(state.clone()).session("viewer").await;
    viewer.ok(SERVICE).await;
    flush(&state).await;
    let q = everything("data-pipeline", Some("pipeline-transformer"));
    let task = store.history_tasks(&q).await.unwrap().remove(0);

    // Two hours later by the sandbox's clock ECS no longer lists it.
    let now = sb.now_ms();
    {
        let world = sb.world();
        let mut w = lock(&world);
        let c = w.ecs.clusters.get_mut("data-pipeline").unwrap();
        let t = c.tasks.get_mut(&task.task_id).unwrap();
        t.stopped_ms = Some(now - 2 * 3_600_000);
    }
    poll_until("ECS forgets the task", Duration::from_secs(10), || {
        let sb = &sb;
        let id = task.task_id.clone();
        async move {
            (!stopped_ids(sb, "data-pipeline", "pipeline-transformer")
                .await
                .contains(&id))
            .then_some(())
        }
    })
    .await;
    let described = sdk(&sb)
        .await
        .ecs
        .describe_tasks()
        .cluster("data-pipeline")
        .tasks(&task.task_id)
        .send()
        .await
        .unwrap();
    assert!(described.tasks().is_empty(), "ECS answers it is missing");

    let page = viewer
        .ok(&format!(
            "/sandbox/clusters/data-pipeline/tasks/{}",
            task.task_id
        ))
        .await;
    let notice = page.texts(".recorded-task").join(" ");
    assert!(notice.contains("ECS no longer lists it"), "{notice}");
    assert!(notice.starts_with("Recorded "), "{notice}");
    let reason = page.texts(".stop-reason").join(" ");
    assert!(reason.contains("EssentialContainerExited"), "{reason}");
    assert!(reason.contains("OutOfMemoryError"), "{reason}");
    assert!(page.texts("table.containers td").iter().any(|t| t == "137"));
    let logs = page
        .link("table.containers a", "open logs")
        .expect("a log link");
    assert!(
        logs.contains("group=/ecs/data-pipeline/transformer"),
        "{logs}"
    );
    assert!(logs.contains(&task.task_id), "{logs}");
    // The log link opens the task's stream (log streams outlive tasks).
    let lines = viewer.ok(&logs).await;
    assert!(
        lines.body.contains(&task.task_id),
        "the viewer names the stream"
    );

    // A task ecsdeck never saw is still ECS's 404.
    let unknown = viewer
        .get("/sandbox/clusters/data-pipeline/tasks/0123456789abcdef0123456789abcdef")
        .await;
    assert_eq!(unknown.status, 404);
}
