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
