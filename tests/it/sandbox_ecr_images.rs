//! ECR in the sandbox through the real SDK: repositories, images, scan
//! findings, BatchGetImage and typed errors.

use aws_sdk_ecr::types::{FindingSeverity, ImageIdentifier, ListImagesFilter, TagStatus};
use ecsdeck::sandbox::SandboxHandle;
use ecsdeck::sandbox::ecr::{Findings, NewImage};
use ecsdeck::sandbox::server::lock;

use ecsdeck::sandbox::{Fleet, SandboxConfig};

use crate::harness::*;

fn seed(sb: &SandboxHandle) {
    let world = sb.world();
    let mut w = lock(&world);
    let now = w.clock.now_ms();
    w.ecr
        .create_repository("it/web", true, true, now - 86_400_000);
    for (i, tag) in ["production-301", "production-304", "production-305"]
        .iter()
        .enumerate()
    {
        w.ecr.put_image(
            "it/web",
            NewImage {
                tags: vec![tag.to_string()],
                size_bytes: 400_000_000 + i as i64,
                pushed_at_ms: now - 3_600_000 * (3 - i as i64),
                findings: Some(Findings {
                    critical: 1,
                    high: 2,
                    medium: 3,
                    ..Findings::default()
                }),
                ..NewImage::default()
            },
        );
    }
    w.ecr.put_image(
        "it/web",
        NewImage {
            size_bytes: 5,
            pushed_at_ms: now - 99,
            ..NewImage::default()
        },
    );
}

fn tag(t: &str) -> ImageIdentifier {
    ImageIdentifier::builder().image_tag(t).build()
}

#[tokio::test]
async fn repositories_and_images_with_findings() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 1.0)).await;
    seed(&sb);
    let sdk = sdk(&sb).await;

    let repos = sdk
        .ecr
        .describe_repositories()
        .repository_names("it/web")
        .send()
        .await
        .unwrap();
    let repo = &repos.repositories()[0];
    assert_eq!(
        repo.repository_uri(),
        Some("123456789012.dkr.ecr.us-east-1.amazonaws.com/it/web")
    );
    assert_eq!(
        repo.image_tag_mutability().map(|m| m.as_str()),
        Some("IMMUTABLE")
    );
    assert!(repo.image_scanning_configuration().unwrap().scan_on_push());
    assert!(repo.created_at().is_some());

    let imgs = sdk
        .ecr
        .describe_images()
        .repository_name("it/web")
        .image_ids(tag("production-304"))
        .send()
        .await
        .unwrap();
    let img = &imgs.image_details()[0];
    assert_eq!(img.image_tags(), ["production-304"]);
    assert!(img.image_digest().unwrap().starts_with("sha256:"));
    assert!(img.image_pushed_at().is_some() && img.image_size_in_bytes().unwrap() > 0);
    let counts = img
        .image_scan_findings_summary()
        .unwrap()
        .finding_severity_counts()
        .unwrap();
    assert_eq!(counts.get(&FindingSeverity::Critical), Some(&1));
    assert_eq!(counts.get(&FindingSeverity::Medium), Some(&3));

    let mut pages = 0;
    let mut seen = 0;
    let mut token = None;
    loop {
        let out = sdk
            .ecr
            .describe_images()
            .repository_name("it/web")
            .max_results(3)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        pages += 1;
        seen += out.image_details().len();
        token = out.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    assert_eq!((pages, seen), (2, 4));
    let untagged = sdk
        .ecr
        .list_images()
        .repository_name("it/web")
        .filter(
            ListImagesFilter::builder()
                .tag_status(TagStatus::Untagged)
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(untagged.image_ids().len(), 1);
    assert!(untagged.image_ids()[0].image_tag().is_none());

    let scan = sdk
        .ecr
        .describe_image_scan_findings()
        .repository_name("it/web")
        .image_id(tag("production-305"))
        .send()
        .await
        .unwrap();
    let findings = scan.image_scan_findings().unwrap();
    assert_eq!(findings.findings().len(), 6);
    let f = &findings.findings()[0];
    assert_eq!(f.severity(), Some(&FindingSeverity::Critical));
    assert!(
        f.name().unwrap().starts_with("CVE-") && f.uri().is_some() && f.description().is_some()
    );

    let got = sdk
        .ecr
        .batch_get_image()
        .repository_name("it/web")
        .image_ids(tag("production-301"))
        .image_ids(tag("gone"))
        .send()
        .await
        .unwrap();
    assert_eq!(got.images().len(), 1);
    assert!(
        got.images()[0]
            .image_manifest()
            .unwrap()
            .contains("schemaVersion")
    );
    assert_eq!(
        got.failures()[0].failure_code().map(|c| c.as_str()),
        Some("ImageNotFound")
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn ecr_errors_are_typed() {
    let sb = start_sandbox(SandboxConfig::for_tests(Fleet::Empty, 1.0)).await;
    seed(&sb);
    let sdk = sdk(&sb).await;
    let err = sdk
        .ecr
        .describe_repositories()
        .repository_names("nope")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_repository_not_found_exception(), "{err:?}");
    let err = sdk
        .ecr
        .describe_images()
        .repository_name("nope")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_repository_not_found_exception(), "{err:?}");
    let err = sdk
        .ecr
        .describe_images()
        .repository_name("it/web")
        .image_ids(tag("missing"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_image_not_found_exception(), "{err:?}");
    let err = sdk
        .ecr
        .describe_images()
        .repository_name("it/web")
        .max_results(5000)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_parameter_exception(), "{err:?}");
    sb.shutdown().await;
}
