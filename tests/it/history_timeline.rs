//! Timelines: a deploy → failure → circuit-breaker rollback sequence in
//! order, with the operator's name on the action, ranges and filters, and
//! "logs around this moment" on every point.

use std::time::Duration;

use ecsdeck::sandbox::{Fleet, SandboxConfig};

use crate::harness::*;
use crate::history_recorder::state_on;

const CMS: &str = "/sandbox/clusters/websight-cms/services/cms";

/// (kind, text, who) of every timeline row, newest first.
fn rows(page: &Page) -> Vec<(String, String, String)> {
    let kinds = page.attrs("table.timeline tbody tr", "data-kind");
    let texts = page.texts("table.timeline tbody td.timeline-text");
    let who = page.texts("table.timeline tbody td.timeline-who");
    assert_eq!(kinds.len(), texts.len());
    kinds
        .into_iter()
        .zip(texts)
        .zip(who)
        .map(|((k, t), w)| (k, t, w))
        .collect()
}

fn position(rows: &[(String, String, String)], kind: &str, text: &str) -> Option<usize> {
    rows.iter().position(|r| r.0 == kind && r.1.contains(text))
}

#[tokio::test]
async fn the_timeline_shows_deploy_failure_and_rollback_in_order_with_the_operator() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, 60.0)).await;
    let store = test_store(Backend::Sqlite).await.unwrap();
    let state = state_on(&sb, store, true).await;
    let op = TestApp::new(state.clone()).session("operator").await;
    // websight-cms:2 names an image that was never pushed.
    let typed = [
        ("revision", "2"),
        ("action_id", "tl-1"),
        ("confirmed", "1"),
        ("confirm", "cms"),
    ];
    let done = op.post_form(&format!("{CMS}/rollback"), &typed).await;
    assert_eq!(done.status, 303, "{}", done.body);
    // The operator watches the service: the rollout is read (and recorded).
    op.ok(CMS).await;

    let timeline = format!("{CMS}/timeline");
    let page = poll_until(
        "the failure and ECS's rollback on the timeline",
        Duration::from_secs(90),
        || {
            let (op, timeline) = (&op, &timeline);
            async move {
                op.ok(CMS).await;
                let page = op.ok(timeline).await;
                let r = rows(&page);
                let failed = r
                    .iter()
                    .filter(|r| r.1.contains("deployment failed"))
                    .count();
                (failed >= 2 && position(&r, "events", "rolling back to deployment").is_some())
                    .then_some(page)
            }
        },
    )
    .await;
    let r = rows(&page);
    let action = r
        .iter()
        .position(|r| {
            r.0 == "actions"
                && r.1
                    .contains("rollback: revision websight-cms:1 → revision websight-cms:2 — ok")
        })
        .unwrap_or_else(|| panic!("{r:#?}"));
    assert_eq!(r[action].2, "operator (operator)");
    let started = position(&r, "deployments", "of websight-cms:2 started")
        .unwrap_or_else(|| panic!("{r:#?}"));
    // Newest first: the rollback ECS started, its verdict, the deployment
    // the operator started, the operator's action.
    let failed = r
        .iter()
        .position(|row| row.0 == "events" && row.1.contains("deployment failed"))
        .unwrap();
    let rolling = position(&r, "events", "rolling back to deployment").unwrap();
    assert!(rolling <= failed, "rolling back after the failure: {r:#?}");
    assert!(failed < started, "the failure after the start: {r:#?}");
    assert!(started < action, "the deployment after the action: {r:#?}");
    // Stops of the failed revision are grouped by cause.
    let stops =
        position(&r, "stops", "CannotPullContainerError").unwrap_or_else(|| panic!("{r:#?}"));
    assert!(r[stops].1.contains(" × "), "{r:#?}");
    // Every point links to the service's logs around it.
    let links = page.attrs("table.timeline a.timeline-logs", "href");
    assert_eq!(links.len(), r.len());
    assert!(
        links
            .iter()
            .all(|l| l.contains("service=websight-cms/cms") && l.contains("start="))
    );

    // Filters and ranges.
    let only = op.ok(&format!("{timeline}?show=actions&since=1h")).await;
    let kinds = only.attrs("table.timeline tbody tr", "data-kind");
    assert!(
        !kinds.is_empty() && kinds.iter().all(|k| k == "actions"),
        "{kinds:?}"
    );
    let bad = op.get(&format!("{timeline}?since=forever")).await;
    assert_eq!(bad.status, 400);
    // The cluster timeline has the service's points too.
    let cluster = op.ok("/sandbox/clusters/websight-cms/timeline").await;
    assert!(
        cluster
            .texts("table.timeline td")
            .iter()
            .any(|t| t == "cms")
    );
}
