//! A wait for the budget is not time AWS took: on tokio's paused clock
//! (time jumps ahead whenever everything waits), eight ListClusters calls
//! through a budget of one token per 5 s finish although the last one
//! waits 35 s for its token, past the 30 s the SDK's operation timeout
//! used to allow.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_runtime_api::client::http::{
    HttpConnector, HttpConnectorFuture, SharedHttpConnector, http_client_fn,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;

use super::BudgetedClient;
use crate::aws::budget::Budget;
use crate::aws::config::{retries, timeouts};
use crate::aws::{AwsClients, quotas};

/// Answers every ListClusters at once, counting what reached "AWS".
#[derive(Debug, Default)]
struct Answering {
    sent: Arc<AtomicUsize>,
}

impl HttpConnector for Answering {
    fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
        self.sent.fetch_add(1, Ordering::SeqCst);
        HttpConnectorFuture::ready(Ok(HttpResponse::new(
            StatusCode::try_from(200).expect("status"),
            SdkBody::from(r#"{"clusterArns":[]}"#),
        )))
    }
}

fn clients(budget: Arc<Budget>, sent: Arc<AtomicUsize>) -> AwsClients {
    let inner =
        http_client_fn(move |_, _| SharedHttpConnector::new(Answering { sent: sent.clone() }));
    let conf = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url("http://127.0.0.1:9")
        .credentials_provider(SharedCredentialsProvider::new(Credentials::for_tests()))
        .timeout_config(timeouts())
        .retry_config(retries())
        .http_client(BudgetedClient::wrapping(inner, budget.clone()))
        .build();
    AwsClients::new(&conf, budget)
}

#[tokio::test(start_paused = true)]
async fn a_wait_for_the_budget_does_not_count_against_timeouts() {
    // 1% of ecs:cluster-read (burst 100, 20/s): a burst of 1, one token
    // every 5 s.
    let budget = Arc::new(Budget::new(0.01));
    let usage = budget.snapshot();
    let read = usage
        .iter()
        .find(|g| g.group == quotas::limits("ecs", "ListClusters").group)
        .expect("group");
    assert_eq!((read.burst, read.per_second), (1, 0.2));
    let sent = Arc::new(AtomicUsize::new(0));
    let aws = clients(budget.clone(), sent.clone());
    let start = tokio::time::Instant::now();
    let results = futures::future::join_all((0..8).map(|_| aws.list_cluster_arns())).await;
    for r in &results {
        assert!(r.is_ok(), "{r:?}");
    }
    assert_eq!(
        sent.load(Ordering::SeqCst),
        8,
        "each sent once, none retried"
    );
    assert!(start.elapsed() >= std::time::Duration::from_secs(35));
}
