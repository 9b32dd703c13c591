//! CloudWatch alarms on ECS clusters and services: one list per
//! environment (DescribeAlarms, 100 a page), cached a minute, renewed by
//! the refresher while the overview or a service page is watched.

use std::sync::Arc;

use futures::FutureExt;
use futures::future::BoxFuture;

use super::cache::Loaded;
use super::shared::kind;
use super::{Fleet, Fresh};
use crate::aws::AwsError;
use crate::domain::{Alarm, AlarmState};

const KEY: &str = "alarms";

impl Fleet {
    /// Every alarm on an ECS cluster or service, waiting for the first read.
    pub async fn alarms(&self) -> Result<Fresh<Arc<Vec<Alarm>>>, AwsError> {
        self.alarms.get_dated(KEY, self.alarms_loader()).await
    }

    /// Reads the list (shared with other replicas).
    fn alarms_loader(
        &self,
    ) -> impl Fn() -> BoxFuture<'static, Loaded<Arc<Vec<Alarm>>>> + Send + Sync + 'static {
        let (aws, shared) = (self.aws.clone(), self.shared.clone());
        move || {
            let aws = aws.clone();
            let read = async move { Ok(Arc::new(aws.ecs_alarms().await?)) };
            shared.load(kind::ALARMS, KEY.to_string(), read).boxed()
        }
    }

    /// The alarms in ALARM if a copy is in memory (the overview never waits
    /// for CloudWatch; its next refresh shows them). A failed read is
    /// logged and shows nothing.
    pub fn firing_alarms(&self) -> Vec<Alarm> {
        let held = self.alarms.get_or_start_dated(KEY, self.alarms_loader());
        match held {
            Ok(Some(all)) => all
                .iter()
                .filter(|a| a.state == AlarmState::Alarm)
                .cloned()
                .collect(),
            Ok(None) => Vec::new(),
            Err(e) => {
                tracing::warn!(error = %e, "alarms unavailable");
                Vec::new()
            }
        }
    }
}
