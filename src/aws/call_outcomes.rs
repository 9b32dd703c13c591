//! What AWS answered each request attempt, counted per operation: the
//! source of `/metrics`' `ecsdeck_aws_calls_total`.
//!
//! `BudgetedClient` records one outcome per attempt it sent (SDK retries
//! included, exactly what AWS — or the sandbox's `/_sandbox/stats` — sees);
//! an attempt that never got a token is not sent and not counted here (the
//! budget's `waited` counts it). Keys are `(service, operation)` as the
//! SDK's own requests name them, a set fixed by the code; the map is capped
//! anyway, past which attempts count under `other`.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::byte_stream::ByteStream;

/// Distinct `(service, operation)` pairs kept; ecsdeck calls far fewer.
const MAX_OPERATIONS: usize = 256;

/// How one attempt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// AWS answered 2xx/3xx.
    Ok,
    /// AWS answered with a throttling error (429, or a 4xx whose error
    /// code is one of the SDK's throttling codes).
    Throttled,
    /// Any other error answer, or no answer (connection, timeout).
    Error,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Throttled => "throttled",
            Self::Error => "error",
        }
    }
}

/// One line of the counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallCount {
    /// IAM's service prefix: `ecs`, `logs`, `cloudwatch`…
    pub service: String,
    pub operation: String,
    pub outcome: Outcome,
    pub count: u64,
}

/// Attempts by service, operation and outcome.
#[derive(Debug, Default)]
pub struct CallOutcomes {
    counts: Mutex<BTreeMap<(String, String, Outcome), u64>>,
}

impl CallOutcomes {
    /// Counts one attempt of `service:op` (the request's signing name).
    pub fn record(&self, service: &str, op: &str, outcome: Outcome) {
        // Named as IAM (and `/_sandbox/stats`) name them: CloudWatch signs
        // as `monitoring`.
        let service = match service {
            "monitoring" => "cloudwatch",
            other => other,
        };
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        let key = (service.to_string(), op.to_string(), outcome);
        if !counts.contains_key(&key) && counts.len() >= MAX_OPERATIONS {
            *counts
                .entry(("other".to_string(), "other".to_string(), outcome))
                .or_default() += 1;
            return;
        }
        *counts.entry(key).or_default() += 1;
    }

    /// Every count, ordered by service, operation and outcome.
    pub fn snapshot(&self) -> Vec<CallCount> {
        let counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        counts
            .iter()
            .map(|((service, operation, outcome), count)| CallCount {
                service: service.clone(),
                operation: operation.clone(),
                outcome: *outcome,
                count: *count,
            })
            .collect()
    }
}

/// Error codes the SDK's standard retry strategy treats as throttling
/// (aws-runtime's `THROTTLING_ERRORS`).
const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// The largest error body looked into for its code (AWS's are a few
/// hundred bytes; the code comes first).
const ERROR_PEEK: usize = 4096;

/// Classifies `answer` and gives it back unchanged. An error answer's body
/// is read into memory (the SDK reads it whole anyway) to find its code:
/// JSON `__type`, query `<Code>` and CBOR `__type` all carry it as a plain
/// token.
pub(crate) async fn classify(
    answer: Result<HttpResponse, ConnectorError>,
) -> (Result<HttpResponse, ConnectorError>, Outcome) {
    let mut response = match answer {
        Ok(r) => r,
        Err(e) => return (Err(e), Outcome::Error),
    };
    let status = response.status().as_u16();
    if status < 400 {
        return (Ok(response), Outcome::Ok);
    }
    if status == 429 {
        return (Ok(response), Outcome::Throttled);
    }
    if let Some(kind) = response.headers().get("x-amzn-errortype") {
        let code = kind.split(':').next().unwrap_or("");
        let code = code.rsplit('#').next().unwrap_or(code);
        let outcome = if THROTTLING_CODES.contains(&code) {
            Outcome::Throttled
        } else {
            Outcome::Error
        };
        return (Ok(response), outcome);
    }
    let body = response.take_body();
    match ByteStream::new(body).collect().await {
        Ok(bytes) => {
            let bytes = bytes.into_bytes();
            let peek = &bytes[..bytes.len().min(ERROR_PEEK)];
            let outcome = if names_throttling(peek) {
                Outcome::Throttled
            } else {
                Outcome::Error
            };
            *response.body_mut() = SdkBody::from(bytes);
            (Ok(response), outcome)
        }
        Err(e) => (
            Err(ConnectorError::io(
                format!("reading AWS's error answer: {e}").into(),
            )),
            Outcome::Error,
        ),
    }
}

/// Whether `body` holds one of the throttling codes as a whole token (not
/// part of a longer word; in CBOR the byte before is the string's length
/// header, which may look like a letter).
fn names_throttling(body: &[u8]) -> bool {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    THROTTLING_CODES.iter().any(|code| {
        let code = code.as_bytes();
        let len = u8::try_from(code.len()).unwrap_or(u8::MAX);
        let starts = |i: usize| {
            i == 0
                || !word(body[i - 1])
                || (len < 24 && body[i - 1] == 0x60 + len)
                || (i >= 2 && body[i - 2] == 0x78 && body[i - 1] == len)
        };
        body.windows(code.len()).enumerate().any(|(i, w)| {
            w == code && starts(i) && body.get(i + code.len()).is_none_or(|b| !word(*b))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_throttling_codes_in_json_xml_and_cbor_bodies() {
        assert!(names_throttling(
            br#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#
        ));
        assert!(names_throttling(
            br#"{"__type":"com.amazonaws#ThrottlingException"}"#
        ));
        assert!(names_throttling(
            b"<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>"
        ));
        assert!(names_throttling(b"\xa1f__typesThrottlingException"));
        assert!(!names_throttling(
            br#"{"__type":"ClusterNotFoundException","message":"Cluster not found."}"#
        ));
        assert!(!names_throttling(
            br#"{"__type":"NotThrottlingExceptional"}"#
        ));
    }

    #[test]
    fn counts_are_capped_and_name_cloudwatch_as_iam_does() {
        let c = CallOutcomes::default();
        c.record("monitoring", "GetMetricData", Outcome::Ok);
        c.record("ecs", "ListClusters", Outcome::Throttled);
        c.record("ecs", "ListClusters", Outcome::Throttled);
        let s = c.snapshot();
        assert_eq!(s[0].service, "cloudwatch");
        assert_eq!((s[1].operation.as_str(), s[1].count), ("ListClusters", 2));
        for i in 0..MAX_OPERATIONS + 10 {
            c.record("ecs", &format!("Op{i}"), Outcome::Ok);
        }
        let s = c.snapshot();
        assert!(s.len() <= MAX_OPERATIONS + 1);
        assert!(s.iter().any(|x| x.service == "other" && x.count >= 10));
    }
}
