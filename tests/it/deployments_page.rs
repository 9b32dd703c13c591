//! The deployments page: the seeded history of every strategy with stage,
//! outcome, reason and the revision diff; a rollback from the page through
//! the rollback action (one UpdateService, one audit entry, the operator's
//! name on the deployment it started); viewers get no rollback button; a
//! warm page costs AWS nothing, a renewed one a single list call.

use std::time::Duration;

use ecsdeck::auth::Clock;
use ecsdeck::fleet::CacheTiming;
use ecsdeck::sandbox::{Fleet, SandboxConfig, SandboxHandle};
use ecsdeck::store::AuditFilter;
use scraper::{Html, Selector};

use crate::harness::*;

const APP: &str = "/sandbox/clusters/data-pipeline/services/pipeline-app";
const TTL: Duration = Duration::from_secs(3);

/// The texts matching `css` inside one element.
fn within(e: &Element, css: &str) -> Vec<String> {
    let html = Html::parse_fragment(&e.html);
    let sel = Selector::parse(css).unwrap();
    html.select(&sel)
        .map(|x| x.text().collect::<String>().trim().to_string())
        .collect()
}

fn one_text(e: &Element, css: &str) -> String {
    within(e, css).into_iter().next().unwrap_or_default()
}

/// The app on the seeded sandbox, its fleet on a manual clock.
async fn app_on(sb: &SandboxHandle, clock: &Clock) -> TestApp {
    let timing = CacheTiming {
        live: TTL,
        clock: clock.clone(),
        ..CacheTiming::default()
    };
    TestApp::new(with_cache_timing(app_state(sb).await, timing))
}

#[tokio::test]
async fn the_page_lists_each_strategy_with_stage_outcome_reason_and_diff() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, 1.0)).await;
    let app = app_on(&sb, &Clock::manual()).await;
    let viewer = app.session("viewer").await;

    let service = viewer.ok(APP).await;
    assert_eq!(
        service.link("a.deployments-link", "Deployments").as_deref(),
        Some(format!("{APP}/deployments").as_str())
    );
    let page = viewer.ok(&format!("{APP}/deployments")).await;
    let rows = page.select("li.deployment");
    assert_eq!(rows.len(), 4, "{}", page.body);
    // Nothing moves: the list refreshes rarely.
    assert_eq!(
        page.attr("#deployments-live", "hx-trigger").as_deref(),
        Some("every 30s")
    );
    let strategies = page.texts("li.deployment .deployment-strategy");
    assert!(
        strategies.iter().all(|s| s == "Blue/green"),
        "{strategies:?}"
    );
    let newest = &rows[0];
    assert_eq!(newest.attr("data-status"), Some("SUCCESSFUL"));
    assert_eq!(one_text(newest, ".deployment-status"), "Succeeded");
    assert_eq!(one_text(newest, ".deployment-bake"), "15 min");
    assert!(one_text(newest, ".deployment-stage").contains("CLEAN_UP"));
    // From v2.14.3 (revision 1) to v2.15.1 (revision 2), with the diff.
    assert_eq!(
        one_text(newest, ".revision.source .revision-td"),
        "pipeline-app:1"
    );
    assert_eq!(
        one_text(newest, ".revision.target .revision-td"),
        "pipeline-app:2"
    );
    let images = within(newest, ".revision.target .revision-images code");
    assert!(
        images.iter().any(|i| i.ends_with("pipeline-app:v2.15.1")),
        "{images:?}"
    );
    assert!(
        images.iter().any(|i| i.starts_with("sha256:")),
        "{images:?}"
    );
    let changed = within(newest, ".deployment-diff tr.diff-changed");
    assert!(
        changed
            .iter()
            .any(|r| r.contains("v2.14.3") && r.contains("v2.15.1")),
        "{changed:?}"
    );
    assert!(changed.iter().any(|r| r.contains("memory")), "{changed:?}");
    // The circuit-breaker rollback six days ago, with its reason.
    let failed = &rows[2];
    assert_eq!(failed.attr("data-status"), Some("ROLLBACK_SUCCESSFUL"));
    assert_eq!(
        one_text(failed, ".deployment-status"),
        "Failed, rolled back"
    );
    assert_eq!(
        one_text(failed, ".deployment-reason"),
        "ECS deployment circuit breaker: tasks failed to start."
    );
    assert!(
        one_text(failed, ".deployment-rollback").starts_with("Rolled back to pipeline-app:1"),
        "{}",
        failed.html
    );
    assert!(
        within(failed, ".deployment-monitor")
            .iter()
            .any(|m| m.starts_with("Circuit breaker triggered: 3 of")),
        "{}",
        failed.html
    );
    // Viewers read; they get no rollback button.
    assert!(!page.exists("form.deployment-rollback-form"));

    // The other strategies, and an alarm rollback.
    let linear = viewer
        .ok("/sandbox/clusters/staging/services/catalog-api/deployments")
        .await;
    assert_eq!(
        linear.texts("li.deployment .deployment-strategy")[0],
        "Linear: 25% every 2 min"
    );
    let canary = viewer
        .ok("/sandbox/clusters/staging/services/storefront-web/deployments")
        .await;
    assert_eq!(
        canary.texts("li.deployment .deployment-strategy")[0],
        "Canary: 10% for 5 min, then the rest"
    );
    let acme = viewer
        .ok("/sandbox/clusters/acme-production/services/acme-production/deployments")
        .await;
    assert!(
        acme.texts(".deployment-strategy")
            .iter()
            .all(|s| s == "Rolling")
    );
    let reasons = acme.texts(".deployment-reason");
    assert!(
        reasons.contains(
            &"CloudWatch alarm acme-production/acme-production CPU high went into ALARM state."
                .to_string()
        ),
        "{reasons:?}"
    );
    assert!(
        acme.texts(".deployment-monitor")
            .iter()
            .any(|m| m.contains("(in ALARM: acme-production/acme-production CPU high)"))
    );
    // Secrets never show, in diffs or anywhere else.
    assert!(!acme.body.contains("Pr0d-db-pa55w0rd"));
    sb.shutdown().await;
}

