//! The only code that imports `aws_sdk_*`: client construction, calls, and
//! conversion of SDK types into `crate::domain` types.

pub mod config;
