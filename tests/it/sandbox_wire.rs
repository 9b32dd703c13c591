//! The sandbox's wire protocol basics, through the real SDK.

use crate::harness::*;

#[tokio::test]
async fn unknown_operation_is_a_typed_aws_error_and_is_counted() {
    let sb = start_sandbox(Default::default()).await;
    let client = reqwest::Client::new();
    let resp = client
        .post(sb.endpoint_url())
        .header(
            "x-amz-target",
            "AmazonEC2ContainerServiceV20141113.NoSuchThing",
        )
        .header("content-type", "application/x-amz-json-1.1")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["__type"], "UnknownOperationException");
    let stats = sandbox_stats(&sb).await;
    assert_eq!(stats["calls"]["ecs:NoSuchThing"], 1);
    sb.shutdown().await;
}
