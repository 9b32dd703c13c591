//! A service's Application Auto Scaling (scalable target, policies,
//! scheduled actions, recent activities): cached like the service and
//! renewed by the refresher while its page is watched; at most four
//! Application Auto Scaling calls a read, under the budget.

use std::sync::Arc;

use super::{Fleet, Fresh};
use crate::aws::AwsError;
use crate::domain::Autoscaling;

fn key(cluster: &str, service: &str) -> String {
    format!("{cluster}/service/{service}/autoscaling")
}

impl Fleet {
    /// What autoscaling holds for `cluster/service`, waiting for the first
    /// read.
    pub async fn service_autoscaling(
        &self,
        cluster: &str,
        service: &str,
    ) -> Result<Fresh<Arc<Autoscaling>>, AwsError> {
        let aws = self.aws.clone();
        let (c, s) = (cluster.to_string(), service.to_string());
        self.autoscaling
            .get(&key(cluster, service), move || {
                let (aws, c, s) = (aws.clone(), c.clone(), s.clone());
                async move { Ok(Arc::new(aws.service_autoscaling(&c, &s).await?)) }
            })
            .await
    }

    /// Forgets `cluster/service`'s autoscaling (after a min/max change).
    pub fn forget_autoscaling(&self, cluster: &str, service: &str) {
        self.autoscaling.invalidate(&key(cluster, service));
    }
}
