//! The only code that imports `aws_sdk_*`: client construction, calls, and
//! conversion of SDK types into `crate::domain` types.

pub mod assume;
mod autoscaling;
pub mod budget;
mod budgeted_client;
pub mod call_outcomes;
mod clients;
mod cloudwatch;
mod cloudwatch_alarms;
pub mod config;
mod convert;
mod ecr;
mod ecs_actions;
mod ecs_clusters;
mod ecs_deployments;
mod ecs_services;
mod ecs_task_definitions;
mod ecs_tasks;
mod elb;
mod error;
mod logs;
mod logs_live;
pub mod quotas;
mod readiness;

pub use assume::RoleSpec;
pub use budget::{Budget, BudgetClock, GroupUsage};
pub use budgeted_client::BudgetedClient;
pub use clients::AwsClients;
pub use cloudwatch::GET_METRIC_DATA_BATCH;
pub use ecs_actions::ServiceUpdate;
pub use ecs_clusters::DESCRIBE_CLUSTERS_BATCH;
pub use ecs_deployments::DESCRIBE_DEPLOYMENTS_BATCH;
pub use ecs_services::DESCRIBE_SERVICES_BATCH;
pub use ecs_tasks::{DESCRIBE_TASKS_BATCH, TaskQuery};
pub use error::{AwsError, classify};
pub use logs::{EventsQuery, FilterQuery, MAX_EVENTS_PER_CALL};
pub use logs_live::{LiveTail, LiveUpdate};
pub use readiness::EnvReadiness;
