//! The only code that imports `aws_sdk_*`: client construction, calls, and
//! conversion of SDK types into `crate::domain` types.

mod clients;
pub mod config;
mod error;

pub use clients::AwsClients;
pub use error::{AwsError, classify};
