//! The ECR pages against the seeded sandbox: repositories, images with
//! digests and findings, newest first, and which services run each image.

use ecsdeck::sandbox::{Fleet, SandboxConfig};

use crate::browse_pages::{FROZEN, page};
use crate::harness::*;

#[tokio::test]
async fn images_show_tags_findings_and_which_services_run_them() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, FROZEN)).await;
    let aws = sdk(&sb).await;
    let app = TestApp::new(app_state(&sb).await);
    let repos = page(&app, "/sandbox/images").await.body;
    let listed = aws.ecr.describe_repositories().send().await.unwrap();
    for r in listed.repositories() {
        assert!(
            repos.contains(r.repository_uri().unwrap()),
            "{:?} listed",
            r.repository_name()
        );
    }

    let body = page(&app, "/sandbox/images/acme-app-production").await;
    let images = aws
        .ecr
        .describe_images()
        .repository_name("acme-app-production")
        .send()
        .await
        .unwrap();
    assert_eq!(
        body.attrs("table.images .digest[data-copy^=\"sha256:\"]", "data-copy")
            .len(),
        images.image_details().len(),
        "every image with its digest"
    );
    // Production runs production-305: its row names the service.
    let rows = body.select("table.images tbody tr");
    let row_of = |tag: &str| {
        rows.iter()
            .position(|r| r.html.contains(&format!("<code>{tag}</code>")))
            .unwrap_or_else(|| panic!("tag {tag} shown"))
    };
    let row = &rows[row_of("production-305")];
    assert!(
        row.text.contains("acme-production/acme-production"),
        "{}",
        row.html
    );
    assert!(
        row_of("production-305") < row_of("production-301"),
        "newest push first"
    );
    // Findings by severity, as ECR counts them.
    let with_findings = images
        .image_details()
        .iter()
        .filter_map(|d| d.image_scan_findings_summary()?.finding_severity_counts())
        .flat_map(|m| m.values())
        .sum::<i32>();
    assert!(
        with_findings > 0 && body.exists("table.images .badge[class*=\"sev-\"]"),
        "findings shown"
    );

    let missing = app
        .session("viewer")
        .await
        .get("/sandbox/images/nope")
        .await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn the_repositories_page_shows_counts_as_they_arrive() {
    use std::sync::Arc;
    use std::time::Duration;

    use ecsdeck::aws::budget::FakeRelativeClock;
    use ecsdeck::aws::{Budget, BudgetClock};

    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, FROZEN)).await;
    let repos = sdk(&sb)
        .await
        .ecr
        .describe_repositories()
        .send()
        .await
        .unwrap();
    let mut names: Vec<String> = repos
        .repositories()
        .iter()
        .filter_map(|r| r.repository_name().map(str::to_string))
        .collect();
    names.sort();
    assert!(names.len() >= 3, "{names:?}");
    // 10% of ECR's DescribeImages (burst 10, 10/s): one call, then one per
    // 100 ms of a fake clock that stands still until the test moves it.
    let clock = FakeRelativeClock::default();
    let budget = Arc::new(Budget::with_clock(0.1, BudgetClock::Fake(clock.clone())));
    let store = test_store(Backend::Sqlite).await.unwrap();
    add_test_users(&store).await;
    let app = TestApp::new(app_state_with_budget(&sb, store, test_auth_config(), budget).await);
    let viewer = app.session("viewer").await;

    // The page does not wait for a DescribeImages per repository.
    let first = viewer.ok("/sandbox/images").await;
    assert_eq!(
        first.count("table.repositories tbody tr"),
        names.len(),
        "{}",
        first.body
    );
    let reading = first.count(".reading");
    assert!(
        reading >= names.len() - 1,
        "{reading} of {} still reading",
        names.len()
    );
    assert_eq!(
        first.attr("#repos-live", "hx-trigger").as_deref(),
        Some("every 3s"),
        "a page filling in polls sooner"
    );

    // As the budget lets the reads through, the counts fill in.
    let full = poll_until("every count read", Duration::from_secs(30), || async {
        clock.advance(Duration::from_secs(1));
        let p = viewer.get_htmx("/sandbox/images").await;
        (!p.exists(".reading")).then_some(p)
    })
    .await;
    let counts = full.numbers("table.repositories");
    assert_eq!(counts.len(), names.len());
    let images = sdk(&sb)
        .await
        .ecr
        .describe_images()
        .repository_name(&names[0])
        .send()
        .await
        .unwrap();
    assert_eq!(counts[0], images.image_details().len() as i64);
    assert_eq!(
        full.attr("#repos-live", "hx-trigger").as_deref(),
        Some("every 30s")
    );
    assert_eq!(
        calls(&sandbox_stats(&sb).await, "ecr:DescribeImages"),
        names.len() as u64 + 1,
        "one read per repository (and the test's own): {}",
        sandbox_stats(&sb).await
    );
}
