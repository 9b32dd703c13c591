//! The hook that makes the SDK spend the budget: an HTTP client whose
//! connector takes a token from `Budget` before each request attempt is
//! sent. The SDK calls the connector once per attempt, so its retries pay
//! too; requests are already signed here, so the signing name is known.
//!
//! The attempt's timeout starts here, once the token is taken: the SDK's
//! own operation timeouts would count the wait for the budget as time
//! AWS took, and a refresh queued behind a big read would fail although
//! AWS never saw it (`aws::config::timeouts` leaves them unset).

use std::time::Duration;

use std::sync::Arc;

use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use aws_smithy_http_client::{Builder, Connector};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::{
    RuntimeComponents, RuntimeComponentsBuilder,
};
use aws_smithy_types::config_bag::ConfigBag;

use super::budget::Budget;
use super::call_outcomes::{self, Outcome};
use super::quotas;

/// An `HttpClient` that spends `budget` and sends through `inner`.
#[derive(Clone, Debug)]
pub struct BudgetedClient {
    inner: SharedHttpClient,
    budget: Arc<Budget>,
}

impl BudgetedClient {
    /// The SDK's default HTTPS client, spending `budget`.
    pub fn new(budget: Arc<Budget>) -> Self {
        Self::wrapping(default_https_client(), budget)
    }

    /// `inner`, spending `budget`.
    pub fn wrapping(inner: SharedHttpClient, budget: Arc<Budget>) -> Self {
        Self { inner, budget }
    }
}

impl HttpClient for BudgetedClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(BudgetedConnector {
            inner: self.inner.http_connector(settings, components),
            budget: self.budget.clone(),
        })
    }

    fn validate_base_client_config(
        &self,
        runtime_components: &RuntimeComponentsBuilder,
        cfg: &ConfigBag,
    ) -> Result<(), BoxError> {
        self.inner
            .validate_base_client_config(runtime_components, cfg)
    }

    fn validate_final_config(
        &self,
        runtime_components: &RuntimeComponents,
        cfg: &ConfigBag,
    ) -> Result<(), BoxError> {
        self.inner.validate_final_config(runtime_components, cfg)
    }

    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        self.inner.connector_metadata()
    }
}

/// How long one attempt may take on the wire once it has its token.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest an attempt waits for a token before it fails (the budget
/// is oversubscribed far beyond what the refresher's pacing allows).
pub const MAX_BUDGET_WAIT: Duration = Duration::from_secs(120);

#[derive(Debug)]
struct BudgetedConnector {
    inner: SharedHttpConnector,
    budget: Arc<Budget>,
}

impl HttpConnector for BudgetedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let (service, op) = operation(&request);
        let group = quotas::limits(service, op).group;
        let (service, op) = (service.to_string(), op.to_string());
        let budget = self.budget.clone();
        let inner = self.inner.clone();
        HttpConnectorFuture::new(async move {
            if tokio::time::timeout(MAX_BUDGET_WAIT, budget.acquire_group(group))
                .await
                .is_err()
            {
                let waited = MAX_BUDGET_WAIT.as_secs();
                return Err(ConnectorError::user(
                    format!("waited {waited} s for ecsdeck's AWS budget ({group}); not sent")
                        .into(),
                ));
            }
            let attempt = async { call_outcomes::classify(inner.call(request).await).await };
            let (answer, outcome) = match tokio::time::timeout(ATTEMPT_TIMEOUT, attempt).await {
                Ok(classified) => classified,
                Err(_) => (
                    Err(ConnectorError::timeout(
                        format!("AWS did not answer within {} s", ATTEMPT_TIMEOUT.as_secs()).into(),
                    )),
                    Outcome::Error,
                ),
            };
            budget.outcomes().record(&service, &op, outcome);
            answer
        })
    }
}

/// What aws-config builds when no client is given (aws-smithy-runtime's
/// `default_https_client`): hyper with rustls on aws-lc, the SDK's
/// connector settings and sleep, and proxies from the environment
/// (`HTTPS_PROXY`, `NO_PROXY`), as behaviour version 2025-08-07 on does.
fn default_https_client() -> SharedHttpClient {
    Builder::new().build_with_connector_fn(|settings, components| {
        let mut conn = Connector::builder().tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc));
        conn.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            conn.set_sleep_impl(components.sleep_impl());
        }
        conn.set_proxy_config(Some(ProxyConfig::from_env()));
        conn.build()
    })
}

