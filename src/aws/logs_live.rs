//! CloudWatch Logs Live Tail (StartLiveTail): one push session over an
//! event stream for a log group, its updates converted into
//! `crate::domain::LogEvent`s. The group is named by its ARN, as the API
//! requires, read from DescribeLogGroups first (both calls spend the
//! budget: StartLiveTail has its own bucket, `logs:start-live-tail`).
//!
//! StartLiveTail's endpoint carries a host prefix (`stream-`). Against an
//! endpoint URL on a loopback address or `localhost` (the sandbox, or a
//! local stand-in) a prefixed host cannot resolve, so the prefix is
//! dropped there and only there.

use aws_sdk_cloudwatchlogs::types::StartLiveTailResponseStream;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::endpoint::EndpointPrefix;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use super::{AwsClients, AwsError, classify};
use crate::domain::{LogEvent, Timestamp};

/// A running Live Tail session.
pub struct LiveTail {
    out: aws_sdk_cloudwatchlogs::operation::start_live_tail::StartLiveTailOutput,
}

/// What a session sent next.
#[derive(Debug)]
pub enum LiveUpdate {
    /// New events (possibly none: a heartbeat); `sampled` when AWS left
    /// some out (more than 500 a second).
    Events {
        events: Vec<LogEvent>,
        sampled: bool,
    },
    /// The session ended (AWS closed it, or its 3 hours are over).
    Ended(Option<AwsError>),
}

#[derive(Debug)]
struct NoHostPrefix;

impl Intercept for NoHostPrefix {
    fn name(&self) -> &'static str {
        "NoHostPrefix"
    }

    fn modify_before_retry_loop(
        &self,
        _context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        cfg.interceptor_state().unset::<EndpointPrefix>();
        Ok(())
    }
}

/// Whether `endpoint` is a local address, where host prefixes cannot work.
pub(crate) fn is_local_endpoint(endpoint: Option<&str>) -> bool {
    let Some(url) = endpoint else {
        return false;
    };
    let host = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split(['/', '?'])
        .next()
        .unwrap_or("");
    let host = host.rsplit_once(':').map_or(host, |(h, port)| {
        if port.chars().all(|c| c.is_ascii_digit()) {
            h
        } else {
            host
        }
    });
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost" || host.parse::<std::net::IpAddr>().is_ok()
}

impl AwsClients {
    /// Starts a Live Tail session on the whole of `group` (every stream:
    /// the caller filters per viewer).
    pub async fn start_live_tail(&self, group: &str) -> Result<LiveTail, AwsError> {
        let out = self
            .logs
            .describe_log_groups()
            .log_group_name_prefix(group)
            .limit(5)
            .send()
            .await
            .map_err(classify)?;
        let arn = out
            .log_groups()
            .iter()
            .find(|g| g.log_group_name() == Some(group))
            .and_then(|g| g.log_group_arn())
            .ok_or_else(|| AwsError::NotFound {
                code: "ResourceNotFoundException".to_string(),
                message: format!("log group {group} not found"),
            })?
            .to_string();
        let start = self.logs.start_live_tail().log_group_identifiers(arn);
        let out = if self.local_endpoint {
            start.customize().interceptor(NoHostPrefix).send().await
        } else {
            start.send().await
        }
        .map_err(classify)?;
        Ok(LiveTail { out })
    }
}

impl LiveTail {
    /// Waits for the session's next message.
    pub async fn next(&mut self) -> LiveUpdate {
        match self.out.response_stream.recv().await {
            Ok(Some(StartLiveTailResponseStream::SessionUpdate(u))) => LiveUpdate::Events {
                events: u
                    .session_results()
                    .iter()
                    .map(|e| LogEvent {
                        timestamp: Timestamp::from_millis(e.timestamp().unwrap_or(0)),
                        message: e.message().unwrap_or("").to_string(),
                        stream: e.log_stream_name().unwrap_or("").to_string(),
                    })
                    .collect(),
                sampled: u.session_metadata().is_some_and(|m| m.sampled()),
            },
            Ok(Some(_)) => LiveUpdate::Events {
                events: Vec::new(),
                sampled: false,
            },
            Ok(None) => LiveUpdate::Ended(None),
            Err(e) => LiveUpdate::Ended(Some(classify(e))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_endpoints_lose_the_host_prefix() {
        assert!(is_local_endpoint(Some("http://127.0.0.1:4566")));
        assert!(is_local_endpoint(Some("http://localhost:4566/")));
        assert!(is_local_endpoint(Some("http://[::1]:80")));
        assert!(!is_local_endpoint(Some(
            "https://logs.eu-west-1.amazonaws.com"
        )));
        assert!(!is_local_endpoint(None));
    }
}
