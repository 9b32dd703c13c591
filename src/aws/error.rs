//! `AwsError`: what an SDK failure means to the dashboard. SDK error types
//! never leave `src/aws/`; they become one of these here.

use aws_sdk_ecs::error::{ProvideErrorMetadata, SdkError};

/// A failed AWS call, classified. `code` is AWS's error code (e.g.
/// `ClusterNotFoundException`), `message` AWS's own text.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum AwsError {
    #[error("{code}: {message}")]
    NotFound { code: String, message: String },
    #[error("{code}: {message}")]
    AccessDenied { code: String, message: String },
    #[error("{code}: {message}")]
    Throttled { code: String, message: String },
    #[error("{code}: {message}")]
    Invalid { code: String, message: String },
    #[error("{code}: {message}")]
    Unavailable { code: String, message: String },
}

impl AwsError {
    /// AWS's error code, or a descriptive one for transport failures.
    pub fn code(&self) -> &str {
        match self {
            Self::NotFound { code, .. }
            | Self::AccessDenied { code, .. }
            | Self::Throttled { code, .. }
            | Self::Invalid { code, .. }
            | Self::Unavailable { code, .. } => code,
        }
    }

    /// AWS's message.
    pub fn message(&self) -> &str {
        match self {
            Self::NotFound { message, .. }
            | Self::AccessDenied { message, .. }
            | Self::Throttled { message, .. }
            | Self::Invalid { message, .. }
            | Self::Unavailable { message, .. } => message,
        }
    }

    /// Classifies an error code and message as AWS sent them.
    pub fn from_code(code: &str, message: &str) -> Self {
        let (code, message) = (code.to_string(), message.to_string());
        let lower = code.to_ascii_lowercase();
        if lower.contains("notfound")
            || lower.contains("notactive")
            || lower == "resourcenotfoundexception"
        {
            Self::NotFound { code, message }
        } else if lower.contains("accessdenied")
            || lower.contains("unauthorized")
            || lower.contains("expiredtoken")
        {
            Self::AccessDenied { code, message }
        } else if lower.contains("throttl")
            || lower.contains("toomanyrequests")
            || lower.contains("limitexceeded")
        {
            Self::Throttled { code, message }
        } else if lower.contains("invalid")
            || lower.contains("validation")
            || lower.contains("client")
        {
            Self::Invalid { code, message }
        } else {
            Self::Unavailable { code, message }
        }
    }
}

/// Converts any SDK error (ECS, ECR or Logs operation) into an `AwsError`.
pub fn classify<E, R>(err: SdkError<E, R>) -> AwsError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    if let Some(problem) = credentials_problem(&err) {
        return problem;
    }
    match &err {
        SdkError::ServiceError(service) => {
            let e = service.err();
            AwsError::from_code(
                e.code().unwrap_or("UnknownError"),
                e.message().unwrap_or(""),
            )
        }
        SdkError::TimeoutError(_) => AwsError::Unavailable {
            code: "Timeout".to_string(),
            message: "AWS did not answer in time".to_string(),
        },
        SdkError::DispatchFailure(_) => AwsError::Unavailable {
            code: "ConnectionFailed".to_string(),
            message: "could not reach the AWS endpoint".to_string(),
        },
        _ => AwsError::Unavailable {
            code: "ResponseError".to_string(),
            message: "AWS answered with something ecsdeck could not read".to_string(),
        },
    }
}

/// Credentials that could not be had (expired, a role that cannot be
/// assumed, an unreachable STS): the SDK reports them as a failure to send,
/// but people need to hear it is about credentials.
fn credentials_problem(err: &(dyn std::error::Error + 'static)) -> Option<AwsError> {
    use aws_credential_types::provider::error::CredentialsError;
    let mut chain = Some(err);
    let mut found = false;
    let mut text = Vec::new();
    while let Some(e) = chain {
        found |= e.downcast_ref::<CredentialsError>().is_some();
        if found {
            text.push(e.to_string());
        }
        chain = e.source();
    }
    if !found {
        return None;
    }
    let mut detail = text.join(": ");
    if detail.len() > 300 {
        let cut = (0..=300)
            .rev()
            .find(|i| detail.is_char_boundary(*i))
            .unwrap_or(0);
        detail.truncate(cut);
        detail.push('…');
    }
    let lower = detail.to_ascii_lowercase();
    if lower.contains("dispatch failure")
        || lower.contains("timed out")
        || lower.contains("timeout")
    {
        return Some(AwsError::Unavailable {
            code: "ConnectionFailed".to_string(),
            message:
                "could not reach the AWS endpoint (STS, to get this environment's credentials)"
                    .to_string(),
        });
    }
    if lower.contains("expired") {
        return Some(AwsError::AccessDenied {
            code: "ExpiredToken".to_string(),
            message: format!("the AWS credentials have expired ({detail})"),
        });
    }
    Some(AwsError::AccessDenied {
        code: "CredentialsUnavailable".to_string(),
        message: format!("could not get AWS credentials for this environment ({detail})"),
    })
}
