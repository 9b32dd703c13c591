#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};

use super::*;

fn store() -> EcrStore {
    let mut s = EcrStore::new();
    s.create_repository("web", true, false, 1_000);
    s.put_image(
        "web",
        NewImage {
            tags: vec!["production-301".into()],
            size_bytes: 300_000_000,
            pushed_at_ms: 2_000,
            findings: Some(Findings {
                critical: 2,
                high: 1,
                ..Findings::default()
            }),
            ..NewImage::default()
        },
    );
    s.put_image(
        "web",
        NewImage {
            tags: vec!["production-304".into(), "latest".into()],
            size_bytes: 310_000_000,
            pushed_at_ms: 3_000,
            ..NewImage::default()
        },
    );
    s.put_image(
        "web",
        NewImage {
            pushed_at_ms: 500,
            size_bytes: 1,
            ..NewImage::default()
        },
    );
    s
}

fn call(s: &mut EcrStore, op: &str, body: Value) -> Result<Value, crate::sandbox::error::ApiError> {
    s.handle(op, &body, 0)
}

#[test]
fn digests_are_deterministic_sha256() {
    let (mut a, mut b) = (store(), store());
    let da = call(&mut a, "ListImages", json!({"repositoryName": "web"})).unwrap();
    let db = call(&mut b, "ListImages", json!({"repositoryName": "web"})).unwrap();
    assert_eq!(da, db);
    let d = da["imageIds"][0]["imageDigest"].as_str().unwrap();
    assert!(d.starts_with("sha256:") && d.len() == 7 + 64, "{d}");
    assert!(a.image_exists("web", "latest") && a.image_exists("web", d));
    assert!(!a.image_exists("web", "nope") && !a.image_exists("other", "latest"));
}

#[test]
fn moving_a_tag_untags_the_old_image() {
    let mut s = store();
    s.put_image(
        "web",
        NewImage {
            tags: vec!["latest".into()],
            pushed_at_ms: 9,
            ..NewImage::default()
        },
    );
    let out = call(
        &mut s,
        "DescribeImages",
        json!({"repositoryName": "web", "imageIds": [{"imageTag": "production-304"}]}),
    )
    .unwrap();
    assert_eq!(
        out["imageDetails"][0]["imageTags"],
        json!(["production-304"])
    );
}

#[test]
fn describe_images_filters_and_pages() {
    let mut s = store();
    let untagged = call(
        &mut s,
        "DescribeImages",
        json!({"repositoryName": "web", "filter": {"tagStatus": "UNTAGGED"}}),
    )
    .unwrap();
    assert_eq!(untagged["imageDetails"].as_array().unwrap().len(), 1);
    assert!(untagged["imageDetails"][0].get("imageTags").is_none());
    let p1 = call(
        &mut s,
        "DescribeImages",
        json!({"repositoryName": "web", "maxResults": 2}),
    )
    .unwrap();
    assert_eq!(p1["imageDetails"].as_array().unwrap().len(), 2);
    let tok = p1["nextToken"].as_str().unwrap();
    let p2 = call(
        &mut s,
        "DescribeImages",
        json!({"repositoryName": "web", "maxResults": 2, "nextToken": tok}),
    )
    .unwrap();
    assert_eq!(p2["imageDetails"].as_array().unwrap().len(), 1);
    assert!(p2.get("nextToken").is_none());
    let counts = &p1["imageDetails"][0]["imageScanFindingsSummary"]["findingSeverityCounts"];
    assert_eq!(counts, &json!({"CRITICAL": 2, "HIGH": 1}));
    for bad in [
        json!({"repositoryName": "web", "maxResults": 1001}),
        json!({"repositoryName": "web", "nextToken": "x"}),
    ] {
        assert_eq!(
            call(&mut s, "DescribeImages", bad).unwrap_err().kind,
            "InvalidParameterException"
        );
    }
}

#[test]
fn errors_have_ecr_types() {
    let mut s = store();
    let kind = |r: Result<Value, crate::sandbox::error::ApiError>| r.unwrap_err().kind;
    assert_eq!(
        kind(call(
            &mut s,
            "DescribeRepositories",
            json!({"repositoryNames": ["nope"]})
        )),
        "RepositoryNotFoundException"
    );
    assert_eq!(
        kind(call(
            &mut s,
            "DescribeImages",
            json!({"repositoryName": "web", "imageIds": [{"imageTag": "nope"}]})
        )),
        "ImageNotFoundException"
    );
    assert_eq!(
        kind(call(
            &mut s,
            "DescribeImageScanFindings",
            json!({"repositoryName": "web", "imageId": {"imageTag": "latest"}})
        )),
        "ScanNotFoundException"
    );
    assert_eq!(
        kind(call(&mut s, "PutImage", json!({}))),
        "UnknownOperationException"
    );
    assert_eq!(
        kind(call(&mut s, "DescribeImages", json!({}))),
        "InvalidParameterException"
    );
}

#[test]
fn scan_findings_match_counts() {
    let mut s = store();
    let out = call(
        &mut s,
        "DescribeImageScanFindings",
        json!({"repositoryName": "web", "imageId": {"imageTag": "production-301"}}),
    )
    .unwrap();
    let findings = out["imageScanFindings"]["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 3);
    assert_eq!(findings[0]["severity"], "CRITICAL");
    assert!(findings[0]["name"].as_str().unwrap().starts_with("CVE-"));
    assert!(findings[0]["uri"].as_str().unwrap().starts_with("https://"));
}

#[test]
fn batch_get_image_reports_failures() {
    let mut s = store();
    let out = call(&mut s, "BatchGetImage", json!({"repositoryName": "web", "imageIds": [{"imageTag": "latest"}, {"imageTag": "gone"}]})).unwrap();
    assert_eq!(out["images"].as_array().unwrap().len(), 1);
    let manifest: Value =
        serde_json::from_str(out["images"][0]["imageManifest"].as_str().unwrap()).unwrap();
    assert_eq!(manifest["schemaVersion"], 2);
    assert_eq!(out["failures"][0]["failureCode"], "ImageNotFound");
    assert_eq!(out["failures"][0]["imageId"]["imageTag"], "gone");
}

#[test]
fn no_input_makes_it_panic() {
    let mut s = store();
    let bodies = [
        json!({}),
        json!({"repositoryName": 1}),
        json!({"repositoryName": "web", "imageIds": []}),
        json!({"repositoryName": "web", "imageIds": [{}]}),
        json!({"repositoryName": "web", "imageIds": "x"}),
        json!({"repositoryName": "web", "imageId": {"imageDigest": "sha256:00"}}),
        json!({"repositoryName": "web", "maxResults": 0}),
        json!({"repositoryName": "web", "nextToken": "ukD72mdD/mC8b5xV3susmJzzaTgp3hKwR9nRUW1yZZ6f3939393939393939393939393939393939"}),
        json!({"repositoryName": "web", "filter": {"tagStatus": "WHAT"}}),
        json!({"repositoryNames": ["web"], "maxResults": 5}),
    ];
    for op in [
        "DescribeRepositories",
        "DescribeImages",
        "ListImages",
        "BatchGetImage",
        "DescribeImageScanFindings",
    ] {
        for b in &bodies {
            let _ = call(&mut s, op, b.clone());
        }
    }
}
