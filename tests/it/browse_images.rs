//! The ECR pages against the seeded sandbox: repositories, images with
//! digests and findings, newest first, and which services run each image.

use ecsdeck::sandbox::{Fleet, SandboxConfig};

use crate::auth_support::RouterSession;
use crate::browse_pages::{FROZEN, page};
use crate::support::{app_state, sdk, start_sandbox};

#[tokio::test]
async fn images_show_tags_findings_and_which_services_run_them() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Seeded, FROZEN)).await;
    let aws = sdk(&sb).await;
    let app = ecsdeck::app(app_state(&sb).await);
    let repos = page(&app, "/sandbox/images").await.body;
    let listed = aws.ecr.describe_repositories().send().await.unwrap();
    for r in listed.repositories() {
        assert!(
            repos.contains(r.repository_uri().unwrap()),
            "{:?} listed",
            r.repository_name()
        );
    }

    let body = page(&app, "/sandbox/images/acme-app-production").await.body;
    let images = aws
        .ecr
        .describe_images()
        .repository_name("acme-app-production")
        .send()
        .await
        .unwrap();
    assert_eq!(
        body.matches("data-copy=\"sha256:").count(),
        images.image_details().len(),
        "every image with its digest"
    );
    // Production runs production-305: its row names the service.
    let row_start = body.find("<code>production-305</code>").expect("tag shown");
    let row = &body[row_start..row_start + body[row_start..].find("</tr>").unwrap()];
    assert!(row.contains("acme-production/acme-production"), "{row}");
    let older = body.find("<code>production-301</code>").unwrap();
    assert!(row_start < older, "newest push first");
    // Findings by severity, as ECR counts them.
    let with_findings = images
        .image_details()
        .iter()
        .filter_map(|d| d.image_scan_findings_summary()?.finding_severity_counts())
        .flat_map(|m| m.values())
        .sum::<i32>();
    assert!(
        with_findings > 0 && body.contains("badge sev-"),
        "findings shown"
    );

    let missing = RouterSession::sign_in(&app, "viewer")
        .await
        .get(&app, "/sandbox/images/nope")
        .await;
    assert_eq!(missing.status, 404);
}