/// `(service, operation)` of a signed request, as `aws::quotas` names them;
/// `""` where the request does not say.
///
/// - AWS JSON 1.0/1.1 (ECS, ECR, Logs): `X-Amz-Target: Prefix.Operation`.
/// - Smithy RPC v2 CBOR (newer CloudWatch): `/service/S/operation/Op`.
/// - AWS query (ELBv2, STS): `Action=Operation` in the form body.
///
/// The service is the target prefix's when known, else the SigV4 signing
/// name from `Authorization`, else the host's first label.
pub(crate) fn operation(request: &HttpRequest) -> (&str, &str) {
    let headers = request.headers();
    let signing = headers
        .get("authorization")
        .and_then(signing_name)
        .unwrap_or_else(|| host_service(request.uri()));
    if let Some((prefix, op)) = headers.get("x-amz-target").and_then(|t| t.split_once('.')) {
        let service = match prefix {
            "AmazonEC2ContainerServiceV20141113" => "ecs",
            "AmazonEC2ContainerRegistry_V20150921" => "ecr",
            "Logs_20140328" => "logs",
            _ => signing,
        };
        return (service, op);
    }
    if let Some(op) = rpc_v2_operation(request.uri()) {
        return (signing, op);
    }
    let op = request.body().bytes().and_then(query_action).unwrap_or("");
    (signing, op)
}

/// `ecs` from `AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/ecs/aws4_request, …`
/// (SigV4a leaves the region out; the name is always before `aws4_request`).
fn signing_name(authorization: &str) -> Option<&str> {
    let credential = authorization.split("Credential=").nth(1)?;
    let scope = credential.split([',', ' ']).next()?;
    let mut parts = scope.rsplit('/');
    match (parts.next(), parts.next()) {
        (Some("aws4_request"), Some(name)) if !name.is_empty() => Some(name),
        _ => None,
    }
}

/// `ecs` from `https://ecs.us-east-1.amazonaws.com/`, `ecr` from `api.ecr.…`.
fn host_service(uri: &str) -> &str {
    let host = uri
        .split_once("://")
        .map_or(uri, |(_, rest)| rest)
        .split(['/', ':', '?'])
        .next()
        .unwrap_or("");
    let mut labels = host.split('.');
    match (labels.next(), labels.next()) {
        (Some("api"), Some(second)) => second,
        (Some(first), _) => first,
        _ => "",
    }
}

/// `GetMetricData` from `…/service/GraniteServiceVersion20100801/operation/GetMetricData`.
fn rpc_v2_operation(uri: &str) -> Option<&str> {
    let path = uri.split('?').next()?;
    let (_, rest) = path.split_once("/service/")?;
    let (_, op) = rest.split_once("/operation/")?;
    Some(op.trim_end_matches('/')).filter(|op| !op.is_empty() && !op.contains('/'))
}

/// `DescribeLoadBalancers` from `Action=DescribeLoadBalancers&Version=2015-12-01`.
fn query_action(body: &[u8]) -> Option<&str> {
    let body = std::str::from_utf8(body).ok()?;
    body.split('&')
        .find_map(|pair| pair.strip_prefix("Action="))
        .filter(|op| op.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_types::body::SdkBody;

    fn request(uri: &str, headers: &[(&'static str, &str)], body: &str) -> HttpRequest {
        let mut req = HttpRequest::new(SdkBody::from(body.to_string()));
        req.set_uri(uri).expect("uri");
        for (k, v) in headers {
            req.headers_mut().insert(*k, v.to_string());
        }
        req
    }

    const AUTH: &str = "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/SERVICE/aws4_request, SignedHeaders=host, Signature=00";

    #[test]
    fn names_json_rpc_cbor_and_query_operations() {
        let ecs = request(
            "http://127.0.0.1:4510/",
            &[(
                "x-amz-target",
                "AmazonEC2ContainerServiceV20141113.DescribeServices",
            )],
            "{}",
        );
        assert_eq!(operation(&ecs), ("ecs", "DescribeServices"));
        let ecr = request(
            "https://api.ecr.us-east-1.amazonaws.com/",
            &[(
                "x-amz-target",
                "AmazonEC2ContainerRegistry_V20150921.DescribeImages",
            )],
            "{}",
        );
        assert_eq!(operation(&ecr), ("ecr", "DescribeImages"));
        let auth = AUTH.replace("SERVICE", "monitoring");
        let cbor = request(
            "https://monitoring.us-east-1.amazonaws.com/service/GraniteServiceVersion20100801/operation/GetMetricData",
            &[("authorization", &auth)],
            "",
        );
        assert_eq!(operation(&cbor), ("monitoring", "GetMetricData"));
        let auth = AUTH.replace("SERVICE", "elasticloadbalancing");
        let query = request(
            "https://elasticloadbalancing.us-east-1.amazonaws.com/",
            &[("authorization", &auth)],
            "Action=DescribeLoadBalancers&Version=2015-12-01",
        );
        assert_eq!(
            operation(&query),
            ("elasticloadbalancing", "DescribeLoadBalancers")
        );
        let unsigned = request("https://sts.amazonaws.com/", &[], "Version=1");
        assert_eq!(operation(&unsigned), ("sts", ""));
    }
}

#[cfg(test)]
mod timeout_tests;
