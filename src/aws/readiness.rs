//! Whether an environment can be served: its credentials resolve and its
//! ECS endpoint answers. `/readyz` asks; the answer is kept for
//! `FRESH_FOR` and concurrent probes share one check, so probes can never
//! make ecsdeck call AWS (or STS, IMDS, the container credentials
//! endpoint) more than once per environment in that time.

use std::time::Duration;

use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_smithy_types::error::display::DisplayErrorContext;
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::AwsClients;

/// How long one check's answer is reused.
pub const FRESH_FOR: Duration = Duration::from_secs(30);
/// The longest one part of a check may take.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(5);
/// Error texts are clipped to this many characters.
const MESSAGE_MAX: usize = 300;

/// One environment's readiness: each part Ok or why not (never secrets:
/// error texts name providers and endpoints, not keys).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvReadiness {
    pub credentials: Result<(), String>,
    /// ecs:ListClusters (one page of one): skipped when credentials fail.
    pub aws: Result<(), String>,
}

impl EnvReadiness {
    pub fn is_ready(&self) -> bool {
        self.credentials.is_ok() && self.aws.is_ok()
    }
}

/// The last check of one environment (shared by the clients' clones).
#[derive(Debug, Default)]
pub(crate) struct ReadinessCache {
    last: Mutex<Option<(Instant, EnvReadiness)>>,
}

impl AwsClients {
    /// This environment's readiness, checked at most once per `FRESH_FOR`.
    pub async fn readiness(&self) -> EnvReadiness {
        // Held across the check: a second probe waits for the first's
        // answer instead of starting its own.
        let mut last = self.readiness.last.lock().await;
        if let Some((at, answer)) = last.as_ref()
            && at.elapsed() < FRESH_FOR
        {
            return answer.clone();
        }
        let credentials = check_credentials(self.credentials.as_ref()).await;
        let aws = match &credentials {
            Ok(()) => self.check_endpoint().await,
            Err(_) => Err("not checked: no credentials".to_string()),
        };
        let answer = EnvReadiness { credentials, aws };
        *last = Some((Instant::now(), answer.clone()));
        answer
    }

    async fn check_endpoint(&self) -> Result<(), String> {
        let call = self.ecs.list_clusters().max_results(1).send();
        match tokio::time::timeout(CHECK_TIMEOUT, call).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(clip(super::classify(e).to_string())),
            Err(_) => Err(format!(
                "ECS did not answer within {} s",
                CHECK_TIMEOUT.as_secs()
            )),
        }
    }
}

async fn check_credentials(provider: Option<&SharedCredentialsProvider>) -> Result<(), String> {
    let Some(provider) = provider else {
        return Err("no credentials provider is configured".to_string());
    };
    match tokio::time::timeout(CHECK_TIMEOUT, provider.provide_credentials()).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(clip(DisplayErrorContext(&e).to_string())),
        Err(_) => Err(format!(
            "credentials did not resolve within {} s",
            CHECK_TIMEOUT.as_secs()
        )),
    }
}

fn clip(text: String) -> String {
    if text.chars().count() <= MESSAGE_MAX {
        return text;
    }
    let mut t: String = text.chars().take(MESSAGE_MAX).collect();
    t.push('…');
    t
}
