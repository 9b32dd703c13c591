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