#[tokio::test]
async fn an_operator_rolls_back_to_an_earlier_revision_from_the_page() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, 1.0)).await;
    let app = app_on(&sb, &Clock::manual()).await;
    let op = app.session("operator").await;
    let url = format!("{APP}/deployments");
    let page = op.ok(&url).await;
    // Revision 1 deployed successfully before; revision 2 runs now.
    let forms = page.select("form.deployment-rollback-form");
    let revisions = page.attrs(
        "form.deployment-rollback-form input[name=revision]",
        "value",
    );
    assert_eq!(revisions, ["1"], "offered once, never the running revision");
    let action = forms[0].attr("action").unwrap().to_string();
    assert_eq!(action, format!("{APP}/rollback"));
    let csrf = page
        .attr(
            "form.deployment-rollback-form input[name=csrf_token]",
            "value",
        )
        .unwrap();
    let action_id = page
        .attr(
            "form.deployment-rollback-form input[name=action_id]",
            "value",
        )
        .unwrap();
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("action_id", action_id.as_str()),
        ("revision", "1"),
    ];
    reset_stats(&sb).await;
    let preview = op.post_form(&action, &fields).await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(
        preview.body.contains("pipeline-app:2 → pipeline-app:1"),
        "{}",
        preview.body
    );
    assert!(
        preview.body.contains("(a blue/green deployment)"),
        "{}",
        preview.body
    );
    assert_eq!(calls(&sandbox_stats(&sb).await, "ecs:UpdateService"), 0);

    let mut confirmed = fields.to_vec();
    confirmed.extend([("confirmed", "1"), ("confirm", "pipeline-app")]);
    let done = op.post_form(&action, &confirmed).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let stats = sandbox_stats(&sb).await;
    assert_eq!(calls(&stats, "ecs:UpdateService"), 1);
    let runs = {
        let world = sb.world();
        let w = ecsdeck::sandbox::server::lock(&world);
        w.ecs.clusters["data-pipeline"].services["pipeline-app"]
            .task_definition
            .clone()
    };
    assert!(runs.ends_with("task-definition/pipeline-app:1"), "{runs}");
    let audit = app
        .state
        .store()
        .audit_list(
            &AuditFilter {
                target: Some("pipeline-app".to_string()),
                action: Some("rollback".to_string()),
                ..AuditFilter::default()
            },
            10,
        )
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].user, "operator");

    // The blue/green deployment it started, newest, in progress, with the
    // operator's name and its current stage highlighted.
    let page = op.ok(&url).await;
    let rows = page.select("li.deployment");
    let newest = &rows[0];
    assert_eq!(
        newest.attr("data-status"),
        Some("IN_PROGRESS"),
        "{}",
        newest.html
    );
    assert_eq!(
        one_text(newest, ".deployment-who"),
        "started by operator (operator) via ecsdeck"
    );
    assert_eq!(within(newest, ".stage-current").len(), 1, "{}", newest.html);
    assert_eq!(
        one_text(newest, ".revision.target .revision-td"),
        "pipeline-app:1"
    );
    // Nobody started the seeded ones through ecsdeck.
    assert!(
        rows[1..]
            .iter()
            .all(|r| within(r, ".deployment-who").is_empty())
    );
    // Now revision 2 is the earlier successful one.
    let offered = page.attrs(
        "form.deployment-rollback-form input[name=revision]",
        "value",
    );
    assert_eq!(offered, ["2"]);
    // While it rolls, htmx's poll gets the list alone, every 3 s.
    let region = op.get_htmx(&url).await;
    assert_eq!(region.status, 200);
    assert_eq!(
        region.attr("#deployments-live", "hx-trigger").as_deref(),
        Some("every 3s")
    );
    assert!(!region.exists("h1"));
    assert_eq!(region.count("li.deployment"), rows.len());
    sb.shutdown().await;
}

#[tokio::test]
async fn a_warm_page_costs_nothing_and_a_renewal_one_list_call() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, 1.0)).await;
    let clock = Clock::manual();
    let app = app_on(&sb, &clock).await;
    let viewer = app.session("viewer").await;
    let url = format!("{APP}/deployments");
    viewer.ok(APP).await;
    reset_stats(&sb).await;
    viewer.ok(&url).await;
    let cold = sandbox_stats(&sb).await;
    assert_eq!(calls(&cold, "ecs:ListServiceDeployments"), 1);
    assert_eq!(calls(&cold, "ecs:DescribeServiceDeployments"), 1);
    assert_eq!(calls(&cold, "ecs:DescribeServiceRevisions"), 1);

    reset_stats(&sb).await;
    viewer.ok(&url).await;
    assert_eq!(
        total_calls(&sandbox_stats(&sb).await),
        0,
        "warm: no AWS call"
    );

    // A service the cluster's list in memory does not have: 404, no call,
    // no key.
    viewer.ok("/sandbox/clusters/data-pipeline").await;
    let sizes = app.state.environments[0].fleet.sizes();
    reset_stats(&sb).await;
    let missing = viewer
        .get("/sandbox/clusters/data-pipeline/services/no-such-service/deployments")
        .await;
    assert_eq!(missing.status, 404);
    let stats = sandbox_stats(&sb).await;
    assert_eq!(total_calls(&stats), 0, "{stats}");
    assert_eq!(app.state.environments[0].fleet.sizes(), sizes);

    // Past the refresh age the page answers from memory and renews in the
    // background: the finished deployments and the revisions are known.
    clock.advance(TTL * 2);
    reset_stats(&sb).await;
    viewer.ok(&url).await;
    let renewed = poll_until("the background renewal", Duration::from_secs(10), || {
        let sb = &sb;
        async move {
            let s = sandbox_stats(sb).await;
            (calls(&s, "ecs:ListServiceDeployments") == 1).then_some(s)
        }
    })
    .await;
    assert_eq!(calls(&renewed, "ecs:DescribeServiceDeployments"), 0);
    assert_eq!(calls(&renewed, "ecs:DescribeServiceRevisions"), 0);

    sb.shutdown().await;
}
